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
