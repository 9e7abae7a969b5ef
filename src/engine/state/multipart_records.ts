/**
 * Records of multipart uploads in progress, so an interrupted upload is resumed by the next run
 * (ListParts) instead of restarted, and a stale one (the file changed) is aborted.
 *
 * @module
 */

import type { StateDb } from "./state_db.ts";

/** One multipart upload eigen-s3 started and has not completed yet. */
export interface MultipartRecord {
  /** Endpoint + bucket, so the same bucket name on two services never mixes. */
  target: string;
  key: string;
  upload_id: string;
  size: number;
  mtime_ms: number;
  part_size: number;
  md5_hex: string;
  created_at: string;
}

/** Where multipart records live; in-memory for tests, SQLite in real runs. */
export interface MultipartRecords {
  find(target: string, key: string): MultipartRecord | undefined;
  save(record: MultipartRecord): void;
  remove(target: string, key: string): void;
  /** Every record under a key prefix of a target (for sweeping stale uploads). */
  list(target: string, keyPrefix: string): MultipartRecord[];
}

/** The target string for records: "endpoint|bucket". */
export function targetId(endpoint: string | undefined, bucket: string): string {
  return `${endpoint ?? "aws"}|${bucket}`;
}

/** SQLite-backed records in the state database. */
export function sqliteMultipartRecords(state: StateDb): MultipartRecords {
  state.ensureSchema(
    "multipart",
    `CREATE TABLE IF NOT EXISTS multipart_uploads (
      target TEXT NOT NULL, key TEXT NOT NULL, upload_id TEXT NOT NULL, size INTEGER NOT NULL,
      mtime_ms INTEGER NOT NULL, part_size INTEGER NOT NULL, md5_hex TEXT NOT NULL,
      created_at TEXT NOT NULL, PRIMARY KEY (target, key))`,
  );
  const db = state.db;
  const find = db.prepare("SELECT * FROM multipart_uploads WHERE target = ? AND key = ?");
  const save = db.prepare(
    "INSERT OR REPLACE INTO multipart_uploads VALUES (:target, :key, :upload_id, :size, :mtime_ms, :part_size, :md5_hex, :created_at)",
  );
  const remove = db.prepare("DELETE FROM multipart_uploads WHERE target = ? AND key = ?");
  const list = db.prepare(
    "SELECT * FROM multipart_uploads WHERE target = ? AND substr(key, 1, ?) = ? ORDER BY key",
  );
  return {
    find: (target, key) => find.get(target, key) as MultipartRecord | undefined,
    save: (r) => void save.run({ ...r }),
    remove: (target, key) => void remove.run(target, key),
    list: (target, prefix) =>
      list.all(target, prefix.length, prefix) as unknown as MultipartRecord[],
  };
}

/** In-memory records (tests, one-off commands without a state directory). */
export function memoryMultipartRecords(): MultipartRecords {
  const map = new Map<string, MultipartRecord>();
  const id = (t: string, k: string) => `${t}\n${k}`;
  return {
    find: (t, k) => map.get(id(t, k)),
    save: (r) => void map.set(id(r.target, r.key), r),
    remove: (t, k) => void map.delete(id(t, k)),
    list: (t, p) => [...map.values()].filter((r) => r.target === t && r.key.startsWith(p)),
  };
}
