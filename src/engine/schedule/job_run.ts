/**
 * One run of a scheduled job, whoever starts it (the daemon, `schedule run NAME`, the TUI):
 * take the job's lock (or report who holds it), run the backup through an injected
 * {@link JobBackupRunner}, make sure the run is in the history, release the lock, then notify.
 *
 * @module
 */

import { EngineError, type ErrorCode, exitCodeFor } from "../core/errors.ts";
import type { EventSink } from "../core/events.ts";
import { NO_EVENTS } from "../core/events.ts";
import { type History, recordRun, type RunStatus } from "../state/history.ts";
import type { SyncReport } from "../backup/backup_report.ts";
import type { Job } from "./jobs.ts";
import { busyMessage, type LockHolder, tryLockJob } from "./job_lock.ts";
import { type Clock, systemClock } from "../../lib/clock.ts";

/** Who started a run. */
export type JobTrigger = "schedule" | "manual";

/** What the backup of one job reports back to {@link runJob}. */
export interface JobBackupResult {
  status: RunStatus;
  exitCode: number;
  /** The SyncReport, or null when the run failed before it had one. */
  report: SyncReport | null;
  /** Why the run failed as a whole, or null. */
  error: string | null;
  /** The error code (DESIGN.md) when the run failed as a whole, or null. */
  errorCode?: ErrorCode | null;
  /** Where the run went (for history and notifications). */
  target: { profile: string; bucket: string; prefix: string };
  /** True when the backup engine already wrote the history record. */
  recorded: boolean;
}

/**
 * Runs the backup of job `name`. May throw (e.g. the profile is gone): {@link runJob} then
 * records a failed run with the error's exit code.
 */
export type JobBackupRunner = (
  name: string,
  job: Job,
  signal: AbortSignal,
  events: EventSink,
) => Promise<JobBackupResult>;

/** The outcome of one job run: the webhook body and the `--json` result of `schedule run`. */
export interface JobRunResult {
  job: string;
  trigger: JobTrigger;
  status: RunStatus;
  exit_code: number;
  started_at: string;
  finished_at: string;
  folder: string;
  profile: string;
  bucket: string;
  /** Full key prefix. */
  prefix: string;
  report: SyncReport | null;
  error: string | null;
  /** The error code (e.g. NetworkError) when the run failed as a whole, or null. */
  error_code: ErrorCode | null;
}

/** One notification attempt. */
export interface NotificationOutcome {
  channel: "webhook" | "desktop";
  ok: boolean;
  /** "sent", "skipped: ...", or why it failed (URLs redacted). */
  detail: string;
}

/** Sends the notifications a job asks for; never throws. */
export type JobNotifier = (
  result: JobRunResult,
  job: Job,
  signal?: AbortSignal,
) => Promise<NotificationOutcome[]>;

/** What {@link runJob} needs. */
export interface JobRunDeps {
  /** Folder of the lock files (`<stateDir>/locks`). */
  lockDir: string;
  runner: JobBackupRunner;
  /** Where failed-before-start runs are recorded (the backup engine records the others). */
  history?: History;
  notifier?: JobNotifier;
  clock?: Clock;
  /** Progress and notices of the backup. */
  events?: EventSink;
}

/** A run happened, or another process holds the job. */
export type JobRunOutcome =
  | { kind: "ran"; result: JobRunResult; notifications: NotificationOutcome[] }
  | { kind: "busy"; holder: LockHolder; message: string };

/** Runs job `name` once, unless another run of it holds the lock. */
export async function runJob(
  name: string,
  job: Job,
  trigger: JobTrigger,
  signal: AbortSignal,
  deps: JobRunDeps,
): Promise<JobRunOutcome> {
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  const taken = await tryLockJob(deps.lockDir, name, started);
  if ("busy" in taken) {
    return { kind: "busy", holder: taken.busy, message: busyMessage(name, taken.busy) };
  }
  let result: JobRunResult;
  try {
    let out: JobBackupResult;
    try {
      out = await deps.runner(name, job, signal, deps.events ?? NO_EVENTS);
    } catch (e) {
      const exit = signal.aborted && !(e instanceof EngineError && e.code !== "Interrupted")
        ? 130
        : exitCodeFor(e);
      out = {
        status: exit === 130 ? "interrupted" : "failed",
        exitCode: exit,
        report: null,
        error: exit === 130 ? "Interrupted: stopped cleanly." : (e as Error).message,
        errorCode: exit === 130 ? "Interrupted" : e instanceof EngineError ? e.code : "SdkError",
        target: { profile: job.profile ?? "", bucket: "", prefix: "" },
        recorded: false,
      };
    }
    const finished = clock.now();
    result = {
      job: name,
      trigger,
      status: out.status,
      exit_code: out.exitCode,
      started_at: started.toISOString(),
      finished_at: finished.toISOString(),
      folder: job.folder,
      profile: out.target.profile,
      bucket: out.target.bucket,
      prefix: out.target.prefix,
      report: out.report,
      error: out.error,
      error_code: out.errorCode ?? null,
    };
    if (!out.recorded) {
      try {
        recordRun(deps.history, {
          command: "backup",
          job: name,
          profile: result.profile,
          bucket: result.bucket,
          prefix: result.prefix,
          localPath: job.folder,
          startedAt: result.started_at,
          finishedAt: result.finished_at,
          status: result.status,
          exitCode: result.exit_code,
          report: result.report,
          error: result.error,
        });
      } catch {
        // History is a cache: a failure to record must not hide the run's own outcome.
      }
    }
  } finally {
    taken.lock.release();
  }
  const wanted = job.notify.on !== "failure" || result.status !== "success";
  const notifications = wanted && deps.notifier ? await deps.notifier(result, job, signal) : [];
  return { kind: "ran", result, notifications };
}
