/**
 * Restore's safety rules: which keys may become local paths, and how a path inside the
 * destination is checked and created without ever following a symbolic link.
 *
 * A key maps to `LOCAL_FOLDER/<key without the folder's key prefix>` only when every segment
 * is a plain name: no `..` or `.`, no empty segment (`a//b`, a leading `/`), no backslash, no
 * NUL, at most 255 bytes of UTF-8, and not ending in `.eigen-part` (reserved for partial
 * downloads, so no key can collide with another key's partial file). Anything else is reported and skipped, so no key can reach outside the folder.
 *
 * Writing: every parent component under the destination is checked with `lstat`; a component
 * that is a symbolic link, a file or anything but a real folder stops the write. Missing
 * folders are created one level at a time (mode 0755, minus the umask).
 *
 * @module
 */

import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { EngineError } from "../core/errors.ts";
import { NAME_MAX, PART_SUFFIX } from "./part_file.ts";

/** Longest file name most filesystems accept, in bytes. */
export const MAX_SEGMENT_BYTES = NAME_MAX;
/** Longest relative path restore will create, in bytes (Linux PATH_MAX minus room). */
export const MAX_PATH_BYTES = 4000;

/** What a key means locally. */
export type KeyPath =
  | { kind: "file"; relPath: string; segments: string[] }
  | { kind: "folder-marker" }
  | { kind: "unsafe"; reason: string };

const encoder = new TextEncoder();

/** A short printable form of a key for messages (control characters escaped). */
export function printableKey(key: string): string {
  // deno-lint-ignore no-control-regex
  const control = /[\x00-\x1f\x7f]/g;
  return key.replace(control, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/**
 * Maps `key` (which starts with `keyPrefix`, "" or ending in "/") to a relative local path, or
 * says why it cannot be restored. Pure. `os` decides Windows-only rules (drive letters, `:`).
 */
export function keyToRelPath(
  key: string,
  keyPrefix: string,
  os: typeof Deno.build.os = Deno.build.os,
): KeyPath {
  if (!key.startsWith(keyPrefix)) {
    return { kind: "unsafe", reason: `key is not under the prefix '${keyPrefix}'` };
  }
  const rel = key.slice(keyPrefix.length);
  if (rel === "") return { kind: "folder-marker" };
  if (rel.endsWith("/")) {
    // A folder marker ("photos/") creates nothing, but an unsafe one is still reported.
    const inner = keyToRelPath(rel.slice(0, -1), "", os);
    return inner.kind === "unsafe" ? inner : { kind: "folder-marker" };
  }
  if (rel.includes("\0")) return { kind: "unsafe", reason: "the key contains a NUL character" };
  if (rel.includes("\\")) {
    return { kind: "unsafe", reason: "the key contains a backslash (a path separator on Windows)" };
  }
  if (rel.startsWith("/")) {
    return { kind: "unsafe", reason: "the key would be an absolute path (it starts with '/')" };
  }
  const segments = rel.split("/");
  for (const s of segments) {
    if (s === "") return { kind: "unsafe", reason: "the key has an empty path segment ('//')" };
    if (s === "." || s === "..") {
      return { kind: "unsafe", reason: `the key has a '${s}' path segment` };
    }
    if (encoder.encode(s).length > MAX_SEGMENT_BYTES) {
      return {
        kind: "unsafe",
        reason: `a path segment is longer than ${MAX_SEGMENT_BYTES} bytes`,
      };
    }
    if (s.endsWith(PART_SUFFIX)) {
      return {
        kind: "unsafe",
        reason: `names ending in '${PART_SUFFIX}' are reserved for partial downloads`,
      };
    }
    if (os === "windows" && (/[:<>"|?*]/.test(s) || /[. ]$/.test(s))) {
      return { kind: "unsafe", reason: `'${s}' is not a valid file name on Windows` };
    }
  }
  if (encoder.encode(rel).length > MAX_PATH_BYTES) {
    return { kind: "unsafe", reason: `the path is longer than ${MAX_PATH_BYTES} bytes` };
  }
  return { kind: "file", relPath: rel, segments };
}

/** What is at a would-be destination path. */
export type DestEntry =
  | { kind: "missing" }
  | { kind: "file"; size: number; mtimeMs: number }
  | { kind: "dir" }
  | { kind: "symlink" }
  | { kind: "other" }
  /** A parent component is a symlink, a file or something else that is not a real folder. */
  | { kind: "blocked"; reason: string };

/** `Deno.lstat(path)`, or null when nothing is there (or a parent is not a folder). */
export async function lstatOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.lstat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return null;
    throw e;
  }
}

/** Joins `segments` under `root` and checks the result really is inside `root`. */
export function joinInside(root: string, segments: readonly string[]): string {
  const path = join(root, ...segments);
  const base = isAbsolute(root) ? root : resolve(root);
  const rel = relative(base, isAbsolute(path) ? path : resolve(path));
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new EngineError("UnsafeOperation", `Refusing to write outside ${root}: '${path}'.`);
  }
  return path;
}

/**
 * Inspects destinations under one root with `lstat` only (never following links), caching
 * what it learnt about parent folders.
 */
export class TargetInspector {
  readonly #dirs = new Map<string, DestEntry>();

  /** `root` must be an existing real folder (or not exist yet: then everything is missing). */
  constructor(readonly root: string) {}

  async #parent(segments: readonly string[], depth: number): Promise<DestEntry> {
    const relDir = segments.slice(0, depth).join("/");
    const cached = this.#dirs.get(relDir);
    if (cached) return cached;
    let entry: DestEntry;
    if (depth === 0) {
      const st = await lstatOrNull(this.root);
      entry = st === null ? { kind: "missing" } : { kind: "dir" };
    } else {
      const up = await this.#parent(segments, depth - 1);
      if (up.kind !== "dir") {
        entry = up;
      } else {
        const st = await lstatOrNull(join(this.root, ...segments.slice(0, depth)));
        entry = st === null
          ? { kind: "missing" }
          : st.isSymlink
          ? { kind: "blocked", reason: `'${relDir}' is a symbolic link: it is not followed` }
          : st.isDirectory
          ? { kind: "dir" }
          : { kind: "blocked", reason: `'${relDir}' exists and is not a folder` };
      }
    }
    this.#dirs.set(relDir, entry);
    return entry;
  }

  /** What is at `root/segments...` (a missing or blocked parent decides it). */
  async inspect(segments: readonly string[]): Promise<DestEntry> {
    const parent = await this.#parent(segments, segments.length - 1);
    if (parent.kind !== "dir") return parent;
    const st = await lstatOrNull(joinInside(this.root, segments));
    if (st === null) return { kind: "missing" };
    if (st.isSymlink) return { kind: "symlink" };
    if (st.isDirectory) return { kind: "dir" };
    if (!st.isFile) return { kind: "other" };
    return { kind: "file", size: st.size, mtimeMs: st.mtime?.getTime() ?? 0 };
  }

  /** Forgets cached folder facts (after creating folders). */
  forget(): void {
    this.#dirs.clear();
  }
}

