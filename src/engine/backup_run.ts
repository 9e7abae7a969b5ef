/**
 * The backup executor: consumes the plan as it streams, hashes files in doubt in one bounded
 * pool and uploads in another (`concurrency` files; their requests share one Semaphore of
 * `concurrency` slots, so memory stays about concurrency x part size), writes a manifest row
 * as each upload completes, retries files with backoff, and stops the run on fatal errors.
 * Deletions, guarded, happen only at the end of a run where nothing failed. A dry run
 * resolves the same decisions (hashing and HEAD are read-only) and changes nothing: every
 * mutation below checks `dryRun` again.
 *
 * @module
 */

import { AbortMultipartUploadCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { BandwidthLimiter } from "./bandwidth.ts";
import type { PlanItem } from "./backup_plan.ts";
import type { PlanEntry, SyncReport } from "./backup_report.ts";
import { contentTypeFor } from "./content_type.ts";
import { EngineError, type ErrorCode } from "./errors.ts";
import { type EventSink, progressPayload } from "./events.ts";
import { md5File } from "./hashing.ts";
import { displayKey } from "./keys.ts";
import { type Manifest, manifestRow } from "./manifest.ts";
import type { MultipartRecord, MultipartRecords } from "./multipart_records.ts";
import { md5Base64ToHex, META_MD5 } from "./object_meta.ts";
import { type RetryPolicy, waitBeforeRetry } from "./retry.ts";
import { toEngineError } from "./sdk_errors.ts";
import { Semaphore } from "./semaphore.ts";
import { TaskPool } from "./task_pool.ts";
import { MULTIPART_THRESHOLD, uploadFile, type UploadSettings } from "./upload.ts";
import { needsTransfer, type TransferDecision } from "./needs_transfer.ts";
import type { LocalFile } from "./walk.ts";

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
  bwlimit: number;
  retry: RetryPolicy;
  etagsNotMd5: boolean;
  manifest: Manifest;
  records?: MultipartRecords;
  /** Multipart records under the prefix when the run started (to sweep stale ones). */
  staleCandidates: Map<string, MultipartRecord>;
  events: EventSink;
  operationId: string;
  report: SyncReport;
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
  #filesTotal = 0;
  #filesDone = 0;
  #bytesTotal = 0;
  #bytesDone = 0;
  #anySuccess = false;

  constructor(readonly cfg: BackupRunConfig) {
    this.hashPool = new TaskPool(cfg.hashConcurrency);
    this.transferPool = new TaskPool(cfg.concurrency);
    this.slots = new Semaphore(cfg.concurrency);
    if (cfg.bwlimit > 0) this.limiter = new BandwidthLimiter(cfg.bwlimit);
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

  #progress(file: string): void {
    this.cfg.events({
      type: "progress",
      progress: progressPayload(this.cfg.operationId, file, this.#bytesDone, this.#bytesTotal, {
        done: this.#filesDone,
        total: this.#filesTotal,
      }),
    });
  }

  #error(item: PlanItem, path: string, code: string, message: string): void {
    this.cfg.report.errors.push({ path, key: this.#key(item), code, message });
    this.cfg.events({
      type: "file-error",
      operation_id: this.cfg.operationId,
      file_name: item.relPath,
      code,
      message,
    });
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
          this.cfg.events({ type: "notice", message: `Skipped '${item.path}': ${item.reason}.` });
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

  /** Hashes a file in doubt (and HEADs its object when needed), then skips or uploads it. */
  async #check(item: PlanItem, local: LocalFile): Promise<void> {
    if (this.stopped) return;
    const readStarted = Date.now();
    let md5: Awaited<ReturnType<typeof md5File>>;
    try {
      md5 = await md5File(local.path, this.signal);
    } catch (e) {
      return this.#fileFailed(item, local, e);
    }
    this.cfg.report.files_hashed += 1;
    if (md5.size !== local.size) {
      return await this.#scheduleUpload(item, local, "file changed while it was hashed", true);
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
        remoteMd5 = await this.#remoteMd5(item.key);
      } catch (e) {
        return this.#fileFailed(item, local, e);
      }
      d = needsTransfer({ ...facts, remoteMd5 });
    }
    if (d.verdict === "skip") {
      if (d.refreshRow && !this.cfg.dryRun && item.remote) {
        this.cfg.manifest.put(manifestRow(local, item.key, md5.hex, item.remote.etag, readStarted));
      }
      return this.#skipped(item, local, d.reason);
    }
    await this.#scheduleUpload(item, local, d.reason, false, md5);
  }

  /** md5chksum metadata of one object (HEAD), null when it has none or vanished. */
  async #remoteMd5(key: string): Promise<string | null> {
    try {
      const out = await this.cfg.client.send(
        new HeadObjectCommand({ Bucket: this.cfg.bucket, Key: key }),
        { abortSignal: this.signal },
      );
      return md5Base64ToHex(out.Metadata?.[META_MD5]) ?? null;
    } catch (e) {
      const err = this.#classify(e, key, "reading the checksum of");
      if (err.code === "KeyNotFound") return null;
      throw err;
    }
  }

  async #scheduleUpload(
    item: PlanItem,
    local: LocalFile,
    reason: string,
    restat = false,
    md5?: { hex: string; base64: string },
  ): Promise<void> {
    if (this.stopped) return;
    this.#filesTotal += 1;
    this.#bytesTotal += local.size;
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
    if (!md5 && !restat && local.size > threshold) {
      // Multipart uploads hash the whole file first: do that in the hashing pool.
      await this.hashPool.submit(async () => {
        if (this.stopped) return;
        let h;
        try {
          h = await md5File(local.path, this.signal);
        } catch (e) {
          return this.#fileFailed(item, local, e);
        }
        const same = h.size === local.size;
        await this.transferPool.submit(() =>
          this.#transfer(item, local, !same, same ? { hex: h.hex, base64: h.base64 } : undefined)
        );
      });
      return;
    }
    await this.transferPool.submit(() => this.#transfer(item, local, restat, md5));
  }

  /** Uploads one file with per-file retries; records the manifest row when it completes. */
  async #transfer(
    item: PlanItem,
    planned: LocalFile,
    restat: boolean,
    md5?: { hex: string; base64: string },
  ): Promise<void> {
    let local = planned;
    let hash = md5;
    let needStat = restat;
    for (let attempt = 1;; attempt++) {
      if (this.stopped) return;
      if (this.cfg.dryRun) return; // never reached: dry runs stop in #scheduleUpload
      if (needStat) {
        const fresh = await restatFile(local);
        if (!fresh) return this.#vanished(local);
        this.#bytesTotal += fresh.size - local.size;
        local = fresh;
        hash = undefined;
      }
      const readStarted = Date.now();
      let sent = 0;
      try {
        const outcome = await uploadFile({
          ...this.cfg.upload,
          client: this.cfg.client,
          target: this.cfg.target,
          bucket: this.cfg.bucket,
          key: item.key,
          path: local.path,
          size: local.size,
          mtimeMs: local.mtimeMs,
          md5: hash,
          contentType: contentTypeFor(local.path),
          slots: this.slots,
          limiter: this.limiter,
          records: this.cfg.records,
          signal: this.signal,
          onBytes: (n) => {
            sent += n;
            this.#bytesDone += n;
            this.#progress(item.relPath);
          },
        });
        this.cfg.manifest.put(
          manifestRow(local, item.key, outcome.md5.hex, outcome.etag, readStarted),
        );
        this.#anySuccess = true;
        this.#filesDone += 1;
        const report = this.cfg.report;
        report.files_uploaded += 1;
        report.bytes_transferred += outcome.bytes;
        report.resumed_parts += outcome.resumedParts;
        this.cfg.events({
          type: "file-done",
          operation_id: this.cfg.operationId,
          file_name: item.relPath,
          bytes: outcome.bytes,
          action: "upload",
        });
        this.#progress(item.relPath);
        return;
      } catch (e) {
        this.#bytesDone -= sent;
        if (this.stopped) return;
        if (e instanceof Deno.errors.NotFound) return this.#vanished(local);
        const err = this.#classify(e, item.key, "upload of");
        if (err.retryable && attempt < this.cfg.retry.attempts) {
          this.cfg.events({
            type: "retry",
            operation_id: this.cfg.operationId,
            file_name: item.relPath,
            attempt,
            message: err.message,
          });
          needStat = err.message.includes("changed while");
          try {
            await waitBeforeRetry(attempt, this.cfg.retry, this.signal);
          } catch {
            return;
          }
          continue;
        }
        return this.#fileFailed(item, local, err);
      }
    }
  }

  #vanished(local: LocalFile): void {
    this.#filesDone += 1;
    this.cfg.events({
      type: "notice",
      message: `'${local.path}' vanished before it was uploaded.`,
    });
  }

  #classify(e: unknown, key: string, action: string): EngineError {
    if (e instanceof Deno.errors.PermissionDenied) {
      return new EngineError("UploadFailed", `cannot read the file (permission denied)`);
    }
    return toEngineError(e, {
      action: `${action} '${displayKey(this.cfg.pathPrefix, key)}'`,
      endpoint: this.cfg.endpoint,
      bucket: this.cfg.bucket,
      fallback: "UploadFailed",
    });
  }

  /** Records a failed file, or stops the run when the failure is fatal. */
  #fileFailed(item: PlanItem, local: LocalFile, e: unknown): void {
    if (this.stopped) return;
    if (e instanceof Deno.errors.NotFound) return this.#vanished(local);
    const err = e instanceof EngineError ? e : this.#classify(e, item.key, "upload of");
    if (err.code === "Interrupted") return;
    if (FATAL.has(err.code) || (err.code === "AccessDenied" && !this.#anySuccess)) {
      return this.fail(err);
    }
    this.#filesDone += 1;
    this.#error(item, local.path, err.code, err.message);
    this.#progress(item.relPath);
  }

  /** Aborts multipart uploads of ours under the prefix that this run did not continue. */
  async sweepStaleUploads(): Promise<void> {
    if (this.cfg.dryRun || this.stopped || !this.cfg.records) return;
    for (const rec of this.cfg.staleCandidates.values()) {
      if (this.cfg.dryRun) return;
      await this.cfg.client.send(
        new AbortMultipartUploadCommand({
          Bucket: this.cfg.bucket,
          Key: rec.key,
          UploadId: rec.upload_id,
        }),
        { abortSignal: this.signal },
      ).catch(() => {});
      this.cfg.records.remove(rec.target, rec.key);
      this.cfg.report.stale_uploads_aborted += 1;
    }
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

/** A fresh stat of a planned file, or undefined when it is gone or no longer a file. */
async function restatFile(local: LocalFile): Promise<LocalFile | undefined> {
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
