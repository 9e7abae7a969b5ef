/**
 * The backup manifest: one row per uploaded object (per target = endpoint + bucket), recording
 * the local file's stat fingerprint, its MD5 and the ETag the server returned. It lets a rerun
 * skip unchanged files without hashing them or asking the server about them. It is a cache:
 * losing it costs a rehash of the files (never a wrong skip), and rows are written one by one
 * as uploads complete, so a killed run loses nothing.
 *
 * Change detection beyond size + mtime: the fingerprint also holds the status-change time
 * (ctime) and the inode, which any rewrite of the file changes even when its size and mtime are
 * put back (e.g. `touch -d` or a tool that preserves mtime). Deno reports ctime with one-second
 * resolution, so a row is only trusted ("settled") when the file's ctime is at least
 * {@link SETTLE_MS} older than the moment its content was read; otherwise the row keeps a null
 * change id and the next run rehashes that file once (like git's "racily clean" entries).
 *
 * @module
 */

import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { StateDb } from "./state_db.ts";
import type { LocalFile } from "../local/walk.ts";

/** One manifest row. */
export interface ManifestRow {
  /** Full object key. */
  key: string;
  size: number;
  mtime_ms: number;
  /** "ctime:inode" of the file when it was read; null when it was not settled (rehash next time). */
  change_id: string | null;
  /** MD5 of the content (hex). */
  md5_hex: string;
  /** The object's ETag (unquoted) after the upload. */
  etag: string;
  /** When the row was written (ISO). */
  recorded_at: string;
}

/** Manifest rows of one target. Lookups are by key (no full load into memory). */
export interface Manifest {
  get(key: string): ManifestRow | undefined;
  put(row: ManifestRow): void;
  remove(key: string): void;
  /** True for the dry-run view: put/remove throw. */
  readonly readOnly: boolean;
}

/** How long after its last change a file's ctime must be before its row is trusted. */
export const SETTLE_MS = 2000;

/** The change id of a file: its ctime and inode ("-" for what the platform does not give). */
export function changeId(file: Pick<LocalFile, "ctimeMs" | "ino">): string {
  return `${file.ctimeMs ?? "-"}:${file.ino ?? "-"}`;
}

/**
 * True when a later rewrite of the file would be visible in its change id: its last change
 * (ctime, else mtime) is at least {@link SETTLE_MS} before `readStartedAtMs`.
 */
export function isSettled(
  file: Pick<LocalFile, "ctimeMs" | "mtimeMs">,
  readStartedAtMs: number,
): boolean {
  // ctime is set by the kernel clock on every change; mtime can be anything (even the future).
  const changed = file.ctimeMs ?? file.mtimeMs;
  return changed + SETTLE_MS <= readStartedAtMs;
}

/** The row to record for `file` uploaded (or verified) at `key`. */
export function manifestRow(
  file: LocalFile,
  key: string,
  md5Hex: string,
  etag: string,
  readStartedAtMs: number,
): ManifestRow {
  return {
    key,
    size: file.size,
    mtime_ms: file.mtimeMs,
    change_id: isSettled(file, readStartedAtMs) ? changeId(file) : null,
    md5_hex: md5Hex,
    etag,
    recorded_at: new Date().toISOString(),
  };
}

const TABLE = `CREATE TABLE IF NOT EXISTS backup_manifest (
  target TEXT NOT NULL, key TEXT NOT NULL, size INTEGER NOT NULL, mtime_ms INTEGER NOT NULL,
  change_id TEXT, md5_hex TEXT NOT NULL, etag TEXT NOT NULL, recorded_at TEXT NOT NULL,
  PRIMARY KEY (target, key)) WITHOUT ROWID`;

const COLUMNS = "key, size, mtime_ms, change_id, md5_hex, etag, recorded_at";

function rowOf(raw: unknown): ManifestRow | undefined {
  return raw === undefined ? undefined : { ...(raw as ManifestRow) };
}

function readOnlyError(): Error {
  return new Error("internal: the dry-run manifest is read-only");
}

/** The manifest of `target` in the state database (read-write). */
export function sqliteManifest(state: StateDb, target: string): Manifest {
  state.ensureSchema("backup_manifest", TABLE);
  const get = state.db.prepare(
    `SELECT ${COLUMNS} FROM backup_manifest WHERE target = ? AND key = ?`,
  );
  const put = state.db.prepare(
    `INSERT OR REPLACE INTO backup_manifest (target, ${COLUMNS})
     VALUES (:target, :key, :size, :mtime_ms, :change_id, :md5_hex, :etag, :recorded_at)`,
  );
  const remove = state.db.prepare("DELETE FROM backup_manifest WHERE target = ? AND key = ?");
  return {
    readOnly: false,
    get: (key) => rowOf(get.get(target, key)),
    put: (row) => void put.run({ target, ...row }),
    remove: (key) => void remove.run(target, key),
  };
}

/**
 * A read-only view of the manifest for dry runs: opens `dbPath` read-only when it exists (never
 * creating it); an absent or unreadable database is an empty manifest. Close it when done.
 */
export function readOnlyManifest(
  dbPath: string,
  target: string,
): Manifest & { close(): void } {
  let db: DatabaseSync | undefined;
  let get: StatementSync | undefined;
  try {
    Deno.statSync(dbPath);
    db = new DatabaseSync(dbPath, { readOnly: true });
    get = db.prepare(`SELECT ${COLUMNS} FROM backup_manifest WHERE target = ? AND key = ?`);
  } catch {
    get = undefined; // no database, or no manifest table yet
  }
  return {
    readOnly: true,
    get: (key) => rowOf(get?.get(target, key)),
    put: () => {
      throw readOnlyError();
    },
    remove: () => {
      throw readOnlyError();
    },
    close: () => db?.close(),
  };
}

/** An in-memory manifest (tests, runs without a state directory). */
export function memoryManifest(): Manifest & { rows: Map<string, ManifestRow> } {
  const rows = new Map<string, ManifestRow>();
  return {
    rows,
    readOnly: false,
    get: (key) => rows.get(key),
    put: (row) => void rows.set(row.key, { ...row }),
    remove: (key) => void rows.delete(key),
  };
}
