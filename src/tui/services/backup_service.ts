/**
 * Backup for the TUI: the engine's own dry run (read-only manifest, delete guards applied) is
 * the preview whose numbers the user sees and confirms; the real run follows with events.
 *
 * @module
 */

import { resolve } from "node:path";
import { runBackup } from "../../engine/backup/backup.ts";
import type { SyncReport } from "../../engine/backup/backup_report.ts";
import { openBackupState } from "../../engine/backup/backup_state.ts";
import type { Session } from "../../engine/session/session.ts";
import { loadConfig } from "../../engine/config/config.ts";
import { transferDefaults } from "../../engine/config/transfer_defaults.ts";
import { targetId } from "../../engine/state/multipart_records.ts";
import type { BackupRequest, PlanLine, PlannedRun, PlanSummary, RunOutcome } from "./services.ts";
import { outcomeStatus, thrownOutcome } from "./run_outcome.ts";

const MAX_LINES = 5000;

function outcomeOf(r: SyncReport, status: RunOutcome["status"]): RunOutcome {
  return {
    status,
    transferred: r.files_uploaded,
    deleted: r.files_deleted,
    skipped: r.files_skipped,
    bytes: r.bytes_transferred,
    durationMs: r.duration_ms,
    errors: r.errors.map((e) => ({ name: e.path || e.key, message: e.message })),
  };
}

/** Plans a backup: previews it with a dry run and returns the runnable plan. */
export async function planBackupRun(
  session: Session,
  req: BackupRequest,
  signal: AbortSignal,
): Promise<PlannedRun> {
  const defaults = transferDefaults(await loadConfig(session.configPath));
  const s3 = await session.clientFor(req.profile);
  const { bucket, endpoint, pathPrefix } = s3.settings;
  const target = targetId(endpoint, bucket);
  const localFolder = resolve(req.localFolder);
  const options = {
    delete: req.deleteRemote,
    exclude: req.excludes,
    includeHidden: req.includeHidden,
    concurrency: defaults.concurrency,
    bwlimit: defaults.bwlimit,
    upload: defaults.storageClass ? { storageClass: defaults.storageClass } : {},
  };
  const readOnly = await openBackupState({ stateDir: session.stateDir, target, dryRun: true });
  let preview: SyncReport;
  try {
    preview = await runBackup({
      client: s3.client,
      settings: s3.settings,
      localFolder,
      s3Prefix: req.prefix,
      options: { ...options, dryRun: true },
      state: readOnly,
      signal,
    });
  } finally {
    readOnly.close();
  }
  const lines: PlanLine[] = [];
  for (const p of preview.plan ?? []) {
    if (lines.length >= MAX_LINES) break;
    lines.push({ action: p.action, name: p.key, size: p.size, reason: p.reason });
  }
  const notes: string[] = [];
  if (preview.entries_skipped > 0) {
    notes.push(`${preview.entries_skipped} symbolic link(s) or special file(s) are passed over.`);
  }
  if (preview.errors.length > 0) {
    notes.push(`${preview.errors.length} file(s) cannot be read (see the plan).`);
  }
  if ((preview.plan?.length ?? 0) > MAX_LINES) {
    notes.push(`(the plan view shows the first ${MAX_LINES} entries)`);
  }
  const summary: PlanSummary = {
    transfers: preview.files_uploaded,
    transferBytes: preview.bytes_transferred,
    deletes: preview.files_deleted,
    skips: preview.files_skipped,
    route: `${localFolder} -> s3://${bucket}/${pathPrefix}${preview.prefix}`,
    notes,
    lines,
  };
  return {
    summary,
    discard() {},
    async run(sink, runSignal): Promise<RunOutcome> {
      if (req.dryRun) return outcomeOf(preview, "dry-run");
      const state = await openBackupState({
        stateDir: session.stateDir,
        target,
        dryRun: false,
        configPath: session.configPath,
        state: await session.state(),
      });
      const started = performance.now();
      try {
        const report = await runBackup({
          client: s3.client,
          settings: s3.settings,
          localFolder,
          s3Prefix: req.prefix,
          options: { ...options, dryRun: false },
          state,
          events: sink,
          signal: runSignal,
        });
        return outcomeOf(report, outcomeStatus(report.errors.length));
      } catch (e) {
        return thrownOutcome(e, runSignal, started);
      } finally {
        state.close();
      }
    },
  };
}
