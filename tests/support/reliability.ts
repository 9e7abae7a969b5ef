/**
 * Support for the reliability suite (tests/reliability/): seeded trees, snapshots of local
 * folders and of stored objects, a CLI runner that can be killed, and the one-line summaries
 * each scenario prints (also appended as JSON lines to $EIGEN_RELIABILITY_REPORT when set, which
 * is where RELIABILITY.md's figures come from).
 *
 * @module
 */

import { join } from "node:path";
import {
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { md5Bytes } from "../../src/engine/core/hashing.ts";
import { seededRandom } from "./s3_proxy.ts";
import { assertEquals } from "./assert.ts";
import { getObject, type Sandbox, TEST_ACCESS_KEY, TEST_SECRET_KEY } from "./test_env.ts";

export { seededRandom };

/** MiB in bytes. */
export const MiB = 1024 * 1024;

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** Prints the scenario's one-line summary and records its figures. */
export async function summary(
  scenario: string,
  line: string,
  figures: Record<string, unknown> = {},
): Promise<void> {
  console.log(`reliability: ${scenario}: ${line}`);
  const file = Deno.env.get("EIGEN_RELIABILITY_REPORT");
  if (file) {
    await Deno.writeTextFile(
      file,
      JSON.stringify({ scenario, line, ...figures, at: new Date().toISOString() }) + "\n",
      { append: true },
    );
  }
}

/**
 * "reset 101, slowdown 97" from a proxy's fault tally, with the total of real faults (requests
 * only delayed by `latency` or `hold` are listed but not counted as faults).
 */
export function describeFaults(faults: Record<string, number>): { total: number; text: string } {
  const entries = Object.entries(faults).filter(([, n]) => n > 0).sort();
  const total = entries.filter(([k]) => k !== "latency" && k !== "hold")
    .reduce((n, [, c]) => n + c, 0);
  return {
    total,
    text: entries.map(([k, c]) => k === "latency" ? `${c} delayed` : `${k} ${c}`).join(", ") ||
      "none",
  };
}

/** Deterministic bytes from `seed` (fast: 4 bytes per step). */
export function seededBytes(size: number, seed: number): Uint8Array {
  const random = seededRandom(seed);
  const words = new Uint32Array(Math.ceil(size / 4));
  for (let i = 0; i < words.length; i++) words[i] = (random() * 4294967296) >>> 0;
  return new Uint8Array(words.buffer, 0, size);
}

/** MD5 (hex) of bytes. */
export function md5Hex(bytes: Uint8Array): string {
  return md5Bytes(bytes).hex;
}

/** One entry of a folder snapshot: what lstat sees, and the MD5 of regular files. */
export interface SnapEntry {
  kind: "file" | "dir" | "symlink" | "other";
  size: number;
  md5?: string;
}

/** Every entry under `root` (relative "/" paths), never following links. */
export async function snapshotTree(root: string): Promise<Map<string, SnapEntry>> {
  const out = new Map<string, SnapEntry>();
  const walk = async (dir: string, rel: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      throw e;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      const r = rel === "" ? e.name : `${rel}/${e.name}`;
      const st = await Deno.lstat(path).catch(() => null);
      if (!st) continue;
      if (st.isSymlink) out.set(r, { kind: "symlink", size: 0 });
      else if (st.isDirectory) {
        out.set(r, { kind: "dir", size: 0 });
        await walk(path, r);
      } else if (st.isFile) {
        const bytes = await Deno.readFile(path).catch(() => null);
        out.set(r, {
          kind: "file",
          size: st.size,
          ...(bytes ? { md5: md5Hex(bytes) } : {}),
        });
      } else out.set(r, { kind: "other", size: 0 });
    }
  };
  await walk(root, "");
  return out;
}

/** What one stored object holds. */
export interface StoredObject {
  size: number;
  md5: string;
  /** x-amz-meta-md5chksum decoded to hex, when present. */
  metaMd5?: string;
  etag: string;
}

/** Runs `fn` over `items` with at most `limit` at once. */
export async function boundedMap<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** All objects under `prefix` with the MD5 of their bytes (read with the independent client). */
export async function storedObjects(
  raw: S3Client,
  bucket: string,
  prefix = "",
): Promise<Map<string, StoredObject>> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await raw.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix || undefined,
        ContinuationToken: token,
      }),
    );
    for (const o of page.Contents ?? []) keys.push(o.Key!);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const objects = await boundedMap(keys, 16, async (key) => {
    const o = await getObject(raw, bucket, key);
    const meta = o.metadata.md5chksum;
    const stored: StoredObject = { size: o.bytes.length, md5: md5Hex(o.bytes), etag: o.etag };
    if (meta) stored.metaMd5 = base64ToHex(meta);
    return [key, stored] as const;
  });
  return new Map(objects);
}

function base64ToHex(b64: string): string {
  const bin = atob(b64);
  let hex = "";
  for (let i = 0; i < bin.length; i++) hex += bin.charCodeAt(i).toString(16).padStart(2, "0");
  return hex;
}

/** Multipart uploads still open in `bucket` (key and upload id). */
export async function openUploads(
  raw: S3Client,
  bucket: string,
): Promise<Array<{ key: string; uploadId: string }>> {
  const out = await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (out.Uploads ?? []).map((u) => ({ key: u.Key!, uploadId: u.UploadId! }));
}

/** Environment for the CLI in `box` with the test credentials from the environment. */
export function cliEnv(
  box: Sandbox,
  endpoint: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...box.env,
    AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: TEST_SECRET_KEY,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: "us-east-1",
    ...extra,
  };
}

/** Starts the CLI (`deno run -A main.ts ARGS`) without waiting, e.g. to kill it. */
export function spawnCli(
  args: string[],
  env: Record<string, string>,
  cwd?: string,
  wrap: string[] = [],
): Deno.ChildProcess {
  const argv = [Deno.execPath(), "run", "-A", "--quiet", MAIN, ...args];
  return new Deno.Command(wrap[0] ?? argv[0]!, {
    args: wrap.length > 0 ? [...wrap.slice(1), ...argv] : argv.slice(1),
    env,
    clearEnv: true,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/**
 * Starts the CLI, sends SIGKILL after 200-1,500 ms (drawn from `random`) and waits for it.
 * "killed" when the kill hit a running process; "finished" when it had already ended, which
 * must have been with exit 0.
 */
export async function runAndKill(
  args: string[],
  env: Record<string, string>,
  random: () => number,
): Promise<"killed" | "finished"> {
  const child = spawnCli(args, env);
  await sleep(200 + Math.floor(random() * 1300));
  try {
    child.kill("SIGKILL");
  } catch {
    // It had already exited.
  }
  const status = await child.output();
  if (status.signal === "SIGKILL") return "killed";
  assertEquals(status.code, 0, new TextDecoder().decode(status.stdout).slice(-1500));
  return "finished";
}

/** The last NDJSON line of a `--json` run (the result or the error). */
export function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.split("\n").filter((l) => l.trim() !== "");
  const last = lines.at(-1);
  if (last === undefined) throw new Error("no JSON output");
  return JSON.parse(last);
}

/** Sleeps `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Formats a byte count for summaries ("12.3 MiB"). */
export function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}
