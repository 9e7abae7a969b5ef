/**
 * Incremental folder backup (`eigen-s3 backup`, the TUI's Backup Manager): walks the folder,
 * lists the prefix, plans with {@link planBackup} and executes with {@link BackupRun}, then
 * applies the guarded deletions, aborts stale multipart uploads of ours, and records history
 * and `last_sync_timestamp`. UI-agnostic: it reports through events and returns a SyncReport.
 *
 * Key mapping: `LOCAL_FOLDER/rel/path` -> `<path_prefix><s3Prefix>/rel/path` (NFC).
 *
 * @module
 */

import { DEFAULT_CONCURRENCY } from "../core/concurrency.ts";
import type { S3Client } from "@aws-sdk/client-s3";
import { basename, resolve } from "node:path";
import { applyDeletions, sweepStaleUploads } from "./backup_finish.ts";
import { type MaxDelete, missingFolderError } from "./backup_guards.ts";
import { planBackup } from "./backup_plan.ts";
import { recordBackupRun } from "./backup_record.ts";
import { emptyReport, type SyncReport } from "./backup_report.ts";
import { BackupRun } from "./backup_run.ts";
import { Cutoff, type CutoffMode } from "./backup_cutoff.ts";
import { type BwLimit, followTimetable } from "../core/bwlimit.ts";
import { formatBytes, formatDuration } from "../../lib/format.ts";
import { EngineError } from "../core/errors.ts";
import { type EventSink, newOperationId, NO_EVENTS, throttleProgress } from "../core/events.ts";
import { type FilterInput, type FilterOptions, loadFilter } from "../local/filter_options.ts";
import { type Clock, systemClock } from "../../lib/clock.ts";
import type { History } from "../state/history.ts";
import { compareKeys, displayKey, folderKeyPrefix } from "../core/keys.ts";
import { iterateObjects } from "../s3/listing.ts";
import type { Manifest } from "../state/manifest.ts";
import { type MultipartRecords, targetId } from "../state/multipart_records.ts";
import { type RetryPolicy, UPLOAD_RETRY } from "../core/retry.ts";
import type { ResolvedSettings } from "../config/settings.ts";
import { toEngineError } from "../s3/sdk_errors.ts";
import type { UploadSettings } from "../objects/upload.ts";
import { walkFolder } from "../local/walk.ts";

export type { PlanEntry, SyncError, SyncReport } from "./backup_report.ts";
export { planBackup } from "./backup_plan.ts";

/**
 * The flags of `backup` (DESIGN.md), with the filter flags (`include`, `exclude`,
 * `excludeFrom`, `filesFrom`, `minSize`, `maxAge`, ...: see filter_options.ts).
 */
export interface BackupOptions extends FilterOptions {
  /** Plan everything, change nothing (no upload, delete, manifest or history write). */
  dryRun?: boolean;
  /** Delete objects under the prefix that are no longer in the folder (guarded). */
  delete?: boolean;
  /** Most deletions allowed (default 50% of the objects under the prefix). */
  maxDelete?: MaxDelete;
  /** Back up dotfiles and dot-folders too. */
  includeHidden?: boolean;
  /** Files transferred at once, and request slots shared by their parts (default {@link DEFAULT_CONCURRENCY}). */
  concurrency?: number;
  /** Files hashed at once (default min(4, concurrency)). */
  hashConcurrency?: number;
  /** Storage class, SSE, multipart threshold and part size. */
  upload?: UploadSettings;
  /**
   * Combined upload rate limit in bytes per second (0 or undefined: none), or a `--bwlimit`
   * timetable (core/bwlimit.ts) followed while the run goes on.
   */
  bwlimit?: number | BwLimit;
  /** Per-file retries (default {@link UPLOAD_RETRY}: 3 attempts, 1 s base backoff with jitter). */
  retry?: RetryPolicy;
  /** `--max-duration`: cut the run off after this many milliseconds (see backup_cutoff.ts). */
  maxDuration?: number;
  /** `--max-transfer`: cut the run off once this many bytes were sent. */
  maxTransfer?: number;
  /** `--cutoff-mode`: hard (default), soft or cautious. */
  cutoffMode?: CutoffMode;
}

/** Where a backup goes: the resolved settings of the run (only these fields are used). */
export type BackupTarget = Pick<ResolvedSettings, "bucket" | "endpoint" | "pathPrefix"> & {
  profileName?: string;
  /** Set when the profile is saved (its last_sync_timestamp is then updated). */
  profile?: unknown;
};

/** Local state a run uses: the manifest, multipart records and history (see backup_store.ts). */
export interface BackupState {
  manifest: Manifest;
  records?: MultipartRecords;
  history?: History;
  /** The config file, to update the profile's last_sync_timestamp. */
  configPath?: string;
}

