/**
 * Restoring a selection (several folders and files picked in a bucket browser) into one local
 * folder, as one restore: one plan, one dry run for the preview, one run, one history record.
 *
 * The rule: the selection's common prefix is the longest folder prefix (cut at a "/") shared by
 * every selected folder and by the folder of every selected file; each object keeps its key
 * relative to that prefix as its path under the destination. So one selected folder restores
 * its contents straight into the destination, one selected file becomes `dest/<name>`, and
 * `Photos/2022/01 - Jan/` with `Photos/2024/01 - Jan/` become `dest/2022/01 - Jan/...` and
 * `dest/2024/01 - Jan/...`: two selected items never share a local path. A folder inside
 * another selected folder, or a file inside a selected folder, is the same objects again and
 * is dropped. Two different objects of different selected items that would still meet on disk
 * (names equal after Unicode NFC, or a file `a/b` beside a folder `a/b/`) are a collision: the
 * plan fails with UnsafeOperation before anything is written. Inside one selected item the
 * restore's own rules apply, as for `eigen-s3 restore`.
 *
 * The objects are listed here (a folder's objects; a file's object, or with `at` its version at
 * that time) and handed to {@link runRestore}, which plans, compares with what is on disk,
 * thaws, downloads (resumable, MD5-verified, mtime restored) and reports through `onEvent`.
 *
 * @module
 */

import type { S3Client } from "@aws-sdk/client-s3";
import { EngineError } from "../core/errors.ts";
import type { EventSink } from "../core/events.ts";
import { excludeFilter, type Filter } from "../local/filter.ts";
import { keyToRelPath } from "../local/safe_path.ts";
import { listPage } from "../s3/listing.ts";
import { iterateVersions, type ObjectVersion, versionsAt } from "../s3/versions.ts";
import { toEngineError } from "../s3/sdk_errors.ts";
import type { DownloadRecords } from "../state/download_records.ts";
import type { History } from "../state/history.ts";
import type { RestoreSource } from "./restore_plan.ts";
import { listSources, sourceFromVersion } from "./restore_sources.ts";
import { runRestore } from "./restore.ts";
import type { RestoreOptions, RestoreResult } from "./restore_request.ts";
import { type SelectionPreview, selectionPreview } from "./restore_selection_preview.ts";

export type { SelectionPreview } from "./restore_selection_preview.ts";

/** One selected folder or file; `key` is relative to the profile's path prefix. */
export interface SelectedItem {
  /** A folder ends in "/" ("" is the whole bucket); a file is its key. */
  key: string;
  isFolder: boolean;
}

/** What to restore, where, and how. */
export interface SelectionRequest {
  client: S3Client;
  /** "endpoint|bucket" (resume records). */
  target: string;
  bucket: string;
  /** For messages ("Cannot reach <endpoint>"). */
  endpoint?: string;
  /** The profile's path prefix ("" or ending in "/"). */
  pathPrefix: string;
  items: readonly SelectedItem[];
  localFolder: string;
  overwrite?: boolean;
  /** Patterns matched against paths relative to the common prefix. */
  exclude?: readonly string[];
  /** Restore each object as it was at this time (versioned buckets). */
  at?: Date;
  requestThaw?: RestoreOptions["requestThaw"];
  concurrency?: number;
  bwlimit?: number;
  records?: DownloadRecords;
  /** When given, the run (or, for a dry run, the preview) is recorded in the history once. */
  history?: { store: History; profile: string; job?: string };
  /** The preview is the run: nothing is downloaded. */
  dryRun?: boolean;
}

/** The selection reduced to what gets listed. */
export interface SelectionLayout {
  /** The common prefix (full key prefix, "" or ending in "/"): it maps to the destination. */
  keyPrefix: string;
  /** Full folder prefixes to list, none inside another. */
  folders: string[];
  /** Full keys of selected files not inside a selected folder. */
  files: string[];
}

/** Two objects of different selected items that would be written to one local path. */
export interface Collision {
  /** The local path (relative to the destination, NFC). */
  path: string;
  keys: [string, string];
}

