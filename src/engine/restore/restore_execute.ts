/**
 * The mutating half of restore: thaw requests for cold objects and the bounded pool of
 * downloads, each retried on transient failures (core/retry.ts {@link DOWNLOAD_RETRY}) and
 * resumed from its `.eigen-part`.
 *
 * @module
 */

import { DEFAULT_CONCURRENCY } from "../core/concurrency.ts";
import { dirname } from "node:path";
import { EngineError, isAbortError } from "../core/errors.ts";
import { type EventSink, progressPayload } from "../core/events.ts";
import type { BandwidthLimiter } from "../core/bandwidth.ts";
import { DOWNLOAD_RETRY, waitBeforeRetry } from "../core/retry.ts";
import { downloadFile } from "../objects/download.ts";
import { memoryDownloadRecords } from "../state/download_records.ts";
import { toEngineError } from "../s3/sdk_errors.ts";
import { expectedWait, requestThaw, type ThawTier } from "../s3/cold_storage.ts";
import { prepareDestination } from "../local/safe_path.ts";
import type { RestorePlanItem } from "./restore_plan.ts";
import type { RestoreError, RestoreReport } from "./restore_report.ts";
import type { RestoreOptions } from "./restore_request.ts";
import { boundedEach } from "../../lib/task_pool.ts";

/**
 * Sends RestoreObject for every planned object that is frozen. Items are updated in place
 * (code "cold-thawing", reason with the expected wait); failures go to `errors`.
 */
export async function requestThaws(
  opts: RestoreOptions,
  plan: RestorePlanItem[],
  thaw: { days: number; tier: ThawTier },
  requested: Set<string>,
  errors: RestoreError[],
  sink: EventSink,
): Promise<void> {
  const frozen = plan.filter((it) => it.code === "cold-frozen");
  await boundedEach(frozen, opts.concurrency ?? DEFAULT_CONCURRENCY, async (it) => {
    const wait = expectedWait(it.storage_class, thaw.tier);
    if (!wait) {
      errors.push({
        key: it.key,
        path: it.path,
        code: "UsageError",
        message:
          `${thaw.tier} retrieval is not offered for ${it.storage_class}: use --tier Standard or Bulk.`,
      });
      return;
    }
    try {
      const outcome = await requestThaw(opts.client, {
        bucket: opts.bucket,
        key: it.key,
        ...(it.version_id ? { versionId: it.version_id } : {}),
        days: thaw.days,
        tier: thaw.tier,
      }, opts.signal);
      if (outcome === "requested") requested.add(it.key);
      it.code = "cold-thawing";
      it.reason = outcome === "requested"
        ? `in ${it.storage_class}: thaw requested (${thaw.tier}, expected ${wait.text}, readable for ${thaw.days} days)`
        : `in ${it.storage_class}: thaw in progress`;
    } catch (e) {
      if (isAbortError(e) || opts.signal?.aborted) return;
      const err = toEngineError(e, { action: `thaw request for '${it.key}'`, bucket: opts.bucket });
      errors.push({ key: it.key, path: it.path, code: err.code, message: err.message });
      sink({
        type: "file-error",
        operation_id: "thaw",
        file_name: it.path ?? it.key,
        code: err.code,
        message: err.message,
      });
    }
  }, opts.signal);
  if (frozen.length > 0) {
    sink({
      type: "notice",
      message:
        `Requested a thaw of ${requested.size} of ${frozen.length} cold objects (${thaw.tier}).`,
    });
  }
}

function downloadError(e: unknown, item: RestorePlanItem, bucket: string): EngineError {
  const name = (e as { name?: string }).name;
  if (name === "InvalidObjectState") {
    return new EngineError(
      "DownloadFailed",
      `'${item.key}' is in cold storage (${item.storage_class}) and not thawed: run restore with --request-thaw, then again once it has thawed.`,
      { cause: e },
    );
  }
  return toEngineError(e, {
    action: `download of '${item.key}'`,
    bucket,
    key: item.key,
    fallback: "DownloadFailed",
  });
}

/** Downloads every planned "download" item into `root`; counts into `report`. */
export async function downloadPlanned(
  opts: RestoreOptions,
  plan: readonly RestorePlanItem[],
  root: string,
  report: RestoreReport,
  run: { limiter?: BandwidthLimiter; op: string; sink: EventSink },
): Promise<void> {
  const items = plan.filter((it) => it.action === "download" && it.path !== null);
  const total = items.reduce((n, it) => n + it.size, 0);
  const files = { done: 0, total: items.length };
  const records = opts.records ?? memoryDownloadRecords();
  const verified = new Set<string>();
  const created = new Set<string>();
  let done = 0;
  const tick = (name: string) =>
    run.sink({ type: "progress", progress: progressPayload(run.op, name, done, total, files) });

  await boundedEach(items, opts.concurrency ?? DEFAULT_CONCURRENCY, async (it) => {
    const path = it.path!;
    let mine = 0;
    run.sink({ type: "file-start", operation_id: run.op, file_name: path, bytes: it.size });
    for (let attempt = 1;; attempt++) {
      try {
        const dest = await prepareDestination(root, path.split("/"), verified, created);
        const outcome = await downloadFile({
          client: opts.client,
          target: opts.target,
          bucket: opts.bucket,
          key: it.key,
          ...(it.version_id ? { versionId: it.version_id } : {}),
          dest,
          size: it.size,
          noPartExpected: attempt === 1 && created.has(dirname(dest)),
          limiter: run.limiter,
          records,
          signal: opts.signal,
          onBytes: (n) => {
            mine += n;
            done += n;
            tick(path);
          },
        });
        done += it.size - mine;
        files.done += 1;
        report.files_downloaded += 1;
        report.bytes_transferred += outcome.bytes - outcome.resumedBytes;
        tick(path);
        run.sink({
          type: "file-done",
          operation_id: run.op,
          file_name: path,
          bytes: outcome.bytes,
          action: "download",
        });
        return;
      } catch (e) {
        done -= mine;
        mine = 0;
        if (isAbortError(e) || opts.signal?.aborted) return;
        const err = downloadError(e, it, opts.bucket);
        const transient = err.retryable || err.code === "NetworkError";
        if (transient && attempt < DOWNLOAD_RETRY.attempts) {
          run.sink({
            type: "retry",
            operation_id: run.op,
            file_name: path,
            attempt,
            message: err.message,
          });
          try {
            await waitBeforeRetry(attempt, DOWNLOAD_RETRY, opts.signal);
          } catch {
            return;
          }
          continue;
        }
        report.errors.push({ key: it.key, path, code: err.code, message: err.message });
        run.sink({
          type: "file-error",
          operation_id: run.op,
          file_name: path,
          code: err.code,
          message: err.message,
        });
        return;
      }
    }
  }, opts.signal);
}
