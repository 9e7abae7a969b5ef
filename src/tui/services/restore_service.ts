/**
 * Restore for the TUI, over the engine's selection restore (engine/restore/restore_selection.ts):
 * the selected folders and files keep their paths relative to their common prefix under the
 * destination, the engine's dry run is the preview the user confirms, the real run follows with
 * events and is recorded in the history once.
 *
 * @module
 */

import type { Session } from "../../engine/session/session.ts";
import { loadConfig } from "../../engine/config/config.ts";
import { transferDefaults } from "../../engine/config/transfer_defaults.ts";
import { sqliteDownloadRecords } from "../../engine/state/download_records.ts";
import { sqliteHistory } from "../../engine/state/history.ts";
import { targetId } from "../../engine/state/multipart_records.ts";
import { planSelection } from "../../engine/restore/restore_selection.ts";
import type { RestoreResult } from "../../engine/restore/restore_request.ts";
import { parseAt } from "../../engine/s3/versions.ts";
import { DEFAULT_THAW_DAYS } from "../../engine/s3/cold_storage.ts";
import type { PlannedRun, PlanSummary, RestoreRequest, RunOutcome } from "./services.ts";
import { thrownOutcome } from "./run_outcome.ts";

const MAX_LINES = 5000;

function outcomeOf(r: RestoreResult, planned: PlanSummary): RunOutcome {
  const rep = r.report;
  const dry = r.status === "dry-run";
  return {
    // A restore is never cut off (no --max-duration there).
    status: r.status === "cut-off" ? "partial" : r.status,
    transferred: dry ? planned.transfers : rep.files_downloaded,
    deleted: 0,
    skipped: rep.files_skipped,
    bytes: dry ? planned.transferBytes : rep.bytes_transferred,
    durationMs: rep.duration_ms,
    errors: rep.errors.map((e) => ({ name: e.path ?? e.key, message: e.message })),
  };
}

/** Plans a restore of the selection: previews it and returns the runnable plan. */
export async function planRestoreRun(
  session: Session,
  req: RestoreRequest,
  signal: AbortSignal,
): Promise<PlannedRun> {
  const defaults = transferDefaults(await loadConfig(session.configPath));
  const s3 = await session.clientFor(req.profile);
  const { bucket, endpoint, pathPrefix } = s3.settings;
  const state = await session.state();
  const plan = await planSelection({
    client: s3.client,
    target: targetId(endpoint, bucket),
    bucket,
    ...(endpoint ? { endpoint } : {}),
    pathPrefix,
    items: req.sources.map((s) => ({ key: s.key, isFolder: s.isFolder })),
    localFolder: req.localFolder,
    overwrite: req.overwrite,
    exclude: req.excludes,
    ...(req.at === "" ? {} : { at: parseAt(req.at) }),
    ...(req.requestThaw ? { requestThaw: { days: DEFAULT_THAW_DAYS } } : {}),
    concurrency: defaults.concurrency,
    bwlimit: defaults.bwlimit,
    records: sqliteDownloadRecords(state),
    history: { store: sqliteHistory(state), profile: req.profile },
    dryRun: req.dryRun,
  }, signal);
  const p = plan.preview;
  const notes = [...p.notes];
  if (p.plan.length > MAX_LINES) notes.push(`(the plan view shows the first ${MAX_LINES} entries)`);
  const summary: PlanSummary = {
    transfers: p.downloads,
    transferBytes: p.downloadBytes,
    deletes: 0,
    skips: p.skips,
    route: p.route,
    notes,
    lines: p.plan.slice(0, MAX_LINES).map((it) => ({
      action: it.action,
      name: it.path ?? it.key,
      size: it.size,
      reason: it.reason,
    })),
  };
  return {
    summary,
    discard() {},
    async run(sink, runSignal): Promise<RunOutcome> {
      const started = performance.now();
      try {
        return outcomeOf(await plan.run(sink, runSignal), summary);
      } catch (e) {
        return thrownOutcome(e, runSignal, started);
      }
    },
  };
}
