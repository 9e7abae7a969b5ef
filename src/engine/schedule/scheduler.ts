/**
 * The daemon's core: runs due jobs, each at most once at a time, on an injectable clock.
 *
 * - Each job's last handled slot is kept in a {@link SlotStore}. A job seen for the first time
 *   starts from "now" (`schedule add` stores the time it was added).
 * - Due means: a cron slot after the last handled one is at or before now. After sleep or
 *   downtime only the latest missed slot runs (catch-up once, not N times).
 * - With a time window, a due slot waits for the window to open; a run still going when the
 *   window closes is stopped cleanly and resumed when it next opens.
 * - A slot counts as handled when its run finished (success, partial or failed) or another
 *   process held the job's lock; an interrupted run leaves it due.
 * - The config is re-read at every wake-up (at least once a minute, which also notices
 *   wall-clock jumps after suspend); invalid jobs are reported and skipped.
 * - On abort, in-flight runs are aborted and awaited before {@link Scheduler.run} returns.
 *
 * @module
 */

import type { Clock } from "../../lib/clock.ts";
import { type CronSchedule, parseCron } from "./cron_schedule.ts";
import type { InvalidJob, Job } from "./jobs.ts";
import type { JobRunOutcome, JobRunResult, NotificationOutcome } from "./job_run.ts";
import type { SlotStore } from "../state/job_slots.ts";
import { inWindow, nextWindowEnd, nextWindowStart } from "./time_window.ts";

/** Something the daemon did; the CLI prints one line per event. */
export type DaemonEvent =
  | { type: "daemon-started"; time: Date; jobs: string[] }
  | { type: "jobs-reloaded"; time: Date; jobs: string[] }
  | { type: "job-invalid"; time: Date; job: string; message: string }
  | { type: "config-error"; time: Date; message: string }
  | { type: "next-run"; time: Date; job: string; at: Date | null }
  | { type: "waiting-for-window"; time: Date; job: string; slot: Date; opens: Date }
  | { type: "run-started"; time: Date; job: string; slot: Date; catch_up: boolean }
  | { type: "run-skipped-busy"; time: Date; job: string; slot: Date; message: string }
  | { type: "run-finished"; time: Date; job: string; slot: Date; result: JobRunResult }
  | { type: "run-error"; time: Date; job: string; slot: Date; message: string }
  | { type: "window-closed"; time: Date; job: string }
  | { type: "notification"; time: Date; job: string; outcome: NotificationOutcome }
  | { type: "stopping"; time: Date; running: string[] }
  | { type: "daemon-stopped"; time: Date };

/**
 * When a job will next start, seen from `now`: now when a slot is due (or when its window next
 * opens), else its next slot (moved to its window's opening when outside it); null for never.
 */
export function nextRunAt(
  job: Job,
  schedule: CronSchedule,
  lastSlot: Date | null,
  now: Date,
): Date | null {
  const due = lastSlot ? schedule.latestDue(lastSlot, now) : null;
  const t = due ? now : schedule.next(now);
  if (!t) return null;
  return job.window && !inWindow(t, job.window, job.timezone)
    ? nextWindowStart(t, job.window, job.timezone)
    : t;
}

/** Jobs as the config file holds them right now. */
export interface LoadedJobs {
  jobs: Map<string, Job>;
  invalid: InvalidJob[];
}

/** What the scheduler needs. */
export interface SchedulerDeps {
  /** Reads the jobs (called at every wake-up). Throwing keeps the previous jobs. */
  loadJobs: () => Promise<LoadedJobs>;
  slots: SlotStore;
  /** Runs one job (lock, backup, history, notifications): see job_run.ts runJob. */
  runJob: (name: string, job: Job, signal: AbortSignal) => Promise<JobRunOutcome>;
  clock: Clock;
  log: (event: DaemonEvent) => void;
  /** Only these jobs (default: all). */
  only?: readonly string[];
  /** Longest sleep between checks in ms (default 60000). */
  maxSleepMs?: number;
  /** A slot older than this when it starts is reported as a catch-up (default 60000). */
  catchUpAfterMs?: number;
}

interface Running {
  controller: AbortController;
  slot: Date;
  /** When the job's window closes (the run is then stopped), or null. */
  deadline: Date | null;
  done: Promise<void>;
}

