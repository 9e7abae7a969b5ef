/**
 * A profile as a front end hands it in (a {@link ProfileDraft}) and the one set of rules that
 * checks it. Each front end names the fields its own way in messages ("--endpoint" for the CLI,
 * "Endpoint" for the TUI form) through a {@link ProfileWording}; every error carries the
 * engine's name of the field ({@link ProfileField}) in `EngineError.field`, so a front end can
 * point at the field without reading the message.
 *
 * @module
 */

import { EngineError } from "../core/errors.ts";
import {
  type FieldRef,
  validateAccessKeyId,
  validateBucket,
  validateEndpoint,
  validatePathPrefix,
  validateProfileName,
  validateRegion,
  validateSecret,
} from "../core/validate.ts";
import type { SecretBackendName } from "../../secrets/mod.ts";

/** The inputs of a profile, as `EngineError.field` names them. */
export type ProfileField =
  | "name"
  | "endpoint"
  | "region"
  | "bucket"
  | "accessKeyId"
  | "pathPrefix"
  | "secret";

/** A profile to test or save, as typed or passed on the command line. */
export interface ProfileDraft {
  /** The profile name (letters, digits, '.', '_', '-'). */
  name: string;
  /** scheme://host[:port], or "" for AWS S3 itself. */
  endpoint: string;
  /** e.g. "us-east-1". */
  region: string;
  /** The bucket; "" only when listing buckets. */
  bucket: string;
  accessKeyId: string;
  /** The secret access key, or null to keep (and use) the one stored for the profile. */
  secret: string | null;
  /** "" or a key prefix inside the bucket such as "backups/". */
  pathPrefix: string;
  /**
   * Keep the secret in exactly this backend. Without it a new secret goes to the keychain, then
   * `pass`, then the encrypted file, and a kept secret stays where it is.
   */
  secretBackend?: SecretBackendName;
}

/** A draft whose fields passed the checks, normalised (endpoint without "/", prefix with "/"). */
export interface CheckedDraft extends ProfileDraft {
  /** The endpoint as a client option: undefined for AWS S3. */
  endpointUrl: string | undefined;
}

/** How a front end words messages about profile fields. */
export interface ProfileWording {
  /** Each field's name at the start of a message: "--endpoint" or "Endpoint". */
  labels: Readonly<Record<ProfileField, string>>;
  /** The whole message when a required field is empty. */
  missing: Readonly<{ bucket: string; accessKeyId: string; secret: string }>;
  /** The message when a kept secret is not stored for the profile. */
  noStoredSecret(profile: string): string;
}

/** Wording that names the fields as the config file does; front ends pass their own. */
export const PLAIN_WORDING: ProfileWording = {
  labels: {
    name: "profile",
    endpoint: "endpoint",
    region: "region",
    bucket: "bucket_name",
    accessKeyId: "access_key_id",
    pathPrefix: "path_prefix",
    secret: "secret access key",
  },
  missing: {
    bucket: "bucket_name: no bucket given.",
    accessKeyId: "access_key_id: no access key id given.",
    secret: "secret access key: no secret access key given.",
  },
  noStoredSecret: (profile) => `Profile '${profile}' has no stored secret access key.`,
};

/**
 * Runs `check` with a UsageError {@link FieldRef} labelled `label` (the message prefix) and
 * rethrows its EngineError with `field` set to the engine's name of the field.
 */
export function checkNamed<T>(field: string, label: string, check: (ref: FieldRef) => T): T {
  try {
    return check({ field: label, code: "UsageError" });
  } catch (e) {
    if (e instanceof EngineError) {
      throw new EngineError(e.code, e.message, { field, cause: e.cause, retryable: e.retryable });
    }
    throw e;
  }
}

function naming<T>(field: ProfileField, wording: ProfileWording, check: (ref: FieldRef) => T): T {
  return checkNamed(field, wording.labels[field], check);
}

/** A UsageError (or `code`) about `field`. */
export function fieldError(
  field: ProfileField,
  message: string,
  code: "UsageError" | "NotConfigured" = "UsageError",
): EngineError {
  return new EngineError(code, message, { field });
}

/**
 * Checks and normalises one field (the CLI checks each answer as it is typed). The endpoint may
 * be "" (AWS S3); an empty bucket or access key id gets the wording's `missing` message.
 */
export function checkField(
  field: Exclude<ProfileField, "secret">,
  value: string,
  wording: ProfileWording = PLAIN_WORDING,
): string {
  switch (field) {
    case "name":
      return naming(field, wording, (ref) => validateProfileName(value, ref));
    case "endpoint":
      return value === "" ? "" : naming(field, wording, (ref) => validateEndpoint(value, ref));
    case "region":
      return naming(field, wording, (ref) => validateRegion(value, ref));
    case "bucket":
      if (value === "") throw fieldError(field, wording.missing.bucket);
      return naming(field, wording, (ref) => validateBucket(value, ref));
    case "accessKeyId":
      if (value === "") throw fieldError(field, wording.missing.accessKeyId);
      return naming(field, wording, (ref) => validateAccessKeyId(value, ref));
    case "pathPrefix":
      return naming(field, wording, (ref) => validatePathPrefix(value, ref));
  }
}

/** Checks a typed secret (a kept one, null, is checked when it is loaded). */
export function checkSecret(value: string, wording: ProfileWording = PLAIN_WORDING): string {
  return naming("secret", wording, (ref) => validateSecret(value, ref));
}

/**
 * Checks every field of `draft` in the order configure asks for them: name, endpoint, region,
 * bucket, access key id, path prefix, secret. With `needBucket: false` (listing buckets) an
 * empty bucket is allowed.
 */
export function checkDraft(
  draft: ProfileDraft,
  wording: ProfileWording = PLAIN_WORDING,
  options: { needBucket?: boolean } = {},
): CheckedDraft {
  const name = checkField("name", draft.name, wording);
  const endpoint = checkField("endpoint", draft.endpoint, wording);
  const region = checkField("region", draft.region, wording);
  const bucket = draft.bucket === "" && options.needBucket === false
    ? ""
    : checkField("bucket", draft.bucket, wording);
  const accessKeyId = checkField("accessKeyId", draft.accessKeyId, wording);
  const pathPrefix = checkField("pathPrefix", draft.pathPrefix, wording);
  const secret = draft.secret === null ? null : checkSecret(draft.secret, wording);
  const out: CheckedDraft = {
    name,
    endpoint,
    endpointUrl: endpoint === "" ? undefined : endpoint,
    region,
    bucket,
    accessKeyId,
    secret,
    pathPrefix,
  };
  if (draft.secretBackend !== undefined) out.secretBackend = draft.secretBackend;
  return out;
}
