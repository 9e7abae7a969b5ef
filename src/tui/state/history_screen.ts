/**
 * History: past runs newest first; Enter shows one run's report and errors.
 *
 * @module
 */

import type { HistoryRecord } from "../../engine/state/history.ts";
import type { Command } from "../input/keymap.ts";
import { type AppState, withEffect } from "./app_state.ts";
import { listRows } from "./layout.ts";
import { moveCursor } from "./list_cursor.ts";

/** How many runs the screen loads. */
export const HISTORY_LIMIT = 200;

interface ReportLike {
  files_uploaded?: number;
  files_downloaded?: number;
  files_deleted?: number;
  files_skipped?: number;
  bytes_transferred?: number;
  duration_ms?: number;
  errors?: Array<
    { path?: string; key?: string; file?: string; message?: string; code?: string } | string
  >;
}

/** The report of a run, loosely typed (SyncReport, RestoreReport...). */
export function reportOf(r: HistoryRecord): ReportLike {
  return (r.report && typeof r.report === "object" ? r.report : {}) as ReportLike;
}

/** Starts loading the history. */
export function loadHistory(s: AppState): AppState {
  return withEffect({ ...s, history: { ...s.history, loading: true, error: null } }, {
    kind: "load-history",
  });
}

/** The text lines of one run's details. */
export function historyDetails(r: HistoryRecord): string[] {
  const rep = reportOf(r);
  const lines = [
    `Command:   ${r.command}${r.job ? ` (scheduled job ${r.job})` : ""}`,
    `Status:    ${r.status} (exit ${r.exit_code})`,
    `Profile:   ${r.profile}`,
    r.command === "restore"
      ? `From:      s3://${r.bucket}/${r.prefix}\nTo:        ${r.local_path}`
      : `From:      ${r.local_path}\nTo:        s3://${r.bucket}/${r.prefix}`,
    `Started:   ${r.started_at}`,
    `Finished:  ${r.finished_at}`,
  ].flatMap((l) => l.split("\n"));
  const counts: string[] = [];
  if (rep.files_uploaded !== undefined) counts.push(`${rep.files_uploaded} uploaded`);
  if (rep.files_downloaded !== undefined) counts.push(`${rep.files_downloaded} downloaded`);
  if (rep.files_deleted !== undefined) counts.push(`${rep.files_deleted} deleted`);
  if (rep.files_skipped !== undefined) counts.push(`${rep.files_skipped} skipped`);
  if (counts.length) lines.push(`Files:     ${counts.join(", ")}`);
  if (rep.bytes_transferred !== undefined) lines.push(`Bytes:     ${rep.bytes_transferred}`);
  if (rep.duration_ms !== undefined) {
    lines.push(`Duration:  ${(rep.duration_ms / 1000).toFixed(1)} s`);
  }
  if (r.error) lines.push("", `Error: ${r.error}`);
  const errors = rep.errors ?? [];
  if (errors.length > 0) {
    lines.push("", `Errors (${errors.length}):`);
    for (const e of errors) {
      if (typeof e === "string") lines.push(`  ${e}`);
      else lines.push(`  ${e.path ?? e.key ?? e.file ?? ""}: ${e.message ?? e.code ?? ""}`);
    }
  }
  return lines;
}

/** Handles a command on the history screen; null when the screen does not take it. */
export function historyCommand(s: AppState, command: Command): AppState | null {
  const h = s.history;
  const moved = moveCursor(h.cursor, h.records.length, command, listRows(s.size.rows));
  if (moved !== null) return { ...s, history: { ...h, cursor: moved } };
  if (command === "list.refresh") return loadHistory(s);
  if (command === "list.open") {
    const r = h.records[h.cursor];
    if (!r) return s;
    return {
      ...s,
      overlay: { kind: "details", title: `Run #${r.id}`, lines: historyDetails(r), cursor: 0 },
    };
  }
  return null;
}
