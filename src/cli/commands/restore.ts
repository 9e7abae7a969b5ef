/**
 * `eigen-s3 restore S3_PREFIX LOCAL_FOLDER`: brings a backed-up folder back (see
 * engine/restore/restore.ts): `--dry-run`, `--overwrite`, `--exclude`, `--concurrency`, `--bwlimit`,
 * `--at TIMESTAMP` (versioned buckets) and `--request-thaw [--days N] [--tier T]` (cold storage).
 *
 * Exit: 0 everything restored (or identical/excluded/kept), 3 some objects failed or are still
 * in cold storage, 130 interrupted (run the same command again to resume), others per DESIGN.md.
 *
 * @module
 */

import { DEFAULT_CONCURRENCY } from "../../engine/core/concurrency.ts";
import type { CliContext } from "../context.ts";
import { EngineError } from "../../engine/core/errors.ts";
import { validateInt } from "../../engine/core/validate.ts";
import { parseBwLimit, runLimit } from "../../engine/core/bwlimit.ts";
import { displayKey, folderKeyPrefix } from "../../engine/core/keys.ts";
import { parseAt } from "../../engine/s3/versions.ts";
import { DEFAULT_THAW_DAYS, parseTier } from "../../engine/s3/cold_storage.ts";
import { runRestore } from "../../engine/restore/restore.ts";
import type { RestorePlanItem } from "../../engine/restore/restore_plan.ts";
import type { RestoreReport } from "../../engine/restore/restore_report.ts";
import { sqliteDownloadRecords } from "../../engine/state/download_records.ts";
import { sqliteHistory } from "../../engine/state/history.ts";
import { printableKey } from "../../engine/local/safe_path.ts";
import { excludedLines, filterInput, filterOptionsOf } from "./filter_common.ts";
import { connect } from "./common.ts";
import { formatBytes, formatDuration } from "../../lib/format.ts";

const usage = (field: string) => ({ field, code: "UsageError" as const });

/** Runs restore. */
export default async function restore(
  ctx: CliContext,
  args: unknown[],
  opts: Record<string, unknown>,
): Promise<number> {
  const s3Prefix = String(args[0] ?? "");
  const localFolder = String(args[1] ?? "");
  if (localFolder === "") throw new EngineError("UsageError", "LOCAL_FOLDER is empty.");
  const concurrency = validateInt(
    opts.concurrency ?? String(DEFAULT_CONCURRENCY),
    usage("--concurrency"),
    1,
    256,
  );
  const bwlimit = opts.bwlimit === undefined
    ? 0
    : runLimit(parseBwLimit(opts.bwlimit, usage("--bwlimit")), "down");
  const at = opts.at === undefined ? undefined : parseAt(String(opts.at));
  const tier = opts.tier === undefined ? "Standard" : parseTier(opts.tier);
  const days = opts.days === undefined
    ? DEFAULT_THAW_DAYS
    : validateInt(opts.days, usage("--days"), 1, 30_000);
  if (opts.days !== undefined && !opts.requestThaw) {
    throw new EngineError("UsageError", "--days only applies with --request-thaw.");
  }
  const dryRun = opts.dryRun === true;
  const s3 = await connect(ctx, { concurrency });
  const { bucket, pathPrefix, endpoint } = s3.settings;
  const keyPrefix = folderKeyPrefix(pathPrefix, s3Prefix);
  const state = await ctx.state();
  const result = await runRestore({
    client: s3.client,
    target: s3.target,
    bucket,
    keyPrefix,
    localFolder,
    endpoint,
    dryRun,
    overwrite: opts.overwrite === true,
    ...filterOptionsOf(opts),
    input: filterInput(ctx, opts),
    concurrency,
    bwlimit,
    at,
    requestThaw: opts.requestThaw ? { days, tier } : undefined,
    records: sqliteDownloadRecords(state),
    signal: ctx.signal,
    onEvent: (e) => ctx.out.event(e),
    history: { store: sqliteHistory(state), profile: s3.settings.profileName },
  });
  const plan = result.plan.map((it) => ({ ...it, key: displayKey(pathPrefix, it.key) }));
  const report = {
    ...result.report,
    errors: result.report.errors.map((e) => ({ ...e, key: displayKey(pathPrefix, e.key) })),
  };
  if (result.status === "interrupted") {
    ctx.out.error(
      new EngineError(
        "Interrupted",
        `Interrupted: stopped cleanly after ${report.files_downloaded} files (${
          formatBytes(report.bytes_transferred)
        }); run the same command again to resume.`,
      ),
    );
    return result.exitCode;
  }
  ctx.out.result(
    "restore",
    dryRun ? { ...report, plan } : report,
    () => render(report, plan, { dryRun, localFolder, verbose: ctx.out.options.verbose }),
  );
  return result.exitCode;
}

