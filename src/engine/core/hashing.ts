/**
 * MD5 of files and bytes (not in WebCrypto, so node:crypto), streamed in fixed-size chunks so
 * memory stays flat whatever the file size.
 *
 * @module
 */

import { createHash, type Hash } from "node:crypto";
import { throwIfAborted } from "./errors.ts";

/** Chunk size for file reads. */
export const READ_CHUNK = 1024 * 1024;

/** Both encodings of one MD5 digest. */
export interface Md5 {
  hex: string;
  base64: string;
}

function digest(hash: Hash): Md5 {
  const buf = hash.digest();
  return { hex: buf.toString("hex"), base64: buf.toString("base64") };
}

/** MD5 of a byte array. */
export function md5Bytes(bytes: Uint8Array): Md5 {
  return digest(createHash("md5").update(bytes));
}

/**
 * Streams `length` bytes of an open file starting at `offset` into `onChunk`, reusing one buffer.
 * Returns the number of bytes read (less than `length` when the file is shorter).
 */
export async function readRange(
  file: Deno.FsFile,
  offset: number,
  length: number,
  onChunk: (chunk: Uint8Array) => void,
  signal?: AbortSignal,
): Promise<number> {
  await file.seek(offset, Deno.SeekMode.Start);
  const buf = new Uint8Array(Math.min(READ_CHUNK, Math.max(1, length)));
  let done = 0;
  while (done < length) {
    throwIfAborted(signal);
    const n = await file.read(buf.subarray(0, Math.min(buf.length, length - done)));
    if (n === null || n === 0) break;
    onChunk(buf.subarray(0, n));
    done += n;
  }
  return done;
}

/** MD5 of a whole file, streamed. `onBytes` reports progress. */
export async function md5File(
  path: string,
  signal?: AbortSignal,
  onBytes?: (n: number) => void,
): Promise<Md5 & { size: number }> {
  const hash = createHash("md5");
  using file = await Deno.open(path, { read: true });
  const size = await readRange(file, 0, Number.MAX_SAFE_INTEGER, (c) => {
    hash.update(c);
    onBytes?.(c.length);
  }, signal);
  return { ...digest(hash), size };
}

/** A running MD5 for streaming writers. */
export function md5Stream(): { update(chunk: Uint8Array): void; finish(): Md5 } {
  const hash = createHash("md5");
  return {
    update(chunk) {
      hash.update(chunk);
    },
    finish: () => digest(hash),
  };
}
