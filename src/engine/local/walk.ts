/**
 * The local side of a backup: a recursive, streaming walk of a folder that yields entries in
 * the S3 key order of their relative paths (UTF-8 byte order, a folder sorting as `name/`), so
 * it can be merged with a ListObjectsV2 listing without loading either side into memory. Only
 * one folder's entries are held at a time per depth level.
 *
 * Rules: names are NFC-normalised for keys but read from their real (possibly NFD) path;
 * hidden files and folders (leading ".") are skipped unless `includeHidden` (or --files-from
 * lists them); the filter (filter.ts) prunes files and whole folders by name, and leaves out
 * files by size and age and folders holding an --exclude-if-present marker, counting what each
 * rule left out (files under a folder an explicit rule left out are counted without being read);
 * symbolic links are never followed (reported as
 * skipped, so loops are impossible); FIFOs, sockets and devices are skipped with a reason, and
 * so is a folder that vanishes between being listed and being read (a drive unplugged mid-run);
 * unreadable folders, names that are not valid UTF-8 and names that collide after Unicode
 * normalisation are reported as errors and the walk goes on.
 *
 * @module
 */

import { join } from "node:path";
import { throwIfAborted } from "../core/errors.ts";
import type { Exclusion, Filter, FolderState } from "./filter.ts";
import { compareKeys } from "../core/keys.ts";

/** A regular file to back up. */
export interface LocalFile {
  kind: "file";
  /** Relative path, "/"-separated, NFC: the key part. */
  relPath: string;
  /** The real path on disk (may differ from `relPath` in Unicode normalisation). */
  path: string;
  size: number;
  /** Modification time, ms since the epoch. */
  mtimeMs: number;
  /** Status-change time in ms (second resolution under Deno), null where unknown. */
  ctimeMs: number | null;
  /** Inode number, null where unknown. */
  ino: number | null;
}

/**
 * Something the walk passed over (symlink, FIFO, socket, device, a folder that vanished): it
 * is there, or was a moment ago, so its remote copies are kept.
 */
export interface LocalSkip {
  kind: "skipped";
  relPath: string;
  path: string;
  reason: string;
  /** True for a folder (everything under `relPath + "/"` is affected). */
  isDir?: boolean;
}

/** Something the walk could not read: it is reported, and protects its remote copies. */
export interface LocalError {
  kind: "error";
  relPath: string;
  path: string;
  /** True for a folder (everything under `relPath + "/"` is affected). */
  isDir: boolean;
  message: string;
}

/**
 * A file the filter left out by size or age, or a folder left out by an --exclude-if-present
 * marker: it is still there, so its remote copies are kept (never deleted). Paths left out by
 * name are not yielded: the same rules leave their keys out of the listing.
 */
export interface LocalExcluded {
  kind: "excluded";
  relPath: string;
  path: string;
  /** The rule's label (a key of `files_excluded`). */
  rule: string;
  /** True for a folder (everything under `relPath + "/"` is affected). */
  isDir?: boolean;
}

/** One item of the walk. */
export type LocalEntry = LocalFile | LocalSkip | LocalError | LocalExcluded;

/** Walk options. */
export interface WalkOptions {
  /** Include dotfiles and dot-folders (default false). */
  includeHidden?: boolean;
  /** The run's filter (name rules, --files-from, sizes, ages, markers); counts what it leaves out. */
  filter?: Filter;
  signal?: AbortSignal;
}

interface DirItem {
  name: string;
  /** NFC name, plus "/" for folders: the sort key within the folder. */
  sortKey: string;
  isDirectory: boolean;
  isSymlink: boolean;
  isFile: boolean;
}

/** Text used when a name is not valid UTF-8 (Deno hands such names over with U+FFFD). */
const REPLACEMENT = "\uFFFD";

/** True when `relPath` (NFC, "/"-separated) has a segment starting with ".". */
export function isHiddenPath(relPath: string): boolean {
  return relPath.startsWith(".") || relPath.includes("/.");
}

function specialReason(st: Deno.FileInfo): string | undefined {
  if (st.isFifo) return "named pipe (FIFO), not a regular file";
  if (st.isSocket) return "socket, not a regular file";
  if (st.isBlockDevice) return "block device, not a regular file";
  if (st.isCharDevice) return "character device, not a regular file";
  if (!st.isFile) return "not a regular file";
  return undefined;
}

function describe(e: unknown): string {
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  return e instanceof Error ? e.message : String(e);
}

function readFolder(path: string): DirItem[] {
  const items: DirItem[] = [];
  for (const e of Deno.readDirSync(path)) {
    const nfc = e.name.normalize("NFC");
    items.push({
      name: e.name,
      sortKey: e.isDirectory ? `${nfc}/` : nfc,
      isDirectory: e.isDirectory,
      isSymlink: e.isSymlink,
      isFile: e.isFile,
    });
  }
  items.sort((a, b) => compareKeys(a.sortKey, b.sortKey) || compareKeys(a.name, b.name));
  return items;
}

/**
 * The regular files under `dir` the walk would have seen (hidden ones only with
 * `includeHidden`; links not followed; unreadable folders count as empty), and their bytes:
 * what a folder left out whole holds. Only names and sizes are read.
 */