/** One backup run. */
export interface BackupRequest {
  client: S3Client;
  settings: BackupTarget;
  localFolder: string;
  /** Prefix under the path prefix ("" for its root); see {@link defaultS3Prefix}. */
  s3Prefix: string;
  options?: BackupOptions;
  state: BackupState;
  /** Scheduled job name, for history. */
  job?: string;
  events?: EventSink;
  signal?: AbortSignal;
  /** Time for ages, --max-duration and --bwlimit timetables (default: the system clock). */
  clock?: Clock;
  /** Standard input, for list files given as '-' (CLI only). */
  input?: FilterInput;
}

/**
 * The default S3_PREFIX: the folder's own name, after resolving it against the current
 * folder ("/home/me/Photos" -> "Photos", "." -> the current folder's name, "/" -> "").
 */
export function defaultS3Prefix(localFolder: string): string {
  return basename(resolve(localFolder)).normalize("NFC");
}

/** The run's limits, when any is set; it tells the user (an event) when it cuts the run off. */
function cutoffOf(
  opts: BackupOptions,
  clock: Clock,
  events: EventSink,
): Cutoff | undefined {
  const cutoff = new Cutoff(
    { maxDuration: opts.maxDuration, maxTransfer: opts.maxTransfer, mode: opts.cutoffMode },
    clock,
    (by, mode) => {
      const limit = by === "max-duration"
        ? `--max-duration ${formatDuration(opts.maxDuration ?? 0)}`
        : `--max-transfer ${formatBytes(opts.maxTransfer ?? 0)}`;
      const then = mode === "hard"
        ? "uploads in flight stop now (multipart uploads resume next run)"
        : "no new upload starts; uploads in flight finish";
      events({ type: "notice", message: `${limit} reached: ${then}.` });
    },
  );
  if (cutoff.active) return cutoff;
  cutoff.stop();
  return undefined;
}

function interrupted(): EngineError {
  return new EngineError(
    "Interrupted",
    "Interrupted: stopped cleanly; run the backup again to finish it.",
  );
}

async function checkFolder(folder: string, withDelete: boolean): Promise<void> {
  let st: Deno.FileInfo;
  try {
    st = await Deno.stat(folder);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw missingFolderError(folder, withDelete);
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new EngineError("UsageError", `The local folder '${folder}' cannot be read.`);
    }
    throw e;
  }
  if (!st.isDirectory) {
    throw new EngineError(
      "UsageError",
      `'${folder}' is not a folder: use 'eigen-s3 put' for a single file.`,
    );
  }
}

/**
 * Runs a backup and returns its report (errors of single files are in `report.errors`; the
 * exit code is then 3). Throws an EngineError when the run as a whole fails: a guard refused
 * (UnsafeOperation), a fatal S3 error (credentials, bucket, network), or Interrupted. A real
 * run records history and (with a saved profile) last_sync_timestamp; a dry run records
 * nothing and returns the full plan in `report.plan`.
 *
 * ```ts
 * const s3 = createS3Client(settings, { concurrency: DEFAULT_CONCURRENCY });
 * const state = await openBackupState({ stateDir: stateDir(), target: targetId(settings.endpoint,
 *   settings.bucket), dryRun: false, configPath: configFile() });
 * try {
 *   const report = await runBackup({ client: s3.client, settings, localFolder: "/home/me/Photos",
 *     s3Prefix: "Photos", options: { delete: true }, state, events: onEvent, signal });
 * } finally {
 *   state.close();
 *   s3.destroy();
 * }
 * ```
 */
