/**
 * systemd user units for scheduled jobs: per job `eigen-s3-JOB.service` (oneshot `schedule run
 * JOB --scheduled`) and `eigen-s3-JOB.timer` with the cron expression as OnCalendar= lines (two
 * when day-of-month and day-of-week are OR-ed, as cron does), in the job's time zone, with
 * Persistent=true so a run missed while the machine was off runs once at boot. Jobs systemd
 * cannot express run under `eigen-s3-daemon.service`.
 *
 * @module
 */

import { join } from "node:path";
import { expandCron } from "../schedule/cron_fields.ts";
import { MARK, type ServiceEnv, type ServiceJob, type ServicePlan } from "./service_types.ts";

const pad = (n: number) => String(n).padStart(2, "0");
const DAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

function calField(values: number[], min: number, max: number): string {
  if (values.length === max - min + 1) return "*";
  if (values.length >= 2) {
    const step = values[1]! - values[0]!;
    const even = values.every((v, i) => i === 0 || v - values[i - 1]! === step);
    if (even && values.at(-1)! + step > max) return `${pad(values[0]!)}/${step}`;
  }
  return values.map(pad).join(",");
}

/** systemd OnCalendar= values for a cron expression in `timezone`; null when inexpressible. */
export function onCalendar(cron: string, timezone?: string): string[] | null {
  const f = expandCron(cron);
  if (!f) return null;
  const time = `${calField(f.hour, 0, 23)}:${calField(f.minute, 0, 59)}:00`;
  const month = calField(f.month, 1, 12);
  const tz = timezone ? ` ${timezone}` : "";
  const byDom = `*-${month}-${calField(f.dom, 1, 31)} ${time}${tz}`;
  const byDow = `${f.dow.map((d) => DAY_NAMES[d]).join(",")} *-${month}-* ${time}${tz}`;
  if (!f.domStar && !f.dowStar) return [byDom, byDow];
  return [f.dowStar ? byDom : byDow];
}

function systemdQuote(arg: string): string {
  const text = arg.replaceAll("%", "%%").replaceAll("$", "$$$$");
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

function systemdEnv(env: Record<string, string>): string[] {
  return Object.entries(env).map(([k, v]) => `Environment=${systemdQuote(`${k}=${v}`)}`);
}

/** The unit name of a job's service and timer, without the suffix. */
export function unitBase(job: string): string {
  return `eigen-s3-${job}`;
}

function systemdRunService(e: ServiceEnv, name: string): string {
  return [
    `# ${MARK}`,
    "[Unit]",
    `Description=eigen-s3 backup job ${name}`,
    "Wants=network-online.target",
    "After=network-online.target",
    "",
    "[Service]",
    "Type=oneshot",
    ...systemdEnv(e.env),
    `ExecStart=${
      [...e.program, "schedule", "run", name, "--scheduled"].map(systemdQuote).join(" ")
    }`,
    "",
  ].join("\n");
}

function systemdTimer(name: string, calendars: string[]): string {
  return [
    `# ${MARK}`,
    "[Unit]",
    `Description=eigen-s3 schedule of backup job ${name}`,
    "",
    "[Timer]",
    ...calendars.map((c) => `OnCalendar=${c}`),
    "Persistent=true",
    `Unit=${unitBase(name)}.service`,
    "",
    "[Install]",
    "WantedBy=timers.target",
    "",
  ].join("\n");
}

function systemdDaemonService(e: ServiceEnv, jobs: string[]): string {
  const args = [...e.program, "daemon", ...jobs.flatMap((j) => ["--job", j])];
  return [
    `# ${MARK}`,
    "[Unit]",
    `Description=eigen-s3 daemon for backup jobs ${jobs.join(", ")}`,
    "Wants=network-online.target",
    "After=network-online.target",
    "",
    "[Service]",
    "Type=simple",
    ...systemdEnv(e.env),
    `ExecStart=${args.map(systemdQuote).join(" ")}`,
    "Restart=on-failure",
    "RestartSec=30",
    "",
    "[Install]",
    "WantedBy=default.target",
    "",
  ].join("\n");
}

/** Adds the systemd units of `jobs` to `plan`. */
export function planSystemd(jobs: ServiceJob[], e: ServiceEnv, plan: ServicePlan): void {
  for (const { name, job } of jobs) {
    const calendars = onCalendar(job.cron, job.timezone);
    if (!calendars) {
      plan.daemonJobs.push(name);
      continue;
    }
    const base = join(e.systemdDir, unitBase(name));
    plan.files.push({ path: `${base}.service`, content: systemdRunService(e, name) });
    plan.files.push({ path: `${base}.timer`, content: systemdTimer(name, calendars) });
    plan.units.push(`${unitBase(name)}.timer`);
  }
  if (plan.daemonJobs.length > 0) {
    plan.files.push({
      path: join(e.systemdDir, "eigen-s3-daemon.service"),
      content: systemdDaemonService(e, plan.daemonJobs),
    });
    plan.units.push("eigen-s3-daemon.service");
  }
}
