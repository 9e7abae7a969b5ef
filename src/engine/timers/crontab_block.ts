/**
 * The crontab block of scheduled jobs: one line per job running `schedule run JOB
 * --scheduled` with its output appended to a log file, between markers eigen-s3 owns; CRON_TZ
 * before the lines of jobs with a time zone (cronie honours it).
 *
 * @module
 */

import { join } from "node:path";
import { EngineError } from "../core/errors.ts";
import { expandCron } from "../schedule/cron_fields.ts";
import {
  CRON_BEGIN,
  CRON_END,
  MARK,
  type ServiceEnv,
  type ServiceJob,
  type ServicePlan,
} from "./service_types.ts";

/** Quotes for a POSIX shell, then escapes % (cron turns it into a newline). */
function cronQuote(arg: string): string {
  const q = /^[A-Za-z0-9_@+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
  return q.replaceAll("%", "\\%");
}

/** Adds the crontab block of `jobs` to `plan`; refuses schedules cron cannot express. */
export function planCron(jobs: ServiceJob[], e: ServiceEnv, plan: ServicePlan): void {
  const bad = jobs.filter(({ job }) => !expandCron(job.cron));
  if (bad.length > 0) {
    throw new EngineError(
      "UsageError",
      `cron cannot express the schedule of ${
        bad.map(({ name, job }) => `'${name}' (${job.cron})`).join(", ")
      }: use 'eigen-s3 schedule install --systemd', or keep 'eigen-s3 daemon' running.`,
    );
  }
  const env = Object.entries(e.env).map(([k, v]) => `${k}=${cronQuote(v)}`);
  const line = ({ name, job }: ServiceJob) =>
    [
      job.cron,
      ...env,
      ...[...e.program, "schedule", "run", name, "--scheduled"].map(cronQuote),
      ">>",
      cronQuote(join(e.logDir, `${name}.log`)),
      "2>&1",
    ].join(" ");
  const plain = jobs.filter(({ job }) => !job.timezone);
  const zoned = jobs.filter(({ job }) => job.timezone);
  const lines = [CRON_BEGIN, `# ${MARK}`];
  for (const j of plain) lines.push(`# job ${j.name}`, line(j));
  for (const j of zoned) lines.push(`# job ${j.name}`, `CRON_TZ=${j.job.timezone}`, line(j));
  // Lines after the block (added by hand later) keep the system's zone.
  if (zoned.length > 0) lines.push(`CRON_TZ=${e.systemTimezone}`);
  lines.push(CRON_END);
  plan.crontabBlock = lines.join("\n") + "\n";
  if (zoned.length > 0) {
    plan.warnings.push(
      `Job(s) ${
        zoned.map((j) => j.name).join(", ")
      } use CRON_TZ, which cronie supports; other crons (e.g. Debian's) ignore it and use the system time zone.`,
    );
  }
}
