/**
 * The backup executor: consumes the plan as it streams, hashes files in doubt in one bounded
 * pool and uploads in another (`concurrency` files; their requests share one Semaphore of
 * `concurrency` slots, so memory stays about concurrency x part size), writes a manifest row
 * as each upload completes, retries files with backoff, and stops the run on fatal errors.
 * Deletions and the sweep of stale uploads follow in backup_finish.ts. Once the run is cut off
 * (backup_cutoff.ts) no upload or hash starts: what is left is counted instead. A dry run resolves the
 * same decisions (hashing and HEAD are read-only) and changes nothing: every mutation below
 * checks `dryRun` again.
 *
 * @module
 */

import type { S3Client } from "@aws-sdk/client-s3";
import { BandwidthLimiter } from "../core/bandwidth.ts";
import type { BwLimit } from "../core/bwlimit.ts";
import type { PlanItem } from "./backup_plan.ts";
import type { PlanEntry, SyncReport } from "./backup_report.ts";
import { type TransferContext, type TransferJob, transferWithRetries } from "./backup_transfer.ts";
import { EngineError, type ErrorCode } from "../core/errors.ts";
import type { EventSink } from "../core/events.ts";
import { BackupProgress } from "./backup_progress.ts";
import { type Md5, md5File } from "../core/hashing.ts";
import { displayKey } from "../core/keys.ts";
import { type Manifest, manifestRow } from "../state/manifest.ts";
import type { MultipartRecord, MultipartRecords } from "../state/multipart_records.ts";
import type { RetryPolicy } from "../core/retry.ts";
import { type ErrorContext, toEngineError } from "../s3/sdk_errors.ts";
import { headObject } from "../s3/object_head.ts";
import { md5Base64ToHex, META_MD5 } from "../s3/object_meta.ts";
import { Semaphore } from "../../lib/semaphore.ts";
import { TaskPool } from "../../lib/task_pool.ts";
import { MULTIPART_THRESHOLD, type UploadSettings } from "../objects/upload.ts";
import { needsTransfer, rowMatchesRemote, type TransferDecision } from "./needs_transfer.ts";
import { canRefreshMtime, refreshMtime } from "../objects/refresh_mtime.ts";
import type { Cutoff } from "./backup_cutoff.ts";
import type { LocalFile } from "../local/walk.ts";

/** Errors after which the rest of the run cannot succeed either. */
const FATAL: ReadonlySet<ErrorCode> = new Set([
  "InvalidCredentials",
  "BucketNotFound",
  "NetworkError",
  "NotConfigured",
]);

/** Everything the executor needs (built by runBackup). */
export interface BackupRunConfig {
  client: S3Client;
  bucket: string;
  endpoint?: string;
  /** "endpoint|bucket" (multipart records, manifest). */
  target: string;
  pathPrefix: string;
  dryRun: boolean;
  concurrency: number;
  hashConcurrency: number;
  upload: UploadSettings;
  /** Bytes per second (0: none), or a timetable (runBackup keeps the limiter on it). */
  bwlimit: number | BwLimit;
  retry: RetryPolicy;
  etagsNotMd5: boolean;
  manifest: Manifest;
  records?: MultipartRecords;
  /** Multipart records under the prefix when the run started (to sweep stale ones). */
  staleCandidates: Map<string, MultipartRecord>;
  events: EventSink;
  operationId: string;
  report: SyncReport;
  /** --max-duration / --max-transfer of the run. */
  cutoff?: Cutoff;
}

/** Tracks one run's work and counters. */
export class BackupRun {
  readonly hashPool: TaskPool;
  readonly transferPool: TaskPool;
  readonly slots: Semaphore;
  readonly limiter?: BandwidthLimiter;
  /** Aborted by the caller's signal or by a fatal error. */
  readonly controller = new AbortController();
  fatal?: EngineError;
  localFiles = 0;
  remoteObjects = 0;
  foreignKeys = 0;
  readonly deletions: PlanItem[] = [];
  readonly progress: BackupProgress;
  #anySuccess = false;
  /** What uploads listen to: the run's signal, and a hard cut-off. */
  readonly #transferSignal: AbortSignal;

