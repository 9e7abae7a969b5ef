/**
 * The backup plan: a pure, streaming merge (rclone's "march") of the sorted local walk with the
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

import type { ExcludeMatcher } from "../local/exclude.ts";
import { compareKeys } from "../core/keys.ts";
import type { RemoteObject } from "../s3/listing.ts";
import type { Manifest, ManifestRow } from "../state/manifest.ts";
import { needsTransfer } from "./needs_transfer.ts";
import type { LocalEntry, LocalFile } from "../local/walk.ts";
import { remoteFilter } from "../local/key_filter.ts";

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
  /** Excluded remote keys are ignored (never deleted), as in rclone. */
  exclude?: ExcludeMatcher;
  /** Plain ETags are not MD5s (SSE-KMS). */
  etagsNotMd5?: boolean;
}

/** Plans a backup from the sorted local walk, the sorted listing and the manifest. */
export async function* planBackup(
  local: AsyncIterable<LocalEntry> | Iterable<LocalEntry>,
  remote: AsyncIterable<RemoteObject> | Iterable<RemoteObject>,
  manifest: Pick<Manifest, "get">,
  options: PlanOptions,
): AsyncGenerator<PlanItem> {
  const prefix = options.keyPrefix;
  const li = toAsync(local);
  const ri = toAsync(remote);
  const pending: PlanItem[] = [];

  const nextRemote = async (): Promise<RemoteObject | undefined> => {
    for (;;) {
      const r = await ri.next();
      if (r.done) return undefined;
      const o = r.value;
      const rel = o.key.startsWith(prefix) ? o.key.slice(prefix.length) : "";
      const why = remoteFilter(rel, options);
      if (why === undefined) return o;
      if (why !== "") pending.push({ action: "ignore", key: o.key, relPath: rel, reason: why });
    }
  };
  const nextLocal = async () => {
    const r = await li.next();
    return r.done ? undefined : r.value;
  };
  const keyOf = (e: LocalEntry) =>
    e.kind !== "file" && e.isDir
      ? `${prefix}${e.relPath === "" ? "" : `${e.relPath}/`}`
      : `${prefix}${e.relPath}`;
  const remoteOnly = (o: RemoteObject, reason?: string): PlanItem => ({
    action: reason || !options.delete ? "keep" : "delete",
    key: o.key,
    relPath: o.key.slice(prefix.length),
    reason: reason ??
      (options.delete ? "not in the local folder" : "not in the local folder (kept: no --delete)"),
    remote: o,
  });

  let l = await nextLocal();
  let r = await nextRemote();
  // Key prefixes whose objects are kept, with why. Keys under a prefix are contiguous in the
  // listing, so a prefix is dropped once the listing is past it.
  let kept: Array<{ prefix: string; reason: string }> = [];
  while (l !== undefined || r !== undefined) {
    yield* pending.splice(0);
    if (r && kept.length > 0) {
      const key = r.key;
      kept = kept.filter((k) => key.startsWith(k.prefix) || compareKeys(key, k.prefix) < 0);
      const hit = kept.find((k) => key.startsWith(k.prefix));
      if (hit) {
        yield remoteOnly(r, hit.reason);
        r = await nextRemote();
        continue;
      }
    }
    const lkey = l ? keyOf(l) : "";
    const c = l === undefined ? 1 : r === undefined ? -1 : compareKeys(lkey, r.key);
    if (c > 0) {
      yield remoteOnly(r!);
      r = await nextRemote();
      continue;
    }
    const entry = l!;
    const match = c === 0 ? r : undefined;
    if (entry.kind === "error") {
      if (entry.isDir) {
        kept.push({ prefix: lkey, reason: "kept: the local folder could not be read" });
      }
      yield {
        action: "error",
        key: lkey,
        relPath: entry.relPath,
        reason: entry.message,
        path: entry.path,
        ...(match ? { remote: match } : {}),
      };
      if (match) r = await nextRemote(); // an unreadable file's copy is kept
    } else if (entry.kind === "skipped") {
      // A link may stand for a folder: what was backed up under its name is kept too.
      const reason = entry.isDir
        ? `kept: '${entry.relPath}': ${entry.reason}`
        : `kept: '${entry.relPath}' is not a regular file now (${entry.reason})`;
      kept.push({ prefix: entry.isDir ? lkey : `${lkey}/`, reason });
      yield {
        action: "skip",
        key: lkey,
        relPath: entry.relPath,
        reason: entry.reason,
        path: entry.path,
        ...(match ? { remote: match } : {}),
      };
      if (match) r = await nextRemote(); // the object at the link's own name is kept
    } else {
      yield fileItem(entry, lkey, match, manifest.get(lkey), options);
      if (match) r = await nextRemote();
    }
    l = await nextLocal();
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

function toAsync<T>(source: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> {
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  const it = source[Symbol.iterator]();
  return { next: () => Promise.resolve(it.next()) };
}
