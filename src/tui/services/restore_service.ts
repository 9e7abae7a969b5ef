/**
 * Restore for the TUI: the engine's own dry run is the preview, the real run follows. Several
 * selected folders are restored one after the other (each into a sub-folder named after it);
 * selected files are downloaded with the engine's resumable, verified single-object download.
 *
 * @module
 */

import { basename, join } from "node:path";
import { sqliteDownloadRecords } from "../../engine/state/download_records.ts";
import { EngineError, isAbortError } from "../../engine/core/errors.ts";
import { sqliteHistory } from "../../engine/state/history.ts";
import { folderKeyPrefix, fullKey } from "../../engine/core/keys.ts";
import { targetId } from "../../engine/state/multipart_records.ts";
import { type RestoreOptions, runRestore } from "../../engine/restore/restore.ts";
import type { RestorePlanItem } from "../../engine/restore/restore_plan.ts";
import { parseAt } from "../../engine/s3/versions.ts";
import { DEFAULT_THAW_DAYS } from "../../engine/s3/cold_storage.ts";
import type { PlanLine, PlannedRun, RestoreRequest, RunOutcome } from "./services.ts";
import type { TransferContext } from "./transfer_context.ts";
import { offsetSink, type Totals, worstStatus } from "./run_outcome.ts";
import { downloadFiles, type FilePlan, planFiles } from "./file_restore.ts";

const MAX_LINES = 5000;

/** One folder restore or the set of single files. */
type Group =
  | { kind: "folder"; keyPrefix: string; localFolder: string }
  | { kind: "files"; files: { key: string; size: number }[]; localFolder: string };

function groupsOf(req: RestoreRequest, pathPrefix: string): Group[] {
  const folders = req.sources.filter((s) => s.isFolder);
  const files = req.sources.filter((s) => !s.isFolder);
  const groups: Group[] = folders.map((f) => ({
    kind: "folder",
    keyPrefix: folderKeyPrefix(pathPrefix, f.key),
    localFolder: folders.length === 1 && files.length === 0
      ? req.localFolder
      : join(req.localFolder, basename(f.key.replace(/\/$/, "")) || "bucket"),
  }));
  if (files.length > 0) {
    groups.push({
      kind: "files",
      files: files.map((f) => ({ key: fullKey(pathPrefix, f.key), size: f.size })),
      localFolder: req.localFolder,
    });
  }
  return groups;
}

