/**
 * Scheduled backup jobs: the `jobs` object of the config file. Each job names a folder, the
 * profile and prefix it goes to, a cron schedule (time zone, optional time window), the backup
 * options and how to notify. Validation messages name the field (`jobs.NAME.cron`) or, for
 * `schedule add`, the flag (`--cron`).
 *
 * @module
 */

import { isAbsolute } from "node:path";
import { EngineError } from "../core/errors.ts";
import type { ConfigFile } from "../config/config.ts";
import { parseCron, validateTimezone } from "./cron_schedule.ts";
import { parseWindow, type TimeWindow } from "./time_window.ts";
import { parseMaxDelete } from "../backup/backup_guards.ts";
import { excludeFilter } from "../local/filter.ts";
import { parseBwLimit } from "../core/bwlimit.ts";
import { JOB_FILTER_FLAGS, type JobFilterFields, validateJobFilters } from "./job_filters.ts";
import {
  type FieldRef,
  validateInt,
  validateProfileName,
  validateStorageClass,
} from "../core/validate.ts";

/** How to tell the user a run finished. */
export interface JobNotify {
  /** POST the JSON report here (retried on 5xx and network errors). */
  webhook?: string;
  /**
   * A bearer token for the webhook (`Authorization: Bearer …`), read when the run notifies: from
   * this environment variable, or from this file (mode 0600). Neither argv nor the config file
   * ever holds it.
   */
  webhook_token_env?: string;
  /** See {@link JobNotify.webhook_token_env}. */
  webhook_token_file?: string;
  /** A desktop notification (notify-send / osascript) where one exists. */
  desktop?: boolean;
  /** "always" (default) or only on "failure" (partial, failed, interrupted). */
  on?: "always" | "failure";
}

/**
 * One scheduled backup job, as stored in the config file; the filter and window fields
 * (include, files_from, min_size, max_duration, ...) are in job_filters.ts.
 */
export interface Job extends JobFilterFields {
  /** Absolute path of the folder to back up. */
  folder: string;
  /** eigen-s3 profile (default: the default profile). */
  profile?: string;
  /** S3_PREFIX under the profile's path prefix ("" for its root). */
  prefix: string;
  /** Cron expression (see cron_schedule.ts). */
  cron: string;
  /** IANA time zone of `cron` and `window` (default: the system's). */
  timezone?: string;
  /** Scheduled runs start only inside this window. */
  window?: TimeWindow;
  exclude: string[];
  include_hidden: boolean;
  delete: boolean;
  /** "100" or "10%" (backup --max-delete). */
  max_delete?: string;
  concurrency?: number;
  storage_class?: string;
  sse?: "AES256" | "aws:kms";
  sse_kms_key_id?: string;
  /** Rate such as "10M", or a timetable such as "08:00,512K 19:00,10M" (backup --bwlimit). */
  bwlimit?: string;
  notify: JobNotify;
}

/** Names a field of a job for messages: a config path or a flag. */
export type JobFieldRef = (field: string) => FieldRef;

/** Field references for the config file: "<file>: jobs.NAME.field". */
export function configJobRef(file: string, name: string): JobFieldRef {
  return (field) => ({ field: `${file}: jobs.${name}.${field}`, code: "ConfigError" });
}

const FLAG_NAMES: Record<string, string> = {
  folder: "--folder",
  profile: "--profile",
  prefix: "--prefix",
  cron: "--cron",
  timezone: "--timezone",
  window: "--window",
  exclude: "--exclude",
  include_hidden: "--include-hidden",
  delete: "--delete",
  max_delete: "--max-delete",
  concurrency: "--concurrency",
  storage_class: "--storage-class",
  sse: "--sse",
  sse_kms_key_id: "--sse-kms-key-id",
  bwlimit: "--bwlimit",
  ...JOB_FILTER_FLAGS,
  "notify.webhook": "--webhook",
  "notify.webhook_token_env": "--webhook-token-env",
  "notify.webhook_token_file": "--webhook-token-file",
  "notify.desktop": "--desktop",
  "notify.on": "--notify-on",
};

/** Field references for `schedule add` flags. */
export const flagJobRef: JobFieldRef = (field) => ({
  field: FLAG_NAMES[field] ?? field,
  code: "UsageError",
});

function fail(ref: FieldRef, message: string): never {
  throw new EngineError(ref.code, `${ref.field}: ${message}`, { field: ref.field });
}

