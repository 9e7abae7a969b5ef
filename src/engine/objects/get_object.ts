/**
 * Getting one object into one local file (`eigen-s3 get KEY [LOCAL_PATH]`): a HEAD for its size
 * (and a clear "does not exist"), then the resumable, verified download of download.ts: written
 * to `<file>.eigen-part` (resumed with Range after an interruption), MD5-checked when the MD5 is
 * known, its mtime restored, renamed into place. A version id fetches that version.
 *
 * Safety rules (the stricter of the old `get` and the TUI's file restore):
 * - Where it goes ({@link resolveGetDestination}): LOCAL_PATH when it names a file in an
 *   existing folder; `LOCAL_PATH/<name>` when it is an existing folder (or ends in "/"); else
 *   `./<name>`. `<name>` is the key's last part and must be a plain file name by restore's rules
 *   (safe_path.ts): not `.`/`..`, at most 255 bytes, no NUL or backslash, not ending in
 *   `.eigen-part`. Otherwise the user is asked to give the file to write as LOCAL_PATH.
 * - What is there ({@link getObject}, checked with `lstat` just before writing): nothing or a
 *   regular file (replaced atomically, as `cp` would). A symbolic link is never followed nor
 *   replaced, a folder or a special file is never replaced: UnsafeOperation.
 *
 * @module
 */

import { dirname } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { headObject } from "../s3/object_head.ts";
import type { BandwidthLimiter } from "../core/bandwidth.ts";
import { EngineError } from "../core/errors.ts";
import { toEngineError } from "../s3/sdk_errors.ts";
import { joinInside, keyToRelPath, lstatOrNull } from "../local/safe_path.ts";
import { NAME_MAX } from "../local/part_file.ts";
import type { DownloadRecords } from "../state/download_records.ts";
import {
  expectedWait,
  needsThaw,
  requestThaw,
  THAW_TIERS,
  type ThawTier,
} from "../s3/cold_storage.ts";
import { downloadFile } from "./download.ts";

/** One object to fetch into one local file. */
export interface GetObjectRequest {
  client: S3Client;
  /** "endpoint|bucket" (resume records). */
  target: string;
  bucket: string;
  /** For messages ("Cannot reach <endpoint>"). */
  endpoint?: string;
  /** The full key, exactly as stored. */
  key: string;
  /** The key as the user gave it (messages); defaults to `key`. */
  name?: string;
  versionId?: string;
  /** The local file to write, from {@link resolveGetDestination}. Its folder must exist. */
  dest: string;
  records?: DownloadRecords;
  limiter?: BandwidthLimiter;
  signal?: AbortSignal;
  /** Bytes received so far (a resumed part counts) and the object's size, after each chunk. */
  onProgress?: (done: number, total: number) => void;
  /** When the object is in cold storage and not yet readable: ask S3 to thaw it. */
  requestThaw?: { days: number; tier: ThawTier };
}

/** What a get did. */
export interface GetObjectResult {
  /** The local file written. */
  path: string;
  /** The object's size. */
  bytes: number;
  /** Bytes that were already on disk from an interrupted get. */
  resumedBytes: number;
  durationMs: number;
  /** True when the content was checked against a known MD5. */
  md5Verified: boolean;
  /** The mtime set on the file (ms), when the object told one. */
  mtimeMs?: number;
}

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return null;
    throw e;
  }
}

/** The key's last part when it can be a file name here (restore's rules); else a UsageError. */
function nameOf(key: string): string {
  const name = key.slice(key.lastIndexOf("/") + 1);
  const asLocalPath = "give the file to write as LOCAL_PATH.";
  if (name === "." || name === "..") {
    // Joined to a path, "." and ".." name folders: the download would land outside LOCAL_PATH.
    throw new EngineError(
      "UsageError",
      `'${key}' ends in '${name}', which cannot be a file name: ${asLocalPath}`,
    );
  }
  if (new TextEncoder().encode(name).length > NAME_MAX) {
    throw new EngineError(
      "UsageError",
      `The last part of '${key}' is longer than ${NAME_MAX} bytes, too long for a file name: ${asLocalPath}`,
    );
  }
  const mapped = keyToRelPath(name, "");
  if (mapped.kind === "unsafe") {
    throw new EngineError(
      "UsageError",
      `The last part of '${key}' cannot be a file name here (${mapped.reason}): ${asLocalPath}`,
    );
  }
  return name;
}

/**
 * Where `key` goes: LOCAL_PATH, or `<LOCAL_PATH>/<name>` when it is a folder, or `./<name>`
 * (see the module description). Checks only names and folders: call it before connecting, so a
 * bad argument is reported first.
 */
