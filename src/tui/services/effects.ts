/**
 * Runs the effects the reducer queues: calls the engine through {@link TuiServices} and turns
 * the answers into actions. Engine events of a running transfer are batched and dispatched at
 * most ten times a second, however fast they come.
 *
 * @module
 */

import type { EngineEvent } from "../../engine/core/events.ts";
import type { PassphraseBridge } from "./passphrase_bridge.ts";
import type { PlannedRun, RunOutcome, TuiServices } from "./services.ts";
import type { Action, QueuedEffect, RunKind } from "../state/app_state.ts";
import { HISTORY_LIMIT } from "../state/history_screen.ts";
import { PREVIEW_RUNS } from "../state/schedule_form.ts";

/** How often (at most) a running transfer's events reach the reducer. */
export const EVENT_INTERVAL_MS = 100;

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Runs effects for one app instance; `dispose()` aborts what is still going. */
export class EffectRunner {
  #plans = new Map<number, PlannedRun>();
  #jobs = new Map<RunKind, AbortController>();
  #running = new Set<Promise<unknown>>();
  #life = new AbortController();
  #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private readonly services: TuiServices,
    private readonly dispatch: (a: Action) => void,
    private readonly bridge?: PassphraseBridge,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Starts one effect (does not wait for it). */
  run(effect: QueuedEffect): void {
    const p = this.#exec(effect).catch((e) => {
      if (!this.#life.signal.aborted) {
        this.dispatch({ type: "effect-failed", effect: effect.kind, message: messageOf(e) });
      }
    });
    this.#running.add(p);
    p.finally(() => this.#running.delete(p));
  }

  /** Resolves when every started effect has settled (tests). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  /** True while a transfer runs. */
  get busy(): boolean {
    return this.#jobs.size > 0;
  }

  /** Aborts transfers and pending work; resolves when they have stopped. */
  async dispose(): Promise<void> {
    this.#life.abort();
    for (const c of this.#jobs.values()) c.abort();
    this.bridge?.cancelAll();
    await Promise.allSettled([...this.#running]);
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const p of this.#plans.values()) p.discard();
    this.#plans.clear();
  }

  #emit(a: Action): void {
    if (!this.#life.signal.aborted) this.dispatch(a);
  }

  async #exec(e: QueuedEffect): Promise<void> {
    const s = this.services;
    const signal = this.#life.signal;
    switch (e.kind) {
      case "load-config": {
        const config = await s.loadConfig();
        const select = e.select ?? s.initialProfile(config);
        this.#emit({ type: "config-loaded", config, select, message: e.message });
        return;
      }
      case "test-connection": {
        const status = await s.testConnection(e.draft, signal);
        this.#emit({ type: "connection-tested", status, name: e.draft.name });
        return;
      }
      case "list-buckets":
        this.#emit({ type: "buckets-listed", buckets: await s.listBuckets(e.draft, signal) });
        return;
      case "save-profile": {
        const result = await s.saveProfile(e.draft, e.skipTest, signal);
        this.#emit({ type: "profile-saved", result, draft: e.draft });
        return;
      }
      case "remove-profile": {
        const config = await s.removeProfile(e.name);
        this.#emit({
          type: "config-loaded",
          config,
          select: null,
          message: { text: `Removed profile '${e.name}' and its secret.`, tone: "ok" },
        });
        return;
      }
      case "make-default": {
        const config = await s.makeDefault(e.name);
        this.#emit({
          type: "config-loaded",
          config,
          select: e.name,
          message: { text: `'${e.name}' is now the default profile.`, tone: "ok" },
        });
        return;
      }
      case "save-defaults":
        this.#emit({ type: "defaults-saved", config: await s.saveDefaults(e.defaults) });
        return;
      case "list-remote": {
        try {
          const page = await s.listRemote(e.profile, e.prefix, e.token, signal);
          this.#emit({ type: "remote-page", target: e.target, reqId: e.reqId, page });
        } catch (err) {
          this.#emit({
            type: "remote-failed",
            target: e.target,
            reqId: e.reqId,
            message: messageOf(err),
          });
        }
        return;
      }
      case "list-local": {
        try {
          this.#emit({ type: "local-listed", reqId: e.reqId, entries: await s.listLocal(e.path) });
        } catch (err) {
          this.#emit({ type: "local-failed", reqId: e.reqId, message: messageOf(err) });
        }
        return;
      }
      case "load-history":
        this.#emit({ type: "history-loaded", records: await s.history(HISTORY_LIMIT) });
        return;
      case "load-jobs":
        this.#emit({ type: "jobs-loaded", jobs: await s.jobs() });
        return;
      case "preview-cron": {
        const preview = await s.cronPreview(e.cron, e.timezone, PREVIEW_RUNS);
        this.#emit({ type: "cron-previewed", reqId: e.reqId, preview });
        return;
      }
      case "save-job":
        this.#emit({ type: "job-saved", result: await s.saveJob(e.draft, e.editing) });
        return;
      case "remove-job":
        await s.removeJob(e.name);
        this.#emit({ type: "job-removed", name: e.name });
        return;
      case "run-job":
        return this.#stream("scheduled", (sink, signal) => s.runJob(e.name, sink, signal));
      case "plan":
        return this.#plan(e);
      case "run":
        return this.#runPlan(e.job, e.planId);
      case "discard": {
        this.#plans.get(e.planId)?.discard();
        this.#plans.delete(e.planId);
        return;
      }
      case "abort":
        this.#jobs.get(e.job)?.abort();
        return;
      case "passphrase-answer":
        this.bridge?.answer(e.question, e.value);
        return;
    }
  }

  async #plan(e: Extract<QueuedEffect, { kind: "plan" }>): Promise<void> {
    const controller = new AbortController();
    this.#jobs.set(e.job, controller);
    const stop = () => controller.abort();
    this.#life.signal.addEventListener("abort", stop);
    try {
      const plan = e.job === "backup"
        ? await this.services.planBackup(
          e.request as Parameters<TuiServices["planBackup"]>[0],
          controller.signal,
        )
        : await this.services.planRestore(
          e.request as Parameters<TuiServices["planRestore"]>[0],
          controller.signal,
        );
      if (controller.signal.aborted) {
        plan.discard();
        this.#emit({
          type: "plan-failed",
          job: e.job,
          planId: e.planId,
          message: "Stopped before anything was changed.",
        });
        return;
      }
      this.#plans.set(e.planId, plan);
      this.#emit({ type: "plan-ready", job: e.job, planId: e.planId, summary: plan.summary });
    } catch (err) {
      this.#emit({ type: "plan-failed", job: e.job, planId: e.planId, message: messageOf(err) });
    } finally {
      this.#life.signal.removeEventListener("abort", stop);
      if (this.#jobs.get(e.job) === controller) this.#jobs.delete(e.job);
    }
  }

  async #runPlan(job: RunKind, planId: number): Promise<void> {
    const plan = this.#plans.get(planId);
    if (!plan) return;
    this.#plans.delete(planId);
    await this.#stream(job, (sink, signal) => plan.run(sink, signal));
  }

  /**
   * Runs a transfer: started, its events batched at most every {@link EVENT_INTERVAL_MS},
   * done with its outcome (a throw becomes a failed or interrupted outcome).
   */
  async #stream(
    job: RunKind,
    work: (sink: (e: EngineEvent) => void, signal: AbortSignal) => Promise<RunOutcome>,
  ): Promise<void> {
    const controller = new AbortController();
    this.#jobs.set(job, controller);
    const stop = () => controller.abort();
    this.#life.signal.addEventListener("abort", stop);
    let buffer: EngineEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const flush = () => {
      if (timer !== undefined) {
        clearTimeout(timer);
        this.#timers.delete(timer);
        timer = undefined;
      }
      last = this.now();
      if (buffer.length === 0) return;
      const events = buffer;
      buffer = [];
      this.#emit({ type: "transfer-events", job, events, at: last });
    };
    const sink = (event: EngineEvent) => {
      buffer.push(event);
      if (timer !== undefined) return;
      const wait = Math.max(0, EVENT_INTERVAL_MS - (this.now() - last));
      timer = setTimeout(flush, wait);
      this.#timers.add(timer);
    };
    this.#emit({ type: "transfer-started", job, at: this.now() });
    last = this.now();
    try {
      const outcome = await work(sink, controller.signal);
      flush();
      this.#emit({ type: "transfer-done", job, outcome });
    } catch (err) {
      flush();
      this.#emit({
        type: "transfer-done",
        job,
        outcome: {
          status: controller.signal.aborted ? "interrupted" : "failed",
          transferred: 0,
          deleted: 0,
          skipped: 0,
          bytes: 0,
          durationMs: 0,
          errors: [],
          message: messageOf(err),
        },
      });
    } finally {
      this.#life.signal.removeEventListener("abort", stop);
      if (this.#jobs.get(job) === controller) this.#jobs.delete(job);
    }
  }
}
