/**
 * After a backup run: one history record (every real run, whatever its outcome) and the
 * profile's `last_sync_timestamp` (after a run where every file made it). Dry runs record
 * nothing: they change nothing anywhere.
 *
 * @module
 */

import { updateConfig } from "../config/config.ts";
import { EngineError, exitCodeFor } from "../core/errors.ts";
import { type History, recordRun, type RunStatus } from "../state/history.ts";
import { reportExitCode, reportStatus, type SyncReport } from "./backup_report.ts";

/** Where and about what to record. */
export interface BackupRecordTarget {
  history?: History;
  /** Config file and profile name: when both are set, last_sync_timestamp is updated. */
  configPath?: string;
  profile?: string;
  /** Scheduled job name. */
  job?: string;
  bucket: string;
  /** Full key prefix. */
  prefix: string;
  localPath: string;
  startedAt: Date;
}

/** How the run ended: its report, or the error that stopped it (with the partial report). */
export type BackupOutcome =
  | { failed: false; report: SyncReport }
  | { failed: true; report?: SyncReport; error: unknown };

function statusOf(outcome: BackupOutcome): { status: RunStatus; exit: number } {
  if (!outcome.failed) {
    return { status: reportStatus(outcome.report), exit: reportExitCode(outcome.report) };
  }
  const exit = exitCodeFor(outcome.error);
  return { status: exit === 130 ? "interrupted" : "failed", exit };
}

/**
 * Writes the history record and updates last_sync_timestamp. Returns warnings (never throws:
 * a failure to record must not turn a good backup into a failed one).
 */
export async function recordBackupRun(
  target: BackupRecordTarget,
  outcome: BackupOutcome,
): Promise<string[]> {
  const warnings: string[] = [];
  const { status, exit } = statusOf(outcome);
  if (status === "dry-run") return warnings;
  const finishedAt = new Date();
  try {
    recordRun(target.history, {
      command: "backup",
      job: target.job,
      profile: target.profile ?? "",
      bucket: target.bucket,
      prefix: target.prefix,
      localPath: target.localPath,
      startedAt: target.startedAt,
      finishedAt,
      status,
      exitCode: exit,
      report: outcome.report,
      error: outcome.failed ? outcome.error : null,
    });
  } catch (e) {
    warnings.push(`Could not write the run history: ${(e as Error).message}`);
  }
  if (status === "success" && target.configPath && target.profile) {
    const name = target.profile;
    try {
      await updateConfig(target.configPath, (config) => {
        const profile = config.profiles[name];
        if (profile) profile.last_sync_timestamp = finishedAt.toISOString();
      });
    } catch (e) {
      const why = e instanceof EngineError ? e.message : (e as Error).message;
      warnings.push(`Could not update last_sync_timestamp of profile '${name}': ${why}`);
    }
  }
  return warnings;
}
