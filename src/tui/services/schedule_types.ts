/**
 * Scheduled backup jobs as the Settings screen sees them: a row of the list, the form's draft,
 * the live cron preview and what Save answers, and where an engine error points in the form.
 * Plain data (the draft itself is the engine's {@link JobDraft}); the engine side is
 * schedule_services.ts.
 *
 * @module
 */

import { isJobField, type JobDraft, type JobField } from "../../engine/schedule/job_draft.ts";

export type { JobDraft, JobField } from "../../engine/schedule/job_draft.ts";

/** The last run of a job, in a few facts. */
export interface JobLast {
  status: string;
  exitCode: number;
  /** ISO time the run finished. */
  finishedAt: string;
  /** Files uploaded, when the run has a report. */
  uploaded: number | null;
  /** Files that failed, when the run has a report. */
  failed: number | null;
  /** Why the run failed as a whole. */
  error: string | null;
}

/** One scheduled job as the Settings screen lists it. */
export interface JobRow {
  name: string;
  valid: boolean;
  /** Why the job is invalid, or null. */
  error: string | null;
  folder: string;
  /** The profile it uses (its own or the default). */
  profile: string;
  prefix: string;
  /** Where its objects go ("s3://bucket/path-prefix/prefix/"), or "" when unknown. */
  destination: string;
  cron: string;
  /** The time zone its schedule is read in (the system's when it names none). */
  timezone: string;
  /** ISO time of the next run, or null. */
  nextRun: string | null;
  last: JobLast | null;
  /** The job's fields as the form edits them (best effort for an invalid job). */
  draft: JobDraft;
  /** Settings the form does not show, which saving keeps ("window 01:00-05:00", ...). */
  extras: string[];
}

/** The next runs of a cron expression, or why it is not valid. */
export type CronPreview =
  | { ok: true; runs: string[]; timezone: string }
  | { ok: false; field: "cron" | "timezone"; message: string };

/** What Save did: saved, or the error and the field it names (null: no single field). */
export type SaveJobResult =
  | { saved: true; name: string }
  | { saved: false; field: JobField | null; message: string };

/**
 * Where a failed Save or preview points: the form field the error is about (the EngineError's
 * `field`, when it is one of the form's) and the message without that field's name in front
 * ("cron: 'x' has 1 field" under the cron field reads "'x' has 1 field"). An error about no
 * form field keeps its whole message and field null.
 */
export function jobFormError(
  error: { field?: string | undefined; message: string },
): { field: JobField | null; message: string } {
  const field = error.field;
  if (!isJobField(field)) return { field: null, message: error.message };
  const label = `${field}: `;
  const message = error.message.startsWith(label)
    ? error.message.slice(label.length)
    : error.message;
  return { field, message };
}
