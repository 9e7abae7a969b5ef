/**
 * Which listed keys take part in a backup or a verify: the one rule both use to leave out
 * folder markers, hidden and excluded paths, and keys that map to no local path.
 *
 * @module
 */

import type { Filter } from "./filter.ts";
import { isHiddenPath } from "./walk.ts";

/** What {@link remoteFilter} needs to know. */
export interface KeyFilterOptions {
  /** Hidden paths (a part starting with ".") take part. */
  includeHidden?: boolean;
  /** Keys the filter leaves out by name are ignored (never deleted), as in rclone. */
  filter?: Filter;
}

/**
 * Why a listed key is left out of the plan: undefined when it takes part, "" when it is
 * filtered silently (folder markers, hidden, excluded), a reason when it is reported as `ignore`.
 */
export function remoteFilter(relPath: string, options: KeyFilterOptions): string | undefined {
  if (relPath === "" || relPath.endsWith("/")) return "";
  if (relPath !== relPath.normalize("NFC")) {
    return "key is not in Unicode NFC (not written by eigen-s3): left alone";
  }
  if (relPath.split("/").some((p) => p === "" || p === "." || p === "..")) {
    return "key has empty, '.' or '..' parts and maps to no local path: left alone";
  }
  if (!options.includeHidden && isHiddenPath(relPath) && !options.filter?.listed(relPath)) {
    return "";
  }
  if (options.filter?.excludes(relPath)) return "";
  return undefined;
}
