/**
 * launchd LaunchAgents for scheduled jobs (macOS): per job a plist running `schedule run JOB
 * --scheduled` at StartCalendarInterval entries expanded from the cron fields (launchd runs a
 * missed interval once after wake). launchd has no time zones: a job in another zone, or one
 * needing too many entries, runs under a KeepAlive agent running the daemon.
 *
 * @module
 */

import { join } from "node:path";
import { type CronFields, expandCron } from "../schedule/cron_fields.ts";
import { MARK, type ServiceEnv, type ServiceJob, type ServicePlan } from "./service_types.ts";

function xml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** launchd calendar entries (key -> value) for a job; null when launchd cannot express it. */
export function calendarIntervals(
  f: CronFields,
  limit = 1000,
): Array<Record<string, number>> | null {
  const axes = (withDay: boolean, withWeekday: boolean): Array<[string, number[]]> =>
    [
      ["Month", f.monthStar ? [] : f.month],
      ["Day", withDay ? f.dom : []],
      ["Weekday", withWeekday ? f.dow : []],
      ["Hour", f.hour.length === 24 ? [] : f.hour],
      ["Minute", f.minute.length === 60 ? [] : f.minute],
    ] as Array<[string, number[]]>;
  const product = (list: Array<[string, number[]]>) => {
    let out: Array<Record<string, number>> = [{}];
    for (const [key, values] of list) {
      if (values.length === 0) continue;
      out = out.flatMap((o) => values.map((v) => ({ ...o, [key]: v })));
      if (out.length > limit) return null;
    }
    return out;
  };
  const parts = !f.domStar && !f.dowStar
    ? [product(axes(true, false)), product(axes(false, true))]
    : [product(axes(!f.domStar, !f.dowStar))];
  if (parts.some((p) => p === null)) return null;
  const all = parts.flat() as Array<Record<string, number>>;
  return all.length > limit ? null : all;
}

/** The launchd label of a job (or "daemon"). */
export function agentLabel(name: string): string {
  return `com.eigen.eigen-s3.${name}`;
}

function plist(
  e: ServiceEnv,
  label: string,
  args: string[],
  schedule: Array<Record<string, number>> | null,
  log: string,
): string {
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<!-- ${MARK} -->`,
    `<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">`,
    `<plist version="1.0">`,
    "<dict>",
    `  <key>Label</key>`,
    `  <string>${xml(label)}</string>`,
    `  <key>ProgramArguments</key>`,
    `  <array>`,
    ...args.map((a) => `    <string>${xml(a)}</string>`),
    `  </array>`,
  ];
  const env = Object.entries(e.env);
  if (env.length > 0) {
    lines.push(`  <key>EnvironmentVariables</key>`, `  <dict>`);
    for (const [k, v] of env) {
      lines.push(`    <key>${xml(k)}</key>`, `    <string>${xml(v)}</string>`);
    }
    lines.push(`  </dict>`);
  }
  if (schedule) {
    lines.push(`  <key>StartCalendarInterval</key>`, `  <array>`);
    for (const entry of schedule) {
      lines.push(`    <dict>`);
      for (const [k, v] of Object.entries(entry)) {
        lines.push(`      <key>${k}</key>`, `      <integer>${v}</integer>`);
      }
      lines.push(`    </dict>`);
    }
    lines.push(`  </array>`);
  } else {
    lines.push(`  <key>RunAtLoad</key>`, `  <true/>`, `  <key>KeepAlive</key>`, `  <true/>`);
  }
  lines.push(
    `  <key>ProcessType</key>`,
    `  <string>Background</string>`,
    `  <key>StandardOutPath</key>`,
    `  <string>${xml(log)}</string>`,
    `  <key>StandardErrorPath</key>`,
    `  <string>${xml(log)}</string>`,
    "</dict>",
    "</plist>",
    "",
  );
  return lines.join("\n");
}

/** Adds the LaunchAgents of `jobs` to `plan`. */
export function planLaunchd(jobs: ServiceJob[], e: ServiceEnv, plan: ServicePlan): void {
  for (const { name, job } of jobs) {
    const fields = expandCron(job.cron);
    const sameZone = !job.timezone || job.timezone === e.systemTimezone;
    const intervals = fields && sameZone ? calendarIntervals(fields) : null;
    if (!intervals) {
      plan.daemonJobs.push(name);
      continue;
    }
    const label = agentLabel(name);
    const path = join(e.launchAgentsDir, `${label}.plist`);
    const args = [...e.program, "schedule", "run", name, "--scheduled"];
    plan.files.push({
      path,
      content: plist(e, label, args, intervals, join(e.logDir, `${name}.log`)),
    });
    plan.agents.push({ label, path });
  }
  if (plan.daemonJobs.length > 0) {
    const label = agentLabel("daemon");
    const path = join(e.launchAgentsDir, `${label}.plist`);
    const args = [...e.program, "daemon", ...plan.daemonJobs.flatMap((j) => ["--job", j])];
    plan.files.push({ path, content: plist(e, label, args, null, join(e.logDir, "daemon.log")) });
    plan.agents.push({ label, path });
  }
}
