/**
 * `eigen-s3 daemon [--job NAME]...`: runs due jobs in the foreground (systemd, a container,
 * tmux), logging one line per event to stdout: `TIME JOB EVENT details` (`-` for the daemon
 * itself; NDJSON `{"event":"daemon",...}` lines with --json). It re-reads the config at least
 * once a minute, so jobs added or changed meanwhile are picked up.
 *
 * SIGTERM/SIGINT stop it cleanly: runs in flight are interrupted (they resume on the next run),
 * recorded, and the daemon exits 0 once everything has stopped.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { loadConfig } from "../../engine/config/config.ts";
import { EngineError } from "../../engine/core/errors.ts";
import { readJobs, validateJobName } from "../../engine/schedule/jobs.ts";
import { sqliteSlots } from "../../engine/state/job_slots.ts";
import { runJob } from "../../engine/schedule/job_run.ts";
import { type DaemonEvent, Scheduler } from "../../engine/schedule/scheduler.ts";
import { systemClock } from "../../lib/clock.ts";
import type { EngineEvent } from "../../engine/core/events.ts";
import { jobRunDeps } from "./schedule_common.ts";

const iso = (d: Date | null) => d ? d.toISOString() : "never";

/** The text of one log line (without the time). */
export function describeEvent(e: DaemonEvent): [job: string, event: string, details: string] {
  switch (e.type) {
    case "daemon-started":
      return ["-", e.type, `pid=${Deno.pid} jobs=${e.jobs.join(",") || "(none)"}`];
    case "jobs-reloaded":
      return ["-", e.type, `jobs=${e.jobs.join(",") || "(none)"}`];
    case "config-error":
      return ["-", e.type, e.message];
    case "job-invalid":
      return [e.job, e.type, e.message];
    case "next-run":
      return [e.job, e.type, `at=${iso(e.at)}`];
    case "waiting-for-window":
      return [e.job, e.type, `slot=${iso(e.slot)} opens=${iso(e.opens)}`];
    case "run-started":
      return [e.job, e.type, `slot=${iso(e.slot)}${e.catch_up ? " catch-up" : ""}`];
    case "run-skipped-busy":
      return [e.job, e.type, e.message];
    case "run-finished": {
      const r = e.result;
      const rep = r.report;
      const counts = rep
        ? ` uploaded=${rep.files_uploaded} deleted=${rep.files_deleted} unchanged=${rep.files_skipped} failed=${rep.errors.length} bytes=${rep.bytes_transferred}`
        : "";
      const err = r.error ? ` error=${JSON.stringify(r.error)}` : "";
      return [e.job, e.type, `status=${r.status} exit=${r.exit_code}${counts}${err}`];
    }
    case "run-error":
      return [e.job, e.type, e.message];
    case "window-closed":
      return [e.job, e.type, "stopping the run; it resumes when the window opens again"];
    case "notification":
      return [
        e.job,
        `notify-${e.outcome.channel}`,
        `${e.outcome.ok ? "ok" : "failed"} ${e.outcome.detail}`,
      ];
    case "stopping":
      return ["-", e.type, `running=${e.running.join(",") || "(none)"}`];
    case "daemon-stopped":
      return ["-", e.type, ""];
  }
}

/** Runs the daemon until SIGTERM/SIGINT. */
export default async function daemon(
  ctx: CliContext,
  _args: unknown[],
  opts: Record<string, unknown>,
): Promise<number> {
  const only = (opts.job as string[] | undefined) ?? [];
  for (const j of only) validateJobName(j, { field: "--job", code: "UsageError" });
  const json = ctx.out.options.json;
  const write = (line: string) => ctx.out.options.json ? console.log(line) : ctx.out.print(line);
  let runs = 0;
  const log = (e: DaemonEvent) => {
    if (e.type === "run-finished") runs++;
    if (json) {
      write(JSON.stringify({ event: "daemon", ...e }));
      return;
    }
    const [job, event, details] = describeEvent(e);
    write(`${e.time.toISOString()} ${job} ${event}${details ? ` ${details}` : ""}`);
  };
  const state = await ctx.state();
  const deps = await jobRunDeps(ctx, () => {});
  /** Backup notices (e.g. "not deleting: some files failed") as log lines of their job. */
  const notices = (job: string) => (ev: EngineEvent) => {
    if (ev.type !== "notice") return;
    if (json) {
      write(
        JSON.stringify({
          event: "daemon",
          type: "notice",
          time: new Date(),
          job,
          message: ev.message,
        }),
      );
    } else write(`${new Date().toISOString()} ${job} notice ${ev.message}`);
  };
  const scheduler = new Scheduler({
    loadJobs: async () => {
      const { jobs, invalid } = readJobs(await loadConfig(ctx.configPath), ctx.configPath);
      for (const j of only) {
        if (!jobs.has(j) && !invalid.some((i) => i.name === j)) {
          throw new EngineError(
            "NotConfigured",
            `Job '${j}' (--job) does not exist in ${ctx.configPath}: add it with 'eigen-s3 schedule add'.`,
          );
        }
      }
      return { jobs, invalid };
    },
    slots: sqliteSlots(state),
    runJob: (name, job, signal) =>
      runJob(name, job, "schedule", signal, { ...deps, events: notices(name) }),
    clock: systemClock,
    log,
    ...(only.length ? { only } : {}),
  });
  await scheduler.run(ctx.signal);
  if (json) ctx.out.result("daemon", { runs, stopped: true }, () => "");
  return 0;
}
