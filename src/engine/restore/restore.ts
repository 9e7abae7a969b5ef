/**
 * Restore: brings the objects under `<path_prefix><S3_PREFIX>/` back into LOCAL_FOLDER (the exact
 * inverse of backup's key mapping), as they are now or as they were at a point in time.
 *
 * Steps: list -> plan ({@link planRestore}, asking for a stat/MD5/HEAD only where needed) ->
 * (dry run: stop here) -> thaw requests for cold objects (`requestThaw`) -> bounded parallel
 * downloads through `<file>.eigen-part` (resumable, MD5-verified, mtime restored, atomic rename).
 * Nothing is written outside LOCAL_FOLDER, no symbolic link is followed, and every object that
 * cannot be restored is reported in `errors` rather than stopping the run.
 *
 * Exit codes (`exitCode`): 0 all restored (or identical, excluded, or kept because they differ
 * and --overwrite was not given); 3 some objects failed or are still in cold storage; 130
 * interrupted. A dry run returns 0.
 *
 * @module
 */

import { DEFAULT_CONCURRENCY } from "../core/concurrency.ts";
import { EngineError, EXIT_PARTIAL, isAbortError } from "../core/errors.ts";
import { newOperationId, NO_EVENTS, throttleProgress } from "../core/events.ts";
import { excludeFilter, type Filter } from "../local/filter.ts";
import { loadFilter } from "../local/filter_options.ts";
import { BandwidthLimiter } from "../core/bandwidth.ts";
import { followTimetable } from "../core/bwlimit.ts";
import { systemClock } from "../../lib/clock.ts";
import { formatBytes } from "../../lib/format.ts";
import { recordRun, type RunStatus } from "../state/history.ts";
import { toEngineError } from "../s3/sdk_errors.ts";
import { DEFAULT_THAW_DAYS } from "../s3/cold_storage.ts";
import { TargetInspector } from "../local/safe_path.ts";
import {
  ERROR_CODES,
  type LocalState,
  planRestore,
  type RestorePlanItem,
  type RestoreSource,
} from "./restore_plan.ts";
import { gatherEvidence } from "./restore_evidence.ts";
import { listSources } from "./restore_sources.ts";
import { coldSummary, emptyReport, type RestoreError } from "./restore_report.ts";
import { downloadPlanned, requestThaws } from "./restore_execute.ts";
import type { RestoreOptions, RestoreResult } from "./restore_request.ts";

export type { RestoreOptions, RestoreResult } from "./restore_request.ts";

