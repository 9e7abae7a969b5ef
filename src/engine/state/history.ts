/**
 * Run history: one record per backup/restore/verify run, newest first, in the state database.
 * Every run is written the same way: the run describes itself as a {@link RunSummary} (built
 * from its report and how it ended) and calls {@link recordRun}; a scheduled job's run does the
 * same when its backup could not record itself.
 *
 * @module
 */

import type { StateDb } from "./state_db.ts";

/** How a run ended. */
export type RunStatus =
  | "success"
  | "partial"
  | "failed"
  | "interrupted"
  | "dry-run"
  /** Stopped by --max-duration or --max-transfer; the next run goes on (exit 9). */
  | "cut-off";

/** One finished run. */
export interface HistoryRecord {
  id: number;
  /** "backup", "restore", "verify", ... */
  command: string;
  /** Scheduled job name, when a schedule ran it. */
  job: string | null;
  profile: string;
  bucket: string;
  /** Full key prefix the run worked on. */
  prefix: string;
  local_path: string;
  started_at: string;
  finished_at: string;
  status: RunStatus;
  exit_code: number;
  /** The run's report (SyncReport, RestoreReport, ...) as it was printed. */
  report: unknown;
  /** The error message when the run failed as a whole. */
  error: string | null;
}

/** A record before it has an id. */
export type NewHistoryRecord = Omit<HistoryRecord, "id">;

/** The runs the history holds. */
export type RunCommand = "backup" | "restore" | "verify";

/** One finished run, as backup, restore, verify and job runs describe it to the history. */
export interface RunSummary {
  command: RunCommand;
  /** Scheduled job name, when a schedule ran it. */
  job?: string | null;
  profile: string;
  bucket: string;
  /** Full key prefix the run worked on. */
  prefix: string;
  /** The local folder (backed up, verified, or restored into). */
  localPath: string;
  /** When the run started (a Date or an ISO 8601 string). */
  startedAt: Date | string;
  /** When it finished (default: now). */
  finishedAt?: Date | string;
  status: RunStatus;
  exitCode: number;
  /** The run's report as it was printed (SyncReport, RestoreReport, VerifyReport, ...). */
  report: unknown;
  /** What stopped the run as a whole, if anything did: an Error (its message is kept) or text. */
  error?: unknown;
}

function iso(time: Date | string): string {
  return typeof time === "string" ? time : time.toISOString();
}

/** The history record of a run. */
export function historyRecord(run: RunSummary): NewHistoryRecord {
  const error = run.error;
  return {
    command: run.command,
    job: run.job ?? null,
    profile: run.profile,
    bucket: run.bucket,
    prefix: run.prefix,
    local_path: run.localPath,
    started_at: iso(run.startedAt),
    finished_at: iso(run.finishedAt ?? new Date()),
    status: run.status,
    exit_code: run.exitCode,
    report: run.report ?? null,
    error: error === undefined || error === null
      ? null
      : error instanceof Error
      ? error.message
      : String(error),
  };
}

/**
 * Writes one run to `history` (nothing without one); returns the record's id. Throws what the
 * store throws: the caller decides whether a failure to record matters.
 */
export function recordRun(history: History | undefined, run: RunSummary): number | undefined {
  return history?.add(historyRecord(run));
}

/** Run history storage. */
export interface History {
  add(record: NewHistoryRecord): number;
  list(limit: number, filter?: { command?: string; job?: string }): HistoryRecord[];
}

interface Row extends Omit<HistoryRecord, "report"> {
  report: string;
}

/** SQLite-backed history. */
export function sqliteHistory(state: StateDb): History {
  state.ensureSchema(
    "history",
    `CREATE TABLE IF NOT EXISTS history (
      id INTEGER PRIMARY KEY AUTOINCREMENT, command TEXT NOT NULL, job TEXT, profile TEXT NOT NULL,
      bucket TEXT NOT NULL, prefix TEXT NOT NULL, local_path TEXT NOT NULL, started_at TEXT NOT NULL,
      finished_at TEXT NOT NULL, status TEXT NOT NULL, exit_code INTEGER NOT NULL,
      report TEXT NOT NULL, error TEXT)`,
  );
  const insert = state.db.prepare(
    `INSERT INTO history (command, job, profile, bucket, prefix, local_path, started_at, finished_at,
      status, exit_code, report, error)
     VALUES (:command, :job, :profile, :bucket, :prefix, :local_path, :started_at, :finished_at,
      :status, :exit_code, :report, :error)`,
  );
  const select = state.db.prepare(
    `SELECT * FROM history WHERE (:command IS NULL OR command = :command) AND (:job IS NULL OR job = :job)
     ORDER BY id DESC LIMIT :limit`,
  );
  return {
    add(r) {
      const out = insert.run({ ...r, report: JSON.stringify(r.report ?? null) });
      return Number(out.lastInsertRowid);
    },
    list(limit, filter = {}) {
      const rows = select.all({
        command: filter.command ?? null,
        job: filter.job ?? null,
        limit,
      }) as unknown as Row[];
      return rows.map((row) => ({ ...row, report: JSON.parse(row.report) }));
    },
  };
}
