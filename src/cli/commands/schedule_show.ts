/**
 * `eigen-s3 schedule show NAME`: one job in full, its next five runs and its last runs.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { getJob, jobProfile } from "../../engine/schedule/jobs.ts";
import { parseCron, systemTimezone } from "../../engine/schedule/cron_schedule.ts";
import { sqliteHistory } from "../../engine/state/history.ts";
import { formatDate } from "../../lib/format.ts";
import { jobFilterText, publicJob } from "./schedule_common.ts";

/** Runs schedule show. */
export default async function scheduleShow(ctx: CliContext, args: unknown[]): Promise<number> {
  const name = String(args[0]);
  const config = await ctx.config();
  const job = getJob(config, ctx.configPath, name);
  const schedule = parseCron(job.cron, job.timezone, { field: "cron", code: "ConfigError" });
  const next = schedule.nextRuns(5, new Date()).map((d) => d.toISOString());
  const runs = sqliteHistory(await ctx.state()).list(5, { command: "backup", job: name });
  const shown = publicJob(job);
  const result = {
    name,
    job: shown,
    profile: jobProfile(job, config),
    timezone: job.timezone ?? systemTimezone(),
    next_runs: next,
    last_runs: runs.map((r) => ({
      status: r.status,
      exit_code: r.exit_code,
      started_at: r.started_at,
      finished_at: r.finished_at,
      error: r.error,
    })),
  };
  ctx.out.result("schedule show", result, () => {
    const opts = [
      job.exclude.length ? `exclude ${job.exclude.join(", ")}` : "",
      job.include_hidden ? "include hidden" : "",
      job.delete ? `delete (max ${job.max_delete ?? "50%"})` : "",
      job.concurrency ? `concurrency ${job.concurrency}` : "",
      job.storage_class ? `storage class ${job.storage_class}` : "",
      job.sse ? `sse ${job.sse}` : "",
      job.bwlimit ? `bwlimit ${job.bwlimit}` : "",
      ...jobFilterText(job),
    ].filter((s) => s !== "");
    const notify = [
      shown.notify.webhook ? `webhook ${shown.notify.webhook}` : "",
      job.notify.desktop ? "desktop" : "",
    ].filter((s) => s !== "");
    const lines = [
      `job:       ${name}`,
      `folder:    ${job.folder}`,
      `to:        profile ${result.profile}, prefix '${job.prefix}'`,
      `schedule:  ${job.cron} (${result.timezone})${
        job.window ? `, runs start between ${job.window.start} and ${job.window.end}` : ""
      }`,
      `options:   ${opts.join("; ") || "-"}`,
      `notify:    ${notify.length ? `${notify.join(", ")} (${job.notify.on ?? "always"})` : "-"}`,
      `next runs: ${next.map((d) => formatDate(d)).join(", ") || "never"}`,
      "last runs:",
      ...(runs.length
        ? runs.map((r) =>
          `  ${formatDate(r.finished_at)}  ${r.status} (exit ${r.exit_code})${
            r.error ? `: ${r.error}` : ""
          }`
        )
        : ["  none yet"]),
    ];
    return lines.join("\n");
  });
  return 0;
}
