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

/** Describes a control character for a message ("a line break", "U+0007"). */
function controlName(c: string): string {
  if (c === "\n" || c === "\r") return "a line break";
  if (c === "\0") return "a NUL byte";
  return `the control character U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Refuses values that would break out of the line they are written on: a newline in
 * XDG_CONFIG_HOME, the install path or a log folder would add lines of its own to a systemd unit
 * or the crontab (a command of the attacker's choosing, run on schedule).
 */
export function assertWritable(e: ServiceEnv): void {
  const values: [string, string][] = [
    ["the path of eigen-s3", e.program.join(" ")],
    ["the systemd unit folder", e.systemdDir],
    ["the LaunchAgents folder", e.launchAgentsDir],
    ["the log folder", e.logDir],
    ["the time zone", e.systemTimezone],
    ...Object.entries(e.env).map(([k, v]): [string, string] => [k, `${k}=${v}`]),
  ];
  for (const [what, value] of values) {
    // deno-lint-ignore no-control-regex
    const m = /[\u0000-\u001f\u007f]/.exec(value);
    if (m) {
      throw new EngineError(
        "UsageError",
        `${what} contains ${controlName(m[0])} (${JSON.stringify(value)}): 'schedule install' ` +
          "will not write it into timers or the crontab. Use a path without control characters.",
      );
    }
  }
}

/** Plans what `schedule install` writes for `jobs` with `backend`. */
export function planServices(
  backend: ServiceBackend,
  jobs: ServiceJob[],
  e: ServiceEnv,
): ServicePlan {
  assertWritable(e);
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