function dirOf(key: string): string {
  return key.slice(0, key.lastIndexOf("/") + 1);
}

/** Applies the rule of the module description to a selection. Pure. */
export function selectionLayout(
  pathPrefix: string,
  items: readonly SelectedItem[],
): SelectionLayout {
  if (items.length === 0) {
    throw new EngineError("UsageError", "Nothing is selected: select folders or files first.");
  }
  const folderKeys = items.filter((i) => i.isFolder).map((i) =>
    pathPrefix + (i.key === "" || i.key.endsWith("/") ? i.key : `${i.key}/`)
  ).sort((a, b) => a.length - b.length);
  const folders: string[] = [];
  for (const f of folderKeys) if (!folders.some((k) => f.startsWith(k))) folders.push(f);
  const files = [
    ...new Set(
      items.filter((i) => !i.isFolder).map((i) => pathPrefix + i.key)
        .filter((k) => !folders.some((f) => k.startsWith(f))),
    ),
  ];
  const dirs = [...folders, ...files.map(dirOf)];
  let common = dirs[0]!;
  for (const d of dirs) {
    let i = 0;
    while (i < common.length && i < d.length && common[i] === d[i]) i++;
    common = common.slice(0, i);
  }
  return { keyPrefix: dirOf(common), folders, files };
}

/**
 * The collisions between objects of different selected items (`origin`: the item's index):
 * equal local paths after NFC, or a file where another item needs a folder. Unsafe, deleted
 * and excluded objects land nowhere and never collide. Pure.
 */
export function findCollisions(
  entries: readonly { key: string; origin: number; deleted?: boolean }[],
  keyPrefix: string,
  exclude?: Filter,
): Collision[] {
  type Owner = { key: string; origin: number };
  const files = new Map<string, Owner>();
  const dirs = new Map<string, Owner[]>();
  const out: Collision[] = [];
  for (const e of entries) {
    if (e.deleted) continue;
    const m = keyToRelPath(e.key, keyPrefix);
    if (m.kind !== "file" || exclude?.excludes(m.relPath)) continue;
    const path = m.relPath.normalize("NFC");
    const seen = files.get(path);
    if (!seen) files.set(path, e);
    else if (seen.key !== e.key && seen.origin !== e.origin) {
      out.push({ path, keys: [seen.key, e.key] });
    }
    for (let i = path.indexOf("/"); i > 0; i = path.indexOf("/", i + 1)) {
      const owners = dirs.get(path.slice(0, i)) ?? [];
      // Two owners of different items are enough to tell any file there from another item.
      if (owners.length < 2 && !owners.some((o) => o.origin === e.origin)) {
        owners.push(e);
        dirs.set(path.slice(0, i), owners);
      }
    }
  }
  for (const [path, f] of files) {
    const other = dirs.get(path)?.find((o) => o.origin !== f.origin);
    if (other) out.push({ path, keys: [f.key, other.key] });
  }
  return out;
}

/** The error for collisions: what meets where, and what to do. */
function collisionError(collisions: readonly Collision[]): EngineError {
  const shown = collisions.slice(0, 3).map((c) =>
    `'${c.keys[0]}' and '${c.keys[1]}' at '${c.path}'`
  );
  const more = collisions.length > 3 ? ` and ${collisions.length - 3} more` : "";
  return new EngineError(
    "UnsafeOperation",
    `The selection would restore two objects to one place: ${shown.join("; ")}${more}. ` +
      "Nothing was written: restore these items one at a time, into different folders.",
  );
}

/** A file's object now, or its version at `at`; null when there is none. */
async function fileSource(
  req: SelectionRequest,
  key: string,
  signal?: AbortSignal,
): Promise<RestoreSource | null> {
  if (!req.at) {
    const page = await listPage(req.client, req.bucket, key, { maxKeys: 1, signal });
    const o = page.objects[0];
    if (o?.key !== key) return null;
    return { key, size: o.size, etag: o.etag, storageClass: o.storageClass, ...lastModified(o) };
  }
  // The key itself sorts first among the keys it prefixes: stop at the first other key.
  const versions: ObjectVersion[] = [];
  for await (const v of iterateVersions(req.client, req.bucket, key, signal)) {
    if (v.key !== key) break;
    versions.push(v);
  }
  const v = versionsAt(versions, req.at)[0];
  return v ? sourceFromVersion(v) : null;
}

