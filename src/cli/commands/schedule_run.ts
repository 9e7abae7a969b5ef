/**
 * `eigen-s3 schedule run NAME [--scheduled]`: runs a job now, under its lock. With
 * `--scheduled` (what installed timers and crontab lines use) a run outside the job's time
 * window is skipped (exit 0); without it the window does not apply.
 *
 * Exit: the backup's (0, 3 partial, 8 refused by a delete guard, 130 interrupted, ...); 8 with
 * a message naming the holder when the job is already running elsewhere.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { EngineError } from "../../engine/core/errors.ts";
import { getJob } from "../../engine/schedule/jobs.ts";
import { runJob } from "../../engine/schedule/job_run.ts";
import { inWindow } from "../../engine/schedule/time_window.ts";
import { jobRunDeps, runSummary } from "./schedule_common.ts";

/** Runs schedule run. */
export default async function scheduleRun(
  ctx: CliContext,
  args: unknown[],
  opts: Record<string, unknown>,
): Promise<number> {
  const name = String(args[0]);
  const job = getJob(await ctx.config(), ctx.configPath, name);
  const scheduled = opts.scheduled === true;
  if (scheduled && job.window && !inWindow(new Date(), job.window, job.timezone)) {
    const why = `outside its window ${job.window.start}-${job.window.end}`;
    ctx.out.result(
      "schedule run",
      { job: name, skipped: true, reason: why },
      () => `Job '${name}' not run: ${why}.`,
    );
    return 0;
  }
  const deps = await jobRunDeps(ctx, (e) => ctx.out.event(e));
  const outcome = await runJob(name, job, scheduled ? "schedule" : "manual", ctx.signal, deps);
  if (outcome.kind === "busy") throw new EngineError("UnsafeOperation", outcome.message);
  const r = outcome.result;
  if (r.status === "interrupted" || r.status === "failed") {
    for (const n of outcome.notifications) ctx.out.notice(`${n.channel} notification: ${n.detail}`);
  }
  if (r.status === "interrupted") {
    throw new EngineError(
      "Interrupted",
      `Interrupted: job '${name}' stopped cleanly; run it again to resume.`,
    );
  }
  if (r.status === "failed") {
    throw new EngineError(r.error_code ?? "SdkError", `Job '${name}' failed: ${r.error}`);
  }
  ctx.out.result("schedule run", { ...r, notifications: outcome.notifications }, () => {
    const lines = [`Job '${name}': ${runSummary(r)}.`];
    for (const e of r.report?.errors ?? []) lines.push(`  ${e.path}: ${e.message}`);
    for (const n of outcome.notifications) {
      lines.push(`${n.channel} notification: ${n.detail}`);
    }
    return lines.join("\n");
  });
  return r.exit_code;
}
