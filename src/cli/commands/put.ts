/**
 * `eigen-s3 put LOCAL_PATH [KEY]`: uploads one file (engine/objects/put_object.ts: single PUT
 * with Content-MD5 or resumable multipart, rclone-compatible mtime/md5chksum metadata).
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { checkPut, putObject } from "../../engine/objects/put_object.ts";
import { newOperationId, progressPayload } from "../../engine/core/events.ts";
import { sqliteMultipartRecords } from "../../engine/state/multipart_records.ts";
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

/** Runs put. */
export default async function put(
  ctx: CliContext,
  args: unknown[],
  opts: Record<string, unknown>,
): Promise<number> {
  const localPath = String(args[0]);
  const checked = await checkPut({
    localPath,
    ...(args[1] === undefined ? {} : { key: String(args[1]) }),
    meta: (opts.meta as string[] | undefined) ?? [],
    ...(opts.contentType !== undefined ? { contentType: String(opts.contentType) } : {}),
    ...(opts.storageClass ? { storageClass: opts.storageClass as string } : {}),
    ...(opts.sse !== undefined ? { sse: String(opts.sse) } : {}),
    ...(opts.sseKmsKeyId !== undefined ? { sseKmsKeyId: String(opts.sseKmsKeyId) } : {}),
  });
  const s3 = await connect(ctx);
  const { bucket, pathPrefix, endpoint } = s3.settings;
  const op = newOperationId("put");
  const userKey = checked.key;
  const outcome = await putObject({
    client: s3.client,
    target: s3.target,
    bucket,
    pathPrefix,
    ...(endpoint ? { endpoint } : {}),
    records: sqliteMultipartRecords(await ctx.state()),
    signal: ctx.signal,
    onProgress: (done, size) => ctx.out.progress(progressPayload(op, userKey, done, size)),
  }, checked);
  ctx.out.progress(progressPayload(op, userKey, checked.size, checked.size), true);
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
      `Uploaded ${localPath} to ${s3Url(bucket, outcome.fullKey)} (${
        formatBytes(outcome.bytes)
      } in ${formatDuration(outcome.durationMs)}` +
      `${outcome.multipart ? ", multipart" : ""}${
        outcome.resumedParts ? `, ${outcome.resumedParts} parts resumed` : ""
      }).`,
  );
  return 0;
}
