/**
 * The restore plan: a pure function from the objects under a prefix and what is on disk to one
 * action per object (download or skip) with a reason. The executor (restore.ts) gathers the
 * evidence the planner asks for (a local stat, a local MD5, a HEAD) and plans again, prints the
 * plan on a dry run, and otherwise carries it out.
 *
 * @module
 */

import type { Filter } from "../local/filter.ts";
import { type DestEntry, keyToRelPath } from "../local/safe_path.ts";
import { compareWithLocal, type HeadFacts } from "./restore_decision.ts";
import { needsThaw, type ThawStatus } from "../s3/cold_storage.ts";

/** One object (or, for `--at`, the version chosen for a key). */
export interface RestoreSource {
  /** The full key. */
  key: string;
  size: number;
  etag: string;
  lastModified?: Date;
  storageClass: string;
  /** Set for `--at`: the version to download. */
  versionId?: string;
  /** Set for `--at` when the key's newest version at that time is a delete marker. */
  deleted?: boolean;
  /** What a HeadObject said, once the planner asked for it. */
  head?: HeadFacts & { thaw?: ThawStatus };
}

/** What is on disk at an object's destination; `md5` once the planner asked for it. */
export interface LocalState {
  entry: DestEntry;
  md5?: string;
}

/** Why an object is downloaded or skipped (stable codes for tests, UIs and scripts). */
export type RestoreReasonCode =
  | "missing"
  | "overwrite"
  | "thawed"
  | "identical"
  | "different"
  | "excluded"
  | "folder-marker"
  | "deleted"
  | "unsafe-key"
  | "conflict"
  | "blocked"
  | "cold-frozen"
  | "cold-thawing";

/** Codes that mean the object could not be restored (they go to the report's errors). */
export const ERROR_CODES: ReadonlySet<RestoreReasonCode> = new Set([
  "unsafe-key",
  "conflict",
  "blocked",
]);

/** One plan entry (the shape printed in a dry run's `plan`). */
export interface RestorePlanItem {
  action: "download" | "skip";
  /** The full key. */
  key: string;
  /** Destination relative to LOCAL_FOLDER ("/"-separated); null when the key is unsafe. */
  path: string | null;
  size: number;
  reason: string;
  code: RestoreReasonCode;
  storage_class: string;
  version_id?: string;
}

/** Evidence the planner needs before it can decide. */
export interface EvidenceNeed {
  need: "stat" | "local-md5" | "head";
  /** Index into the `remote` array given to {@link planRestore}. */
  index: number;
  /** Destination relative to LOCAL_FOLDER. */
  path: string;
}

/** Options of {@link planRestore}. */
export interface RestorePlanOptions {
  /** The key prefix that maps to LOCAL_FOLDER ("" or ending in "/"). */
  keyPrefix: string;
  /** Replace existing local files that differ. */
  overwrite: boolean;
  /** Objects it leaves out (by name, or by their size) are skipped as excluded. */
  filter?: Filter;
  /** Defaults to the running OS (Windows adds file-name rules). */
  os?: typeof Deno.build.os;
}

/** The plan, or the evidence to gather first (then plan again). */
export interface RestorePlan {
  /** One entry per object, in `remote` order; complete only when `needs` is empty. */
  items: RestorePlanItem[];
  needs: EvidenceNeed[];
}

/** The filter rule that leaves out the object at `path` of `size` bytes (by name or size). */
function excludedBy(options: RestorePlanOptions, path: string, size: number): string | undefined {
  return (options.filter?.key(path) ?? options.filter?.attributes(size))?.reason;
}

function ancestorsOf(paths: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const p of paths) {
    for (let i = p.indexOf("/"); i > 0; i = p.indexOf("/", i + 1)) out.add(p.slice(0, i));
  }
  return out;
}

const LOCAL_BLOCKS: Record<string, string> = {
  symlink: "a symbolic link is at this path: restore never replaces or follows links",
  dir: "a folder is at this path",
  other: "something that is not a regular file is at this path",
};

/**
 * Plans a restore. Pure: no I/O. Objects whose decision needs more facts are left out of
 * `items` and listed in `needs`; call again once `local`/`remote` carry those facts.
 */
