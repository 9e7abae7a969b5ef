/**
 * What `schedule install` writes, as data (pure; service_install.ts applies it):
 *
 * - systemd (Linux default): per job `eigen-s3-JOB.service` (oneshot `schedule run JOB
 *   --scheduled`) and `eigen-s3-JOB.timer` whose OnCalendar= lines are the cron expression in
 *   systemd's form (two lines when day-of-month and day-of-week are OR-ed), in the job's time
 *   zone, Persistent=true (a run missed while the machine was off runs once at boot).
 * - cron: one line per job in a marked block of the user's crontab; CRON_TZ for time zones.
 * - launchd (macOS default): per job a LaunchAgent plist with StartCalendarInterval.
 *
 * A job whose schedule a backend cannot express exactly (croner's L, W, #; for launchd also a
 * time zone other than the system's, or too many calendar entries) runs under one extra
 * service that keeps `eigen-s3 daemon --job NAME...` running (systemd, launchd); cron refuses
 * such jobs.
 *
 * @module
 */

import { EngineError } from "../core/errors.ts";
import type { ServiceBackend, ServiceEnv, ServiceJob, ServicePlan } from "./service_types.ts";
import { planSystemd } from "./systemd_units.ts";
import { planCron } from "./crontab_block.ts";
import { planLaunchd } from "./launchd_plist.ts";

export * from "./service_types.ts";
export { onCalendar, unitBase } from "./systemd_units.ts";
export { agentLabel, calendarIntervals } from "./launchd_plist.ts";

/** The argv prefix running eigen-s3: the compiled binary, or `deno run -A /abs/main.ts`. */
export function programArgv(execPath: string, mainModule: string): string[] {
  const base = execPath.split(/[\\/]/).pop()?.toLowerCase() ?? "";
  if (base !== "deno" && base !== "deno.exe") return [execPath];
  if (!mainModule.startsWith("file:")) {
    throw new EngineError(
      "UsageError",
      `eigen-s3 runs from ${mainModule}, not a local file: install the compiled eigen-s3 binary to schedule jobs.`,
    );
  }
  return [execPath, "run", "-A", decodeURIComponent(new URL(mainModule).pathname)];
}

/** Plans what `schedule install` writes for `jobs` with `backend`. */
export function planServices(
  backend: ServiceBackend,
  jobs: ServiceJob[],
  e: ServiceEnv,
): ServicePlan {
  const plan: ServicePlan = {
    backend,
    files: [],
    crontabBlock: null,
    units: [],
    agents: [],
    daemonJobs: [],
    warnings: [],
  };
  if (backend === "systemd") planSystemd(jobs, e, plan);
  else if (backend === "cron") planCron(jobs, e, plan);
  else planLaunchd(jobs, e, plan);
  if (plan.daemonJobs.length > 0) {
    plan.warnings.push(
      `${backend} cannot express the schedule of ${
        plan.daemonJobs.join(", ")
      } exactly: they run under the eigen-s3 daemon service instead.`,
    );
  }
  return plan;
}
