/**
 * Validation of user-supplied settings. Each check returns the normalised value or throws an
 * EngineError whose message names the field, the bad value and the fix.
 *
 * @module
 */

import { EngineError, type ErrorCode } from "./errors.ts";

/** Where a value came from, for messages: a flag ("--endpoint") or a file field. */
export interface FieldRef {
  /** e.g. "--endpoint" or "s3-config.json: profiles.default.endpoint". */
  field: string;
  /** UsageError for flags, ConfigError for the config file. */
  code: ErrorCode;
}

function fail(ref: FieldRef, message: string): never {
  throw new EngineError(ref.code, `${ref.field}: ${message}`, { field: ref.field });
}

/** An http(s) URL with a host and no path/query; returned without a trailing slash. */
export function validateEndpoint(value: unknown, ref: FieldRef): string {
  if (typeof value !== "string" || value.trim() === "") {
    fail(ref, "must be a URL such as https://s3.example.com");
  }
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    fail(
      ref,
      `'${text}' is not a URL: use the form https://host[:port] (or http:// for a local server).`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    fail(ref, `'${text}' must start with http:// or https://.`);
  }
  if (!url.hostname) fail(ref, `'${text}' has no host name.`);
  if (url.username || url.password) {
    fail(ref, "must not contain a user name or password: use configure for keys.");
  }
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
    fail(
      ref,
      `'${text}' must not have a path or query: give only scheme://host[:port] and set the bucket with --bucket.`,
    );
  }
  return `${url.protocol}//${url.host}`;
}

/** An AWS-style region name such as us-east-1 (also accepts custom names like "garage"). */
export function validateRegion(value: unknown, ref: FieldRef): string {
  if (typeof value !== "string" || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(value)) {
    fail(
      ref,
      `'${
        String(value)
      }' is not a region name: use lowercase letters, digits and '-', e.g. us-east-1.`,
    );
  }
  return value;
}

/** A bucket name (S3 rules, leniently allowing legacy upper case and underscores). */
export function validateBucket(value: unknown, ref: FieldRef): string {
  if (typeof value !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/.test(value)) {
    fail(ref, `'${String(value)}' is not a bucket name: 3-63 characters of a-z, 0-9, '.', '-'.`);
  }
  return value;
}

/** An access key id: printable, no spaces. */
export function validateAccessKeyId(value: unknown, ref: FieldRef): string {
  if (typeof value !== "string" || !/^[\x21-\x7e]{3,256}$/.test(value)) {
    fail(
      ref,
      "must be the access key id your provider gave you (no spaces), e.g. AKIAIOSFODNN7EXAMPLE.",
    );
  }
  return value;
}

/** A secret access key: printable ASCII, no newline (the trailing newline of stdin is removed by the caller). */
export function validateSecret(value: string, ref: FieldRef): string {
  if (value.length === 0) {
    fail(ref, "the secret access key is empty: pipe it on stdin or type it at the prompt.");
  }
  if (!/^[\x20-\x7e]+$/.test(value) || value.length > 1024) {
    fail(
      ref,
      "the secret access key has characters that are not printable ASCII: check what you pasted.",
    );
  }
  return value;
}

/**
 * A key prefix inside the bucket: no leading slash, no '..' or empty segments, ending in "/"
 * when not empty.
 */
export function validatePathPrefix(value: unknown, ref: FieldRef): string {
  if (value === undefined || value === null || value === "") return "";
  if (typeof value !== "string") fail(ref, "must be a text such as 'backups/'.");
  const trimmed = value.replace(/^\/+/, "").replace(/\/+$/, "");
  if (trimmed === "") return "";
  const parts = trimmed.split("/");
  if (parts.some((p) => p === "" || p === "." || p === "..") || value.includes("\0")) {
    fail(
      ref,
      `'${value}' must be like 'backups/' or 'team/photos/' without empty, '.' or '..' parts.`,
    );
  }
  return `${trimmed.normalize("NFC")}/`;
}

/** A profile name: letters, digits, '.', '_', '-'. */
export function validateProfileName(value: unknown, ref: FieldRef): string {
  if (typeof value !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value)) {
    fail(ref, `'${String(value)}' is not a profile name: use letters, digits, '.', '_' and '-'.`);
  }
  return value;
}

