/**
 * Shared test support: the S3 server under test (RGW, or the fauxqs fake), an independent raw
 * S3 client for asserting on what is really stored, unique buckets, isolated HOME/XDG folders,
 * and a runner for the real CLI (`deno run -A main.ts`).
 *
 * @module
 */

import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { join } from "node:path";

/** Credentials of the test server (RGW's test user; the fake accepts anything). */
export const TEST_ACCESS_KEY = "TESTACCESSKEY0000000";
/** See {@link TEST_ACCESS_KEY}. */
export const TEST_SECRET_KEY = "testsecretkey0000000000000000000000000000";

/**
 * What a kind of test server can be trusted to do. A test that relies on one of these to prove
 * something declares it (`s3Test(name, "versioning")`) and is skipped, by name and with the
 * reason, where the server under test cannot model it.
 */
export type Capability =
  /** SigV4 is checked: a wrong secret gets 403 SignatureDoesNotMatch. */
  | "signatures"
  /** PutBucketVersioning works: versions, delete markers, versionId reads. */
  | "versioning"
  /** Object lock on buckets created with it (retention, legal hold). */
  | "object-lock"
  /** Lifecycle configuration is stored and returned as sent. */
  | "lifecycle"
  /** Storage classes beyond STANDARD (GLACIER, DEEP_ARCHIVE), InvalidObjectState, RestoreObject. */
  | "cold-storage"
  /** SSE-KMS and SSE-S3 on PUT, reported back on HEAD. */
  | "sse"
  /** Ceph RGW itself (its quirks are what the test is about). */
  | "rgw";

/** The kinds of S3 server the suite knows, with what each models. */
export const SERVER_CAPABILITIES: Record<string, readonly Capability[]> = {
  rgw: ["signatures", "versioning", "object-lock", "lifecycle", "rgw"],
  // fauxqs + tests/support/fauxqs_shim.ts: byte-order listings, ListParts/ListMultipartUploads,
  // Content-MD5, Range, conditional GETs, CopyObject; any key and secret are accepted
  embedded: ["lifecycle"],
  // moto server mode with its default settings (signatures are not checked)
  moto: ["versioning", "object-lock", "lifecycle", "cold-storage", "sse"],
  aws: ["signatures", "versioning", "object-lock", "lifecycle", "cold-storage", "sse"],
};

/** The endpoint under test (null when none is given: S3 tests are then skipped). */
export const S3_ENDPOINT: string | null = Deno.env.get("EIGEN_TEST_S3_ENDPOINT") || null;
const givenKind = Deno.env.get("EIGEN_TEST_S3_KIND") ?? "rgw";
/** "rgw", "embedded" (fauxqs + shim), "moto", "aws", another name, or "none". */
export const S3_KIND: string = S3_ENDPOINT === null
  ? "none"
  : givenKind === "fauxqs"
  ? "embedded"
  : givenKind;
/** What the server under test models (EIGEN_TEST_S3_CAPS="a,b" overrides, for other kinds). */
export const S3_CAPABILITIES: ReadonlySet<Capability> = new Set(
  (Deno.env.get("EIGEN_TEST_S3_CAPS")?.split(",").map((c) => c.trim()).filter(Boolean) as
    | Capability[]
    | undefined) ?? SERVER_CAPABILITIES[S3_KIND] ?? [],
);
/** True when a real RGW is under test. */
export const IS_RGW = S3_KIND === "rgw";
/** True when any S3 server is under test. */
export const HAS_S3 = S3_KIND !== "none";

/** True when the server under test models `cap`. */
export function has(cap: Capability): boolean {
  return HAS_S3 && S3_CAPABILITIES.has(cap);
}

const SERVER_NAMES: Record<string, string> = { embedded: "the embedded fauxqs server" };

/**
 * Options for a test that needs an S3 server and, optionally, some capabilities of it:
 * `Deno.test(s3Test("restore --at", "versioning"), fn)`. Where the server cannot model one, the
 * test is ignored and its name says why, e.g. `"restore --at [skipped: needs versioning; the
 * embedded fauxqs server]"` (the test runner counts these in its summary).
 */
export function s3Test(
  name: string,
  ...needs: Capability[]
): { name: string; ignore: boolean } {
  if (!HAS_S3) {
    return { name: `${name} [skipped: no S3 server; run it through deno task test]`, ignore: true };
  }
  const missing = needs.filter((c) => !S3_CAPABILITIES.has(c));
  if (missing.length === 0) return { name, ignore: false };
  const server = SERVER_NAMES[S3_KIND] ?? S3_KIND;
  return { name: `${name} [skipped: needs ${missing.join(", ")}; ${server}]`, ignore: true };
}