function lastModified(o: { lastModified?: Date }): { lastModified?: Date } {
  return o.lastModified ? { lastModified: o.lastModified } : {};
}

/** Lists the selection's objects and refuses collisions. */
async function gather(
  req: SelectionRequest,
  layout: SelectionLayout,
  signal?: AbortSignal,
): Promise<{ sources: RestoreSource[]; missing: string[] }> {
  const entries: (RestoreSource & { origin: number })[] = [];
  const missing: string[] = [];
  try {
    for (const [origin, prefix] of layout.folders.entries()) {
      for (const s of await listSources(req.client, req.bucket, prefix, req.at, signal)) {
        entries.push({ ...s, origin });
      }
    }
    for (const [i, key] of layout.files.entries()) {
      const s = await fileSource(req, key, signal);
      if (s) entries.push({ ...s, origin: layout.folders.length + i });
      else missing.push(key);
    }
  } catch (e) {
    throw toEngineError(e, {
      action: req.at ? "listing versions" : "listing",
      endpoint: req.endpoint,
      bucket: req.bucket,
      fallback: "ListFailed",
    });
  }
  const collisions = findCollisions(
    entries,
    layout.keyPrefix,
    excludeFilter(req.exclude ?? []),
  );
  if (collisions.length > 0) throw collisionError(collisions);
  const sources = entries.map(({ origin: _, ...s }) => s);
  return { sources, missing };
}

/** A planned selection restore: its preview, and the run it previews. */
export interface SelectionPlan {
  layout: SelectionLayout;
  preview: SelectionPreview;
  /**
   * Restores the selection (listing it again); events go to `onEvent`. A dry-run request
   * returns the preview's result. Throws only when nothing could be done.
   */
  run(onEvent?: EventSink, signal?: AbortSignal): Promise<RestoreResult>;
}

/**
 * Plans the restore of a selection: lists it, refuses collisions (before anything is written),
 * and previews it with the restore's own dry run.
 */
export async function planSelection(
  req: SelectionRequest,
  signal?: AbortSignal,
): Promise<SelectionPlan> {
  const layout = selectionLayout(req.pathPrefix, req.items);
  const listed = await gather(req, layout, signal);
  const base: RestoreOptions = {
    client: req.client,
    target: req.target,
    bucket: req.bucket,
    keyPrefix: layout.keyPrefix,
    localFolder: req.localFolder,
    ...(req.endpoint ? { endpoint: req.endpoint } : {}),
    overwrite: req.overwrite ?? false,
    exclude: req.exclude ?? [],
    ...(req.concurrency ? { concurrency: req.concurrency } : {}),
    ...(req.bwlimit ? { bwlimit: req.bwlimit } : {}),
    ...(req.requestThaw ? { requestThaw: req.requestThaw } : {}),
  };
  const dry = await runRestore({
    ...base,
    dryRun: true,
    sources: () => Promise.resolve(listed.sources),
    ...(signal ? { signal } : {}),
    ...(req.dryRun && req.history ? { history: req.history } : {}),
  });
  const preview = selectionPreview({
    bucket: req.bucket,
    pathPrefix: req.pathPrefix,
    localFolder: req.localFolder,
    keyPrefix: layout.keyPrefix,
    items: [...layout.folders, ...layout.files],
    missing: listed.missing,
    at: req.at !== undefined,
    requestThaw: req.requestThaw !== undefined,
  }, dry);
  return {
    layout,
    preview,
    async run(onEvent, runSignal) {
      if (req.dryRun) return dry;
      return await runRestore({
        ...base,
        sources: async (s) => (await gather(req, layout, s)).sources,
        ...(req.records ? { records: req.records } : {}),
        ...(runSignal ? { signal: runSignal } : {}),
        ...(onEvent ? { onEvent } : {}),
        ...(req.history ? { history: req.history } : {}),
      });
    },
  };
}
