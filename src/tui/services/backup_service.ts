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
import type { BackupOptions } from "../../engine/backup/backup.ts";
import { type CutoffOptions, parseCutoff } from "../../engine/backup/backup_cutoff.ts";
import { type BwLimit, parseBwLimit, runLimit } from "../../engine/core/bwlimit.ts";
import type { FilterOptions } from "../../engine/local/filter_options.ts";
import { formatBytes } from "../../lib/format.ts";

/**
 * The Filters field's values as the engine takes them: filter options, the window, and a
 * bandwidth limit (errors name the field and the flag).
 */
function filterFieldOptions(typed: Record<string, string | string[]>): {
  filters: FilterOptions;
  cutoff: CutoffOptions;
  bwlimit?: number | BwLimit;
} {
  const { maxDuration, maxTransfer, cutoffMode, bwlimit, ...filters } = typed;
  const ref = (flag: string) => ({ field: `Filters: ${flag}`, code: "UsageError" as const });
  const cutoff = parseCutoff(
    {
      maxDuration: maxDuration as string | undefined,
      maxTransfer: maxTransfer as string | undefined,
      cutoffMode: cutoffMode as string | undefined,
    },
    (f) => ref(`--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`),
  );
  return {
    filters: filters as FilterOptions,
    cutoff,
    ...(bwlimit === undefined
      ? {}
      : { bwlimit: runLimit(parseBwLimit(bwlimit, ref("--bwlimit")), "up") }),
  };
}

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
  const typed = filterFieldOptions(req.filters ?? {});
  const options: BackupOptions = {
    ...typed.filters,
    exclude: [...req.excludes, ...(typed.filters.exclude ?? [])],
    delete: req.deleteRemote,
    includeHidden: req.includeHidden,
    concurrency: defaults.concurrency,
    bwlimit: typed.bwlimit ?? defaults.bwlimit,
    maxDuration: typed.cutoff.maxDuration,
    maxTransfer: typed.cutoff.maxTransfer,
    cutoffMode: typed.cutoff.mode,
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
  for (const [rule, n] of Object.entries(preview.files_excluded ?? {})) {
    const bytes = preview.bytes_excluded?.[rule] ?? 0;
    notes.push(`Left out by ${rule}: ${n} file(s)${n > 0 ? ` (${formatBytes(bytes)})` : ""}.`);
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
        const outcome = outcomeOf(report, outcomeStatus(report.errors.length));
        const cut = report.cut_off;
        if (!cut) return outcome;
        // Shown as partial until the TUI has a status of its own for a cut-off run.
        return {
          ...outcome,
          status: "partial",
          errors: [...outcome.errors, {
            name: `(cut off by --${cut.by})`,
            message: `${cut.files_left} file(s) (${
              formatBytes(cut.bytes_left)
            }) left for the next run; nothing was deleted`,
          }],
        };
      } catch (e) {
        return thrownOutcome(e, runSignal, started);
      } finally {
        state.close();
      }
    },
  };
}
