/**
 * The backup plan: reads the march (local/march.ts) of the sorted local walk with the
 * sorted remote listing, looking up the manifest row of each local file by key. It yields one
 * item per path with an action and a reason; nothing is read from disk or the network here
 * beyond what the two input streams yield, and nothing is changed. Memory stays bounded: one
 * item of each stream at a time.
 *
 * Actions: `upload`, `skip` (unchanged, or a symlink/special file passed over), `check` (in
 * doubt: the executor hashes the file and asks {@link needsTransfer} again), `delete` (only in
 * the bucket, with --delete), `keep` (only in the bucket, kept), `ignore` (a remote key that no
 * local path can map to: left alone), `error` (unreadable local entry: its remote copies are
 * kept). Only objects whose path is really gone are deleted: the copies of an unreadable entry,
 * of a link or special file that stands where a file or folder was, and of a folder that
 * vanished during the walk are kept.
 *
 * @module
 */

import type { Filter } from "../local/filter.ts";
import { compareKeys } from "../core/keys.ts";
import type { RemoteObject } from "../s3/listing.ts";
import type { Manifest, ManifestRow } from "../state/manifest.ts";
import { needsTransfer } from "./needs_transfer.ts";
import type { LocalEntry, LocalFile } from "../local/walk.ts";
import { remoteFilter } from "../local/key_filter.ts";
import { march, type MarchSource } from "../local/march.ts";

/** What a plan item asks for. */
export type PlanAction = "upload" | "check" | "skip" | "delete" | "keep" | "ignore" | "error";

/** One decision of the plan. */
export interface PlanItem {
  action: PlanAction;
  /** Full object key. */
  key: string;
  /** Relative path (NFC, "/"-separated); for remote-only keys, the key below the prefix. */
  relPath: string;
  reason: string;
  /** The local file (upload, check, and skip of an unchanged file). */
  local?: LocalFile;
  /** The listed object at `key`. */
  remote?: RemoteObject;
  /** The manifest row at `key`. */
  row?: ManifestRow;
  /** Local path of a skipped or unreadable entry. */
  path?: string;
}

/** Inputs beside the streams. */
export interface PlanOptions {
  /** Full key prefix of the backup: "" or ending in "/". */
  keyPrefix: string;
  /** Plan deletions of objects that are not in the local folder. */
  delete?: boolean;
  /** Hidden remote keys are ignored unless this is set (as hidden local files are). */
  includeHidden?: boolean;
  /** The run's filter: keys it leaves out are ignored and objects it leaves out kept. */
  filter?: Filter;
  /** Plain ETags are not MD5s (SSE-KMS). */
  etagsNotMd5?: boolean;
}

/** Plans a backup from the sorted local walk, the sorted listing and the manifest. */
export async function* planBackup(
  local: MarchSource<LocalEntry>,
  remote: MarchSource<RemoteObject>,
  manifest: Pick<Manifest, "get">,
  options: PlanOptions,
): AsyncGenerator<PlanItem> {
  const prefix = options.keyPrefix;
  // Remote keys that take no part, reported as the listing is read (see remoteFilter).
  const pending: PlanItem[] = [];
  async function* remoteKeys(): AsyncGenerator<RemoteObject> {
    for await (const o of remote) {
      const rel = o.key.startsWith(prefix) ? o.key.slice(prefix.length) : "";
      const why = remoteFilter(rel, options);
      if (why === undefined) yield o;
      else if (why !== "") {
        pending.push({ action: "ignore", key: o.key, relPath: rel, reason: why });
      }
    }
  }
  const keyOf = (e: LocalEntry) =>
    e.kind !== "file" && e.isDir
      ? `${prefix}${e.relPath === "" ? "" : `${e.relPath}/`}`
      : `${prefix}${e.relPath}`;
  const remoteOnly = (o: RemoteObject, why?: string): PlanItem => {
    // An object the filter leaves out by its size or date is not this run's to delete.
    const filtered = why === undefined && options.delete
      ? options.filter?.attributes(o.size, o.lastModified?.getTime())
      : undefined;
    const reason = why ?? (filtered ? `kept: left out by ${filtered.label}` : undefined);
    return {
      action: reason || !options.delete ? "keep" : "delete",
      key: o.key,
      relPath: o.key.slice(prefix.length),
      reason: reason ??
        (options.delete
          ? "not in the local folder"
          : "not in the local folder (kept: no --delete)"),
      remote: o,
    };
  };

  // Key prefixes whose objects are kept, with why. Keys under a prefix are contiguous in the
  // listing, so a prefix is dropped once the listing is past it.
  let kept: Array<{ prefix: string; reason: string }> = [];
  const keptReason = (key: string): string | undefined => {
    if (kept.length === 0) return undefined;
    kept = kept.filter((k) => key.startsWith(k.prefix) || compareKeys(key, k.prefix) < 0);
    return kept.find((k) => key.startsWith(k.prefix))?.reason;
  };

  for await (
    const pair of march(local, remoteKeys(), {
      localKey: keyOf,
      remoteKey: (o) => o.key,
    })
  ) {
    yield* pending.splice(0);
    let match: RemoteObject | undefined;
    if (pair.kind !== "local-only") {
      // An object under a kept prefix is kept, whatever the local side holds at its key.
      const why = keptReason(pair.remote.key);
      if (why !== undefined) yield remoteOnly(pair.remote, why);
      else if (pair.kind === "remote-only") yield remoteOnly(pair.remote);
      else match = pair.remote;
      if (pair.kind === "remote-only") continue;
    }
    const entry = pair.local;
    const lkey = pair.key;
    if (entry.kind === "error") {
      if (entry.isDir) {
        kept.push({ prefix: lkey, reason: "kept: the local folder could not be read" });
      }
      // An unreadable file's copy is kept.
      yield {
        action: "error",
        key: lkey,
        relPath: entry.relPath,
        reason: entry.message,
        path: entry.path,
        ...(match ? { remote: match } : {}),
      };
    } else if (entry.kind === "excluded") {
      // Still there, left out by the filter: what was backed up under its name is kept.
      const reason = `kept: left out by ${entry.rule}`;
      if (entry.isDir) kept.push({ prefix: lkey, reason });
      if (match) yield remoteOnly(match, reason);
    } else if (entry.kind === "skipped") {
      // A link may stand for a folder: what was backed up under its name is kept too.
      const reason = entry.isDir
        ? `kept: '${entry.relPath}': ${entry.reason}`
        : `kept: '${entry.relPath}' is not a regular file now (${entry.reason})`;
      kept.push({ prefix: entry.isDir ? lkey : `${lkey}/`, reason });
      // The object at the link's own name is kept.
      yield {
        action: "skip",
        key: lkey,
        relPath: entry.relPath,
        reason: entry.reason,
        path: entry.path,
        ...(match ? { remote: match } : {}),
      };
    } else {
      yield fileItem(entry, lkey, match, manifest.get(lkey), options);
    }
  }
  yield* pending.splice(0);
}

function fileItem(
  local: LocalFile,
  key: string,
  remote: RemoteObject | undefined,
  row: ManifestRow | undefined,
  options: PlanOptions,
): PlanItem {
  const d = needsTransfer({ local, remote, row, etagsNotMd5: options.etagsNotMd5 });
  const item: PlanItem = {
    action: d.verdict === "upload" ? "upload" : d.verdict === "skip" ? "skip" : "check",
    key,
    relPath: local.relPath,
    reason: d.reason,
    local,
  };
  if (remote) item.remote = remote;
  if (row) item.row = row;
  return item;
}
