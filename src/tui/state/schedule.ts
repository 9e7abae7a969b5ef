/**
 * Scheduled jobs on the Settings screen: the list (cursor, scrolling), add and edit (the job
 * form), remove after a question, run now (progress and result through the transfer state,
 * Ctrl+C stops it like a backup), and the answers of the engine.
 *
 * @module
 */

import type { Command } from "../input/keymap.ts";
import type { JobRow } from "../services/schedule_types.ts";
import type { PlanSummary } from "../services/services.ts";
import {
  type Action,
  type AppState,
  type ScheduleState,
  withEffect,
  withStatus,
} from "./app_state.ts";
import { focusField } from "./form.ts";
import { settingsJobRows } from "./layout.ts";
import { moveCursor } from "./list_cursor.ts";
import { cronPreviewed, jobSaved, openJobForm } from "./schedule_form.ts";
import { IDLE_TRANSFER, isBusy, planning } from "./transfer.ts";

/** No jobs read yet, nothing running. */
export const INITIAL_SCHEDULE: ScheduleState = {
  rows: null,
  error: null,
  cursor: 0,
  select: null,
  form: null,
  running: null,
  transfer: IDLE_TRANSFER,
};

/** The job under the cursor. */
export function currentJob(s: AppState): JobRow | undefined {
  return s.schedule.rows?.[s.schedule.cursor];
}

function setSchedule(s: AppState, patch: Partial<ScheduleState>): AppState {
  return { ...s, schedule: { ...s.schedule, ...patch } };
}

function askRemove(s: AppState, row: JobRow): AppState {
  if (s.schedule.running === row.name && isBusy(s.schedule.transfer)) {
    return withStatus(s, `Job '${row.name}' is running: stop it first (Ctrl+C).`, "warn");
  }
  return {
    ...s,
    overlay: {
      kind: "confirm",
      title: `Remove job '${row.name}'?`,
      lines: [
        "The job is deleted from the config file; it no longer runs on its schedule.",
        "Objects it already backed up stay in the bucket.",
        "Installed timers (schedule install): run 'eigen-s3 schedule install' again.",
      ],
      danger: true,
      yes: { type: "remove-job", name: row.name },
      no: null,
      labels: ["remove", "keep it"],
    },
  };
}

/** The plan summary a job run shows (its route; the numbers come as it runs). */
function runSummary(row: JobRow): PlanSummary {
  return {
    transfers: 0,
    transferBytes: 0,
    deletes: 0,
    skips: 0,
    route: `${row.folder} -> ${row.destination || `profile ${row.profile}`}`,
    notes: [],
    lines: [],
  };
}

function runNow(s: AppState, row: JobRow): AppState {
  if (isBusy(s.schedule.transfer)) {
    return withStatus(
      s,
      `Job '${s.schedule.running}' is running: wait for it, or stop it with Ctrl+C.`,
      "warn",
    );
  }
  if (!row.valid) {
    return withStatus(s, `Job '${row.name}' is not valid: press e to fix it.`, "error");
  }
  const next = setSchedule(s, {
    running: row.name,
    transfer: { ...planning(false), summary: runSummary(row) },
  });
  return withStatus(
    withEffect(next, { kind: "run-job", name: row.name }),
    `Running job '${row.name}' now...`,
    "info",
  );
}

/** Handles a command while the job list has the focus; null for the commands it leaves. */
export function jobListCommand(s: AppState, command: Command): AppState | null {
  const rows = s.schedule.rows ?? [];
  const page = settingsJobRows(s.size.rows, s.schedule.transfer);
  if (command === "list.up" && s.schedule.cursor === 0) {
    return { ...s, settings: { ...s.settings, form: focusField(s.settings.form, "save") } };
  }
  const moved = moveCursor(s.schedule.cursor, rows.length, command, page);
  if (moved !== null) return setSchedule(s, { cursor: moved });
  const row = rows[s.schedule.cursor];
  switch (command) {
    case "jobs.add":
      return openJobForm(s, null, s.profile ?? "");
    case "jobs.edit":
      return row ? openJobForm(s, row) : withStatus(s, "No jobs yet: press a to add one.");
    case "jobs.remove":
      return row ? askRemove(s, row) : s;
    case "jobs.run":
      return row ? runNow(s, row) : withStatus(s, "No jobs yet: press a to add one.");
    default:
      return null;
  }
}

/** The job list arrived: keep the cursor on the same job (or the one to select). */
export function jobsLoaded(s: AppState, rows: JobRow[]): AppState {
  const want = s.schedule.select ?? currentJob(s)?.name;
  const at = want === undefined ? -1 : rows.findIndex((r) => r.name === want);
  const cursor = at >= 0 ? at : Math.min(s.schedule.cursor, Math.max(0, rows.length - 1));
  return setSchedule(s, { rows, error: null, cursor, select: null });
}

/** Answers of the engine about jobs; null for other actions. */
export function scheduleAction(s: AppState, a: Action): AppState | null {
  switch (a.type) {
    case "jobs-loaded":
      return jobsLoaded(s, a.jobs);
    case "cron-previewed":
      return cronPreviewed(s, a.reqId, a.preview);
    case "job-saved":
      return jobSaved(s, a.result);
    case "remove-job":
      return withEffect(s, { kind: "remove-job", name: a.name });
    case "job-removed":
      return withStatus(
        withEffect(s, { kind: "load-jobs" }),
        `Removed job '${a.name}'.`,
        "ok",
      );
    default:
      return null;
  }
}