export async function runBackup(req: BackupRequest): Promise<SyncReport> {
  const opts = req.options ?? {};
  const dryRun = opts.dryRun === true;
  const { bucket, endpoint, pathPrefix } = req.settings;
  const keyPrefix = folderKeyPrefix(pathPrefix, req.s3Prefix);
  const report = emptyReport(displayKey(pathPrefix, keyPrefix), dryRun);
  const startedAt = new Date();
  const started = performance.now();
  const throttled = throttleProgress(req.events ?? NO_EVENTS);
  const events = throttled.sink;
  const target = targetId(endpoint, bucket);
  const clock = req.clock ?? systemClock;
  const filter = await loadFilter(opts, clock.now(), req.input);
  const concurrency = Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY);
  if (dryRun && !req.state.manifest.readOnly) {
    // Defence in depth: a dry run never gets a writable manifest.
    throw new EngineError("SdkError", "internal: a dry run needs the read-only manifest");
  }
  const records = dryRun ? undefined : req.state.records;
  const cutoff = dryRun ? undefined : cutoffOf(opts, clock, events);
  const run = new BackupRun({
    client: req.client,
    bucket,
    endpoint,
    target,
    pathPrefix,
    dryRun,
    concurrency,
    hashConcurrency: Math.max(1, opts.hashConcurrency ?? Math.min(4, concurrency)),
    upload: opts.upload ?? {},
    bwlimit: opts.bwlimit ?? 0,
    retry: opts.retry ?? UPLOAD_RETRY,
    etagsNotMd5: opts.upload?.sse === "aws:kms",
    manifest: req.state.manifest,
    records,
    staleCandidates: new Map((records?.list(target, keyPrefix) ?? []).map((r) => [r.key, r])),
    events,
    operationId: newOperationId("backup"),
    report,
    ...(cutoff ? { cutoff } : {}),
  });
  const timetable = new AbortController();
  if (typeof opts.bwlimit === "object" && run.limiter) {
    followTimetable(run.limiter, opts.bwlimit, "up", clock, timetable.signal, (rate) => {
      events({
        type: "notice",
        message: `Bandwidth limit now ${
          rate > 0 ? `${formatBytes(rate)}/s` : "off"
        } (--bwlimit timetable).`,
      });
      run.progress.refresh();
    });
  }
  const onAbort = () => run.controller.abort(req.signal?.reason);
  if (req.signal?.aborted) onAbort();
  req.signal?.addEventListener("abort", onAbort, { once: true });
  const s3Url = `s3://${bucket}/${keyPrefix}`;
  let failure: unknown;
  try {
    await checkFolder(req.localFolder, opts.delete === true);
    try {
      const walk = walkFolder(req.localFolder, {
        includeHidden: opts.includeHidden,
        filter,
        signal: run.signal,
      });
      const listing = iterateObjects(req.client, bucket, keyPrefix, run.signal);
      const plan = planBackup(walk, listing, req.state.manifest, {
        keyPrefix,
        delete: opts.delete,
        includeHidden: opts.includeHidden,
        filter,
        etagsNotMd5: opts.upload?.sse === "aws:kms",
      });
      for await (const item of plan) {
        if (run.stopped) break;
        await run.handle(item);
      }
    } catch (e) {
      if (!run.stopped) {
        run.fail(toEngineError(e, { action: `backup to ${s3Url}`, endpoint, bucket }));
      }
    }
    await run.drain();
    if (filter.counts.size > 0) {
      report.files_excluded = filter.counts.files();
      report.bytes_excluded = filter.counts.bytes();
    }
    if (req.signal?.aborted) throw interrupted();
    if (run.fatal) throw run.fatal;
    if (run.foreignKeys > 0) {
      events({
        type: "notice",
        message:
          `${run.foreignKeys} object(s) under ${s3Url} have keys no local file maps to (not NFC, or empty/'.'/'..' parts): left alone.`,
      });
    }
    const cutOff = cutoff?.report(run.deletions.length);
    if (cutOff) {
      report.cut_off = cutOff;
      events({
        type: "notice",
        message: `Cut off by --${cutOff.by}: ${cutOff.files_left} file(s) (${
          formatBytes(cutOff.bytes_left)
        }) left for the next run${
          cutOff.deletions_skipped > 0
            ? `; ${cutOff.deletions_skipped} deletion(s) not made (a cut-off run deletes nothing)`
            : ""
        }.`,
      });
    } else if (opts.delete) {
      await applyDeletions(run, {
        client: req.client,
        bucket,
        endpoint,
        pathPrefix,
        localFolder: req.localFolder,
        keyPrefix,
        s3Url,
        maxDelete: opts.maxDelete,
        filtered: filter.active,
      });
    }
    // Uploads of earlier runs the cut-off run did not reach are not stale.
    if (!cutOff) await sweepStaleUploads(run);
    report.duration_ms = Math.round(performance.now() - started);
    report.errors.sort((a, b) => compareKeys(a.key, b.key));
    report.plan?.sort((a, b) => compareKeys(a.key, b.key));
    return report;
  } catch (e) {
    failure = req.signal?.aborted ? interrupted() : e;
    throw failure;
  } finally {
    cutoff?.stop();
    timetable.abort();
    req.signal?.removeEventListener("abort", onAbort);
    report.duration_ms = Math.round(performance.now() - started);
    throttled.flush();
    if (!dryRun) {
      const warnings = await recordBackupRun(
        {
          history: req.state.history,
          configPath: req.settings.profile ? req.state.configPath : undefined,
          profile: req.settings.profileName,
          job: req.job,
          bucket,
          prefix: keyPrefix,
          localPath: req.localFolder,
          startedAt,
        },
        failure === undefined
          ? { failed: false, report }
          : { failed: true, report, error: failure },
      );
      for (const message of warnings) (req.events ?? NO_EVENTS)({ type: "notice", message });
    }
  }
}
