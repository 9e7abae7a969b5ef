/**
 * What the TUI needs from the engine, as one interface. The real implementation
 * (engine_services.ts) only calls engine and secrets functions; tests pass a fake. Nothing in
 * src/tui talks to S3 except through this.
 *
 * @module
 */

import type { ConfigFile, Defaults } from "../../engine/config/config.ts";
import type { S3BucketInfo, S3ConnectionStatus } from "../../engine/s3/connection.ts";
import type { EngineEvent } from "../../engine/core/events.ts";
import type { HistoryRecord } from "../../engine/state/history.ts";
import type { CronPreview, JobDraft, JobRow, SaveJobResult } from "./schedule_types.ts";

/** The profile form's values (the secret only when the user typed one). */
export interface ProfileDraft {
  name: string;
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  /** Empty: keep (or use) the stored secret of the profile `name`. */
  secret: string;
  pathPrefix: string;
}

/** What Save did. */
export type SaveProfileResult =
  | {
    saved: true;
    config: ConfigFile;
    /** e.g. "encrypted file ~/.local/state/eigen/secrets.enc". */
    secretLocation: string;
    /** Why the preferred backend was not used, when it was not. */
    fallbackReason?: string;
    tested: boolean;
  }
  | { saved: false; status: S3ConnectionStatus };

/** One row of a folder view of the bucket (keys relative to the profile's path prefix). */
export interface RemoteEntry {
  /** Key (or folder prefix ending in "/") relative to the profile's path prefix. */
  key: string;
  /** Last path segment ("photos/" for a folder). */
  name: string;
  isFolder: boolean;
  size: number;
  lastModified: string | null;
  storageClass: string | null;
}

/** One page of a folder view. */
export interface RemotePage {
  entries: RemoteEntry[];
  nextToken?: string;
}

/** One row of the local folder picker. */
export interface LocalEntry {
  name: string;
  isDir: boolean;
}

/** What a backup should do. */
export interface BackupRequest {
  profile: string;
  localFolder: string;
  /** S3 prefix under the profile's path prefix ("" for the root). */
  prefix: string;
  deleteRemote: boolean;
  dryRun: boolean;
  includeHidden: boolean;
  excludes: string[];
  /**
   * The Filters field: filter flags (`include`, `maxAge`, ...: the engine's FilterOptions names)
   * and window flags (`maxDuration`, `maxTransfer`, `cutoffMode`, `bwlimit`), as typed.
   */
  filters?: Record<string, string | string[]>;
}

/** One folder or file to restore. */
export interface RestoreSource {
  key: string;
  isFolder: boolean;
  size: number;
}

/** What a restore should do. */
export interface RestoreRequest {
  profile: string;
  /**
   * What to restore: folders ("a/b/", "" for everything) and files, keys relative to the path
   * prefix. Each object keeps its path relative to the selection's common prefix under
   * `localFolder`: one folder restores its content into it, one file goes in by name, and
   * `2022/01 - Jan/` with `2024/01 - Jan/` become `2022/01 - Jan/...` and `2024/01 - Jan/...`.
   */
  sources: RestoreSource[];
  localFolder: string;
  overwrite: boolean;
  dryRun: boolean;
  excludes: string[];
  /** Restore as it was at this time (versioned buckets): ISO date/time text, "" for now. */
  at: string;
  /** Ask S3 to thaw objects in GLACIER / DEEP_ARCHIVE that are not readable yet. */
  requestThaw: boolean;
}

/** One line of a plan as the TUI shows it. */
export interface PlanLine {
  action: string;
  /** Key or relative path. */
  name: string;
  size: number;
  reason: string;
}

/** The numbers of a plan, shown before anything moves. */
export interface PlanSummary {
  /** Files to upload (backup) or download (restore). */
  transfers: number;
  transferBytes: number;
  deletes: number;
  skips: number;
  /** Where it goes, in words ("~/Photos -> s3://b/photos/"). */
  route: string;
  /** Notes the plan carries (guards, cold-storage objects...). */
  notes: string[];
  /** The first actions of the plan (at most a few thousand) for the dry-run view. */
  lines: PlanLine[];
}

