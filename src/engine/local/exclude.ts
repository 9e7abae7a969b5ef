/**
 * `--exclude GLOB` matching against relative paths (POSIX separators), with globrex:
 * `*` stays inside one path segment, `**` crosses segments, and a pattern without a slash
 * matches a name at any depth (like rsync and rclone: `*.tmp`, `node_modules`).
 * A pattern that matches a folder excludes everything under it.
 *
 * @module
 */

import globrex from "globrex";
import { EngineError } from "../core/errors.ts";

/** A compiled set of exclude patterns. */
export interface ExcludeMatcher {
  /** The patterns as given. */
  readonly patterns: readonly string[];
  /** True when `relPath` (file or folder, "/"-separated, no leading slash) is excluded. */
  excludes(relPath: string): boolean;
}

function compile(pattern: string): RegExp[] {
  let p = pattern.trim().replaceAll("\\", "/");
  if (p === "") {
    throw new EngineError("UsageError", "--exclude: an empty pattern excludes nothing: remove it.");
  }
  const anchored = p.startsWith("/");
  p = p.replace(/^\/+/, "").replace(/\/+$/, "");
  const body = anchored || p.includes("/") ? p : `**/${p}`;
  try {
    const own = globrex(body, { globstar: true, extended: true }).regex;
    // "dir/**" also names the folder itself, so the walk can skip it whole.
    return body.endsWith("/**")
      ? [own, globrex(body.slice(0, -3), { globstar: true, extended: true }).regex]
      : [own];
  } catch (e) {
    throw new EngineError(
      "UsageError",
      `--exclude: '${pattern}' is not a valid glob: ${(e as Error).message}`,
    );
  }
}

/** Compiles patterns; throws a UsageError naming a bad one. */
export function excludeMatcher(patterns: readonly string[]): ExcludeMatcher {
  const regexes = patterns.flatMap(compile);
  return {
    patterns,
    excludes(relPath) {
      if (regexes.length === 0) return false;
      const path = relPath.normalize("NFC");
      // A folder match excludes its whole subtree: test every ancestor too.
      let end = path.length;
      for (;;) {
        const candidate = path.slice(0, end);
        if (regexes.some((r) => r.test(candidate))) return true;
        end = candidate.lastIndexOf("/");
        if (end <= 0) return false;
      }
    },
  };
}
