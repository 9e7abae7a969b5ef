/**
 * Scheduled jobs for the TUI, through the engine's job service (the functions `schedule add`,
 * `schedule list`, `schedule remove` and `schedule run` use): rows with the next run and the
 * last result, the live cron preview, Save (edits keep the settings the form does not show),
 * remove and run now. Engine modules load on first use, so opening the TUI stays fast.
 *
 * @module
 */

import type { Session } from "../../engine/session/session.ts";
import { type ConfigFile, loadConfig } from "../../engine/config/config.ts";
import { EngineError } from "../../engine/core/errors.ts";
import type { EventSink } from "../../engine/core/events.ts";
import type { JobSummary } from "../../engine/schedule/job_service.ts";
import type { SyncReport } from "../../engine/backup/backup_report.ts";
import type { SecretLoader } from "../../engine/config/settings.ts";
import type { RunOutcome } from "./services.ts";
import { jobDraftOf } from "../../engine/schedule/job_draft.ts";
import {
  type CronPreview,
  type JobDraft,
  jobFormError,
  type JobLast,
  type JobRow,
  type SaveJobResult,
} from "./schedule_types.ts";

/** Engine field references that keep the bare field name ("cron: ..."). */
const REF = (field: string) => ({ field, code: "UsageError" as const });

function text(v: unknown): string {
  return typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
}

/** Settings of a stored job that the form does not show (kept when it is saved). */
export function extrasOfRaw(raw: unknown): string[] {
  if (typeof raw !== "object" || raw === null) return [];
  const r = raw as Record<string, unknown>;
  const out: string[] = [];
  const w = r.window as { start?: unknown; end?: unknown } | undefined;
  if (w && typeof w === "object") out.push(`window ${text(w.start)}-${text(w.end)}`);
  for (const k of ["concurrency", "storage_class", "sse", "bwlimit"]) {
    if (r[k] !== undefined && r[k] !== null) out.push(`${k.replace("_", " ")} ${text(r[k])}`);
  }
  const n = r.notify as Record<string, unknown> | undefined;
  if (n && typeof n === "object") {
    if (n.webhook) out.push("webhook");
    if (n.desktop === true) out.push("desktop notification");
    if (n.on === "failure") out.push("notify on failure only");
  }
  return out;
}

function lastOf(s: JobSummary): JobLast | null {
  const r = s.last_result;
  if (!r) return null;
  const rep = r.report as Partial<SyncReport> | null;
  const counted = rep !== null && typeof rep === "object" && typeof rep.files_uploaded === "number";
  return {
    status: r.status,
    exitCode: r.exit_code,
    finishedAt: r.finished_at,
    uploaded: counted ? rep.files_uploaded! : null,
    failed: counted && Array.isArray(rep.errors) ? rep.errors.length : null,
    error: r.error,
  };
}

function destinationOf(config: ConfigFile, profile: string | null, prefix: string): string {
  const p = profile ? config.profiles[profile] : undefined;
  if (!p) return "";
  const clean = prefix.replace(/^\/+|\/+$/g, "");
  return `s3://${p.bucket_name}/${p.path_prefix}${clean ? clean + "/" : ""}`;
}

/** The rows of the job list. */
export function jobRows(config: ConfigFile, summaries: JobSummary[]): JobRow[] {
  return summaries.map((s) => {
    const raw = config.jobs?.[s.name];
    const draft = jobDraftOf(s.name, s.job ?? raw);
    const profile = s.profile ?? (draft.profile || config.default_profile || "default");
    return {
      name: s.name,
      valid: s.job !== null,
      error: s.error,
      folder: draft.folder,
      profile,
      prefix: draft.prefix,
      destination: destinationOf(config, profile, draft.prefix),
      cron: draft.cron,
      timezone: s.timezone,
      nextRun: s.next_run,
      last: lastOf(s),
      draft,
      extras: extrasOfRaw(raw),
    };
  });
}

