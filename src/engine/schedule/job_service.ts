/**
 * UI-agnostic job operations for the CLI (`schedule ...`) and the TUI's Settings screen:
 * list jobs with their next run and last result, add (or replace) a job from its fields, save
 * a form's draft (a new job, an edit, a rename), remove a job, run one now. Nothing here
 * prints.
 *
 * @module
 */

import { type ConfigFile, loadConfig, updateConfig } from "../config/config.ts";
import { EngineError } from "../core/errors.ts";
import { type History, type HistoryRecord, sqliteHistory } from "../state/history.ts";
import { parseCron, systemTimezone } from "./cron_schedule.ts";
import {
  configJobRef,
  getJob,
  type Job,
  type JobFieldRef,
  jobProfile,
  readJobs,
  validateJob,
  validateJobName,
} from "./jobs.ts";
import type { SlotStore } from "../state/job_slots.ts";
import { type JobDraft, jobInputOf } from "./job_draft.ts";
import { type JobRunDeps, type JobRunOutcome, runJob } from "./job_run.ts";
import { nextRunAt } from "./scheduler.ts";
import { defaultS3Prefix } from "../backup/backup.ts";
import { lockDirIn } from "./job_lock.ts";
import { createJobBackupRunner } from "./job_backup.ts";
import { createNotifier } from "./notify.ts";
import type { EventSink } from "../core/events.ts";
import type { Env } from "../config/paths.ts";
import type { SecretLoader } from "../config/settings.ts";
import type { StateDb } from "../state/state_db.ts";

/** The last run of a job, from the history. */
export interface JobLastResult {
  status: HistoryRecord["status"];
  exit_code: number;
  started_at: string;
  finished_at: string;
  report: unknown;
  error: string | null;
}

/** One row of the job list. */
export interface JobSummary {
  name: string;
  /** The job, or null when it does not validate (see `error`). */
  job: Job | null;
  /** Why the job is invalid, or null. */
  error: string | null;
  /** The profile it uses (its own or the default). */
  profile: string | null;
  /** The time zone its schedule is read in. */
  timezone: string;
  /** ISO time of the next run, or null (invalid, or never). */
  next_run: string | null;
  last_result: JobLastResult | null;
}