export function planRestore(
  remote: readonly RestoreSource[],
  local: ReadonlyMap<string, LocalState>,
  options: RestorePlanOptions,
): RestorePlan {
  const items: RestorePlanItem[] = [];
  const needs: EvidenceNeed[] = [];
  const mapped = remote.map((r) => keyToRelPath(r.key, options.keyPrefix, options.os));
  const candidates: string[] = [];
  mapped.forEach((m, i) => {
    if (
      m.kind === "file" && !remote[i]!.deleted && !excludedBy(options, m.relPath, remote[i]!.size)
    ) {
      candidates.push(m.relPath);
    }
  });
  const folders = ancestorsOf(candidates);

  remote.forEach((r, index) => {
    const m = mapped[index]!;
    const item = (
      action: RestorePlanItem["action"],
      path: string | null,
      code: RestoreReasonCode,
      reason: string,
    ): RestorePlanItem => ({
      action,
      key: r.key,
      path,
      size: r.size,
      reason,
      code,
      storage_class: r.storageClass,
      ...(r.versionId ? { version_id: r.versionId } : {}),
    });
    const skip = (path: string | null, code: RestoreReasonCode, reason: string) =>
      items.push(item("skip", path, code, reason));
    if (r.deleted) {
      return skip(m.kind === "file" ? m.relPath : null, "deleted", "deleted at that time");
    }
    if (m.kind === "folder-marker") return skip(null, "folder-marker", "folder marker");
    if (m.kind === "unsafe") return skip(null, "unsafe-key", `unsafe key: ${m.reason}`);
    const path = m.relPath;
    const excluded = excludedBy(options, path, r.size);
    if (excluded) return skip(path, "excluded", `excluded by ${excluded}`);
    if (folders.has(path)) {
      return skip(
        path,
        "conflict",
        `'${path}' is both a file and a folder in the bucket: the folder's contents are restored`,
      );
    }
    const state = local.get(path);
    if (!state) return void needs.push({ need: "stat", index, path });
    const entry = state.entry;
    if (entry.kind === "blocked") return skip(path, "blocked", entry.reason);
    if (entry.kind === "symlink" || entry.kind === "dir" || entry.kind === "other") {
      return skip(path, "blocked", LOCAL_BLOCKS[entry.kind]!);
    }
    let code: RestoreReasonCode = "missing";
    let reason = "not present locally";
    if (entry.kind === "file") {
      const v = compareWithLocal(r, { size: entry.size, mtimeMs: entry.mtimeMs, md5: state.md5 });
      if (v.verdict === "need") return void needs.push({ need: v.need, index, path });
      if (v.verdict === "identical") return skip(path, "identical", `identical (${v.reason})`);
      if (!options.overwrite) {
        return skip(path, "different", `local file differs: ${v.reason}; kept (use --overwrite)`);
      }
      code = "overwrite";
      reason = `local file differs: ${v.reason}; --overwrite`;
    }
    if (needsThaw(r.storageClass)) {
      const thaw = r.head?.thaw;
      if (!thaw) return void needs.push({ need: "head", index, path });
      if (thaw.state === "frozen") {
        return skip(path, "cold-frozen", `in ${r.storageClass}: needs a thaw (--request-thaw)`);
      }
      if (thaw.state === "thawing") {
        return skip(path, "cold-thawing", `in ${r.storageClass}: thaw in progress`);
      }
      if (code === "missing") code = "thawed";
      reason += `; thawed copy${thaw.expiry ? ` until ${thaw.expiry}` : ""}`;
    }
    items.push(item("download", path, code, reason));
  });
  return { items: needs.length === 0 ? items : [], needs };
}

/** Totals of a plan, for summaries and dry runs. */
export interface PlanTotals {
  download: { files: number; bytes: number };
  skip: { files: number; bytes: number };
  /** Skips per reason code. */
  byCode: Partial<Record<RestoreReasonCode, number>>;
}

/** Counts a plan's entries. */
export function planTotals(items: readonly RestorePlanItem[]): PlanTotals {
  const t: PlanTotals = {
    download: { files: 0, bytes: 0 },
    skip: { files: 0, bytes: 0 },
    byCode: {},
  };
  for (const it of items) {
    const bucket = t[it.action];
    bucket.files += 1;
    bucket.bytes += it.size;
    t.byCode[it.code] = (t.byCode[it.code] ?? 0) + 1;
  }
  return t;
}