/** The outcome of a job run as the TUI shows it. */
function outcomeOf(
  r: { status: string; report: SyncReport | null; error: string | null },
  ms: number,
): RunOutcome {
  const rep = r.report;
  const status = r.status === "partial" || r.status === "interrupted" || r.status === "failed"
    ? r.status
    : "success";
  const out: RunOutcome = {
    status,
    transferred: rep?.files_uploaded ?? 0,
    deleted: rep?.files_deleted ?? 0,
    skipped: rep?.files_skipped ?? 0,
    bytes: rep?.bytes_transferred ?? 0,
    durationMs: rep?.duration_ms ?? ms,
    errors: (rep?.errors ?? []).map((e) => ({ name: e.path || e.key, message: e.message })),
  };
  if (r.error) out.message = r.error;
  return out;
}

/** Scheduled jobs for one TUI session. */
export class ScheduleServices {
  constructor(private readonly ctx: Session, private readonly loadSecret: SecretLoader) {}

  async #slots() {
    const { sqliteSlots } = await import("../../engine/state/job_slots.ts");
    return sqliteSlots(await this.ctx.state());
  }

  /** Every job with its next run and last result. */
  async jobs(): Promise<JobRow[]> {
    const { listJobs } = await import("../../engine/schedule/job_service.ts");
    const { sqliteHistory } = await import("../../engine/state/history.ts");
    const config = await loadConfig(this.ctx.configPath);
    const history = sqliteHistory(await this.ctx.state());
    const summaries = listJobs(config, this.ctx.configPath, history, {
      slots: await this.#slots(),
    });
    return jobRows(config, summaries);
  }

  /** The next `count` runs of `cron` in `timezone` ("" for the system's), or the error. */
  async cronPreview(cron: string, timezone: string, count: number): Promise<CronPreview> {
    const { parseCron, systemTimezone, validateTimezone } = await import(
      "../../engine/schedule/cron_schedule.ts"
    );
    try {
      const tz = timezone.trim() === "" ? undefined : validateTimezone(timezone, REF("timezone"));
      const schedule = parseCron(cron, tz, REF("cron"));
      const runs = schedule.nextRuns(count, new Date()).map((d) => d.toISOString());
      return { ok: true, runs, timezone: tz ?? systemTimezone() };
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      const f = jobFormError(e);
      return { ok: false, field: f.field === "timezone" ? "timezone" : "cron", message: f.message };
    }
  }

  /**
   * Saves `draft` as a new job (`editing` null) or over job `editing` (renaming it when the
   * name changed), through the engine's `saveJob`. Settings the form does not show are
   * kept from the stored job; an error comes back at the field it names.
   */
  async saveJob(draft: JobDraft, editing: string | null): Promise<SaveJobResult> {
    const { saveJob } = await import("../../engine/schedule/job_service.ts");
    try {
      await saveJob(this.ctx.configPath, draft, { editing, slots: await this.#slots() });
      return { saved: true, name: draft.name };
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      return { saved: false, ...jobFormError(e) };
    }
  }

  /** Removes job `name`. */
  async removeJob(name: string): Promise<void> {
    const { removeJob } = await import("../../engine/schedule/job_service.ts");
    await removeJob(this.ctx.configPath, name, { slots: await this.#slots() });
  }

  /** Runs job `name` now (under its lock, recorded in the history, notified as configured). */
  async runJob(name: string, sink: EventSink, signal: AbortSignal): Promise<RunOutcome> {
    const { realJobRunDeps, runJobNow } = await import("../../engine/schedule/job_service.ts");
    const started = performance.now();
    const deps = realJobRunDeps({
      configPath: this.ctx.configPath,
      stateDir: this.ctx.stateDir,
      state: await this.ctx.state(),
      env: this.ctx.env,
      loadSecret: this.loadSecret,
      events: sink,
    });
    const config = await loadConfig(this.ctx.configPath);
    const out = await runJobNow(config, this.ctx.configPath, name, signal, deps);
    const ms = Math.round(performance.now() - started);
    if (out.kind === "busy") {
      return outcomeOf({ status: "failed", report: null, error: out.message }, ms);
    }
    return outcomeOf(out.result, ms);
  }
}
