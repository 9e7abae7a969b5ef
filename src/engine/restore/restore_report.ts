/**
 * What a restore returns: the seed's RestoreReport (snake_case, as printed with `--json`) plus
 * the cold-storage summary, and the pure functions that build them from a plan.
 *
 * @module
 */

import type { RestorePlanItem } from "./restore_plan.ts";
import { expectedWait, needsThaw, type ThawTier } from "../s3/cold_storage.ts";

/** One object restore could not write. */
export interface RestoreError {
  /** The full key. */
  key: string;
  /** Destination relative to LOCAL_FOLDER; null for unsafe keys. */
  path: string | null;
  /** An EngineError code (UnsafeOperation, DownloadFailed, ...). */
  code: string;
  message: string;
}

/** Cold objects of one storage class. */
export interface ColdClassSummary {
  storage_class: string;
  /** Objects of this class the restore wants (not identical locally, not excluded). */
  files: number;
  bytes: number;
  /** Not thawed and no thaw under way. */
  frozen: number;
  /** A thaw is under way. */
  thawing: number;
  /** A thawed copy is readable now (downloaded by this run unless a dry run). */
  thawed: number;
  /** Thaw requests this run sent. */
  thaw_requested: number;
  /** The retrieval tier asked for (or Standard when none was). */
  tier: ThawTier;
  /** AWS's published wait for that tier, e.g. "3-5 hours"; null when the tier is not offered. */
  expected_wait: string | null;
}

/** The seed's RestoreReport plus what restore adds. */
export interface RestoreReport {
  files_downloaded: number;
  files_skipped: number;
  bytes_transferred: number;
  duration_ms: number;
  errors: RestoreError[];
  /** Existing local files that differ and were kept (no --overwrite). */
  files_different: number;
  /** Cold objects still waiting for a thaw (run again later to download them). */
  files_pending: number;
  /** Per cold storage class; empty when nothing is in cold storage. */
  cold: ColdClassSummary[];
  /** Objects each filter rule left out, by rule (as backup's `files_excluded`). */
  files_excluded?: Record<string, number>;
  /** Their bytes, by the same rules. */
  bytes_excluded?: Record<string, number>;
}

const COLD_CODES = new Set(["cold-frozen", "cold-thawing", "thawed"]);

/**
 * Summarises the cold objects of a plan per storage class. `requested` holds the keys a thaw was
 * requested for in this run.
 */
export function coldSummary(
  items: readonly RestorePlanItem[],
  tier: ThawTier,
  requested: ReadonlySet<string> = new Set(),
): ColdClassSummary[] {
  const byClass = new Map<string, ColdClassSummary>();
  for (const it of items) {
    if (!needsThaw(it.storage_class)) continue;
    const wanted = COLD_CODES.has(it.code) || (it.action === "download");
    if (!wanted) continue;
    const cls = it.storage_class.toUpperCase();
    let s = byClass.get(cls);
    if (!s) {
      s = {
        storage_class: cls,
        files: 0,
        bytes: 0,
        frozen: 0,
        thawing: 0,
        thawed: 0,
        thaw_requested: 0,
        tier,
        expected_wait: expectedWait(cls, tier)?.text ?? null,
      };
      byClass.set(cls, s);
    }
    s.files += 1;
    s.bytes += it.size;
    if (requested.has(it.key)) s.thaw_requested += 1;
    if (it.code === "cold-frozen") s.frozen += 1;
    else if (it.code === "cold-thawing") s.thawing += 1;
    else s.thawed += 1;
  }
  return [...byClass.values()].sort((a, b) => a.storage_class.localeCompare(b.storage_class));
}

/** An empty report (counters at zero). */
export function emptyReport(): RestoreReport {
  return {
    files_downloaded: 0,
    files_skipped: 0,
    bytes_transferred: 0,
    duration_ms: 0,
    errors: [],
    files_different: 0,
    files_pending: 0,
    cold: [],
  };
}
