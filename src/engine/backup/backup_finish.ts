/**
 * The end of a backup run: the guarded deletions (only after a run where nothing failed) and
 * the sweep of stale multipart uploads of ours (records under the prefix that the run did not
 * continue: their file vanished, changed or is already stored).
 *
 * @module
 */

import type { S3Client } from "@aws-sdk/client-s3";
import { join } from "node:path";
import { checkDeleteGuards, type MaxDelete } from "./backup_guards.ts";
import type { BackupRun } from "./backup_run.ts";
import { deleteKeys } from "../s3/delete.ts";
import { abortQuietly } from "../objects/multipart.ts";
import { displayKey } from "../core/keys.ts";
import { toEngineError } from "../s3/sdk_errors.ts";

/** What the deletions need besides the run. */
export interface DeletionTarget {
  client: S3Client;
  bucket: string;
  endpoint?: string;
  pathPrefix: string;
  localFolder: string;
  keyPrefix: string;
  /** "s3://bucket/prefix/" for messages. */
  s3Url: string;
  maxDelete?: MaxDelete;
  /** A filter is set (the empty-source guard then names it). */
  filtered?: boolean;
}

/**
 * Deletes the objects planned for deletion, after the guards, and only when no file failed in
 * the run. In a dry run, adds them to the plan instead. Throws UnsafeOperation from a guard.
 */
export async function applyDeletions(run: BackupRun, t: DeletionTarget): Promise<void> {
  const report = run.cfg.report;
  const planned = run.deletions;
  if (planned.length === 0) return;
  if (report.errors.length > 0) {
    run.progress.notice(
      `Not deleting ${planned.length} object(s): ${report.errors.length} file(s) failed in this run, and deletions only follow a run where everything succeeded.`,
    );
    return;
  }
  checkDeleteGuards({
    localFolder: t.localFolder,
    target: t.s3Url,
    localFiles: run.localFiles,
    remoteObjects: run.remoteObjects,
    deletions: planned.length,
    maxDelete: t.maxDelete,
    filtered: t.filtered,
  });
  const pathPrefix = t.pathPrefix;
  const byKey = new Map(planned.map((p) => [p.key, p]));
  const pathOf = (key: string) => join(t.localFolder, key.slice(t.keyPrefix.length));
  if (run.cfg.dryRun) {
    for (const p of planned) {
      report.files_deleted += 1;
      report.plan?.push({
        action: "delete",
        key: displayKey(pathPrefix, p.key),
        path: pathOf(p.key),
        size: p.remote?.size ?? 0,
        reason: p.reason,
      });
    }
    return;
  }
  const onDeleted = (key: string) => {
    if (run.cfg.dryRun) return;
    run.cfg.manifest.remove(key);
    report.files_deleted += 1;
    run.progress.fileDone(byKey.get(key)?.relPath ?? key, 0, "delete");
  };
  let failed;
  try {
    const keys = planned.map((p) => p.key);
    ({ failed } = await deleteKeys(t.client, t.bucket, keys, run.signal, onDeleted));
  } catch (e) {
    throw toEngineError(e, {
      action: `deleting objects under ${t.s3Url}`,
      endpoint: t.endpoint,
      bucket: t.bucket,
    });
  }
  for (const f of failed) {
    report.errors.push({
      path: pathOf(f.key),
      key: displayKey(pathPrefix, f.key),
      code: "SdkError",
      message: `could not be deleted: ${f.code}: ${f.message}`,
    });
  }
}

/** Aborts multipart uploads of ours under the prefix that this run did not continue. */
export async function sweepStaleUploads(run: BackupRun): Promise<void> {
  const { cfg } = run;
  if (cfg.dryRun || run.stopped || !cfg.records) return;
  for (const rec of cfg.staleCandidates.values()) {
    if (cfg.dryRun) return;
    await abortQuietly(cfg.client, cfg.bucket, rec.key, rec.upload_id, run.signal);
    cfg.records.remove(rec.target, rec.key);
    cfg.report.stale_uploads_aborted += 1;
  }
}
