/**
 * The safety rules of `backup --delete` (DESIGN.md). Each refusal is an UnsafeOperation error
 * (exit 8) whose message names the guard and how to override it.
 *
 * @module
 */

import { EngineError } from "../core/errors.ts";

/** `--max-delete`: a number of objects or a percentage of the objects under the prefix. */
export type MaxDelete = { count: number } | { percent: number };

/** The default limit: half of the objects under the prefix. */
export const DEFAULT_MAX_DELETE: MaxDelete = { percent: 50 };

/** Parses `--max-delete` ("100", "10%"); throws a UsageError on anything else. */
export function parseMaxDelete(value: string): MaxDelete {
  const m = /^\s*(\d+)\s*(%?)\s*$/.exec(value);
  if (!m || (m[2] === "%" && Number(m[1]) > 100)) {
    throw new EngineError(
      "UsageError",
      `--max-delete: '${value}' must be a number of objects (e.g. 100) or a percentage (e.g. 10%).`,
    );
  }
  return m[2] === "%" ? { percent: Number(m[1]) } : { count: Number(m[1]) };
}

/** The refusal for a local folder that does not exist (checked before anything else). */
export function missingFolderError(folder: string, withDelete: boolean): EngineError {
  return withDelete
    ? new EngineError(
      "UnsafeOperation",
      `Refusing to back up with --delete: the local folder '${folder}' does not exist (guard: missing source folder). Check the path, or mount the drive it lives on; nothing was deleted.`,
    )
    : new EngineError("UsageError", `The local folder '${folder}' does not exist: check the path.`);
}

/** What the delete guards look at. */
export interface DeleteGuardInput {
  localFolder: string;
  /** "s3://bucket/prefix/" for messages. */
  target: string;
  /** Regular files found in the local folder (after the filter). */
  localFiles: number;
  /** Objects under the prefix that take part in the backup. */
  remoteObjects: number;
  /** Deletions planned. */
  deletions: number;
  maxDelete?: MaxDelete;
  /**
   * A filter is set: when it leaves no file, that is an empty source too (a filter that
   * matches nothing is never a reason to delete).
   */
  filtered?: boolean;
}

/** Throws UnsafeOperation when the planned deletions must not happen. */
export function checkDeleteGuards(g: DeleteGuardInput): void {
  if (g.deletions === 0) return;
  if (g.localFiles === 0 && g.remoteObjects > 0 && g.filtered) {
    throw new EngineError(
      "UnsafeOperation",
      `Refusing to delete: the filters leave no file of '${g.localFolder}' while ${g.target} holds ${g.remoteObjects} object(s) they match (guard: empty source folder). Check the filters with --dry-run (the report counts what each rule left out); run without --delete to keep the objects. Nothing was deleted.`,
    );
  }
  if (g.localFiles === 0 && g.remoteObjects > 0) {
    throw new EngineError(
      "UnsafeOperation",
      `Refusing to delete: the local folder '${g.localFolder}' is empty while ${g.target} holds ${g.remoteObjects} object(s) (guard: empty source folder). If the folder really is meant to be empty, remove the objects with 'eigen-s3 rm'; run without --delete to keep them. Nothing was deleted.`,
    );
  }
  const limit = g.maxDelete ?? DEFAULT_MAX_DELETE;
  const tooMany = "count" in limit
    ? g.deletions > limit.count
    : g.deletions * 100 > g.remoteObjects * limit.percent;
  if (tooMany) {
    const allowed = "count" in limit
      ? `--max-delete ${limit.count}`
      : `${limit.percent}% of ${g.remoteObjects} objects${
        limit === DEFAULT_MAX_DELETE ? " (the default --max-delete)" : ""
      }`;
    throw new EngineError(
      "UnsafeOperation",
      `Refusing to delete ${g.deletions} of ${g.remoteObjects} object(s) under ${g.target}: more than ${allowed} (guard: --max-delete). Check that '${g.localFolder}' is the right folder; to allow it, pass --max-delete ${g.deletions}. Nothing was deleted.`,
    );
  }
}