/** Same as {@link s3Test} with `needs` as a list, for `Deno.test({ ...needs(...)(name), fn })`. */
export function needs(...caps: Capability[]): (name: string) => { name: string; ignore: boolean } {
  return (name) => s3Test(name, ...caps);
}

/** A test about Ceph RGW itself: `s3Test(name, "rgw")`. */
export function rgwOnly(name: string): { name: string; ignore: boolean } {
  return s3Test(name, "rgw");
}

/** An independent S3 client with plain settings (not eigen-s3's factory) for assertions. */
export function rawClient(): S3Client {
  return new S3Client({
    endpoint: S3_ENDPOINT ?? "http://127.0.0.1:7480",
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

let bucketCounter = 0;

/** Creates a uniquely named bucket; call `drop()` (also empties it) when done. */
export async function createTestBucket(
  client: S3Client,
  label = "t",
): Promise<{ name: string; drop(): Promise<void> }> {
  bucketCounter += 1;
  const name = `${label}-${Date.now().toString(36)}-${Deno.pid}-${bucketCounter}`.toLowerCase()
    .slice(0, 63);
  await client.send(new CreateBucketCommand({ Bucket: name }));
  return { name, drop: () => dropBucket(client, name) };
}

/** Deletes every object, version and upload in `bucket`, then the bucket. */
export async function dropBucket(client: S3Client, bucket: string): Promise<void> {
  const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  for (const u of uploads.Uploads ?? []) {
    await client.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key!, UploadId: u.UploadId! }),
    );
  }
  // Keys a batch delete did not remove (a server may mangle control characters in the XML and
  // still answer "deleted") go one by one, in the URL; a key that survives that too is an error.
  const batched = new Set<string>();
  const single = new Set<string>();
  for (;;) {
    let objects: { Key: string; VersionId?: string }[] = [];
    try {
      const v = await client.send(new ListObjectVersionsCommand({ Bucket: bucket }));
      objects = [...(v.Versions ?? []), ...(v.DeleteMarkers ?? [])].map((o) => ({
        Key: o.Key!,
        VersionId: o.VersionId,
      }));
    } catch {
      // no ListObjectVersions here: the plain listing below
    }
    if (objects.length === 0) {
      // also when ListObjectVersions answered empty: a server may not model versions at all
      const l = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      objects = (l.Contents ?? []).map((o) => ({ Key: o.Key! }));
    }
    if (objects.length === 0) break;
    const id = (o: { Key: string; VersionId?: string }) => `${o.VersionId ?? ""}\u0000${o.Key}`;
    const stuck = objects.filter((o) => single.has(id(o)));
    if (stuck.length > 0) {
      throw new Error(`cannot empty bucket ${bucket}: ${JSON.stringify(stuck.map((o) => o.Key))}`);
    }
    const oneByOne = objects.filter((o) => batched.has(id(o)));
    const rest = objects.filter((o) => !batched.has(id(o)));
    for (let i = 0; i < rest.length; i += 1000) {
      const batch = rest.slice(i, i + 1000);
      for (const o of batch) batched.add(id(o));
      try {
        await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch } }));
      } catch {
        // A key XML cannot carry (control characters) spoils the batch: one by one below.
        oneByOne.push(...batch);
      }
    }
    for (const o of oneByOne) {
      single.add(id(o));
      await client.send(new DeleteObjectCommand({ Bucket: bucket, ...o }));
    }
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

/** All keys in a bucket (under `prefix`), sorted. */
export async function listKeys(client: S3Client, bucket: string, prefix = ""): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix || undefined,
        ContinuationToken: token,
      }),
    );
    for (const o of out.Contents ?? []) keys.push(o.Key!);
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

/** The bytes and metadata of one object. */
export async function getObject(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<
  { bytes: Uint8Array; metadata: Record<string, string>; etag: string; contentType?: string }
> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = await out.Body!.transformToByteArray();
  return {
    bytes,
    metadata: out.Metadata ?? {},
    etag: (out.ETag ?? "").replaceAll('"', ""),
    contentType: out.ContentType,
  };
}

/** A temporary folder removed by `cleanup()`. */
export async function tempDir(
  prefix = "eigen-test-",
): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await Deno.makeTempDir({ prefix });
  return { path, cleanup: () => Deno.remove(path, { recursive: true }).catch(() => {}) };
}

