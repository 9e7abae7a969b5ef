/**
 * `eigen-s3 backup LOCAL_FOLDER [S3_PREFIX]`: incremental folder backup (engine/backup/backup.ts).
 * S3_PREFIX defaults to the folder's own name. Flags: --dry-run, --delete, --max-delete,
 * --include-hidden, --concurrency, --storage-class, --sse, --sse-kms-key-id, --bwlimit, and the
 * filter flags (--include, --exclude, --include-from, --exclude-from, --files-from,
 * --files-from0, --exclude-if-present, --min-size, --max-size, --min-age, --max-age, --dump
 * filters); defaults for concurrency, bwlimit and storage class come from the config file.
 *
 * Exit: 0 everything backed up, 3 some files failed (listed in `errors`), 8 refused by a
 * delete guard, 130 interrupted; the others per DESIGN.md.
 *
 * @module
 */

import { DEFAULT_CONCURRENCY } from "../../engine/core/concurrency.ts";
import { resolve } from "node:path";
import type { CliContext } from "../context.ts";
import { EngineError } from "../../engine/core/errors.ts";
import { parseBwLimit, runLimit } from "../../engine/core/bwlimit.ts";
import { validateInt, validateSse, validateStorageClass } from "../../engine/core/validate.ts";
import { defaultS3Prefix, runBackup } from "../../engine/backup/backup.ts";
import { type MaxDelete, parseMaxDelete } from "../../engine/backup/backup_guards.ts";
import { reportExitCode, type SyncReport } from "../../engine/backup/backup_report.ts";
import { openBackupState } from "../../engine/backup/backup_state.ts";
import { parseCutoff } from "../../engine/backup/backup_cutoff.ts";
import { connect, s3Url } from "./common.ts";
import { formatBytes, formatDuration } from "../../lib/format.ts";
import { excludedLines, filterInput, filterOptionsOf } from "./filter_common.ts";

const usage = (field: string) => ({ field, code: "UsageError" as const });

/** Checks S3_PREFIX: any text without '.' or '..' parts (slashes at the ends are dropped). */
export function validateS3Prefix(value: string): string {
  if (value.includes("\0") || value.split("/").some((p) => p === "." || p === "..")) {
    throw new EngineError(
      "UsageError",
      `S3_PREFIX '${value}' must not contain '.' or '..' parts: use a prefix such as 'photos' or 'home/photos'.`,
    );
  }
  return value;
}

function humanSummary(report: SyncReport, folder: string, url: string, verbose: boolean): string {
  const lines: string[] = [];
  if (report.plan) {
    for (const p of report.plan) {
      if (p.action === "skip" && !verbose) continue;
      const size = p.action === "upload" ? formatBytes(p.size) : "";
      lines.push(`${p.action.padEnd(6)}  ${p.key}  ${size}${size ? "  " : ""}(${p.reason})`);
    }
  }
  const skipped = report.entries_skipped ? `, ${report.entries_skipped} passed over` : "";
  if (report.dry_run) {
    lines.push(
      `Dry run of ${folder} -> ${url}: would upload ${report.files_uploaded} file(s) (${
        formatBytes(report.bytes_transferred)
      }), delete ${report.files_deleted}; ${report.files_skipped} unchanged${skipped}. Nothing was changed.`,
    );
  } else {
    const resumed = report.resumed_parts ? `, ${report.resumed_parts} part(s) resumed` : "";
    lines.push(
      `Backed up ${folder} to ${url}: ${report.files_uploaded} uploaded (${
        formatBytes(report.bytes_transferred)
      }${resumed}), ${report.files_deleted} deleted, ${report.files_skipped} unchanged${skipped}, in ${
        formatDuration(report.duration_ms)
      }.`,
    );
  }
  if (report.cut_off) {
    const c = report.cut_off;
    lines.push(
      `Cut off by --${c.by} after ${
        formatDuration(c.after_ms)
      } (${c.mode}): ${c.files_left} file(s) (${formatBytes(c.bytes_left)}) left for the next run${
        c.deletions_skipped ? `, ${c.deletions_skipped} deletion(s) not made` : ""
      }. Run the backup again to go on.`,
    );
  }
  lines.push(...excludedLines(report.files_excluded, report.bytes_excluded));
  if (report.errors.length > 0) {
    lines.push(`${report.errors.length} failed (run again to retry them):`);
    for (const e of report.errors) lines.push(`  ${e.path}: ${e.message}`);
  }
  return lines.join("\n");
}

/** Runs backup. */
export default async function backup(
  ctx: CliContext,
  args: unknown[],
  opts: Record<string, unknown>,
): Promise<number> {
  const localFolder = String(args[0] ?? "");
  if (localFolder === "") throw new EngineError("UsageError", "LOCAL_FOLDER is empty.");
  const s3Prefix = validateS3Prefix(
    args[1] === undefined ? defaultS3Prefix(resolve(localFolder)) : String(args[1]),
  );
  const defaults = (await ctx.config()).defaults ?? {};
  const concurrency = validateInt(
    opts.concurrency ?? defaults.concurrency ?? DEFAULT_CONCURRENCY,
    usage("--concurrency"),
    1,
    256,
  );
  const rate = opts.bwlimit ?? defaults.bwlimit;
  const bwlimit = rate === undefined ? 0 : runLimit(parseBwLimit(rate, usage("--bwlimit")), "up");
  const maxDelete: MaxDelete | undefined = opts.maxDelete === undefined
    ? undefined
    : parseMaxDelete(String(opts.maxDelete));
  if (maxDelete && !opts.delete) {
    throw new EngineError("UsageError", "--max-delete only applies with --delete.");
  }
  const givenClass = (opts.storageClass as string | undefined) ?? defaults.storage_class;
  const storageClass = givenClass === undefined
    ? undefined
    : validateStorageClass(givenClass, { field: "--storage-class", code: "UsageError" });
  const dryRun = opts.dryRun === true;
  const cutoff = parseCutoff({
    maxDuration: opts.maxDuration as string | undefined,
    maxTransfer: opts.maxTransfer as string | undefined,
    cutoffMode: opts.cutoffMode as string | undefined,
  }, (f) => usage(`--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`));

  const s3 = await connect(ctx, { concurrency });
  const { bucket } = s3.settings;
  const state = await openBackupState({
    stateDir: ctx.stateDir,
    target: s3.target,
    dryRun,
    configPath: ctx.configPath,
    state: dryRun ? undefined : await ctx.state(),
  });
  try {
    const report = await runBackup({
      client: s3.client,
      settings: s3.settings,
      localFolder,
      s3Prefix,
      options: {
        ...filterOptionsOf(opts),
        dryRun,
        delete: opts.delete === true,
        maxDelete,
        includeHidden: opts.includeHidden === true,
        concurrency,
        maxDuration: cutoff.maxDuration,
        maxTransfer: cutoff.maxTransfer,
        cutoffMode: cutoff.mode,
        bwlimit,
        upload: {
          ...(storageClass ? { storageClass } : {}),
          ...validateSse(opts.sse, opts.sseKmsKeyId),
        },
      },
      state,
      events: (e) => ctx.out.event(e),
      signal: ctx.signal,
      input: filterInput(ctx, opts),
    });
    const url = s3Url(bucket, `${s3.settings.pathPrefix}${report.prefix}`);
    ctx.out.result(
      "backup",
      report,
      () => humanSummary(report, localFolder, url, ctx.globals.verbose === true),
    );
    return reportExitCode(report);
  } finally {
    state.close();
  }
}
