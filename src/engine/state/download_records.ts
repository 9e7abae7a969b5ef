/**
 * Records of partial downloads (`<file>.eigen-part`): which object version a part file holds,
 * so the next run resumes it with a Range request only when the object is still the same.
 *
 * @module
 */

import type { StateDb } from "./state_db.ts";

/** One partial download. */
export interface DownloadRecord {
  part_path: string;
  target: string;
  key: string;
  etag: string;
  version_id: string;
}

/** Storage of download records. */
export interface DownloadRecords {
  find(partPath: string): DownloadRecord | undefined;
  save(record: DownloadRecord): void;
  remove(partPath: string): void;
}

/** SQLite-backed records in the state database. */
export function sqliteDownloadRecords(state: StateDb): DownloadRecords {
  state.ensureSchema(
    "download_parts",
    `CREATE TABLE IF NOT EXISTS download_parts (
      part_path TEXT PRIMARY KEY, target TEXT NOT NULL, key TEXT NOT NULL,
      etag TEXT NOT NULL, version_id TEXT NOT NULL)`,
  );
  const find = state.db.prepare("SELECT * FROM download_parts WHERE part_path = ?");
  const save = state.db.prepare(
    "INSERT OR REPLACE INTO download_parts VALUES (:part_path, :target, :key, :etag, :version_id)",
  );
  const remove = state.db.prepare("DELETE FROM download_parts WHERE part_path = ?");
  return {
    find: (p) => find.get(p) as DownloadRecord | undefined,
    save: (r) => void save.run({ ...r }),
    remove: (p) => void remove.run(p),
  };
}

/** In-memory records for tests. */
export function memoryDownloadRecords(): DownloadRecords {
  const map = new Map<string, DownloadRecord>();
  return {
    find: (p) => map.get(p),
    save: (r) => void map.set(r.part_path, r),
    remove: (p) => void map.delete(p),
  };
}