/** Writes `bytes` (or `size` random bytes) to `path`, creating folders; returns the bytes. */
export async function writeFile(
  path: string,
  content: Uint8Array | string | number,
): Promise<Uint8Array> {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  const bytes = typeof content === "number"
    ? randomBytes(content)
    : typeof content === "string"
    ? new TextEncoder().encode(content)
    : content;
  await Deno.writeFile(path, bytes);
  return bytes;
}

/** Deterministic-enough random bytes of any size (crypto.getRandomValues is limited to 64 KiB). */
export function randomBytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let off = 0; off < size; off += 65536) {
    crypto.getRandomValues(out.subarray(off, Math.min(size, off + 65536)));
  }
  return out;
}

/** An isolated home for the CLI: HOME/XDG folders in a temp dir, the Deno cache kept. */
export interface Sandbox {
  home: string;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

const DENO_DIR = Deno.env.get("DENO_DIR") ??
  join(Deno.env.get("HOME") ?? "/root", ".cache", "deno");

/** Creates a sandbox HOME with XDG_CONFIG_HOME/XDG_STATE_HOME inside. */
export async function sandbox(extra: Record<string, string> = {}): Promise<Sandbox> {
  const dir = await tempDir("eigen-home-");
  const env: Record<string, string> = {
    HOME: dir.path,
    XDG_CONFIG_HOME: join(dir.path, "config"),
    XDG_STATE_HOME: join(dir.path, "state"),
    DENO_DIR,
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    NO_COLOR: "1",
    EIGEN_S3_PASSPHRASE: "test-passphrase",
    ...extra,
  };
  return { home: dir.path, env, cleanup: dir.cleanup };
}

/**
 * argv of `configure` for a profile on `endpoint` (default: the test server) whose secret is read
 * from stdin and kept in the encrypted file; `extra` goes at the end (e.g. "--no-test").
 */
export function configureArgs(
  bucket: string,
  endpoint: string = S3_ENDPOINT ?? "http://127.0.0.1:7480",
  extra: string[] = [],
): string[] {
  return [
    "configure",
    "--endpoint",
    endpoint,
    "--bucket",
    bucket,
    "--access-key-id",
    TEST_ACCESS_KEY,
    "--secret-stdin",
    "--secret-backend",
    "file",
    ...extra,
  ];
}

/** The result of one CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as NDJSON (only for --json runs). */
  json(): Array<Record<string, unknown>>;
}

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/**
 * Runs `deno run -A main.ts ARGS` with a clean environment (only `env`), stdin from `stdin`.
 * `wrap` runs it under another program, e.g. {@link WITHOUT_ROOT_FILE_ACCESS}.
 */
export async function runCli(
  args: string[],
  env: Record<string, string>,
  stdin?: string,
  cwd?: string,
  wrap: string[] = [],
): Promise<CliRun> {
  const argv = [Deno.execPath(), "run", "-A", "--quiet", MAIN, ...args];
  const child = new Deno.Command(wrap[0] ?? argv[0]!, {
    args: wrap.length > 0 ? [...wrap.slice(1), ...argv] : argv.slice(1),
    env,
    clearEnv: true,
    cwd,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  return {
    code: out.code,
    stdout,
    stderr,
    json: () => stdout.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l)),
  };
}

/**
 * Prefix that makes root obey file permissions (drops CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH), so
 * "unreadable file" paths can be tested when the suite runs as root. Empty when not root.
 */
export const WITHOUT_ROOT_FILE_ACCESS: string[] = Deno.uid() === 0
  ? ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]
  : [];

/** Environment that points the CLI at the test server with env credentials and `bucket`. */
export function s3EnvFor(bucket: string, secret = TEST_SECRET_KEY): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: secret,
    AWS_ENDPOINT_URL: S3_ENDPOINT ?? "http://127.0.0.1:7480",
    AWS_REGION: "us-east-1",
    EIGEN_TEST_BUCKET: bucket,
  };
}

/** Resolved settings for eigen-s3's own client factory, pointed at the test server. */
export function testSettings(
  bucket: string,
): import("../../src/engine/config/settings.ts").ResolvedSettings {
  return {
    profileName: "test",
    endpoint: S3_ENDPOINT ?? "http://127.0.0.1:7480",
    region: "us-east-1",
    bucket,
    pathPrefix: "",
    credentialKind: "flags-env",
    credentialSource: "test",
    credentials: () =>
      Promise.resolve({ accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY }),
  };
}
