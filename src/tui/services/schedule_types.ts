/**
 * Scheduled backup jobs as the Settings screen sees them: a row of the list, the form's draft,
 * the live cron preview and what Save answers. Plain data; the engine side is
 * schedule_services.ts.
 *
 * @module
 */

/** Fields of the job form, named as the engine names a job's fields in its messages. */
export type JobField =
  | "name"
  | "folder"
  | "profile"
  | "prefix"
  | "cron"
  | "timezone"
  | "exclude"
  | "include_hidden"
  | "delete"
  | "max_delete";

/** Every {@link JobField}, in form order. */
export const JOB_FIELDS: readonly JobField[] = [
  "name",
  "folder",
  "profile",
  "prefix",
  "cron",
  "timezone",
  "exclude",
  "include_hidden",
  "delete",
  "max_delete",
];

/** The job form's values. */
export interface JobDraft {
  name: string;
  /** Absolute path of the folder to back up. */
  folder: string;
  /** "" for the default profile. */
  profile: string;
  /** S3 prefix under the profile's path prefix ("" for its root). */
  prefix: string;
  cron: string;
  /** IANA time zone, "" for the system's. */
  timezone: string;
  exclude: string[];
  include_hidden: boolean;
  delete: boolean;
  /** "100" or "10%", "" for the default guard. */
  max_delete: string;
}

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
 * Splits an engine message that names a job field ("cron: 'x' has 1 field, not 5: ...") into
 * the field and the rest; a message naming no form field comes back whole with field null.
 */
export function fieldOfMessage(message: string): { field: JobField | null; message: string } {
  const m = /^([a-z_.]+): ([\s\S]*)$/.exec(message);
  if (m && (JOB_FIELDS as readonly string[]).includes(m[1]!)) {
    return { field: m[1] as JobField, message: m[2]! };
  }
  return { field: null, message };
}
