/**
 * A scheduled job as a form edits it: the fields a person sets, as text, named as the job's
 * fields are named in the config file (and in the errors of their validation). The TUI's job
 * form holds one; {@link jobInputOf} turns it into the job's fields for saving and
 * {@link jobDraftOf} reads a stored job back into one.
 *
 * @module
 */

/** The fields of a {@link JobDraft}, named as the engine names a job's fields. */
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

/** A job's editable fields, as text. */
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

/** True when `field` names a {@link JobField}. */
export function isJobField(field: string | undefined): field is JobField {
  return field !== undefined && (JOB_FIELDS as readonly string[]).includes(field);
}

function text(v: unknown): string {
  return typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
}

/**
 * The job's fields (snake_case, as in the config file) of `draft`, on top of `stored` (the job
 * it edits, or undefined): settings a draft does not hold (window, notify, bwlimit, ...) are
 * kept from the stored job. Empty texts mean "not set".
 */
export function jobInputOf(draft: JobDraft, stored?: unknown): Record<string, unknown> {
  const base = typeof stored === "object" && stored !== null && !Array.isArray(stored)
    ? stored
    : {};
  const timezone = draft.timezone.trim();
  return {
    ...base,
    folder: draft.folder,
    profile: draft.profile === "" ? undefined : draft.profile,
    prefix: draft.prefix,
    cron: draft.cron,
    timezone: timezone === "" ? undefined : timezone,
    exclude: draft.exclude,
    include_hidden: draft.include_hidden,
    delete: draft.delete,
    max_delete: draft.delete && draft.max_delete.trim() !== "" ? draft.max_delete : undefined,
  };
}

/** The draft of stored job `name` (best effort: an invalid job is read as it is). */
export function jobDraftOf(name: string, raw: unknown): JobDraft {
  const r = typeof raw === "object" && raw !== null ? raw as Record<string, unknown> : {};
  return {
    name,
    folder: text(r.folder),
    profile: text(r.profile),
    prefix: text(r.prefix),
    cron: text(r.cron),
    timezone: text(r.timezone),
    exclude: Array.isArray(r.exclude) ? r.exclude.map(text) : [],
    include_hidden: r.include_hidden === true,
    delete: r.delete === true,
    max_delete: text(r.max_delete),
  };
}
