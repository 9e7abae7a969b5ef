/**
 * Row budgets shared by reducers (page sizes) and components (what to draw), so PgDn moves
 * exactly one visible page.
 *
 * @module
 */

import type { TransferState } from "./transfer.ts";
import { FRAME_ROWS } from "./app_state.ts";

/** Rows of the screen body (the window minus title, status and key-hint lines). */
export function bodyRows(rows: number): number {
  return Math.max(1, rows - FRAME_ROWS);
}

/** Rows of the restore screen's transfer panel. */
export function restorePanelRows(t: TransferState): number {
  return t.phase === "idle" ? 1 : 6;
}

/** Rows of the bucket tree on the restore screen. */
export function restoreTreeRows(rows: number, t: TransferState): number {
  // title, path, column header, then 5 form rows and the panel
  return Math.max(3, bodyRows(rows) - 3 - 5 - restorePanelRows(t));
}

/** Rows of a list that fills the body under a title and a header line. */
export function listRows(rows: number): number {
  return Math.max(3, bodyRows(rows) - 3);
}

/** Rows of an overlay's list (chooser, folder picker, details). */
export function overlayListRows(rows: number): number {
  return Math.max(3, bodyRows(rows) - 6);
}

/** Rows of the Settings screen's job-run panel (a heading and the transfer panel). */
export function jobPanelRows(t: TransferState): number {
  return t.phase === "idle" ? 0 : t.phase === "done" || t.phase === "failed" ? 5 : 7;
}

/** Rows of the job list on the Settings screen (the defaults form and headings above it). */
export function settingsJobRows(rows: number, t: TransferState): number {
  // title, intro, 4 form rows, message, jobs heading, column header; the detail line below
  return Math.max(3, bodyRows(rows) - 10 - jobPanelRows(t));
}