/** How a run ended, as the TUI shows it. */
export interface RunOutcome {
  status: "success" | "partial" | "failed" | "interrupted" | "dry-run";
  transferred: number;
  deleted: number;
  skipped: number;
  bytes: number;
  durationMs: number;
  errors: { name: string; message: string }[];
  /** The error that ended the run, when it failed as a whole. */
  message?: string;
}

/** A plan ready to run (or to drop). */
export interface PlannedRun {
  summary: PlanSummary;
  /** Runs the plan; events arrive in `sink`; resolves when the run is over (never rejects). */
  run(sink: (event: EngineEvent) => void, signal: AbortSignal): Promise<RunOutcome>;
  /** Releases what the plan holds (called when the user cancels). */
  discard(): void;
}

/** Which transfers the engine offers right now. */
export interface Capabilities {
  backup: boolean;
  restore: boolean;
}

/** The engine as the TUI sees it. */
export interface TuiServices {
  /** The config file (an empty one when missing). */
  loadConfig(): Promise<ConfigFile>;
  /** The profile to start with: --profile, EIGEN_S3_PROFILE, the default, or the first one. */
  initialProfile(config: ConfigFile): string | null;
  /** Where the config file is (for messages). */
  readonly configPath: string;
  /** Tests a draft (or saved) profile. */
  testConnection(draft: ProfileDraft, signal: AbortSignal): Promise<S3ConnectionStatus>;
  /** ListBuckets with a draft profile's credentials. */
  listBuckets(draft: ProfileDraft, signal: AbortSignal): Promise<S3BucketInfo[]>;
  /** Validates, tests (unless `skipTest`), stores the secret, writes the profile. */
  saveProfile(
    draft: ProfileDraft,
    skipTest: boolean,
    signal: AbortSignal,
  ): Promise<SaveProfileResult>;
  /** Deletes a profile and its stored secret; returns the new config. */
  removeProfile(name: string): Promise<ConfigFile>;
  /** Makes `name` the default profile; returns the new config. */
  makeDefault(name: string): Promise<ConfigFile>;
  /** Saves the defaults (validated); returns the new config. */
  saveDefaults(defaults: Defaults): Promise<ConfigFile>;
  /** One page of a folder view under `prefix` (relative to the path prefix). */
  listRemote(
    profile: string,
    prefix: string,
    token: string | undefined,
    signal: AbortSignal,
  ): Promise<RemotePage>;
  /** Sub-folders and files of a local folder, sorted by name. */
  listLocal(path: string): Promise<LocalEntry[]>;
  /** The user's home folder (where the folder picker starts). */
  homeDir(): string;
  /** Past runs, newest first. */
  history(limit: number): Promise<HistoryRecord[]>;
  /** Scheduled jobs with their next run and last result. */
  jobs(): Promise<JobRow[]>;
  /** The next `count` runs of a cron expression in a time zone ("": the system's), or why not. */
  cronPreview(cron: string, timezone: string, count: number): Promise<CronPreview>;
  /**
   * Saves a job: new (`editing` null) or over job `editing` (renamed when the name changed).
   * Errors that name a field come back with it; unexpected failures reject.
   */
  saveJob(draft: JobDraft, editing: string | null): Promise<SaveJobResult>;
  /** Removes a job. */
  removeJob(name: string): Promise<void>;
  /** Runs a job now; events arrive in `sink`; resolves when the run is over. */
  runJob(
    name: string,
    sink: (event: EngineEvent) => void,
    signal: AbortSignal,
  ): Promise<RunOutcome>;
  /** Which transfers can run. */
  capabilities(): Capabilities;
  /** Plans a backup. */
  planBackup(request: BackupRequest, signal: AbortSignal): Promise<PlannedRun>;
  /** Plans a restore. */
  planRestore(request: RestoreRequest, signal: AbortSignal): Promise<PlannedRun>;
  /** Releases clients and the database. */
  close(): void;
}
