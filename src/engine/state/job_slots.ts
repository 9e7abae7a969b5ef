/**
 * Each job's last handled schedule slot, in the state database: the daemon runs a slot once,
 * and after sleep or downtime runs only the latest missed slot (catch-up once, not N times).
 *
 * @module
 */

import type { StateDb } from "./state_db.ts";

/** Last handled slot per job. */
export interface SlotStore {
  /** The last slot handled (run, or skipped because another process ran the job), or null. */
  get(job: string): Date | null;
  set(job: string, slot: Date): void;
  /** Forgets the job (when it is removed). */
  remove(job: string): void;
}

/** SQLite-backed slots (table `job_slots`). */
export function sqliteSlots(state: StateDb): SlotStore {
  state.ensureSchema(
    "job_slots",
    `CREATE TABLE IF NOT EXISTS job_slots (
      job TEXT PRIMARY KEY, last_slot TEXT NOT NULL, updated_at TEXT NOT NULL)`,
  );
  const select = state.db.prepare("SELECT last_slot FROM job_slots WHERE job = ?");
  const upsert = state.db.prepare(
    `INSERT INTO job_slots (job, last_slot, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(job) DO UPDATE SET last_slot = excluded.last_slot, updated_at = excluded.updated_at`,
  );
  const del = state.db.prepare("DELETE FROM job_slots WHERE job = ?");
  return {
    get(job) {
      const row = select.get(job) as { last_slot: string } | undefined;
      if (!row) return null;
      const d = new Date(row.last_slot);
      return Number.isNaN(d.getTime()) ? null : d;
    },
    set(job, slot) {
      upsert.run(job, slot.toISOString(), new Date().toISOString());
    },
    remove(job) {
      del.run(job);
    },
  };
}

/** In-memory slots (tests, previews). */
export function memorySlots(initial: Record<string, Date> = {}): SlotStore {
  const m = new Map(Object.entries(initial));
  return {
    get: (job) => m.get(job) ?? null,
    set: (job, slot) => void m.set(job, slot),
    remove: (job) => void m.delete(job),
  };
}
