/**
 * The local folder picker: browses the disk one folder at a time (folders only), and returns
 * the folder the user chooses.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import type { Command } from "../input/keymap.ts";
import type { LocalEntry } from "../services/services.ts";
import { moveCursor } from "./list_cursor.ts";

/** The state of the folder picker. */
export interface FolderPickerState {
  path: string;
  entries: LocalEntry[];
  cursor: number;
  loading: boolean;
  error: string | null;
  reqId: number;
  /** Folder name to put the cursor on when the listing arrives. */
  returnTo: string | null;
}

/** A folder listing request. */
export interface FolderLoad {
  reqId: number;
  path: string;
}

/** Outcome of a picker command. */
export interface FolderPickerResult {
  picker: FolderPickerState;
  load?: FolderLoad;
  /** Set when the user chose a folder. */
  chosen?: string;
}

/** A picker at `path`. */
export function openFolderPicker(
  path: string,
  reqId = 1,
): { picker: FolderPickerState; load: FolderLoad } {
  return {
    picker: { path, entries: [], cursor: 0, loading: true, error: null, reqId, returnTo: null },
    load: { reqId, path },
  };
}

function goTo(p: FolderPickerState, path: string, returnTo: string | null): FolderPickerResult {
  const reqId = p.reqId + 1;
  return {
    picker: { ...p, path, entries: [], cursor: 0, loading: true, error: null, reqId, returnTo },
    load: { reqId, path },
  };
}

/** Applies a picker command, or returns null when it is not one. */
export function folderPickerCommand(
  p: FolderPickerState,
  command: Command,
  pageSize: number,
): FolderPickerResult | null {
  const moved = moveCursor(p.cursor, p.entries.length, command, pageSize);
  if (moved !== null) return { picker: { ...p, cursor: moved } };
  const here = p.entries[p.cursor];
  switch (command) {
    case "list.open":
      return here ? goTo(p, join(p.path, here.name), null) : { picker: p };
    case "list.parent": {
      const up = dirname(p.path);
      return up === p.path ? { picker: p } : goTo(p, up, basename(p.path));
    }
    case "picker.choose":
      return { picker: p, chosen: here ? join(p.path, here.name) : p.path };
    case "picker.chooseHere":
      return { picker: p, chosen: p.path };
    default:
      return null;
  }
}

/** A listing arrived (folders only are kept). */
export function folderListed(
  p: FolderPickerState,
  reqId: number,
  entries: LocalEntry[],
): FolderPickerState {
  if (reqId !== p.reqId) return p;
  const dirs = entries.filter((e) => e.isDir);
  const at = p.returnTo === null ? -1 : dirs.findIndex((e) => e.name === p.returnTo);
  return { ...p, entries: dirs, loading: false, cursor: Math.max(0, at), returnTo: null };
}

/** A listing failed. */
export function folderFailed(
  p: FolderPickerState,
  reqId: number,
  message: string,
): FolderPickerState {
  if (reqId !== p.reqId) return p;
  return { ...p, loading: false, error: message };
}
