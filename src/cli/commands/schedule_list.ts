/**
 * `eigen-s3 schedule list`: every job with its schedule, next run and last result (from the
 * history); invalid jobs are listed with what is wrong.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { type JobSummary, listJobs } from "../../engine/schedule/job_service.ts";
import { sqliteHistory } from "../../engine/state/history.ts";
import { sqliteSlots } from "../../engine/state/job_slots.ts";
import { formatDate, table } from "../../lib/format.ts";
import { publicJob } from "./schedule_common.ts";

/** The last result in a few words: "success 2025-01-01 03:05" or "failed (exit 7) ...". */
export function lastResultText(s: JobSummary): string {
  const r = s.last_result;
  if (!r) return "never run";
  const code = r.exit_code === 0 ? "" : ` (exit ${r.exit_code})`;
  return `${r.status}${code} ${formatDate(r.finished_at)}`;
}

/** Runs schedule list. */
export default async function scheduleList(ctx: CliContext): Promise<number> {
  const state = await ctx.state();
  const rows = listJobs(await ctx.config(), ctx.configPath, sqliteHistory(state), {
    slots: sqliteSlots(state),
  });
  const result = rows.map((r) => ({ ...r, job: r.job ? publicJob(r.job) : null }));
  ctx.out.result("schedule list", result, () => {
    if (rows.length === 0) {
      return "No jobs yet: add one with 'eigen-s3 schedule add NAME --folder DIR --cron EXPR'.";
    }
    return table(
      ["job", "schedule", "folder -> profile:prefix", "next run", "last result"],
      rows.map((r) =>
        r.job
          ? [
            r.name,
            `${r.job.cron}${r.job.timezone ? ` ${r.job.timezone}` : ""}${
              r.job.window ? ` [${r.job.window.start}-${r.job.window.end}]` : ""
            }`,
            `${r.job.folder} -> ${r.profile}:${r.job.prefix}`,
            formatDate(r.next_run),
            lastResultText(r),
          ]
          : [r.name, "INVALID", r.error ?? "", "-", lastResultText(r)]
      ),
    );
  });
  return 0;
}