/** A positive integer within [min, max]. */
export function validateInt(value: unknown, ref: FieldRef, min: number, max: number): number {
  const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    fail(ref, `'${String(value)}' must be a whole number from ${min} to ${max}.`);
  }
  return n;
}

/** Parses a rate such as 10M, 512K, 1.5M, 2000 (bytes per second); 0 or "off" means no limit. */
export function parseRate(value: unknown, ref: FieldRef): number {
  const m = typeof value === "string"
    ? /^\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)(?:i?[bB])?(?:\/s)?\s*$/.exec(value)
    : null;
  if (typeof value === "string" && value.trim().toLowerCase() === "off") return 0;
  if (!m) fail(ref, `'${String(value)}' is not a rate: use bytes per second like 512K, 10M or 1G.`);
  const mult: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
  return Math.floor(Number(m[1]) * (mult[(m[2] ?? "").toLowerCase()] ?? 1));
}

/** The storage classes S3 defines (the API's StorageClass values). */
export const STORAGE_CLASSES: readonly string[] = [
  "STANDARD",
  "STANDARD_IA",
  "ONEZONE_IA",
  "INTELLIGENT_TIERING",
  "GLACIER_IR",
  "GLACIER",
  "DEEP_ARCHIVE",
  "REDUCED_REDUNDANCY",
  "EXPRESS_ONEZONE",
  "OUTPOSTS",
  "SNOW",
];

/** Classes a lifecycle rule can move objects to, with the least days S3 accepts for each. */
export const TRANSITION_MIN_DAYS: Readonly<Record<string, number>> = {
  STANDARD_IA: 30,
  ONEZONE_IA: 30,
  INTELLIGENT_TIERING: 0,
  GLACIER_IR: 0,
  GLACIER: 0,
  DEEP_ARCHIVE: 0,
};

/**
 * A storage class, in any case ("glacier" -> "GLACIER"); anything else is refused before any
 * work starts, with the list of valid classes.
 *
 * @example
 * ```ts
 * validateStorageClass("deep_archive", { field: "--storage-class", code: "UsageError" });
 * // "DEEP_ARCHIVE"
 * ```
 */
export function validateStorageClass(
  value: unknown,
  ref: FieldRef,
  allowed: readonly string[] = STORAGE_CLASSES,
): string {
  const upper = typeof value === "string" ? value.trim().toUpperCase().replace(/-/g, "_") : "";
  if (!allowed.includes(upper)) {
    fail(ref, `'${String(value)}' is not a storage class here: use one of ${allowed.join(", ")}.`);
  }
  return upper;
}

/** Server-side encryption choices (`--sse`). */
export type SseMode = "AES256" | "aws:kms";

/** Server-side encryption modes. */
export const SSE_MODES: readonly SseMode[] = ["AES256", "aws:kms"];

/**
 * `--sse MODE` and `--sse-kms-key-id ID` together: a KMS key implies aws:kms, and contradicts
 * AES256. Returns only what was given.
 *
 * @example
 * ```ts
 * validateSse(undefined, "arn:aws:kms:..."); // { sse: "aws:kms", sseKmsKeyId: "arn:aws:kms:..." }
 * ```
 */
export function validateSse(
  sse: unknown,
  kmsKeyId: unknown,
): { sse?: SseMode; sseKmsKeyId?: string } {
  const out: { sse?: SseMode; sseKmsKeyId?: string } = {};
  if (sse !== undefined) {
    const mode = SSE_MODES.find((m) => m.toLowerCase() === String(sse).toLowerCase());
    if (!mode) {
      fail(
        { field: "--sse", code: "UsageError" },
        `'${String(sse)}' is not an encryption mode: use ${SSE_MODES.join(" or ")}.`,
      );
    }
    out.sse = mode;
  }
  if (kmsKeyId !== undefined) {
    if (out.sse === "AES256") {
      throw new EngineError("UsageError", "--sse-kms-key-id needs --sse aws:kms, not AES256.", {
        field: "--sse-kms-key-id",
      });
    }
    const id = String(kmsKeyId).trim();
    if (id === "") fail({ field: "--sse-kms-key-id", code: "UsageError" }, "is empty.");
    out.sse = "aws:kms";
    out.sseKmsKeyId = id;
  }
  return out;
}
