/**
 * `eigen-s3 get KEY [LOCAL_PATH]`: downloads one object (engine/objects/get_object.ts: resumable
 * through `<file>.eigen-part`, MD5-verified, mtime restored, renamed into place).
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { existingKey } from "../../engine/core/keys.ts";
import { getObject, resolveGetDestination } from "../../engine/objects/get_object.ts";
import { sqliteDownloadRecords } from "../../engine/state/download_records.ts";
import { newOperationId, progressPayload } from "../../engine/core/events.ts";
import { connect, s3Url } from "./common.ts";
import { EngineError } from "../../engine/core/errors.ts";
import { validateInt } from "../../engine/core/validate.ts";
import { DEFAULT_THAW_DAYS, parseTier, type ThawTier } from "../../engine/s3/cold_storage.ts";
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

/** `--request-thaw [--days N] [--tier T]` as the engine's thaw request, or undefined. */
function thawOptions(opts: Record<string, unknown>): { days: number; tier: ThawTier } | undefined {
  const usage = (field: string) => ({ field, code: "UsageError" as const });
  if (!opts.requestThaw) {
    for (const flag of ["days", "tier"] as const) {
      if (opts[flag] !== undefined) {
        throw new EngineError("UsageError", `--${flag} only applies with --request-thaw.`);
      }
    }
    return undefined;
  }
  return {
    days: opts.days === undefined
      ? DEFAULT_THAW_DAYS
      : validateInt(opts.days, usage("--days"), 1, 30_000),
    tier: opts.tier === undefined ? "Standard" : parseTier(opts.tier),
  };
}

/** Runs get. */
export default async function get(
  ctx: CliContext,
  args: unknown[],
  opts: Record<string, unknown>,
): Promise<number> {
  const userKey = String(args[0]);
  const dest = await resolveGetDestination(
    userKey,
    args[1] === undefined ? undefined : String(args[1]),
  );
  const s3 = await connect(ctx);
  const { bucket, pathPrefix, endpoint } = s3.settings;
  const key = existingKey(pathPrefix, userKey);
  const versionId = opts.versionId as string | undefined;
  const requestThaw = thawOptions(opts);
  const op = newOperationId("get");
  const outcome = await getObject({
    client: s3.client,
    target: s3.target,
    bucket,
    ...(endpoint ? { endpoint } : {}),
    key,
    name: userKey,
    ...(versionId ? { versionId } : {}),
    dest,
    records: sqliteDownloadRecords(await ctx.state()),
    signal: ctx.signal,
    ...(requestThaw ? { requestThaw } : {}),
    onProgress: (done, size) => ctx.out.progress(progressPayload(op, userKey, done, size)),
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
}
