/**
 * What a backup run returns: the seed's SyncReport (snake_case, as printed with `--json`),
 * with the dry-run plan entries, and how a report maps to an exit code and a history status.
 *
 * @module
 */

import { EXIT_CUT_OFF, EXIT_PARTIAL } from "../core/errors.ts";
import type { RunStatus } from "../state/history.ts";
import type { CutOffReport } from "./backup_cutoff.ts";

/** One file or object that failed. */
export interface SyncError {
  /** Local path (as found on disk). */
  path: string;
  /** Object key, relative to the profile's path prefix. */
  key: string;
  /** An error code (DESIGN.md), e.g. UploadFailed. */
  code: string;
  message: string;
}

/** One entry of a dry run's plan. */
export interface PlanEntry {
  action: "upload" | "delete" | "skip";
  /** Object key, relative to the profile's path prefix. */
  key: string;
  /** Local path (for a delete: where the file would be). */
  path: string;
  size: number;
  reason: string;
}

/** The seed's SyncReport, plus a few details. */
export interface SyncReport {
  /** Files uploaded (in a dry run: that would be uploaded). */
  files_uploaded: number;
  /** Objects deleted (in a dry run: that would be deleted). */
  files_deleted: number;
  /** Files already backed up and unchanged. */
  files_skipped: number;
  /** Bytes of the files uploaded (in a dry run: that would be uploaded). */
  bytes_transferred: number;
  duration_ms: number;
  errors: SyncError[];
  /** Files read to compare checksums because size, mtime and manifest left a doubt. */
  files_hashed: number;
  /** Symbolic links, FIFOs, sockets and devices passed over. */
  entries_skipped: number;
  /** Parts of interrupted multipart uploads found on the server and not sent again. */
  resumed_parts: number;
  /** Stale multipart uploads of earlier runs that were aborted. */
  stale_uploads_aborted: number;
  /**
   * Files each filter rule left out, by rule: an exclude pattern as given, or the flag and its
   * value ("--max-size 2G", "--exclude-if-present .nobackup", "(not matched by --include)");
   * 0 for a rule that matched nothing. A folder left out whole by an exclude pattern or a marker
   * counts the files under it; folders outside --include or --files-from are not walked and
   * not counted. Present when any filter is set.
   */
  files_excluded?: Record<string, number>;
  /** The bytes of those files, by the same rules. */
  bytes_excluded?: Record<string, number>;
  /**
   * Set when --max-duration or --max-transfer cut the run off: which limit, and what was left
   * for the next run (exit 9; nothing was deleted).
   */
  cut_off?: CutOffReport;
  /** Full key prefix the folder was backed up to (relative to the path prefix). */
  prefix: string;
  dry_run: boolean;
  /** The full plan, in key order (dry runs only). */
  plan?: PlanEntry[];
}

/** An empty report. */
export function emptyReport(prefix: string, dryRun: boolean): SyncReport {
  const r: SyncReport = {
    files_uploaded: 0,
    files_deleted: 0,
    files_skipped: 0,
    bytes_transferred: 0,
    duration_ms: 0,
    errors: [],
    files_hashed: 0,
    entries_skipped: 0,
    resumed_parts: 0,
    stale_uploads_aborted: 0,
    prefix,
    dry_run: dryRun,
  };
  if (dryRun) r.plan = [];
  return r;
}

/**
 * 0 when every file made it, 3 (partial) when some failed, 9 when the run was cut off by
 * --max-duration or --max-transfer (3 wins: failed files need a look, a cut-off run only time).
 */
export function reportExitCode(report: SyncReport): number {
  if (report.errors.length > 0) return EXIT_PARTIAL;
  return report.cut_off ? EXIT_CUT_OFF : 0;
}

/** The history status of a finished run. */
export function reportStatus(report: SyncReport): RunStatus {
  if (report.dry_run) return "dry-run";
  if (report.errors.length > 0) return "partial";
  return report.cut_off ? "cut-off" : "success";
}
