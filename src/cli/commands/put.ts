/**
 * `eigen-s3 put LOCAL_PATH [KEY]`: uploads one file (single PUT with Content-MD5 or resumable
 * multipart), with rclone-compatible mtime/md5chksum metadata.
 *
 * @module
 */

import { basename } from "node:path";
import type { CliContext } from "../context.ts";
import { EngineError } from "../../engine/core/errors.ts";
import { toEngineError } from "../../engine/s3/sdk_errors.ts";
import { fullKey } from "../../engine/core/keys.ts";
import { contentTypeFor } from "../../engine/s3/content_type.ts";
import { uploadFile } from "../../engine/objects/upload.ts";
import { newOperationId, progressPayload } from "../../engine/core/events.ts";
import { sqliteMultipartRecords } from "../../engine/state/multipart_records.ts";
import { META_MD5, META_MTIME } from "../../engine/s3/object_meta.ts";
import { connect, s3Url } from "./common.ts";
import { formatBytes, formatDuration } from "../../lib/format.ts";

/** The seed's S3UploadResult, plus the key. */
export interface S3UploadResult {
  success: boolean;
  bytes_uploaded: number;
  e_tag: string;
  duration_ms: number;
  key: string;
}

/** Parses `--meta K=V` values. */
export function parseMeta(values: string[]): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf("=");
    const k = i > 0 ? v.slice(0, i).trim().toLowerCase() : "";
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(k)) {
      throw new EngineError(
        "UsageError",
        `--meta: '${v}' must be KEY=VALUE with a key of letters, digits, '.', '_' or '-'.`,
      );
    }
    if (k === META_MTIME || k === META_MD5) {
      throw new EngineError(
        "UsageError",
        `--meta: '${k}' is set by eigen-s3 itself and cannot be overridden.`,
      );
    }
    const value = v.slice(i + 1);
    if (!/^[\x20-\x7e]*$/.test(value)) {
      throw new EngineError(
        "UsageError",
        `--meta: the value of '${k}' must be printable ASCII (S3 metadata is sent as HTTP headers).`,
      );
    }
    meta[k] = value;
  }
  return meta;
}

/** Checks the local path is a readable regular file; returns its stat. */
export async function statUploadSource(path: string): Promise<Deno.FileInfo> {
  let st: Deno.FileInfo;
  try {
    st = await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new EngineError("UsageError", `'${path}' does not exist: check the path.`);
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new EngineError("UploadFailed", `'${path}' cannot be read (permission denied).`);
    }
    throw e;
  }
  if (st.isDirectory) {
    throw new EngineError(
      "UsageError",
      `'${path}' is a folder: use 'eigen-s3 backup ${path} PREFIX' for folders.`,
    );
  }
  if (!st.isFile) {
    throw new EngineError(
      "UsageError",
      `'${path}' is not a regular file (device, FIFO or socket).`,
    );
  }
  try {
    (await Deno.open(path, { read: true })).close();
  } catch (e) {
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new EngineError(
        "UploadFailed",
        `'${path}' cannot be read (permission denied): check its permissions.`,
      );
    }
    throw e;
  }
  return st;
}

/** Runs put. */
export default async function put(
  ctx: CliContext,
  args: unknown[],
  opts: Record<string, unknown>,
): Promise<number> {
  const localPath = String(args[0]);
  const meta = parseMeta((opts.meta as string[] | undefined) ?? []);
  const st = await statUploadSource(localPath);
  let userKey = args[1] === undefined ? basename(localPath) : String(args[1]);
  if (userKey.endsWith("/")) userKey += basename(localPath);
  if (userKey.replace(/^\/+/, "") === "") {
    throw new EngineError("UsageError", "KEY is empty: give an object key.");
  }
  const s3 = await connect(ctx);
  const { bucket, pathPrefix, endpoint } = s3.settings;
  const key = fullKey(pathPrefix, userKey);
  const state = await ctx.state();
  const op = newOperationId("put");
  let done = 0;
  const size = st.size;
  try {
    const outcome = await uploadFile({
      client: s3.client,
      target: s3.target,
      bucket,
      key,
      path: localPath,
      size,
      mtimeMs: st.mtime?.getTime() ?? Date.now(),
      contentType: (opts.contentType as string | undefined) ?? contentTypeFor(localPath),
      metadata: meta,
      storageClass: opts.storageClass as string | undefined,
      records: sqliteMultipartRecords(state),
      signal: ctx.signal,
      onBytes: (n) => {
        done += n;
        ctx.out.progress(progressPayload(op, userKey, done, size));
      },
    });
    ctx.out.progress(progressPayload(op, userKey, size, size), true);
    const result: S3UploadResult = {
      success: true,
      bytes_uploaded: outcome.bytes,
      e_tag: outcome.etag,
      duration_ms: outcome.durationMs,
      key: userKey,
    };
    ctx.out.result(
      "put",
      result,
      () =>
        `Uploaded ${localPath} to ${s3Url(bucket, key)} (${formatBytes(outcome.bytes)} in ${
          formatDuration(outcome.durationMs)
        }` +
        `${outcome.multipart ? ", multipart" : ""}${
          outcome.resumedParts ? `, ${outcome.resumedParts} parts resumed` : ""
        }).`,
    );
    return 0;
  } catch (e) {
    throw toEngineError(e, {
      action: `upload of '${userKey}'`,
      endpoint,
      bucket,
      fallback: "UploadFailed",
    });
  }
}