/** A job name: letters, digits, '.', '_', '-' (it names lock files and service units). */
export function validateJobName(value: unknown, ref: FieldRef): string {
  if (typeof value !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value)) {
    fail(
      ref,
      `'${String(value)}' is not a job name: use up to 64 letters, digits, '.', '_' and '-'.`,
    );
  }
  return value;
}

/** S3_PREFIX rules of `backup`: no '.' or '..' parts; slashes at the ends dropped. */
export function validateJobPrefix(value: unknown, ref: FieldRef): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") fail(ref, "must be a text such as 'photos'.");
  if (value.includes("\0") || value.split("/").some((p) => p === "." || p === "..")) {
    fail(ref, `'${value}' must not contain '.' or '..' parts: use a prefix such as 'photos'.`);
  }
  return value.replace(/^\/+|\/+$/g, "").normalize("NFC");
}

/**
 * A webhook URL: http(s) with a host. It may carry a token (it is then redacted in every log
 * and message); only the config file holds it in full.
 */
export function validateWebhook(value: unknown, ref: FieldRef): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    fail(ref, `'${redactUrl(String(value))}' is not a URL: use https://host/path.`);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !url.hostname) {
    fail(ref, `'${redactUrl(String(value))}' must be an http:// or https:// URL with a host.`);
  }
  return url.href;
}

/**
 * A URL safe to log: user name, password, path and query are replaced by "***" (webhook
 * tokens often live in the path, e.g. Slack's /services/T/B/SECRET).
 */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "<invalid URL>";
  }
  const auth = url.username || url.password ? "***@" : "";
  const rest = url.pathname !== "/" || url.search || url.hash ? "/***" : "";
  return `${url.protocol}//${auth}${url.host}${rest}`;
}

function bool(v: unknown, ref: FieldRef): boolean {
  if (v === undefined) return false;
  if (typeof v !== "boolean") fail(ref, "must be true or false.");
  return v;
}

function str(v: unknown, ref: FieldRef): string {
  if (typeof v !== "string" || v === "") fail(ref, "must be a non-empty text.");
  return v;
}

function validateNotify(raw: unknown, at: JobFieldRef): JobNotify {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) fail(at("notify"), "must be an object.");
  const n = raw as Record<string, unknown>;
  const out: JobNotify = {};
  if (n.webhook !== undefined && n.webhook !== null && n.webhook !== "") {
    out.webhook = validateWebhook(n.webhook, at("notify.webhook"));
  }
  if (n.webhook_token_env !== undefined && n.webhook_token_env !== null) {
    const name = str(n.webhook_token_env, at("notify.webhook_token_env"));
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      fail(at("notify.webhook_token_env"), `'${name}' is not an environment variable name.`);
    }
    out.webhook_token_env = name;
  }
  if (n.webhook_token_file !== undefined && n.webhook_token_file !== null) {
    const file = str(n.webhook_token_file, at("notify.webhook_token_file"));
    if (!file.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(file)) {
      fail(at("notify.webhook_token_file"), `'${file}' must be an absolute path.`);
    }
    out.webhook_token_file = file;
  }
  if ((out.webhook_token_env || out.webhook_token_file) && !out.webhook) {
    fail(at("notify.webhook"), "a webhook token needs a webhook URL.");
  }
  if (n.desktop !== undefined) out.desktop = bool(n.desktop, at("notify.desktop"));
  if (n.on !== undefined) {
    if (n.on !== "always" && n.on !== "failure") {
      fail(at("notify.on"), `'${String(n.on)}' must be "always" or "failure".`);
    }
    out.on = n.on;
  }
  return out;
}

