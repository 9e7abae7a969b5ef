/**
 * The preview of a selection restore (restore_selection.ts): one summary of the restore's dry
 * run, with counts, bytes, skips, the local files kept because they differ, the objects in cold
 * storage and notes in words.
 *
 * @module
 */

import type { RestorePlanItem } from "./restore_plan.ts";
import type { ColdClassSummary, RestoreError } from "./restore_report.ts";
import type { RestoreResult } from "./restore_request.ts";

/** What the preview tells about besides the dry run. */
export interface PreviewContext {
  bucket: string;
  /** The profile's path prefix (left out of the keys named in notes). */
  pathPrefix: string;
  localFolder: string;
  /** The common prefix that maps to the destination. */
  keyPrefix: string;
  /** Full folder prefixes and file keys restored (after dropping the ones inside others). */
  items: readonly string[];
  /** Selected files that no longer exist (or did not at `at`). */
  missing: string[];
  /** A point-in-time restore. */
  at: boolean;
  /** Thaws are requested for frozen objects. */
  requestThaw: boolean;
}

/** What a selection restore will do, before it does it. */
export interface SelectionPreview {
  /** The common prefix that maps to the destination. */
  keyPrefix: string;
  /** Where from and where to, in words ("s3://b/Photos/ -> /home/me/r"). */
  route: string;
  /** Objects to download, and their bytes. */
  downloads: number;
  downloadBytes: number;
  /** Objects skipped (identical, kept, excluded, cold, unsafe...). */
  skips: number;
  /** Local files that differ and are kept (no overwrite). */
  different: number;
  /** Cold objects that cannot be read yet. */
  pending: number;
  cold: ColdClassSummary[];
  /** Objects that cannot be restored (unsafe keys, blocked paths...). */
  errors: RestoreError[];
  /** Selected files that no longer exist (or did not at `at`). */
  missing: string[];
  notes: string[];
  /** Every object's action and reason (paths relative to the destination). */
  plan: RestorePlanItem[];
  durationMs: number;
}

/** Builds the preview from the dry run of the selection. */
export function selectionPreview(ctx: PreviewContext, dry: RestoreResult): SelectionPreview {
  const { missing } = ctx;
  const rep = dry.report;
  let downloads = 0;
  let downloadBytes = 0;
  for (const it of dry.plan) {
    if (it.action !== "download") continue;
    downloads += 1;
    downloadBytes += it.size;
  }
  const notes: string[] = [];
  if (rep.files_different > 0) {
    notes.push(
      `${rep.files_different} local file(s) differ and are kept (restore with overwrite to replace them).`,
    );
  }
  for (const c of rep.cold) {
    notes.push(
      `${c.storage_class}: ${c.files} object(s) in cold storage (${c.frozen} frozen, ${c.thawing} thawing): ` +
        (ctx.requestThaw
          ? `a thaw is requested for the frozen ones (${c.expected_wait ?? "tier not offered"}).`
          : "request a thaw to read them, then restore again later."),
    );
  }
  if (rep.errors.length > 0) {
    notes.push(`${rep.errors.length} object(s) cannot be restored (see the plan).`);
  }
  if (missing.length > 0) {
    const shown = missing.slice(0, 3).map((k) => `'${k.slice(ctx.pathPrefix.length)}'`);
    notes.push(
      `${missing.length} selected file(s) no longer exist${ctx.at ? " at that time" : ""}: ${
        shown.join(", ")
      }${missing.length > 3 ? ", ..." : ""}.`,
    );
  }
  const where = ctx.items.length === 1
    ? `s3://${ctx.bucket}/${ctx.items[0]}`
    : `${ctx.items.length} selected items in s3://${ctx.bucket}/${ctx.keyPrefix}`;
  return {
    keyPrefix: ctx.keyPrefix,
    route: `${where} -> ${ctx.localFolder}`,
    downloads,
    downloadBytes,
    skips: rep.files_skipped,
    different: rep.files_different,
    pending: rep.files_pending,
    cold: rep.cold,
    errors: rep.errors,
    missing,
    notes,
    plan: dry.plan,
    durationMs: rep.duration_ms,
  };
}
