/**
 * One file's upload inside a backup, with per-file retries on top of the SDK's per-request
 * retries: a retryable failure (a file that changed while it was read, a transfer error the
 * SDK gave up on, a streamed body the SDK cannot replay) is tried again after a backoff with
 * jitter; a changed file is stat-ed afresh first. The caller records the outcome.
 *
 * @module
 */

import type { S3Client } from "@aws-sdk/client-s3";
import type { BandwidthLimiter } from "../core/bandwidth.ts";
import { contentTypeFor } from "../s3/content_type.ts";
import type { EngineError } from "../core/errors.ts";
import type { Md5 } from "../core/hashing.ts";
import type { MultipartRecords } from "../state/multipart_records.ts";
import { type RetryPolicy, waitBeforeRetry } from "../core/retry.ts";
import type { Semaphore } from "../../lib/semaphore.ts";
import { uploadFile, type UploadOutcome, type UploadSettings } from "../objects/upload.ts";
import type { LocalFile } from "../local/walk.ts";

/** What the transfers of a run share. */
export interface TransferContext {
  client: S3Client;
  target: string;
  bucket: string;
  upload: UploadSettings;
  records?: MultipartRecords;
  retry: RetryPolicy;
  slots: Semaphore;
  limiter?: BandwidthLimiter;
  signal: AbortSignal;
  /** Maps any failure to an EngineError (with `retryable`). */
  classify(e: unknown): EngineError;
  /** Bytes sent (negative to take back the bytes of a failed attempt). */
  onBytes(delta: number): void;
  /** The file was found at another size on a retry. */
  onResize(delta: number): void;
  onRetry(attempt: number, message: string): void;
}

/** One file to upload. */
export interface TransferJob {
  key: string;
  local: LocalFile;
  /** MD5 computed before (check or pre-hash), with the time its reading started. */
  md5?: Md5;
  hashStartedAt?: number;
  /** Stat the file again before the first attempt (it changed since the walk). */
  restat?: boolean;
}

/** How it ended. `readStartedAt` is when the uploaded content was first read (for the row). */
export type TransferResult =
  | { kind: "done"; local: LocalFile; outcome: UploadOutcome; readStartedAt: number }
  | { kind: "vanished"; local: LocalFile }
  | { kind: "stopped" }
  | { kind: "failed"; local: LocalFile; error: EngineError };

/** A fresh stat of a planned file, or undefined when it is gone or no longer a regular file. */
export async function restatFile(local: LocalFile): Promise<LocalFile | undefined> {
  try {
    const st = await Deno.lstat(local.path);
    if (!st.isFile) return undefined;
    return {
      ...local,
      size: st.size,
      mtimeMs: st.mtime?.getTime() ?? 0,
      ctimeMs: st.ctime?.getTime() ?? null,
      ino: st.ino ?? null,
    };
  } catch {
    return undefined;
  }
}

/** Uploads `job`, retrying per the policy. Never throws. */
export async function transferWithRetries(
  ctx: TransferContext,
  job: TransferJob,
): Promise<TransferResult> {
  let local = job.local;
  let md5 = job.md5;
  let hashStartedAt = job.hashStartedAt;
  let needStat = job.restat === true;
  for (let attempt = 1;; attempt++) {
    if (ctx.signal.aborted) return { kind: "stopped" };
    if (needStat) {
      const fresh = await restatFile(local);
      if (!fresh) return { kind: "vanished", local };
      ctx.onResize(fresh.size - local.size);
      local = fresh;
      md5 = undefined;
      hashStartedAt = undefined;
    }
    const readStartedAt = hashStartedAt ?? Date.now();
    let sent = 0;
    try {
      const outcome = await uploadFile({
        ...ctx.upload,
        client: ctx.client,
        target: ctx.target,
        bucket: ctx.bucket,
        key: job.key,
        path: local.path,
        size: local.size,
        mtimeMs: local.mtimeMs,
        md5,
        contentType: contentTypeFor(local.path),
        slots: ctx.slots,
        limiter: ctx.limiter,
        records: ctx.records,
        signal: ctx.signal,
        onBytes: (n) => {
          sent += n;
          ctx.onBytes(n);
        },
      });
      return { kind: "done", local, outcome, readStartedAt };
    } catch (e) {
      ctx.onBytes(-sent);
      if (ctx.signal.aborted) return { kind: "stopped" };
      if (e instanceof Deno.errors.NotFound) return { kind: "vanished", local };
      const err = ctx.classify(e);
      if (!err.retryable || attempt >= ctx.retry.attempts) {
        return { kind: "failed", local, error: err };
      }
      ctx.onRetry(attempt, err.message);
      needStat = err.message.includes("changed while");
      try {
        await waitBeforeRetry(attempt, ctx.retry, ctx.signal);
      } catch {
        return { kind: "stopped" };
      }
    }
  }
}