/** Validates one job (from the file, or built from flags); returns it normalised. */
export function validateJob(raw: unknown, at: JobFieldRef): Job {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    const whole = at("");
    fail({ ...whole, field: whole.field.replace(/\.$/, "") }, "must be an object.");
  }
  const r = raw as Record<string, unknown>;
  const folder = str(r.folder, at("folder"));
  if (!isAbsolute(folder)) fail(at("folder"), `'${folder}' must be an absolute path.`);
  const timezone = r.timezone === undefined || r.timezone === null || r.timezone === ""
    ? undefined
    : validateTimezone(r.timezone, at("timezone"));
  const schedule = parseCron(r.cron, timezone, at("cron"));
  const job: Job = {
    folder,
    prefix: validateJobPrefix(r.prefix, at("prefix")),
    cron: schedule.expression,
    exclude: [],
    include_hidden: bool(r.include_hidden, at("include_hidden")),
    delete: bool(r.delete, at("delete")),
    notify: validateNotify(r.notify, at),
  };
  if (r.profile !== undefined && r.profile !== null) {
    job.profile = validateProfileName(r.profile, at("profile"));
  }
  if (timezone) job.timezone = timezone;
  if (r.window !== undefined && r.window !== null) job.window = parseWindow(r.window, at("window"));
  if (r.exclude !== undefined) {
    if (!Array.isArray(r.exclude) || r.exclude.some((g) => typeof g !== "string" || g === "")) {
      fail(at("exclude"), 'must be a list of glob patterns such as ["*.tmp", "cache/**"].');
    }
    job.exclude = [...r.exclude] as string[];
    try {
      excludeFilter(job.exclude);
    } catch (e) {
      fail(at("exclude"), (e as Error).message.replace(/^--exclude: /, ""));
    }
  }
  Object.assign(job, validateJobFilters(r, job.exclude, at));
  if (r.max_delete !== undefined && r.max_delete !== null) {
    const text = String(r.max_delete);
    try {
      parseMaxDelete(text);
    } catch {
      fail(at("max_delete"), `'${text}' must be a number of objects (100) or a percentage (10%).`);
    }
    if (!job.delete) fail(at("max_delete"), "only applies when delete is on (--delete).");
    job.max_delete = text.trim();
  }
  if (r.concurrency !== undefined && r.concurrency !== null) {
    job.concurrency = validateInt(r.concurrency, at("concurrency"), 1, 256);
  }
  if (r.storage_class !== undefined && r.storage_class !== null) {
    job.storage_class = validateStorageClass(
      str(r.storage_class, at("storage_class")),
      at("storage_class"),
    );
  }
  if (r.sse !== undefined && r.sse !== null) {
    if (r.sse !== "AES256" && r.sse !== "aws:kms") {
      fail(at("sse"), `'${String(r.sse)}' must be AES256 or aws:kms.`);
    }
    job.sse = r.sse;
  }
  if (r.sse_kms_key_id !== undefined && r.sse_kms_key_id !== null) {
    job.sse_kms_key_id = str(r.sse_kms_key_id, at("sse_kms_key_id"));
    if (job.sse === "AES256") fail(at("sse_kms_key_id"), "needs sse aws:kms, not AES256.");
    job.sse = "aws:kms";
  }
  if (r.bwlimit !== undefined && r.bwlimit !== null) {
    const text = String(r.bwlimit);
    parseBwLimit(text, at("bwlimit"));
    job.bwlimit = text;
  }
  return job;
}

/** A job that did not validate, kept so lists can show the problem. */
export interface InvalidJob {
  name: string;
  error: EngineError;
}

/** Every job of the config, validated one by one: valid ones, and the invalid ones with why. */
export function readJobs(
  config: ConfigFile,
  file: string,
): { jobs: Map<string, Job>; invalid: InvalidJob[] } {
  const jobs = new Map<string, Job>();
  const invalid: InvalidJob[] = [];
  for (const [name, raw] of Object.entries(config.jobs ?? {})) {
    try {
      validateJobName(name, { field: `${file}: jobs.${name}`, code: "ConfigError" });
      jobs.set(name, validateJob(raw, configJobRef(file, name)));
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      invalid.push({ name, error: e });
    }
  }
  return { jobs, invalid };
}

/** The job `name`, validated; NotConfigured (listing the jobs) when there is none. */
export function getJob(config: ConfigFile, file: string, name: string): Job {
  const raw = config.jobs?.[name];
  if (raw === undefined) {
    const known = Object.keys(config.jobs ?? {});
    throw new EngineError(
      "NotConfigured",
      `Job '${name}' does not exist${
        known.length ? ` (jobs: ${known.join(", ")})` : ""
      }: add it with 'eigen-s3 schedule add ${name} --folder DIR --cron EXPR'.`,
    );
  }
  return validateJob(raw, configJobRef(file, name));
}

/** The profile a job uses: its own, else the config's default, else "default". */
export function jobProfile(job: Job, config: ConfigFile): string {
  return job.profile ?? config.default_profile ?? "default";
}
