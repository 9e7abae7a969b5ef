/**
 * The scheduled-jobs half of the fake engine: jobs kept in memory, validated by the engine's
 * own pure validators (so errors name the same fields as the real thing), scripted runs.
 *
 * @module
 */

import { basename } from "node:path";
import { EngineError } from "../../../src/engine/core/errors.ts";
import type { EngineEvent } from "../../../src/engine/core/events.ts";
import { validateJob, validateJobName } from "../../../src/engine/schedule/jobs.ts";
import { parseCron, validateTimezone } from "../../../src/engine/schedule/cron_schedule.ts";
import {
  type CronPreview,
  type JobDraft,
  jobFormError,
  type JobLast,
  type JobRow,
  type SaveJobResult,
} from "../../../src/tui/services/schedule_types.ts";
import type { RunOutcome } from "../../../src/tui/services/services.ts";

const REF = (field: string) => ({ field, code: "UsageError" as const });

/** A scripted job run: events, then an outcome (or wait for the stop). */
export interface ScriptedJobRun {
  events?: EngineEvent[];
  hang?: boolean;
  outcome?: RunOutcome;
}

/** In-memory jobs. */
export class FakeJobs {
  drafts = new Map<string, JobDraft>();
  last = new Map<string, JobLast>();
  /** Folders that exist (for Save's folder check). */
  folders = new Set<string>(["/home/me", "/home/me/Photos", "/home/me/Documents"]);
  profiles = new Set<string>(["home"]);
  run: ScriptedJobRun = {};
  calls: string[] = [];
  now = new Date("2026-11-24T12:00:00Z");

  /** Adds a job directly (test setup). */
  put(d: Partial<JobDraft> & { name: string }): void {
    this.drafts.set(d.name, {
      folder: "/home/me/Photos",
      profile: "",
      prefix: basename(d.folder ?? "/home/me/Photos"),
      cron: "0 2 * * *",
      timezone: "UTC",
      exclude: [],
      include_hidden: false,
      delete: false,
      max_delete: "",
      ...d,
    });
  }

  rows(): JobRow[] {
    return [...this.drafts.values()].sort((a, b) => a.name < b.name ? -1 : 1).map((d) => ({
      name: d.name,
      valid: true,
      error: null,
      folder: d.folder,
      profile: d.profile || "home",
      prefix: d.prefix,
      destination: `s3://photos/${d.prefix ? d.prefix + "/" : ""}`,
      cron: d.cron,
      timezone: d.timezone || "UTC",
      nextRun: parseCron(d.cron, d.timezone || "UTC", REF("cron")).next(this.now)!.toISOString(),
      last: this.last.get(d.name) ?? null,
      draft: structuredClone(d),
      extras: [],
    }));
  }

  preview(cron: string, timezone: string, count: number): CronPreview {
    try {
      const tz = timezone === "" ? "UTC" : validateTimezone(timezone, REF("timezone"));
      const runs = parseCron(cron, tz, REF("cron")).nextRuns(count, this.now);
      return { ok: true, runs: runs.map((d) => d.toISOString()), timezone: tz };
    } catch (e) {
      const f = jobFormError(e as EngineError);
      return { ok: false, field: f.field === "timezone" ? "timezone" : "cron", message: f.message };
    }
  }

  save(d: JobDraft, editing: string | null): SaveJobResult {
    this.calls.push(`save:${d.name}:${editing ?? ""}`);
    try {
      validateJobName(d.name, REF("name"));
      if ((editing === null || editing !== d.name) && this.drafts.has(d.name)) {
        return { saved: false, field: "name", message: `a job called '${d.name}' already exists.` };
      }
      if (d.profile !== "" && !this.profiles.has(d.profile)) {
        return {
          saved: false,
          field: "profile",
          message: `'${d.profile}' is not a saved profile.`,
        };
      }
      validateJob({
        ...d,
        profile: d.profile || undefined,
        timezone: d.timezone || undefined,
        max_delete: d.max_delete || undefined,
      }, REF);
      if (!this.folders.has(d.folder)) {
        throw new EngineError("UsageError", `folder: '${d.folder}' does not exist.`, {
          field: "folder",
        });
      }
    } catch (e) {
      return { saved: false, ...jobFormError(e as EngineError) };
    }
    if (editing !== null) this.drafts.delete(editing);
    this.drafts.set(d.name, structuredClone(d));
    return { saved: true, name: d.name };
  }

  remove(name: string): void {
    this.calls.push(`remove:${name}`);
    this.drafts.delete(name);
  }

  async runJob(name: string, sink: (e: EngineEvent) => void, signal: AbortSignal) {
    this.calls.push(`run:${name}`);
    for (const e of this.run.events ?? []) {
      sink(e);
      await new Promise((r) => setTimeout(r, 1));
    }
    const outcome: RunOutcome = this.run.hang
      ? await new Promise<RunOutcome>((resolve) => {
        const stop = () => resolve({ ...jobOutcome(), status: "interrupted", transferred: 1 });
        if (signal.aborted) return stop();
        signal.addEventListener("abort", stop, { once: true });
      })
      : this.run.outcome ?? jobOutcome();
    this.last.set(name, {
      status: outcome.status,
      exitCode: outcome.status === "success" ? 0 : 1,
      finishedAt: this.now.toISOString(),
      uploaded: outcome.transferred,
      failed: outcome.errors.length,
      error: outcome.message ?? null,
    });
    return outcome;
  }
}

/** A successful job run. */
export function jobOutcome(over: Partial<RunOutcome> = {}): RunOutcome {
  return {
    status: "success",
    transferred: 3,
    deleted: 0,
    skipped: 2,
    bytes: 4096,
    durationMs: 900,
    errors: [],
    ...over,
  };
}
