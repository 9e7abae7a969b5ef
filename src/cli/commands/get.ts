/**
 * `eigen-s3 get KEY [LOCAL_PATH]`: downloads one object through `<file>.eigen-part` (resumed
 * with Range after an interruption), verifies its MD5 when known, restores its mtime, renames
 * into place.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import type { CliContext } from "../context.ts";
import { EngineError } from "../../engine/core/errors.ts";
import { toEngineError } from "../../engine/s3/sdk_errors.ts";
import { existingKey } from "../../engine/core/keys.ts";
import { downloadFile } from "../../engine/objects/download.ts";
import { sqliteDownloadRecords } from "../../engine/state/download_records.ts";
import { newOperationId, progressPayload } from "../../engine/core/events.ts";
import { connect, s3Url } from "./common.ts";
import { formatBytes, formatDuration } from "../../lib/format.ts";

/** The seed's S3DownloadResult, plus where it went. */
export interface S3DownloadResult {
  success: boolean;
  bytes_downloaded: number;
  duration_ms: number;
  key: string;
  path: string;
  md5_verified: boolean;
}

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** `name` when it can be a file name here (at most 255 bytes of UTF-8). */
function checkedName(name: string, key: string): string {
  if (new TextEncoder().encode(name).length > 255) {
    throw new EngineError(
      "UsageError",
      `The last part of '${key}' is longer than 255 bytes, too long for a file name: give the file to write as LOCAL_PATH.`,
    );
  }
  return name;
}

/** Where `key` goes: LOCAL_PATH, or inside it when it is a folder, or ./<name>. */
export async function destinationFor(key: string, localPath: string | undefined): Promise<string> {
  const name = basename(key);
  if (!name || key.endsWith("/")) {
    throw new EngineError(
      "UsageError",
      `'${key}' looks like a folder, not an object: use 'eigen-s3 restore' for folders.`,
    );
  }
  if (name === "." || name === "..") {
    // Joined to a path, "." and ".." name folders: the download would land outside LOCAL_PATH.
    throw new EngineError(
      "UsageError",
      `'${key}' ends in '${name}', which cannot be a file name: give the file to write as LOCAL_PATH.`,
    );
  }
  if (localPath === undefined) return checkedName(name, key);
  const st = await statOrNull(localPath);
  if (st?.isDirectory || localPath.endsWith("/")) {
    if (!st) {
      throw new EngineError("UsageError", `Folder '${localPath}' does not exist: create it first.`);
    }
    return join(localPath, checkedName(name, key));
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

/** Runs get. */
export default async function get(
  ctx: CliContext,
  args: unknown[],
  opts: Record<string, unknown>,
): Promise<number> {
  const userKey = String(args[0]);
  const dest = await destinationFor(userKey, args[1] === undefined ? undefined : String(args[1]));
  const s3 = await connect(ctx);
  const { bucket, pathPrefix, endpoint } = s3.settings;
  const key = existingKey(pathPrefix, userKey);
  const versionId = opts.versionId as string | undefined;
  const errCtx = {
    action: `download of '${userKey}'`,
    endpoint,
    bucket,
    key: userKey,
    fallback: "DownloadFailed" as const,
  };
  let size = 0;
  try {
    const head = await s3.client.send(
      new HeadObjectCommand({
        Bucket: bucket,
        Key: key,
        ...(versionId ? { VersionId: versionId } : {}),
      }),
      { abortSignal: ctx.signal },
    );
    size = head.ContentLength ?? 0;
  } catch (e) {
    throw toEngineError(e, errCtx);
  }
  const state = await ctx.state();
  const op = newOperationId("get");
  let done = 0;
  try {
    const outcome = await downloadFile({
      client: s3.client,
      target: s3.target,
      bucket,
      key,
      versionId,
      dest,
      records: sqliteDownloadRecords(state),
      signal: ctx.signal,
      onBytes: (n) => {
        done += n;
        ctx.out.progress(progressPayload(op, userKey, done, size));
      },
    });
    ctx.out.progress(progressPayload(op, userKey, outcome.bytes, outcome.bytes), true);
    const result: S3DownloadResult = {
      success: true,
      bytes_downloaded: outcome.bytes - outcome.resumedBytes,
      duration_ms: outcome.durationMs,
      key: userKey,
      path: dest,
      md5_verified: outcome.md5Verified,
    };
    ctx.out.result(
      "get",
      result,
      () =>
        `Downloaded ${s3Url(bucket, key)} to ${dest} (${formatBytes(outcome.bytes)} in ${
          formatDuration(outcome.durationMs)
        }` +
        `${outcome.resumedBytes ? `, resumed at ${formatBytes(outcome.resumedBytes)}` : ""}` +
        `${outcome.md5Verified ? ", MD5 verified" : ", no MD5 known to verify"}).`,
    );
    return 0;
  } catch (e) {
    throw toEngineError(e, errCtx);
  }
}
