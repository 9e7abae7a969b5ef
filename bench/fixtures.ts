/**
 * Deterministic benchmark fixtures: the same seed gives the same tree, byte for byte, on every
 * machine, so peers and eigen-s3 are measured on identical data.
 *
 * @module
 */

import { join } from "node:path";

/** A seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills `buf` with pseudo-random bytes from `rand` (incompressible, fast). */
export function fillRandom(buf: Uint8Array, rand: () => number): void {
  const words = new Uint32Array(buf.buffer, buf.byteOffset, Math.floor(buf.length / 4));
  for (let i = 0; i < words.length; i++) words[i] = (rand() * 4294967296) >>> 0;
  for (let i = words.length * 4; i < buf.length; i++) buf[i] = (rand() * 256) | 0;
}

/** Relative path of file `i` in a tree of photo-like folders (about 100 files per folder). */
export function treePath(i: number): string {
  const year = 2010 + (i % 13);
  const album = Math.floor(i / 100) % 1000;
  return join(
    String(year),
    `album-${String(album).padStart(3, "0")}`,
    `IMG_${String(i).padStart(6, "0")}.jpg`,
  );
}

/** Writes `count` files of `minSize`..`maxSize` bytes under `root`; returns total bytes. */
export async function makeTree(
  root: string,
  count: number,
  minSize: number,
  maxSize: number,
  seed: number,
): Promise<number> {
  const rand = prng(seed);
  const buf = new Uint8Array(maxSize);
  let total = 0;
  const mtime = new Date("2024-01-01T00:00:00Z");
  for (let i = 0; i < count; i++) {
    const size = minSize + Math.floor(rand() * (maxSize - minSize + 1));
    fillRandom(buf.subarray(0, size), rand);
    const path = join(root, treePath(i));
    await Deno.mkdir(join(path, ".."), { recursive: true });
    await Deno.writeFile(path, buf.subarray(0, size));
    await Deno.utime(path, mtime, mtime);
    total += size;
  }
  return total;
}

/** Rewrites `fraction` of the tree's files (new bytes, new mtime), different files per `round`. */
export async function changeFraction(
  root: string,
  count: number,
  fraction: number,
  round: number,
): Promise<string[]> {
  const n = Math.max(1, Math.round(count * fraction));
  const rand = prng(1000 + round);
  const changed: string[] = [];
  const start = Math.floor(rand() * count);
  const step = Math.max(1, Math.floor(count / n));
  for (let k = 0; k < n; k++) {
    const i = (start + k * step) % count;
    const path = join(root, treePath(i));
    const old = await Deno.stat(path);
    const buf = new Uint8Array(old.size);
    fillRandom(buf, rand);
    await Deno.writeFile(path, buf);
    const when = new Date(Date.UTC(2025, 0, 1) + round * 60_000 + k);
    await Deno.utime(path, when, when);
    changed.push(path);
  }
  return changed;
}

/** Writes one file of `size` bytes (streamed in 8 MiB blocks). */
export async function makeBigFile(path: string, size: number, seed: number): Promise<void> {
  const rand = prng(seed);
  const block = new Uint8Array(8 * 1024 * 1024);
  await Deno.mkdir(join(path, ".."), { recursive: true });
  using f = await Deno.open(path, { write: true, create: true, truncate: true });
  for (let off = 0; off < size; off += block.length) {
    const piece = block.subarray(0, Math.min(block.length, size - off));
    fillRandom(piece, rand);
    let w = 0;
    while (w < piece.length) w += await f.write(piece.subarray(w));
  }
}