/**
 * Creates the parent folders of `root/segments...` one level at a time (mode 0755 before the
 * umask), refusing when a component is a symlink or not a folder. Returns the final path.
 * Safe to call concurrently for paths that share parents. `verified` remembers, for one run,
 * the folders already checked or created, so each is inspected once; `created` collects the
 * folders this call made (nothing else can be in them yet).
 */
export async function prepareDestination(
  root: string,
  segments: readonly string[],
  verified?: Set<string>,
  created?: Set<string>,
): Promise<string> {
  let dir = root;
  for (let i = 0; i < segments.length - 1; i++) {
    dir = join(dir, segments[i]!);
    if (verified?.has(dir)) continue;
    const st = await lstatOrNull(dir);
    if (st === null) {
      try {
        await Deno.mkdir(dir, { mode: 0o755 });
        verified?.add(dir);
        created?.add(dir);
        continue;
      } catch (e) {
        if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      }
    }
    const now = st ?? await Deno.lstat(dir);
    if (!now.isSymlink && now.isDirectory) verified?.add(dir);
    if (now.isSymlink || !now.isDirectory) {
      const rel = segments.slice(0, i + 1).join("/");
      throw new EngineError(
        "UnsafeOperation",
        now.isSymlink
          ? `'${rel}' is a symbolic link: restore does not write through links.`
          : `'${rel}' exists and is not a folder.`,
      );
    }
  }
  const dest = joinInside(root, segments);
  // In a folder this run created, nothing can be in the way (the final rename replaces, never
  // follows, whatever appears meanwhile).
  if (segments.length > 1 && created?.has(dir)) return dest;
  const st = await lstatOrNull(dest);
  if (st?.isSymlink) {
    throw new EngineError(
      "UnsafeOperation",
      `'${segments.join("/")}' is a symbolic link: restore does not replace or follow links.`,
    );
  }
  if (st?.isDirectory) {
    throw new EngineError("UnsafeOperation", `'${segments.join("/")}' is a folder, not a file.`);
  }
  return dest;
}
