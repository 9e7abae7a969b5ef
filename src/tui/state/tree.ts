/**
 * The bucket browser: one folder of the bucket at a time (folders come from common prefixes),
 * loaded a page at a time as the cursor nears the end, so a folder of 100,000 objects opens at
 * once and stays responsive. Selections (folders or files) survive moving between folders.
 *
 * @module
 */

import type { Command } from "../input/keymap.ts";
import type { RemoteEntry, RemotePage } from "../services/services.ts";
import { moveCursor } from "./list_cursor.ts";

/** Load the next page when the cursor is this close to the end of what is loaded. */
export const LOAD_AHEAD = 30;

/** A page request the screen turns into an effect. */
export interface TreeLoad {
  reqId: number;
  prefix: string;
  token?: string;
}

/** The state of a bucket browser. */
export interface TreeState {
  profile: string;
  /** The folder shown ("" is the root of the profile's path prefix). */
  prefix: string;
  entries: RemoteEntry[];
  nextToken: string | null;
  loading: boolean;
  /** True once the first page of `prefix` arrived. */
  loaded: boolean;
  cursor: number;
  /** Selected files and folders, in the order they were picked. */
  selected: RemoteEntry[];
  error: string | null;
  reqId: number;
  /** Entry to put the cursor on when the folder arrives (going back up). */
  returnTo: string | null;
}

/** A browser for `profile` at `prefix`, with the request for its first page. */
export function openTree(
  profile: string,
  prefix = "",
  reqId = 1,
): { tree: TreeState; load: TreeLoad } {
  return {
    tree: {
      profile,
      prefix,
      entries: [],
      nextToken: null,
      loading: true,
      loaded: false,
      cursor: 0,
      selected: [],
      error: null,
      reqId,
      returnTo: null,
    },
    load: { reqId, prefix },
  };
}

function goTo(
  t: TreeState,
  prefix: string,
  returnTo: string | null,
): { tree: TreeState; load: TreeLoad } {
  const reqId = t.reqId + 1;
  return {
    tree: {
      ...t,
      prefix,
      entries: [],
      nextToken: null,
      loading: true,
      loaded: false,
      cursor: 0,
      error: null,
      reqId,
      returnTo,
    },
    load: { reqId, prefix },
  };
}

/** The parent folder prefix of `prefix` ("a/b/" -> "a/", "a/" -> ""). */
export function parentPrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/$/, "");
  const at = trimmed.lastIndexOf("/");
  return at < 0 ? "" : trimmed.slice(0, at + 1);
}

function maybeLoadMore(t: TreeState): { tree: TreeState; load?: TreeLoad } {
  if (t.loading || t.nextToken === null || t.cursor < t.entries.length - LOAD_AHEAD) {
    return { tree: t };
  }
  const reqId = t.reqId + 1;
  return {
    tree: { ...t, loading: true, reqId },
    load: { reqId, prefix: t.prefix, token: t.nextToken },
  };
}

/** True when `key` is selected. */
export function isSelected(t: TreeState, key: string): boolean {
  return t.selected.some((e) => e.key === key);
}

/** The entry under the cursor. */
export function currentEntry(t: TreeState): RemoteEntry | undefined {
  return t.entries[t.cursor];
}

/** Applies a browser command; `load` is set when a page must be fetched. */
export function treeCommand(
  t: TreeState,
  command: Command,
  pageSize: number,
): { tree: TreeState; load?: TreeLoad } | null {
  const moved = moveCursor(t.cursor, t.entries.length, command, pageSize);
  if (moved !== null) return maybeLoadMore({ ...t, cursor: moved });
  switch (command) {
    case "list.open": {
      const e = currentEntry(t);
      return e?.isFolder ? goTo(t, e.key, null) : { tree: t };
    }
    case "list.parent":
      return t.prefix === "" ? { tree: t } : goTo(t, parentPrefix(t.prefix), t.prefix);
    case "list.refresh":
      return goTo(t, t.prefix, currentEntry(t)?.key ?? null);
    case "list.select": {
      const e = currentEntry(t);
      if (!e) return { tree: t };
      const selected = isSelected(t, e.key)
        ? t.selected.filter((k) => k.key !== e.key)
        : [...t.selected, e];
      return maybeLoadMore({
        ...t,
        selected,
        cursor: Math.min(t.entries.length - 1, t.cursor + 1),
      });
    }
    default:
      return null;
  }
}

/** A page arrived (ignored when it answers an old request). */
export function treePageLoaded(
  t: TreeState,
  reqId: number,
  page: RemotePage,
): { tree: TreeState; load?: TreeLoad } {
  if (reqId !== t.reqId) return { tree: t };
  const entries = t.loaded ? t.entries.concat(page.entries) : page.entries;
  let cursor = t.cursor;
  let returnTo = t.returnTo;
  if (returnTo !== null) {
    const at = entries.findIndex((e) => e.key === returnTo);
    if (at >= 0) {
      cursor = at;
      returnTo = null;
    } else if (!page.nextToken) {
      returnTo = null;
    }
  }
  const next: TreeState = {
    ...t,
    entries,
    nextToken: page.nextToken ?? null,
    loading: false,
    loaded: true,
    cursor: Math.min(cursor, Math.max(0, entries.length - 1)),
    error: null,
    returnTo,
  };
  if (returnTo !== null && next.nextToken !== null) {
    const reqId2 = next.reqId + 1;
    return {
      tree: { ...next, loading: true, reqId: reqId2 },
      load: { reqId: reqId2, prefix: next.prefix, token: next.nextToken },
    };
  }
  return maybeLoadMore(next);
}

/** A page request failed. */
export function treeFailed(t: TreeState, reqId: number, message: string): TreeState {
  if (reqId !== t.reqId) return t;
  return { ...t, loading: false, error: message };
}