/** Lists every job of `config` with its next run (seen from `now`) and last result. */
export function listJobs(
  config: ConfigFile,
  configPath: string,
  history: History | null,
  options: { now?: Date; slots?: SlotStore } = {},
): JobSummary[] {
  const now = options.now ?? new Date();
  const { jobs, invalid } = readJobs(config, configPath);
  const last = (name: string): JobLastResult | null => {
    const r = history?.list(1, { command: "backup", job: name })[0];
    return r
      ? {
        status: r.status,
        exit_code: r.exit_code,
        started_at: r.started_at,
        finished_at: r.finished_at,
        report: r.report,
        error: r.error,
      }
      : null;
  };
  const rows: JobSummary[] = [];
  for (const [name, job] of jobs) {
    const schedule = parseCron(job.cron, job.timezone, configJobRef(configPath, name)("cron"));
    const next = nextRunAt(job, schedule, options.slots?.get(name) ?? null, now);
    rows.push({
      name,
      job,
      error: null,
      profile: jobProfile(job, config),
      timezone: job.timezone ?? systemTimezone(),
      next_run: next ? next.toISOString() : null,
      last_result: last(name),
    });
  }
  for (const bad of invalid) {
    rows.push({
      name: bad.name,
      job: null,
      error: bad.error.message,
      profile: null,
      timezone: systemTimezone(),
      next_run: null,
      last_result: last(bad.name),
    });
  }
  return rows.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** Fields named as in the config file ("cron: ..."), the names a {@link JobDraft} uses. */
const draftRef: JobFieldRef = (field) => ({ field, code: "UsageError" });

/** The job name of `schedule add` (its NAME argument). */
const NAME_REF = { field: "NAME", code: "UsageError" } as const;

/** Options of {@link addJob}. */
export interface AddJobOptions {
  /** Overwrite an existing job of that name (the TUI's edit). */
  replace?: boolean;
  /** How fields are named in messages (default: flag names, as `schedule add` takes them). */
  ref?: JobFieldRef;
  /** Records "added now" as the job's starting slot, so a slot after it is caught up. */
  slots?: SlotStore;
  now?: Date;
}

/**
 * Validates `input` (the job's fields, snake_case as in the file) and saves it as job `name`.
 * The profile it names (or the default) must exist, and the folder must be a folder. Without a
 * `prefix` the folder's own name is used, as `backup` does.
 */
export async function addJob(
  configPath: string,
  name: string,
  input: Record<string, unknown>,
  options: AddJobOptions = {},
): Promise<Job> {
  const ref = options.ref ?? draftRef;
  validateJobName(name, NAME_REF);
  const withPrefix = input.prefix === undefined && typeof input.folder === "string"
    ? { ...input, prefix: defaultS3Prefix(input.folder) }
    : input;
  const job = validateJob(withPrefix, ref);
  const folder = ref("folder").field;
  let st: Deno.FileInfo;
  try {
    st = await Deno.stat(job.folder);
  } catch {
    throw new EngineError(
      "UsageError",
      `${folder}: '${job.folder}' does not exist: give the folder to back up.`,
      { field: folder },
    );
  }
  if (!st.isDirectory) {
    throw new EngineError("UsageError", `${folder}: '${job.folder}' is not a folder.`, {
      field: folder,
    });
  }
  await updateConfig(configPath, (config) => {
    const profile = jobProfile(job, config);
    if (!config.profiles[profile]) {
      const known = Object.keys(config.profiles);
      throw new EngineError(
        "NotConfigured",
        `Job '${name}' would use profile '${profile}', which does not exist${
          known.length ? ` (profiles: ${known.join(", ")})` : ""
        }: run 'eigen-s3 configure --profile ${profile}' first, or pick one with --profile.`,
        { field: ref("profile").field },
      );
    }
    if (config.jobs?.[name] !== undefined && !options.replace) {
      throw new EngineError(
        "UsageError",
        `Job '${name}' already exists: remove it first ('eigen-s3 schedule remove ${name}') or choose another name.`,
        { field: NAME_REF.field },
      );
    }
    config.jobs = { ...(config.jobs ?? {}), [name]: job };
  });
  options.slots?.set(name, options.now ?? new Date());
  return job;
}

/** Removes job `name` (even one that does not validate). NotConfigured when there is none. */
export async function removeJob(
  configPath: string,
  name: string,
  options: { slots?: SlotStore } = {},
): Promise<void> {
  await updateConfig(configPath, (config) => {
    if (config.jobs?.[name] === undefined) getJob(config, configPath, name); // throws NotConfigured
    const jobs = { ...(config.jobs ?? {}) };
    delete jobs[name];
    config.jobs = jobs;
  });
  options.slots?.remove(name);
}

/** Options of {@link saveJob}. */
export interface SaveJobOptions {
  /**
   * The job the draft edits, or null for a new job. An edit is saved over that job (renaming
   * it when the draft's name differs) and keeps the settings a draft does not hold.
   */
  editing: string | null;
  /** Records "saved now" as the job's starting slot (the old name's slot goes on a rename). */
  slots?: SlotStore;
  now?: Date;
}

/**
 * Saves `draft` as a new job or over job `options.editing`. A new name must not be taken, the
 * profile (or the default one) must be saved, the folder must be a folder; then the job is
 * validated as {@link addJob} does. A rename saves the job under its new name, then removes the
 * old one.
 *
 * Every error is an EngineError whose `field` names the {@link JobDraft} field it is about
 * ("name", "cron", ...) and whose message starts with that name ("cron: ..."), except the
 * taken name and the unknown profile, whose messages stand alone.
 */
export async function saveJob(
  configPath: string,
  draft: JobDraft,
  options: SaveJobOptions,
): Promise<Job> {
  const { editing } = options;
  validateJobName(draft.name, draftRef("name"));
  const config = await loadConfig(configPath);
  const renamed = editing !== null && editing !== draft.name;
  if ((editing === null || renamed) && config.jobs?.[draft.name] !== undefined) {
    throw new EngineError(
      "UsageError",
      `a job called '${draft.name}' already exists: choose another name.`,
      { field: "name" },
    );
  }
  const profile = draft.profile || config.default_profile || "default";
  if (!config.profiles[profile]) {
    const known = Object.keys(config.profiles);
    throw new EngineError(
      "NotConfigured",
      `'${profile}' is not a saved profile: ${
        known.length ? `choose one of ${known.join(", ")}` : "save a profile first"
      }.`,
      { field: "profile" },
    );
  }
  const stored = editing !== null ? config.jobs?.[editing] : undefined;
  const slots = options.slots ? { slots: options.slots } : {};
  const job = await addJob(configPath, draft.name, jobInputOf(draft, stored), {
    replace: editing !== null && !renamed,
    ref: draftRef,
    ...slots,
    ...(options.now ? { now: options.now } : {}),
  });
  if (renamed) await removeJob(configPath, editing, slots);
  return job;
}

/** What {@link realJobRunDeps} needs: where things are, and how to read secrets. */
export interface RealJobRunContext {
  configPath: string;
  stateDir: string;
  /** The open state database (history, slots, manifest). */
  state: StateDb;
  env: Env;
  loadSecret: SecretLoader;
  /** Progress and notices of the backup. */
  events?: EventSink;
}

/**
 * The dependencies of real job runs (the backup engine, the job locks, the history, webhook
 * and desktop notifications), for {@link runJobNow} and the daemon.
 */
export function realJobRunDeps(c: RealJobRunContext): JobRunDeps {
  return {
    lockDir: lockDirIn(c.stateDir),
    runner: createJobBackupRunner({
      // Fresh for every run: a long-running daemon sees profile and default changes.
      config: () => loadConfig(c.configPath),
      configPath: c.configPath,
      env: c.env,
      loadSecret: c.loadSecret,
      stateDir: c.stateDir,
      state: c.state,
    }),
    history: sqliteHistory(c.state),
    notifier: createNotifier({ desktop: { env: c.env } }),
    ...(c.events ? { events: c.events } : {}),
  };
}

/** Runs job `name` now (a manual run: the time window does not apply). */
export function runJobNow(
  config: ConfigFile,
  configPath: string,
  name: string,
  signal: AbortSignal,
  deps: JobRunDeps,
): Promise<JobRunOutcome> {
  const job = getJob(config, configPath, name);
  return runJob(name, job, "manual", signal, deps);
}
