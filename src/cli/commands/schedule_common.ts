/**
 * What the `schedule` commands and `daemon` share: the real job-run dependencies (lock folder,
 * backup runner, history, notifier), the public view of a job (webhook redacted) and the
 * one-line summary of a run.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { type Job, redactUrl } from "../../engine/schedule/jobs.ts";
import type { JobFilterFields } from "../../engine/schedule/job_filters.ts";
import type { JobRunDeps, JobRunResult } from "../../engine/schedule/job_run.ts";
import { realJobRunDeps } from "../../engine/schedule/job_service.ts";
import type { EventSink } from "../../engine/core/events.ts";
import { formatBytes, formatDuration } from "../../lib/format.ts";

/** The dependencies of a real job run for this invocation. */
export async function jobRunDeps(ctx: CliContext, events: EventSink): Promise<JobRunDeps> {
  return realJobRunDeps({
    configPath: ctx.configPath,
    stateDir: ctx.stateDir,
    state: await ctx.state(),
    env: ctx.env,
    loadSecret: async (profile, backend) => (await ctx.secrets()).load(profile, backend),
    events,
  });
}

/** A job as shown to users: the webhook URL redacted (it may hold a token). */
export function publicJob(job: Job): Job {
  return job.notify.webhook
    ? { ...job, notify: { ...job.notify, webhook: redactUrl(job.notify.webhook) } }
    : job;
}

/** "success: 3 uploaded (1.2 MiB), 0 deleted, 10 unchanged in 2.0s" and the like. */
export function runSummary(r: JobRunResult): string {
  const rep = r.report;
  const counts = rep
    ? `${rep.files_uploaded} uploaded (${
      formatBytes(rep.bytes_transferred)
    }), ${rep.files_deleted} deleted, ${rep.files_skipped} unchanged${
      rep.errors.length ? `, ${rep.errors.length} failed` : ""
    } in ${formatDuration(rep.duration_ms)}`
    : "";
  const cut = rep?.cut_off
    ? `cut off by --${rep.cut_off.by}: ${rep.cut_off.files_left} file(s) (${
      formatBytes(rep.cut_off.bytes_left)
    }) left for the next run`
    : "";
  return [`${r.status} (exit ${r.exit_code})`, counts, cut, r.error ?? ""].filter((s) => s !== "")
    .join(": ");
}

/** The filter and window settings of a job, as flags ("include *.jpg", "max-duration 5h"). */
export function jobFilterText(job: JobFilterFields): string[] {
  const out: string[] = [];
  const lists: [keyof JobFilterFields, string][] = [
    ["include", "include"],
    ["include_from", "include-from"],
    ["exclude_from", "exclude-from"],
    ["files_from", "files-from"],
    ["files_from0", "files-from0"],
    ["exclude_if_present", "exclude-if-present"],
  ];
  for (const [field, flag] of lists) {
    const v = job[field] as string[] | undefined;
    if (v?.length) out.push(`${flag} ${v.join(", ")}`);
  }
  const texts: [keyof JobFilterFields, string][] = [
    ["min_size", "min-size"],
    ["max_size", "max-size"],
    ["min_age", "min-age"],
    ["max_age", "max-age"],
    ["max_duration", "max-duration"],
    ["max_transfer", "max-transfer"],
    ["cutoff_mode", "cutoff-mode"],
  ];
  for (const [field, flag] of texts) {
    const v = job[field];
    if (v !== undefined) out.push(`${flag} ${v}`);
  }
  return out;
}