  constructor(readonly cfg: BackupRunConfig) {
    this.hashPool = new TaskPool(cfg.hashConcurrency);
    this.transferPool = new TaskPool(cfg.concurrency);
    this.slots = new Semaphore(cfg.concurrency);
    const metered = (cfg.cutoff?.options.maxTransfer ?? 0) > 0;
    const limited = typeof cfg.bwlimit !== "number" || cfg.bwlimit > 0;
    if (limited || metered) {
      this.limiter = new BandwidthLimiter(typeof cfg.bwlimit === "number" ? cfg.bwlimit : 0);
      if (metered) this.limiter.onTake = (n) => cfg.cutoff!.onSent(n);
    }
    const limiter = this.limiter;
    this.progress = new BackupProgress(
      cfg.events,
      cfg.operationId,
      limited && limiter ? () => limiter.bytesPerSecond : undefined,
    );
    this.#transferSignal = cfg.cutoff
      ? AbortSignal.any([this.controller.signal, cfg.cutoff.signal])
      : this.controller.signal;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once the run must not start new work. */
  get stopped(): boolean {
    return this.controller.signal.aborted;
  }

  #key(item: { key: string }): string {
    return displayKey(this.cfg.pathPrefix, item.key);
  }

  #plan(entry: PlanEntry): void {
    this.cfg.report.plan?.push(entry);
  }

  #error(item: PlanItem, path: string, code: string, message: string): void {
    this.cfg.report.errors.push({ path, key: this.#key(item), code, message });
    this.progress.fileError(item.relPath, code, message);
  }

  /** Stops the run because of `err` (the first fatal error wins). */
  fail(err: EngineError): void {
    this.fatal ??= err;
    this.controller.abort(err);
  }

  /** Handles one plan item; waits while the pools are full. */
  async handle(item: PlanItem): Promise<void> {
    const report = this.cfg.report;
    if (item.remote) this.remoteObjects += 1;
    switch (item.action) {
      case "ignore":
        this.foreignKeys += 1;
        return;
      case "keep":
        return;
      case "delete":
        this.deletions.push(item);
        return;
      case "error":
        this.#error(item, item.path ?? "", "UploadFailed", `'${item.relPath}': ${item.reason}`);
        return;
      case "skip":
        if (!item.local) {
          report.entries_skipped += 1;
          this.progress.notice(`Skipped '${item.path}': ${item.reason}.`);
          this.#plan({
            action: "skip",
            key: this.#key(item),
            path: item.path ?? "",
            size: 0,
            reason: item.reason,
          });
          return;
        }
        this.localFiles += 1;
        this.#skipped(item, item.local, item.reason);
        return;
      case "upload":
        this.localFiles += 1;
        return await this.#scheduleUpload(item, item.local!, item.reason);
      case "check":
        this.localFiles += 1;
        return await this.hashPool.submit(() => this.#check(item, item.local!));
    }
  }

  #skipped(item: PlanItem, local: LocalFile, reason: string): void {
    this.cfg.report.files_skipped += 1;
    this.#plan({
      action: "skip",
      key: this.#key(item),
      path: local.path,
      size: local.size,
      reason,
    });
  }

  /** True (and the file is counted as left) when the run was cut off: nothing more starts. */
  #cutOff(local: LocalFile, counted: boolean): boolean {
    const cutoff = this.cfg.cutoff;
    if (this.cfg.dryRun || !cutoff?.reached) return false;
    cutoff.left(local.size);
    if (counted) this.progress.dropped(local.size);
    return true;
  }

  /** Hashes a file in doubt (and HEADs its object when needed), then skips or uploads it. */
  async #check(item: PlanItem, local: LocalFile): Promise<void> {
    if (this.stopped || this.#cutOff(local, false)) return;
    const hashStartedAt = Date.now();
    let md5: Awaited<ReturnType<typeof md5File>>;
    try {
      md5 = await md5File(local.path, this.signal);
    } catch (e) {
      return this.#fileFailed(item, local, e, false);
    }
    this.cfg.report.files_hashed += 1;
    if (md5.size !== local.size) {
      return await this.#scheduleUpload(item, local, "file changed while it was hashed", {
        key: item.key,
        local,
        restat: true,
      });
    }
    const facts = {
      local,
      remote: item.remote,
      row: item.row,
      localMd5: md5.hex,
      etagsNotMd5: this.cfg.etagsNotMd5,
    };
    let d: TransferDecision = needsTransfer(facts);
    if (d.verdict === "head") {
      let remoteMd5: string | null;
      try {
        const head = await headObject(this.cfg.client, {
          bucket: this.cfg.bucket,
          key: item.key,
          signal: this.signal,
          // With the key: a HEAD's 404 has no body, and without it reads as "no such bucket".
          errors: {
            ...this.#errorContext("reading the checksum of", item.key),
            key: displayKey(this.cfg.pathPrefix, item.key),
          },
        });
        remoteMd5 = md5Base64ToHex(head.metadata[META_MD5]) ?? null;
      } catch (e) {
        const err = e instanceof EngineError
          ? e
          : this.#classify(e, "reading the checksum of", item.key);
        if (err.code !== "KeyNotFound") return this.#fileFailed(item, local, err, false);
        remoteMd5 = null;
      }
      d = needsTransfer({ ...facts, remoteMd5 });
    }
    if (d.verdict === "skip") {
      let reason = d.reason;
      let etag = item.remote?.etag;
      // Same bytes, new mtime, and the manifest says the object still carries the old one.
      const staleMtime = item.remote && item.row && rowMatchesRemote(item.row, item.remote) &&
        item.row.mtime_ms !== local.mtimeMs && canRefreshMtime(item.remote);
      if (staleMtime) {
        reason = "content identical; modification time updated in the bucket";
        if (!this.cfg.dryRun) {
          try {
            etag = await refreshMtime({
              client: this.cfg.client,
              bucket: this.cfg.bucket,
              key: item.key,
              remote: item.remote!,
              path: local.path,
              mtimeMs: local.mtimeMs,
              md5Base64: md5.base64,
              settings: this.cfg.upload,
              signal: this.signal,
            }) || etag;
          } catch (e) {
            return this.#fileFailed(
              item,
              local,
              this.#classify(e, "updating the modification time of", item.key),
              false,
            );
          }
        }
      }
      if (d.refreshRow && !this.cfg.dryRun && item.remote && etag) {
        const row = manifestRow(local, item.key, md5.hex, etag, hashStartedAt);
        this.cfg.manifest.put(row);
      }
      return this.#skipped(item, local, reason);
    }
    await this.#scheduleUpload(item, local, d.reason, {
      key: item.key,
      local,
      md5: { hex: md5.hex, base64: md5.base64 },
      hashStartedAt,
    });
  }

  /** Counts a planned upload, then (not in a dry run) queues it, pre-hashing multipart files. */
  async #scheduleUpload(
    item: PlanItem,
    local: LocalFile,
    reason: string,
    job: TransferJob = { key: item.key, local },
  ): Promise<void> {
    if (this.stopped || this.#cutOff(local, false)) return;
    this.progress.planned(local.size);
    if (this.cfg.dryRun) {
      this.cfg.report.files_uploaded += 1;
      this.cfg.report.bytes_transferred += local.size;
      this.#plan({
        action: "upload",
        key: this.#key(item),
        path: local.path,
        size: local.size,
        reason,
      });
      return;
    }
    this.cfg.staleCandidates.delete(item.key);
    const threshold = this.cfg.upload.multipartThreshold ?? MULTIPART_THRESHOLD;
    if (!job.md5 && !job.restat && local.size > threshold) {
      // A multipart upload hashes the whole file first: do that in the hashing pool.
      await this.hashPool.submit(async () => {
        if (this.stopped || this.#cutOff(local, true)) return;
        const hashStartedAt = Date.now();
        let h;
        try {
          h = await md5File(local.path, this.signal);
        } catch (e) {
          return this.#fileFailed(item, local, e, true);
        }
        const md5: Md5 = { hex: h.hex, base64: h.base64 };
        const next: TransferJob = h.size === local.size
          ? { ...job, md5, hashStartedAt }
          : { ...job, restat: true };
        await this.transferPool.submit(() => this.#upload(item, next));
      });
      return;
    }
    await this.transferPool.submit(() => this.#upload(item, job));
  }

  /** Uploads one file (with retries) and records the outcome. */
  async #upload(item: PlanItem, job: TransferJob): Promise<void> {
    if (this.stopped || this.cfg.dryRun) return;
    const cutoff = this.cfg.cutoff;
    if (cutoff && !cutoff.admit(job.local.size)) {
      cutoff.left(job.local.size);
      this.progress.dropped(job.local.size);
      return;
    }
    try {
      await this.#transfer(item, job);
    } finally {
      cutoff?.release(job.local.size);
    }
  }

  async #transfer(item: PlanItem, job: TransferJob): Promise<void> {
    this.cfg.events({
      type: "file-start",
      operation_id: this.progress.operationId,
      file_name: item.relPath,
      bytes: job.local.size,
    });
    const ctx: TransferContext = {
      client: this.cfg.client,
      target: this.cfg.target,
      bucket: this.cfg.bucket,
      upload: this.cfg.upload,
      records: this.cfg.records,
      retry: this.cfg.retry,
      slots: this.slots,
      limiter: this.limiter,
      signal: this.#transferSignal,
      classify: (e) => this.#classify(e, "upload of", item.key),
      onBytes: (n) => this.progress.sent(item.relPath, n),
      onResize: (n) => this.progress.resized(n),
      onRetry: (attempt, message) => this.progress.retry(item.relPath, attempt, message),
    };
    const r = await transferWithRetries(ctx, job);
    if (r.kind === "stopped") {
      // Stopped by a hard cut-off: left for the next run (a multipart upload resumes).
      if (!this.stopped && this.cfg.cutoff?.reached) {
        this.cfg.cutoff.left(job.local.size);
        this.progress.dropped(job.local.size);
      }
      return;
    }
    if (r.kind === "vanished") return this.#vanished(r.local, true);
    if (r.kind === "failed") return this.#fileFailed(item, r.local, r.error, true);
    const { outcome } = r;
    if (this.cfg.dryRun) return;
    this.cfg.manifest.put(
      manifestRow(r.local, item.key, outcome.md5.hex, outcome.etag, r.readStartedAt),
    );
    this.#anySuccess = true;
    const report = this.cfg.report;
    report.files_uploaded += 1;
    report.bytes_transferred += outcome.bytes;
    report.resumed_parts += outcome.resumedParts;
    this.progress.fileDone(item.relPath, outcome.bytes, "upload");
    this.progress.finished(item.relPath);
  }

  /** A file that disappeared is not an error: there is nothing left to back up. */
  #vanished(local: LocalFile, counted: boolean): void {
    if (counted) this.progress.finished(local.relPath);
    this.progress.notice(`'${local.path}' vanished before it was backed up.`);
  }

  #classify(e: unknown, action: string, key: string): EngineError {
    if (e instanceof EngineError) return e;
    if (e instanceof Deno.errors.PermissionDenied) {
      return new EngineError("UploadFailed", "cannot read the file (permission denied)");
    }
    return toEngineError(e, this.#errorContext(action, key));
  }

  /** How a failure of `action` on `key` is described (the action names the key). */
  #errorContext(action: string, key: string): ErrorContext {
    return {
      action: `${action} '${displayKey(this.cfg.pathPrefix, key)}'`,
      endpoint: this.cfg.endpoint,
      bucket: this.cfg.bucket,
      fallback: "UploadFailed",
    };
  }

  /**
   * Records a failed file, or stops the run when the failure is fatal. `counted`: the file was
   * already counted in files_total (scheduled for upload).
   */
  #fileFailed(item: PlanItem, local: LocalFile, e: unknown, counted: boolean): void {
    if (this.stopped) return;
    if (e instanceof Deno.errors.NotFound) return this.#vanished(local, counted);
    const err = this.#classify(e, "upload of", item.key);
    if (err.code === "Interrupted") return;
    if (FATAL.has(err.code) || (err.code === "AccessDenied" && !this.#anySuccess)) {
      return this.fail(err);
    }
    this.#error(item, local.path, err.code, err.message);
    if (counted) this.progress.finished(item.relPath);
  }

  /** Waits for all hashing and transfers to finish. */
  async drain(): Promise<void> {
    await this.hashPool.drain();
    await this.transferPool.drain();
    // Hash tasks may have queued transfers while the first drain ran.
    await this.hashPool.drain();
    await this.transferPool.drain();
  }
}