function countTree(dir: string, includeHidden: boolean): { files: number; bytes: number } {
  const total = { files: 0, bytes: 0 };
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch {
    return total;
  }
  for (const e of entries) {
    if (!includeHidden && e.name.startsWith(".")) continue;
    const path = join(dir, e.name);
    if (e.isFile) {
      total.files += 1;
      try {
        total.bytes += Deno.lstatSync(path).size;
      } catch {
        // vanished: not counted
      }
    } else if (e.isDirectory) {
      const sub = countTree(path, includeHidden);
      total.files += sub.files;
      total.bytes += sub.bytes;
    }
  }
  return total;
}

/** Counts what `rule` left out at `path` (a folder's files only for explicit rules). */
function countExcluded(
  options: WalkOptions,
  rule: Exclusion,
  path: string,
  item: DirItem,
): void {
  const counts = options.filter?.counts;
  if (!counts) return;
  if (item.isDirectory) {
    if (!rule.countsFolders) return;
    const t = countTree(path, options.includeHidden === true);
    counts.add(rule, t.files, t.bytes);
  } else if (item.isFile) {
    let size = 0;
    try {
      size = Deno.lstatSync(path).size;
    } catch {
      return;
    }
    counts.add(rule, 1, size);
  }
}

/**
 * Walks `root` and yields its entries in key order. The root itself must be a readable folder;
 * when it cannot be read, one error entry with `relPath` "" is yielded.
 */
export async function* walkFolder(
  root: string,
  options: WalkOptions = {},
): AsyncGenerator<LocalEntry> {
  yield* walkInto(root, "", options, options.filter?.root());
}

async function* walkInto(
  dir: string,
  relDir: string,
  options: WalkOptions,
  state: FolderState | undefined,
): AsyncGenerator<LocalEntry> {
  throwIfAborted(options.signal);
  let items: DirItem[];
  try {
    items = readFolder(dir);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound && relDir !== "") {
      yield {
        kind: "skipped",
        relPath: relDir,
        path: dir,
        isDir: true,
        reason: "the folder vanished while the backup ran",
      };
      return;
    }
    yield {
      kind: "error",
      relPath: relDir,
      path: dir,
      isDir: true,
      message: `cannot read the folder (${describe(e)}): its files were not backed up`,
    };
    return;
  }
  const filter = options.filter;
  if (filter && relDir !== "" && filter.markers.size > 0) {
    const marker = items.find((i) => filter.markers.has(i.name.normalize("NFC")));
    if (marker) {
      const rule = filter.markers.get(marker.name.normalize("NFC"))!;
      const t = countTree(dir, options.includeHidden === true);
      filter.counts.add(rule, t.files, t.bytes);
      yield { kind: "excluded", relPath: relDir, path: dir, rule: rule.label, isDir: true };
      return;
    }
  }
  let previous: DirItem | undefined;
  for (const item of items) {
    const nfc = item.name.normalize("NFC");
    const relPath = relDir === "" ? nfc : `${relDir}/${nfc}`;
    const path = join(dir, item.name);
    if (!options.includeHidden && item.name.startsWith(".") && !filter?.listed(relPath)) continue;
    let inner: FolderState | undefined;
    if (filter && state) {
      if (item.isDirectory && !item.isSymlink) {
        const d = filter.folder(relPath, state);
        if ("excluded" in d) {
          countExcluded(options, d.excluded, path, item);
          continue;
        }
        inner = d.state;
      } else {
        const rule = filter.file(relPath, state);
        if (rule) {
          countExcluded(options, rule, path, item);
          continue;
        }
      }
    }
    if (previous && previous.sortKey === item.sortKey) {
      yield {
        kind: "error",
        relPath,
        path,
        isDir: false,
        message:
          `has the same Unicode-normalised name as '${previous.name}' in the same folder: rename one of them`,
      };
      continue;
    }
    previous = item;
    if (item.isSymlink) {
      yield { kind: "skipped", relPath, path, reason: "symbolic link (not followed)" };
      continue;
    }
    if (item.isDirectory) {
      yield* walkInto(path, relPath, options, inner);
      continue;
    }
    let st: Deno.FileInfo;
    try {
      st = Deno.lstatSync(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        if (item.name.includes(REPLACEMENT)) {
          yield {
            kind: "error",
            relPath,
            path,
            isDir: false,
            message: "the file name is not valid UTF-8: rename the file to back it up",
          };
        }
        continue; // otherwise it vanished between listing and stat: nothing to back up
      }
      yield { kind: "error", relPath, path, isDir: false, message: describe(e) };
      continue;
    }
    const special = specialReason(st);
    if (special) {
      yield { kind: "skipped", relPath, path, reason: special };
      continue;
    }
    const mtimeMs = st.mtime?.getTime() ?? 0;
    const excluded = filter?.attributes(st.size, mtimeMs);
    if (excluded) {
      filter!.counts.add(excluded, 1, st.size);
      yield { kind: "excluded", relPath, path, rule: excluded.label };
      continue;
    }
    yield {
      kind: "file",
      relPath,
      path,
      size: st.size,
      mtimeMs,
      ctimeMs: st.ctime?.getTime() ?? null,
      ino: st.ino ?? null,
    };
  }
}
