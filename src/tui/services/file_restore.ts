/**
 * Restoring single selected files (not whole folders) for the TUI: the engine's resumable,
 * verified single-object download, into the destination folder by name, with the same safety
 * checks on names and links as a restore, and a history record.
 *
 * @module
 */

import { join } from "node:path";
import { BandwidthLimiter } from "../../engine/core/bandwidth.ts";
import { downloadFile } from "../../engine/objects/download.ts";
import { sqliteDownloadRecords } from "../../engine/state/download_records.ts";
import { EngineError, isAbortError } from "../../engine/core/errors.ts";
import { type EngineEvent, newOperationId, progressPayload } from "../../engine/core/events.ts";
import { sqliteHistory } from "../../engine/state/history.ts";
import { targetId } from "../../engine/state/multipart_records.ts";
import { keyToRelPath, prepareDestination } from "../../engine/local/safe_path.ts";
import type { RestoreRequest, RunOutcome } from "./services.ts";
import type { TransferContext } from "./transfer_context.ts";
import { outcomeStatus } from "./run_outcome.ts";

/** What will happen to one selected file. */
export interface FilePlan {
  key: string;
  name: string;
  size: number;
  action: "download" | "skip";
  reason: string;
  unsafe: boolean;
}

/** Plans selected files: skip names that are unsafe or exist (unless overwrite). */
export async function planFiles(
  g: { files: { key: string; size: number }[]; localFolder: string },
  overwrite: boolean,
): Promise<FilePlan[]> {
  const out: FilePlan[] = [];
  for (const f of g.files) {
    const name = f.key.slice(f.key.lastIndexOf("/") + 1);
    const mapped = keyToRelPath(name, "");
    if (mapped.kind !== "file") {
      const reason = mapped.kind === "unsafe" ? mapped.reason : "not a file";
      out.push({ key: f.key, name, size: f.size, action: "skip", reason, unsafe: true });
      continue;
    }
    const st = await Deno.lstat(join(g.localFolder, name)).catch(() => null);
    if (st && !overwrite) {
      out.push({
        key: f.key,
        name,
        size: f.size,
        action: "skip",
        reason: "exists locally (tick overwrite to replace it)",
        unsafe: false,
      });
    } else {
      out.push({
        key: f.key,
        name,
        size: f.size,
        action: "download",
        reason: st ? "overwrite" : "missing",
        unsafe: false,
      });
    }
  }
  return out;
}

export /** Downloads single selected files into `folder` and records the run in the history. */
async function downloadFiles(
  tc: TransferContext,
  req: RestoreRequest,
  folder: string,
  plan: FilePlan[],
  sink: (e: EngineEvent) => void,
  signal: AbortSignal,
): Promise<RunOutcome> {
  const s3 = await tc.client(req.profile);
  const { bucket, endpoint } = s3.settings;
  const state = await tc.ctx.state();
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const op = newOperationId("restore");
  const limiter = tc.defaults.bwlimit ? new BandwidthLimiter(tc.defaults.bwlimit) : undefined;
  const todo = plan.filter((p) => p.action === "download");
  const total = todo.reduce((n, p) => n + p.size, 0);
  const errors: RunOutcome["errors"] = plan.filter((p) => p.unsafe).map((p) => ({
    name: p.name,
    message: p.reason,
  }));
  let bytes = 0;
  let files = 0;
  await Deno.mkdir(folder, { recursive: true });
  for (const p of todo) {
    if (signal.aborted) break;
    sink({ type: "file-start", operation_id: op, file_name: p.name, bytes: p.size });
    try {
      const dest = await prepareDestination(await Deno.realPath(folder), [p.name]);
      const o = await downloadFile({
        client: s3.client,
        target: targetId(endpoint, bucket),
        bucket,
        key: p.key,
        dest,
        ...(limiter ? { limiter } : {}),
        records: sqliteDownloadRecords(state),
        signal,
        onBytes: (delta) => {
          bytes += delta;
          sink({
            type: "progress",
            progress: progressPayload(op, p.name, bytes, total, {
              done: files,
              total: todo.length,
            }),
          });
        },
      });
      files += 1;
      sink({
        type: "file-done",
        operation_id: op,
        file_name: p.name,
        bytes: o.bytes,
        action: "download",
      });
    } catch (e) {
      if (isAbortError(e) || signal.aborted) break;
      const message = e instanceof Error ? e.message : String(e);
      errors.push({ name: p.name, message });
      sink({
        type: "file-error",
        operation_id: op,
        file_name: p.name,
        code: e instanceof EngineError ? e.code : "DownloadFailed",
        message,
      });
    }
  }
  const status = signal.aborted ? "interrupted" : outcomeStatus(errors.length);
  const report = {
    files_downloaded: files,
    files_skipped: plan.length - todo.length,
    bytes_transferred: bytes,
    duration_ms: Math.round(performance.now() - started),
    errors: errors.map((e) => ({ path: e.name, message: e.message })),
  };
  sqliteHistory(state).add({
    command: "restore",
    job: null,
    profile: req.profile,
    bucket,
    prefix: plan[0] ? plan[0].key.slice(0, plan[0].key.lastIndexOf("/") + 1) : "",
    local_path: folder,
    started_at: startedAt,
    finished_at: new Date().toISOString(),
    status,
    exit_code: status === "interrupted" ? 130 : status === "partial" ? 3 : 0,
    report,
    error: null,
  });
  return {
    status,
    transferred: files,
    deleted: 0,
    skipped: report.files_skipped,
    bytes,
    durationMs: report.duration_ms,
    errors,
  };
}