/** Plans a restore: previews every group with a dry run and returns the runnable plan. */
export async function planRestoreRun(
  tc: TransferContext,
  req: RestoreRequest,
  signal: AbortSignal,
): Promise<PlannedRun> {
  const s3 = await tc.client(req.profile);
  const { bucket, endpoint, pathPrefix } = s3.settings;
  const groups = groupsOf(req, pathPrefix);
  const at = req.at === "" ? undefined : parseAt(req.at);
  if (at && groups.some((g) => g.kind === "files")) {
    throw new EngineError(
      "UsageError",
      "As of: a point-in-time restore works on folders: select folders (or none), or clear the date.",
    );
  }
  const state = await tc.ctx.state();
  const base = (g: Extract<Group, { kind: "folder" }>): RestoreOptions => ({
    client: s3.client,
    target: targetId(endpoint, bucket),
    bucket,
    keyPrefix: g.keyPrefix,
    localFolder: g.localFolder,
    ...(endpoint ? { endpoint } : {}),
    overwrite: req.overwrite,
    exclude: req.excludes,
    concurrency: tc.defaults.concurrency,
    bwlimit: tc.defaults.bwlimit,
    ...(at ? { at } : {}),
    ...(req.requestThaw ? { requestThaw: { days: DEFAULT_THAW_DAYS } } : {}),
  });

  const lines: PlanLine[] = [];
  const notes: string[] = [];
  const preview: RunOutcome[] = [];
  const filePlans: FilePlan[][] = [];
  let transfers = 0;
  let transferBytes = 0;
  let skips = 0;
  const addLine = (l: PlanLine) => {
    if (lines.length < MAX_LINES) lines.push(l);
  };
  for (const g of groups) {
    if (g.kind === "files") {
      const plan = await planFiles(g, req.overwrite);
      filePlans.push(plan);
      for (const p of plan) {
        if (p.action === "download") {
          transfers += 1;
          transferBytes += p.size;
        } else skips += 1;
        addLine({ action: p.action, name: p.name, size: p.size, reason: p.reason });
      }
      continue;
    }
    const r = await runRestore({
      ...base(g),
      dryRun: true,
      signal,
      ...(req.dryRun ? { history: { store: sqliteHistory(state), profile: req.profile } } : {}),
    });
    const items: RestorePlanItem[] = r.plan;
    for (const it of items) {
      if (it.action === "download") {
        transfers += 1;
        transferBytes += it.size;
      } else skips += 1;
      addLine({ action: it.action, name: it.path ?? it.key, size: it.size, reason: it.reason });
    }
    const rep = r.report;
    if (rep.files_different > 0) {
      notes.push(
        `${rep.files_different} local file(s) differ and are kept (tick overwrite to replace them).`,
      );
    }
    for (const c of rep.cold) {
      notes.push(
        `${c.storage_class}: ${c.files} object(s) in cold storage (${c.frozen} frozen, ${c.thawing} thawing): ` +
          (req.requestThaw
            ? `a thaw is requested for the frozen ones (${c.expected_wait ?? "tier not offered"}).`
            : "tick 'request thaw' to thaw them, then restore again later."),
      );
    }
    if (rep.errors.length > 0) {
      notes.push(`${rep.errors.length} object(s) cannot be restored (see the plan).`);
    }
    preview.push({
      status: "dry-run",
      transferred: 0,
      deleted: 0,
      skipped: rep.files_skipped,
      bytes: 0,
      durationMs: rep.duration_ms,
      errors: rep.errors.map((e) => ({ name: e.path ?? e.key, message: e.message })),
    });
  }
  if (lines.length >= MAX_LINES) notes.push(`(the plan view shows the first ${MAX_LINES} entries)`);
  const where = groups.length === 1 && groups[0]!.kind === "folder"
    ? `s3://${bucket}/${groups[0]!.keyPrefix}`
    : `${req.sources.length} selected item(s) in s3://${bucket}/${pathPrefix}`;
  const summary = {
    transfers,
    transferBytes,
    deletes: 0,
    skips,
    route: `${where} -> ${req.localFolder}`,
    notes,
    lines,
  };

  const totals: Totals = { bytes: transferBytes, files: transfers };
  return {
    summary,
    discard() {},
    async run(sink, runSignal): Promise<RunOutcome> {
      const started = performance.now();
      if (req.dryRun) {
        return {
          status: "dry-run",
          transferred: transfers,
          deleted: 0,
          skipped: skips,
          bytes: transferBytes,
          durationMs: preview.reduce((n, p) => n + p.durationMs, 0),
          errors: preview.flatMap((p) => p.errors),
        };
      }
      const outcomes: RunOutcome[] = [];
      const done = { bytes: 0, files: 0 };
      let fileGroup = 0;
      for (const g of groups) {
        if (runSignal.aborted) break;
        const events = offsetSink(sink, done, totals);
        if (g.kind === "files") {
          const plan = filePlans[fileGroup++] ?? [];
          const o = await downloadFiles(tc, req, g.localFolder, plan, events, runSignal);
          outcomes.push(o);
          done.bytes += o.bytes;
          done.files += o.transferred;
          continue;
        }
        try {
          const r = await runRestore({
            ...base(g),
            records: sqliteDownloadRecords(state),
            signal: runSignal,
            onEvent: events,
            history: { store: sqliteHistory(state), profile: req.profile },
          });
          const rep = r.report;
          outcomes.push({
            status: r.status === "dry-run" ? "success" : r.status,
            transferred: rep.files_downloaded,
            deleted: 0,
            skipped: rep.files_skipped,
            bytes: rep.bytes_transferred,
            durationMs: rep.duration_ms,
            errors: rep.errors.map((e) => ({ name: e.path ?? e.key, message: e.message })),
          });
          done.bytes += rep.bytes_transferred;
          done.files += rep.files_downloaded;
        } catch (e) {
          outcomes.push({
            status: isAbortError(e) ? "interrupted" : "failed",
            transferred: 0,
            deleted: 0,
            skipped: 0,
            bytes: 0,
            durationMs: 0,
            errors: [],
            message: (e as Error).message,
          });
          break;
        }
      }
      const out: RunOutcome = {
        status: runSignal.aborted ? "interrupted" : worstStatus(outcomes.map((o) => o.status)),
        transferred: outcomes.reduce((n, o) => n + o.transferred, 0),
        deleted: 0,
        skipped: outcomes.reduce((n, o) => n + o.skipped, 0),
        bytes: outcomes.reduce((n, o) => n + o.bytes, 0),
        durationMs: Math.round(performance.now() - started),
        errors: outcomes.flatMap((o) => o.errors),
      };
      const message = outcomes.find((o) => o.message)?.message;
      if (message) out.message = message;
      return out;
    },
  };
}