async function prepareRoot(folder: string, dryRun: boolean): Promise<string> {
  let st: Deno.FileInfo | null = null;
  try {
    st = await Deno.stat(folder);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  if (st && !st.isDirectory) {
    throw new EngineError(
      "UsageError",
      `'${folder}' exists and is not a folder: give a folder to restore into.`,
    );
  }
  if (!st) {
    if (dryRun) return folder;
    await Deno.mkdir(folder, { recursive: true, mode: 0o755 });
  }
  return await Deno.realPath(folder);
}

/**
 * Plans with evidence: asks {@link planRestore} what it needs, gathers it, plans again. Objects
 * whose evidence failed become errors. Exported for the TUI's preview.
 */
export async function planWithEvidence(
  opts: RestoreOptions,
  sources: RestoreSource[],
  root: string,
  errors: RestoreError[],
  filter: Filter = excludeFilter(opts.exclude ?? []),
): Promise<RestorePlanItem[]> {
  const local = new Map<string, LocalState>();
  const inspector = new TargetInspector(root);
  let remote = sources;
  for (let round = 0; round < 6; round++) {
    const plan = planRestore(remote, local, {
      keyPrefix: opts.keyPrefix,
      overwrite: opts.overwrite ?? false,
      filter,
    });
    if (plan.needs.length === 0) return plan.items;
    const hashes = plan.needs.filter((n) => n.need === "local-md5").length;
    if (hashes > 0) {
      opts.onEvent?.({
        type: "notice",
        message: `Comparing ${hashes} existing local files with the bucket (reading them)...`,
      });
    }
    const failed = await gatherEvidence(plan.needs, remote, local, {
      client: opts.client,
      bucket: opts.bucket,
      root,
      inspector,
      concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY,
      signal: opts.signal,
    });
    if (opts.signal?.aborted) throw new EngineError("Interrupted", "Interrupted while planning.");
    if (failed.size > 0) {
      for (const [i, err] of failed) {
        const path = plan.needs.find((n) => n.index === i)?.path ?? null;
        errors.push({ key: remote[i]!.key, path, code: err.code, message: err.message });
      }
      remote = remote.filter((_, i) => !failed.has(i));
    }
  }
  throw new EngineError("SdkError", "internal error: the restore plan did not settle");
}

function errorFor(item: RestorePlanItem): RestoreError {
  return {
    key: item.key,
    path: item.path,
    // A key that would escape or a path blocked by a link is a safety refusal; a key that is
    // both a file and a folder cannot exist on disk.
    code: item.code === "conflict" ? "DownloadFailed" : "UnsafeOperation",
    message: item.reason,
  };
}

/** Runs a restore (see the module description). Throws only when nothing could be done. */
export async function runRestore(opts: RestoreOptions): Promise<RestoreResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const { sink, flush } = throttleProgress(opts.onEvent ?? NO_EVENTS);
  const report = emptyReport();
  const tier = opts.requestThaw?.tier ?? "Standard";
  let plan: RestorePlanItem[] = [];
  let status: RunStatus = "success";
  let exitCode = 0;
  const finish = (error: string | null): RestoreResult => {
    report.duration_ms = Math.round(performance.now() - started);
    flush();
    if (opts.history) {
      recordRun(opts.history.store, {
        command: "restore",
        job: opts.history.job,
        profile: opts.history.profile,
        bucket: opts.bucket,
        prefix: opts.keyPrefix,
        localPath: opts.localFolder,
        startedAt,
        status,
        exitCode,
        report,
        error,
      });
    }
    return { report, plan, status, exitCode };
  };

  try {
    const filter = await loadFilter(opts, new Date(), opts.input);
    const sources = await (opts.sources
      ? opts.sources(opts.signal)
      : listSources(opts.client, opts.bucket, opts.keyPrefix, opts.at, opts.signal))
      .catch((e) => {
        throw toEngineError(e, {
          action: opts.at ? "listing versions" : "listing",
          endpoint: opts.endpoint,
          bucket: opts.bucket,
          fallback: "ListFailed",
        });
      });
    if (sources.length === 0) {
      const where = `s3://${opts.bucket}/${opts.keyPrefix}`;
      throw new EngineError(
        "KeyNotFound",
        opts.at
          ? `Nothing existed under ${where} at ${opts.at.toISOString()}: check the time and the prefix with 'eigen-s3 ls --versions'.`
          : `Nothing to restore: no objects under ${where}; check the prefix with 'eigen-s3 ls'.`,
      );
    }
    const root = await prepareRoot(opts.localFolder, opts.dryRun ?? false);
    plan = await planWithEvidence(opts, sources, root, report.errors, filter);
    if (filter.counts.size > 0) {
      for (const it of plan) {
        if (it.code !== "excluded" || it.path === null) {
          continue;
        }
        const rule = filter.key(it.path) ?? filter.attributes(it.size);
        if (rule) {
          filter.counts.add(rule, 1, it.size);
        }
      }
      report.files_excluded = filter.counts.files();
      report.bytes_excluded = filter.counts.bytes();
    }
    for (const it of plan) {
      if (ERROR_CODES.has(it.code)) {
        report.errors.push(errorFor(it));
      }
    }

    const requested = new Set<string>();
    if (opts.requestThaw && !opts.dryRun) {
      await requestThaws(
        opts,
        plan,
        {
          days: opts.requestThaw.days ?? DEFAULT_THAW_DAYS,
          tier,
        },
        requested,
        report.errors,
        sink,
      );
    }
    if (opts.dryRun) {
      status = "dry-run";
    } else {
      const bw = opts.bwlimit;
      const limiter = typeof bw === "object"
        ? new BandwidthLimiter(0)
        : bw
        ? new BandwidthLimiter(bw)
        : undefined;
      const timetable = new AbortController();
      if (limiter && typeof bw === "object") {
        followTimetable(limiter, bw, "down", systemClock, timetable.signal, (rate) =>
          sink({
            type: "notice",
            message: `Bandwidth limit now ${
              rate > 0 ? `${formatBytes(rate)}/s` : "off"
            } (--bwlimit timetable).`,
          }));
      }
      const op = newOperationId("restore");
      try {
        await downloadPlanned(opts, plan, root, report, { limiter, op, sink });
      } finally {
        timetable.abort();
      }
    }
    report.cold = coldSummary(plan, tier, requested);
    for (const it of plan) {
      if (it.action === "skip") {
        report.files_skipped += 1;
      }
      if (it.code === "different") {
        report.files_different += 1;
      }
      if (it.code === "cold-frozen" || it.code === "cold-thawing") {
        report.files_pending += 1;
      }
    }
    if (opts.signal?.aborted) {
      status = "interrupted";
      exitCode = 130;
    } else if (!opts.dryRun && (report.errors.length > 0 || report.files_pending > 0)) {
      status = "partial";
      exitCode = EXIT_PARTIAL;
    }
    return finish(null);
  } catch (e) {
    if (isAbortError(e) || opts.signal?.aborted) {
      status = "interrupted";
      exitCode = 130;
      return finish(null);
    }
    const err = toEngineError(e, {
      action: "restore",
      bucket: opts.bucket,
      fallback: "DownloadFailed",
    });
    status = "failed";
    exitCode = err.exitCode;
    finish(err.message);
    throw err;
  }
}
