/**
 * Cursor movement in a list, and the window of rows to draw around it.
 *
 * @module
 */

import type { Command } from "../input/keymap.ts";

/** The new cursor after a list command, or null when `command` does not move the cursor. */
export function moveCursor(
  cursor: number,
  length: number,
  command: Command,
  pageSize: number,
): number | null {
  const last = Math.max(0, length - 1);
  const clamp = (n: number) => Math.max(0, Math.min(last, n));
  switch (command) {
    case "list.up":
      return clamp(cursor - 1);
    case "list.down":
      return clamp(cursor + 1);
    case "list.pageUp":
      return clamp(cursor - Math.max(1, pageSize));
    case "list.pageDown":
      return clamp(cursor + Math.max(1, pageSize));
    case "list.first":
      return 0;
    case "list.last":
      return last;
    default:
      return null;
  }
}

/** The first row to draw so `cursor` is visible in `height` rows, keeping it near the middle. */
export function windowStart(cursor: number, length: number, height: number): number {
  if (length <= height) return 0;
  const start = cursor - Math.floor(height / 2);
  return Math.max(0, Math.min(length - height, start));
}