/** Runs due jobs until its signal aborts. */
export class Scheduler {
  readonly #deps: SchedulerDeps;
  #jobs = new Map<string, Job>();
  #fingerprint = "";
  #lastConfigError = "";
  readonly #schedules = new Map<string, CronSchedule>();
  readonly #running = new Map<string, Running>();
  readonly #waitLogged = new Map<string, number>();
  #kick = new AbortController();
  #stopping = false;

  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
  }

  /** Names of the jobs running now. */
  get running(): string[] {
    return [...this.#running.keys()];
  }

  /** Runs until `signal` aborts, then stops in-flight runs cleanly and returns. */
  async run(signal: AbortSignal): Promise<void> {
    const { clock, log } = this.#deps;
    // The first load must work: a daemon with a broken config file should say so and stop.
    await this.#reload(true);
    log({ type: "daemon-started", time: clock.now(), jobs: [...this.#jobs.keys()] });
    for (const name of this.#jobs.keys()) this.#logNext(name);
    while (!signal.aborted) {
      await this.#reload(false);
      this.#tick();
      const now = clock.now().getTime();
      const wake = this.#nextWake(now);
      const ms = Math.max(1, Math.min(wake - now, this.#deps.maxSleepMs ?? 60_000));
      this.#kick = new AbortController();
      await clock.sleep(ms, AbortSignal.any([signal, this.#kick.signal]));
    }
    this.#stopping = true;
    const running = [...this.#running.values()];
    log({ type: "stopping", time: clock.now(), running: this.running });
    for (const r of running) r.controller.abort(signal.reason);
    await Promise.all(running.map((r) => r.done));
    log({ type: "daemon-stopped", time: clock.now() });
  }

  async #reload(first: boolean): Promise<void> {
    const { log, clock, only } = this.#deps;
    let loaded: LoadedJobs;
    try {
      loaded = await this.#deps.loadJobs();
    } catch (e) {
      if (first) throw e;
      const message = (e as Error).message;
      if (message !== this.#lastConfigError) {
        log({
          type: "config-error",
          time: clock.now(),
          message: `${message} (keeping the jobs loaded before)`,
        });
      }
      this.#lastConfigError = message;
      return;
    }
    this.#lastConfigError = "";
    const jobs = new Map(
      [...loaded.jobs].filter(([name]) => !only || only.includes(name)),
    );
    const invalid = loaded.invalid.filter((j) => !only || only.includes(j.name));
    const fingerprint = JSON.stringify([[...jobs], invalid.map((j) => [j.name, j.error.message])]);
    if (fingerprint === this.#fingerprint) return;
    const changed = this.#fingerprint !== "";
    this.#fingerprint = fingerprint;
    this.#jobs = jobs;
    this.#schedules.clear();
    for (const j of invalid) {
      log({ type: "job-invalid", time: clock.now(), job: j.name, message: j.error.message });
    }
    if (changed) {
      log({ type: "jobs-reloaded", time: clock.now(), jobs: [...jobs.keys()] });
      for (const name of jobs.keys()) this.#logNext(name);
    }
  }

  #schedule(name: string, job: Job): CronSchedule {
    let s = this.#schedules.get(name);
    if (!s) {
      s = parseCron(job.cron, job.timezone, { field: `jobs.${name}.cron`, code: "ConfigError" });
      this.#schedules.set(name, s);
    }
    return s;
  }

  /** The last handled slot; a job seen for the first time starts now. */
  #lastSlot(name: string, now: Date): Date {
    const last = this.#deps.slots.get(name);
    if (last) return last;
    this.#deps.slots.set(name, now);
    return now;
  }

  #logNext(name: string): void {
    const job = this.#jobs.get(name);
    if (!job) return;
    const now = this.#deps.clock.now();
    const at = nextRunAt(job, this.#schedule(name, job), this.#lastSlot(name, now), now);
    this.#deps.log({ type: "next-run", time: now, job: name, at });
  }

  #tick(): void {
    const { clock, log } = this.#deps;
    const now = clock.now();
    for (const [name, job] of this.#jobs) {
      const running = this.#running.get(name);
      if (running) {
        if (running.deadline && now.getTime() >= running.deadline.getTime()) {
          running.deadline = null;
          log({ type: "window-closed", time: now, job: name });
          running.controller.abort(new Error(`the time window of job '${name}' closed`));
        }
        continue;
      }
      const slot = this.#schedule(name, job).latestDue(this.#lastSlot(name, now), now);
      if (!slot) continue;
      if (job.window && !inWindow(now, job.window, job.timezone)) {
        if (this.#waitLogged.get(name) !== slot.getTime()) {
          this.#waitLogged.set(name, slot.getTime());
          const opens = nextWindowStart(now, job.window, job.timezone);
          log({ type: "waiting-for-window", time: now, job: name, slot, opens });
        }
        continue;
      }
      this.#start(name, job, slot, now);
    }
  }

  #start(name: string, job: Job, slot: Date, now: Date): void {
    const { clock, log, slots } = this.#deps;
    const controller = new AbortController();
    const catchUp = now.getTime() - slot.getTime() > (this.#deps.catchUpAfterMs ?? 60_000);
    log({ type: "run-started", time: now, job: name, slot, catch_up: catchUp });
    const deadline = job.window ? nextWindowEnd(now, job.window, job.timezone) : null;
    const done = (async () => {
      try {
        const outcome = await this.#deps.runJob(name, job, controller.signal);
        if (outcome.kind === "busy") {
          slots.set(name, slot);
          log({
            type: "run-skipped-busy",
            time: clock.now(),
            job: name,
            slot,
            message: outcome.message,
          });
        } else {
          if (outcome.result.status !== "interrupted") slots.set(name, slot);
          log({ type: "run-finished", time: clock.now(), job: name, slot, result: outcome.result });
          for (const n of outcome.notifications) {
            log({ type: "notification", time: clock.now(), job: name, outcome: n });
          }
        }
      } catch (e) {
        slots.set(name, slot);
        log({
          type: "run-error",
          time: clock.now(),
          job: name,
          slot,
          message: (e as Error).message,
        });
      } finally {
        this.#running.delete(name);
        this.#waitLogged.delete(name);
        if (!this.#stopping) this.#logNext(name);
        this.#kick.abort();
      }
    })();
    this.#running.set(name, { controller, slot, deadline, done });
  }

  /** The earliest time something may need doing. */
  #nextWake(now: number): number {
    let wake = Infinity;
    const at = new Date(now);
    for (const [name, job] of this.#jobs) {
      const running = this.#running.get(name);
      if (running) {
        if (running.deadline) wake = Math.min(wake, running.deadline.getTime());
        continue;
      }
      const next = this.#schedule(name, job).next(this.#lastSlot(name, at));
      if (!next) continue;
      let t = next.getTime();
      if (t <= now && job.window) t = nextWindowStart(at, job.window, job.timezone).getTime();
      wake = Math.min(wake, t);
    }
    return wake;
  }
}