export async function resolveGetDestination(
  key: string,
  localPath: string | undefined,
): Promise<string> {
  if (key === "" || key.endsWith("/")) {
    throw new EngineError(
      "UsageError",
      `'${key}' looks like a folder, not an object: use 'eigen-s3 restore' for folders.`,
    );
  }
  if (localPath === undefined) return nameOf(key);
  const st = await statOrNull(localPath);
  if (st?.isDirectory || localPath.endsWith("/")) {
    if (!st) {
      throw new EngineError("UsageError", `Folder '${localPath}' does not exist: create it first.`);
    }
    return joinInside(localPath, [nameOf(key)]);
  }
  const parent = await statOrNull(dirname(localPath));
  if (!parent?.isDirectory) {
    throw new EngineError(
      "UsageError",
      `Folder '${dirname(localPath)}' does not exist: create it first.`,
    );
  }
  return localPath;
}

/** Refuses a destination that is a link, a folder or a special file (never followed). */
async function checkWritable(dest: string): Promise<void> {
  const st = await lstatOrNull(dest);
  if (!st || st.isFile) return;
  throw new EngineError(
    "UnsafeOperation",
    st.isSymlink
      ? `'${dest}' is a symbolic link: eigen-s3 does not replace or follow links; give another LOCAL_PATH.`
      : st.isDirectory
      ? `'${dest}' is a folder, not a file: give another LOCAL_PATH.`
      : `'${dest}' is not a regular file: give another LOCAL_PATH.`,
  );
}

/** Downloads one object to `req.dest` (see the module description). */
export async function getObject(req: GetObjectRequest): Promise<GetObjectResult> {
  const name = req.name ?? req.key;
  const errCtx = {
    action: `download of '${name}'`,
    endpoint: req.endpoint,
    bucket: req.bucket,
    key: name,
    ...(req.versionId ? { versionId: req.versionId } : {}),
    fallback: "DownloadFailed" as const,
  };
  try {
    const head = await headObject(req.client, {
      bucket: req.bucket,
      key: req.key,
      ...(req.versionId ? { versionId: req.versionId } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
      errors: errCtx,
    });
    const size = head.size;
    const thaw = head.restore?.state ?? "frozen";
    if (needsThaw(head.storageClass) && thaw !== "thawed") {
      throw await coldError(req, name, head.storageClass!, thaw);
    }
    await checkWritable(req.dest);
    let done = 0;
    const outcome = await downloadFile({
      client: req.client,
      target: req.target,
      bucket: req.bucket,
      key: req.key,
      ...(req.versionId ? { versionId: req.versionId } : {}),
      dest: req.dest,
      ...(req.limiter ? { limiter: req.limiter } : {}),
      ...(req.records ? { records: req.records } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
      onBytes: (n) => {
        done += n;
        req.onProgress?.(done, size);
      },
    });
    const result: GetObjectResult = {
      path: req.dest,
      bytes: outcome.bytes,
      resumedBytes: outcome.resumedBytes,
      durationMs: outcome.durationMs,
      md5Verified: outcome.md5Verified,
    };
    if (outcome.mtimeMs !== undefined) result.mtimeMs = outcome.mtimeMs;
    return result;
  } catch (e) {
    throw toEngineError(e, errCtx);
  }
}

/**
 * The answer for an object that cannot be read yet: its class, whether a thaw is under way (or
 * was just requested, with the published wait), and what to do. Exit 3: pending, as a restore
 * with frozen objects.
 */
async function coldError(
  req: GetObjectRequest,
  name: string,
  storageClass: string,
  state: "frozen" | "thawing",
): Promise<EngineError> {
  const cls = storageClass.toUpperCase();
  const offered = THAW_TIERS.filter((t) => expectedWait(cls, t)).map((t) =>
    `${t} (${expectedWait(cls, t)!.text})`
  ).join(", ");
  if (state === "thawing") {
    return new EngineError(
      "ColdStorage",
      `'${name}' is in ${cls} and a thaw is in progress: run get again when it is done.`,
    );
  }
  if (!req.requestThaw) {
    return new EngineError(
      "ColdStorage",
      `'${name}' is in ${cls} (cold storage) and no thaw was requested: run 'eigen-s3 get --request-thaw ${name}' (tiers: ${offered}), then get it again when the thaw is done.`,
    );
  }
  const { days, tier } = req.requestThaw;
  const wait = expectedWait(cls, tier);
  if (!wait) {
    return new EngineError(
      "UsageError",
      `--tier: ${tier} retrieval is not offered for ${cls}: use ${offered}.`,
      { field: "--tier" },
    );
  }
  const answer = await requestThaw(req.client, {
    bucket: req.bucket,
    key: req.key,
    ...(req.versionId ? { versionId: req.versionId } : {}),
    days,
    tier,
  }, req.signal);
  return new EngineError(
    "ColdStorage",
    answer === "in-progress"
      ? `'${name}' is in ${cls} and a thaw is already in progress: run get again when it is done.`
      : `'${name}' is in ${cls}: a ${tier} thaw was requested (${wait.text}; readable for ${days} days once done): run get again then.`,
  );
}
