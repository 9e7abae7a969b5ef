/**
 * What a restore is asked to do ({@link RestoreOptions}) and what it answers
 * ({@link RestoreResult}).
 *
 * @module
 */

import type { S3Client } from "@aws-sdk/client-s3";
import type { ThawTier } from "../s3/cold_storage.ts";
import type { DownloadRecords } from "../state/download_records.ts";
import type { EventSink } from "../core/events.ts";
import type { History, RunStatus } from "../state/history.ts";
import type { RestorePlanItem, RestoreSource } from "./restore_plan.ts";
import type { RestoreReport } from "./restore_report.ts";
import type { BwLimit } from "../core/bwlimit.ts";
import type { FilterInput, FilterOptions } from "../local/filter_options.ts";

/**
 * Everything a restore needs. The filter flags apply to the keys below the prefix (name rules,
 * --files-from) and to the objects' sizes; ages and --exclude-if-present do not apply.
 */
export interface RestoreOptions
  extends Omit<FilterOptions, "minAge" | "maxAge" | "excludeIfPresent"> {
  client: S3Client;
  /** "endpoint|bucket" (resume records). */
  target: string;
  bucket: string;
  /** Full key prefix that maps to `localFolder` ("" or ending in "/"): see keys.ts folderKeyPrefix. */
  keyPrefix: string;
  localFolder: string;
  /** For messages ("Cannot reach <endpoint>"). */
  endpoint?: string;
  dryRun?: boolean;
  overwrite?: boolean;
  /** Parallel downloads (default: DEFAULT_CONCURRENCY of core/concurrency.ts). */
  concurrency?: number;
  /** Bytes per second across all downloads (0 or undefined: unlimited), or a timetable. */
  bwlimit?: number | BwLimit;
  /** Restore each key as it was at this time (versioned buckets). */
  at?: Date;
  /**
   * The objects to restore, when not every object under `keyPrefix` (a selection): each key
   * must start with `keyPrefix`. Called instead of listing; `at` is then the caller's business.
   */
  sources?: (signal?: AbortSignal) => Promise<RestoreSource[]>;
  /** Send RestoreObject for cold objects that are not thawed. */
  requestThaw?: { days?: number; tier?: ThawTier };
  /** Resume records of partial downloads (memory records when absent). */
  records?: DownloadRecords;
  signal?: AbortSignal;
  onEvent?: EventSink;
  /** Standard input, for list files given as '-' (CLI only). */
  input?: FilterInput;
  /** When given, the run is recorded in the history. */
  history?: { store: History; profile: string; job?: string };
}

/** What a restore returns. */
export interface RestoreResult {
  report: RestoreReport;
  /** Every object's action and reason (after thaw requests and downloads ran, in key order). */
  plan: RestorePlanItem[];
  status: RunStatus;
  exitCode: number;
}