function line(it: RestorePlanItem): string {
  const what = it.path ?? printableKey(it.key);
  return `${it.action === "download" ? "download" : "skip    "}  ${what}  (${
    formatBytes(it.size)
  }): ${it.reason}`;
}

/** Human output: what happened (or would), what was kept, what failed, what is pending. */
function render(
  report: RestoreReport,
  plan: RestorePlanItem[],
  o: { dryRun: boolean; localFolder: string; verbose: boolean },
): string {
  const out: string[] = [];
  const quiet = new Set(["identical", "excluded", "folder-marker", "deleted"]);
  const shown = plan.filter((it) =>
    o.verbose || (o.dryRun ? !quiet.has(it.code) : it.code === "different")
  );
  for (const it of shown) out.push(line(it));
  const downloads = plan.filter((it) => it.action === "download");
  const bytes = downloads.reduce((n, it) => n + it.size, 0);
  const count = (code: string) => plan.filter((it) => it.code === code).length;
  const skips = [
    ["identical", "identical"],
    ["different", "differ locally (kept: use --overwrite)"],
    ["excluded", "excluded"],
    ["deleted", "deleted at that time"],
    ["folder-marker", "folder markers"],
  ].map(([c, t]) => [count(c!), t] as const).filter(([n]) => n > 0).map(([n, t]) => `${n} ${t}`);
  const skipText = skips.length ? ` (${skips.join(", ")})` : "";
  if (o.dryRun) {
    out.push(
      `Dry run: would download ${downloads.length} files (${
        formatBytes(bytes)
      }) into ${o.localFolder}, skip ${report.files_skipped}${skipText}. Nothing was changed.`,
    );
  } else {
    out.push(
      `Restored ${report.files_downloaded} files (${
        formatBytes(report.bytes_transferred)
      }) into ${o.localFolder} in ${
        formatDuration(report.duration_ms)
      }; skipped ${report.files_skipped}${skipText}.`,
    );
  }
  out.push(...excludedLines(report.files_excluded, report.bytes_excluded));
  for (const c of report.cold) {
    const wait = c.expected_wait
      ? `a ${c.tier} thaw takes ${c.expected_wait}`
      : `${c.tier} retrieval is not offered for ${c.storage_class}`;
    out.push(
      `${c.storage_class}: ${c.files} objects (${
        formatBytes(c.bytes)
      }): ${c.thawed} thawed, ${c.thawing} thawing, ${c.frozen} frozen` +
        `${c.thaw_requested ? `, ${c.thaw_requested} thaws requested now` : ""}; ${wait}.`,
    );
  }
  if (report.files_pending > 0 && !o.dryRun) {
    out.push(
      `${report.files_pending} objects are still in cold storage: ${
        report.cold.some((c) => c.frozen > 0) ? "request a thaw with --request-thaw, then " : ""
      }run the same restore again once they have thawed.`,
    );
  }
  // A dry run already listed the plan's refusals; errors outside the plan are still shown.
  const listed = new Set(o.dryRun ? shown.map((it) => it.key) : []);
  const errors = report.errors.filter((e) => !listed.has(e.key));
  if (errors.length > 0) {
    out.push(`${errors.length} objects ${o.dryRun ? "cannot be" : "were not"} restored:`);
    for (const e of errors) {
      out.push(`  ${e.path ?? printableKey(e.key)}: ${printableKey(e.message)}`);
    }
  }
  return out.join("\n");
}
