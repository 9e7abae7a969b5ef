/**
 * The filter and window fields of a scheduled job (as in the config file, snake_case), their
 * validation, and the backup options they become at each run. List files (`include_from`,
 * `exclude_from`, `files_from`, `files_from0`) are absolute paths read when the job runs, so
 * editing a list changes the next run without touching the job.
 *
 * @module
 */

import { EngineError } from "../core/errors.ts";
import type { FieldRef } from "../core/validate.ts";
import {
  FILTER_FLAGS,
  type FilterOptions,
  validateFilterOptions,
} from "../local/filter_options.ts";
import { type CutoffMode, type CutoffOptions, parseCutoff } from "../backup/backup_cutoff.ts";

/** A job's filter and window fields (all optional). */
export interface JobFilterFields {
  include?: string[];
  include_from?: string[];
  exclude_from?: string[];
  files_from?: string[];
  files_from0?: string[];
  exclude_if_present?: string[];
  /** "500K" (backup --min-size). */
  min_size?: string;
  max_size?: string;
  /** "90d" or a date (backup --min-age). */
  min_age?: string;
  max_age?: string;
  /** "5h" (backup --max-duration). */
  max_duration?: string;
  /** "10G" (backup --max-transfer). */
  max_transfer?: string;
  cutoff_mode?: CutoffMode;
}

/** Job field -> filter option. */
const OPTION_OF: Readonly<Record<string, keyof FilterOptions>> = {
  include: "include",
  include_from: "includeFrom",
  exclude_from: "excludeFrom",
  files_from: "filesFrom",
  files_from0: "filesFrom0",
  exclude_if_present: "excludeIfPresent",
  min_size: "minSize",
  max_size: "maxSize",
  min_age: "minAge",
  max_age: "maxAge",
};

const LISTS = [
  "include",
  "include_from",
  "exclude_from",
  "files_from",
  "files_from0",
  "exclude_if_present",
] as const;
const FILES = new Set(["include_from", "exclude_from", "files_from", "files_from0"]);
const TEXTS = [
  "min_size",
  "max_size",
  "min_age",
  "max_age",
  "max_duration",
  "max_transfer",
] as const;

/** The `schedule add` flag of each field. */
export const JOB_FILTER_FLAGS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(OPTION_OF).map(([f, o]) => [f, FILTER_FLAGS[o]])),
  max_duration: "--max-duration",
  max_transfer: "--max-transfer",
  cutoff_mode: "--cutoff-mode",
};

function fail(ref: FieldRef, message: string): never {
  throw new EngineError(ref.code, `${ref.field}: ${message}`, { field: ref.field });
}

const isAbsolutePath = (p: string) => p.startsWith("/") || /^[A-Za-z]:[\\/]/.test(p);

/**
 * Validates the filter and window fields of raw job `r` (`exclude` is the job's own, already
 * checked); returns the fields that are set. Throws an EngineError naming the field.
 */
export function validateJobFilters(
  r: Record<string, unknown>,
  exclude: readonly string[],
  at: (field: string) => FieldRef,
): JobFilterFields {
  const out: JobFilterFields = {};
  for (const field of LISTS) {
    const v = r[field];
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || x === "")) {
      fail(at(field), "must be a list of texts.");
    }
    if (FILES.has(field)) {
      for (const p of v as string[]) {
        if (!isAbsolutePath(p)) {
          fail(at(field), `'${p}' must be an absolute path (the job runs from any folder).`);
        }
      }
    }
    if (v.length > 0) out[field] = [...v] as string[];
  }
  for (const field of TEXTS) {
    const v = r[field];
    if (v === undefined || v === null || v === "") continue;
    if (typeof v !== "string") fail(at(field), 'must be a text such as "90d" or "500K".');
    out[field] = v.trim();
  }
  if (r.cutoff_mode !== undefined && r.cutoff_mode !== null) {
    out.cutoff_mode = parseCutoff({ cutoffMode: String(r.cutoff_mode) }, () => at("cutoff_mode"))
      .mode;
  }
  const fieldOf = Object.fromEntries(Object.entries(OPTION_OF).map(([f, o]) => [o, f]));
  validateFilterOptions(
    jobFilterOptions({ ...out, exclude }),
    (option) => at(fieldOf[option] ?? option),
  );
  jobCutoff(out, at);
  return out;
}

/** The filter options of a job (for runBackup and verify). */
export function jobFilterOptions(
  job: JobFilterFields & { exclude?: readonly string[] },
): FilterOptions {
  const o: FilterOptions = {};
  if (job.exclude?.length) o.exclude = job.exclude;
  for (const [field, option] of Object.entries(OPTION_OF)) {
    const v = job[field as keyof JobFilterFields];
    if (v !== undefined) (o as Record<string, unknown>)[option] = v;
  }
  return o;
}

/** The window limits of a job (`max_duration`, `max_transfer`, `cutoff_mode`). */
export function jobCutoff(
  job: JobFilterFields,
  at: (field: string) => FieldRef,
): CutoffOptions {
  return parseCutoff(
    { maxDuration: job.max_duration, maxTransfer: job.max_transfer, cutoffMode: job.cutoff_mode },
    (f) =>
      at(
        f === "maxDuration" ? "max_duration" : f === "maxTransfer" ? "max_transfer" : "cutoff_mode",
      ),
  );
}
