/**
 * Turns AWS SDK, network and filesystem failures into {@link EngineError}s whose messages say
 * what happened and what to do. The only place that inspects SDK error shapes.
 *
 * @module
 */

import { EngineError, type ErrorCode, isAbortError } from "../core/errors.ts";
import { SecretStoreError } from "../../secrets/mod.ts";
import { NOT_S3_ERROR } from "./s3_response_guard.ts";

/** What was being done when an error happened, for the message. */
export interface ErrorContext {
  /** e.g. "upload of 'photos/a.jpg'", "listing", "connection test". */
  action: string;
  endpoint?: string;
  bucket?: string;
  key?: string;
  /** The version asked for (`get --version-id`): its errors name it. */
  versionId?: string;
  /** Code to use for S3 errors that have no better mapping (default SdkError). */
  fallback?: ErrorCode;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "EPROTO",
  "ECONNABORTED",
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "CERT_HAS_EXPIRED",
]);

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host name not found (DNS)",
  EAI_AGAIN: "DNS lookup failed",
  ETIMEDOUT: "timed out",
  TimeoutError: "timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EPROTO: "TLS handshake failed (is it plain HTTP? use http://)",
  ERR_SSL_WRONG_VERSION_NUMBER: "TLS handshake failed (is it plain HTTP? use http://)",
};

const THROTTLE_NAMES = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "ServiceUnavailable",
  "InternalError",
  "RequestTimeout",
]);

interface SdkLike {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
  cause?: unknown;
}

function errorCodeOf(e: SdkLike): string | undefined {
  // Node network errors carry `code`; SDK service errors carry `name`/`Code`.
  let cur: unknown = e;
  for (let depth = 0; depth < 4 && typeof cur === "object" && cur !== null; depth++) {
    const c = (cur as SdkLike).code;
    if (typeof c === "string" && (NETWORK_CODES.has(c) || c.startsWith("ERR_SSL"))) return c;
    cur = (cur as SdkLike).cause;
  }
  return undefined;
}

function target(ctx: ErrorContext): string {
  return ctx.endpoint ?? "the S3 endpoint";
}

function notS3(
  ctx: ErrorContext,
  status: number | undefined,
  what: string,
  cause: unknown,
): EngineError {
  return new EngineError(
    "SdkError",
    `${target(ctx)} did not answer like an S3 server${
      status ? ` (HTTP ${status}${what})` : ""
    } during ${ctx.action}: check --endpoint.`,
    { cause },
  );
}

/** Maps any thrown value to an EngineError (returns EngineErrors unchanged). */
export function toEngineError(error: unknown, ctx: ErrorContext): EngineError {
  if (error instanceof EngineError) return error;
  if (isAbortError(error)) {
    return new EngineError("Interrupted", `Interrupted during ${ctx.action}.`, { cause: error });
  }
  if (error instanceof SecretStoreError) {
    return new EngineError("SecretStoreError", `Secret store ${error.message}`, { cause: error });
  }
  if (error instanceof Deno.errors.NotFound) {
    return new EngineError("UsageError", `${ctx.action}: ${error.message}`, { cause: error });
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return new EngineError(
      ctx.fallback ?? "SdkError",
      `${ctx.action}: permission denied (${error.message})`,
      {
        cause: error,
      },
    );
  }
  const e =
    (typeof error === "object" && error !== null ? error : { message: String(error) }) as SdkLike;
  const net = errorCodeOf(e);
  if (net || e.name === "TimeoutError") {
    const why = NETWORK_WORDS[net ?? "TimeoutError"] ?? net ?? "network error";
    return new EngineError(
      "NetworkError",
      `Cannot reach ${
        target(ctx)
      } (${why}) during ${ctx.action}: check --endpoint and that the server is up.`,
      { cause: error, retryable: true },
    );
  }
  const name = e.name ?? e.Code ?? "Error";
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const bucket = ctx.bucket ? `'${ctx.bucket}'` : "the bucket";
  const detail = e.message && e.message !== name && e.message !== "UnknownError"
    ? `: ${e.message}`
    : "";

  if (name === NOT_S3_ERROR) {
    return notS3(ctx, status, `: ${(e as { detail?: string }).detail}`, error);
  }
  if (ctx.versionId !== undefined && ctx.key !== undefined) {
    const v = versionError(e, name, status, ctx as VersionContext, error);
    if (v) return v;
  }
  if (name === "InvalidObjectState") {
    const cls = (e as { StorageClass?: string }).StorageClass;
    return new EngineError(
      "ColdStorage",
      `'${ctx.key ?? "?"}' is in cold storage${
        cls ? ` (${cls})` : ""
      }: it must be thawed before it can be read. Request a thaw (get --request-thaw, restore --request-thaw) and try again when it is done.`,
      { cause: error },
    );
  }
  if (name === "NoSuchBucket" || (name === "NotFound" && status === 404 && !ctx.key)) {
    return new EngineError(
      "BucketNotFound",
      `Bucket ${bucket} does not exist at ${target(ctx)}: create it or pick another with --bucket.`,
      { cause: error },
    );
  }
  if (name === "NoSuchKey" || name === "NotFound" || (status === 404 && ctx.key)) {
    return new EngineError(
      "KeyNotFound",
      `Key '${ctx.key ?? "?"}' does not exist in bucket ${bucket}: check it with 'eigen-s3 ls'.`,
      { cause: error },
    );
  }
  if (name === "NoSuchVersion") {
    return new EngineError(
      "KeyNotFound",
      `That version of '${
        ctx.key ?? "?"
      }' does not exist: list versions with 'eigen-s3 ls --versions'.`,
      {
        cause: error,
      },
    );
  }
  if (name === "InvalidAccessKeyId") {
    return new EngineError(
      "InvalidCredentials",
      `The access key id is not known at ${target(ctx)}: check it with 'eigen-s3 configure'.`,
      { cause: error },
    );
  }
  if (name === "SignatureDoesNotMatch") {
    return new EngineError(
      "InvalidCredentials",
      `The secret access key does not match the access key id at ${
        target(ctx)
      }: store the right one with 'eigen-s3 configure'.`,
      { cause: error },
    );
  }
  if (name === "ExpiredToken" || name === "TokenRefreshRequired" || name === "InvalidToken") {
    return new EngineError(
      "InvalidCredentials",
      `The session token is expired or invalid: refresh AWS_SESSION_TOKEN or your AWS profile's credentials.`,
      { cause: error },
    );
  }
  if (status === 400 && (name === "Unknown" || name === "BadRequest" || name === "400")) {
    // A HEAD request's error has no body, so no code: on AWS this is an expired session token
    // (ExpiredToken) or a request signed for the wrong region.
    return new EngineError(
      "InvalidCredentials",
      `${
        target(ctx)
      } refused the request (HTTP 400, no details) during ${ctx.action}: the session token may have expired (refresh AWS_SESSION_TOKEN or your AWS profile's credentials), or the region is wrong (--region).`,
      { cause: error },
    );
  }
  if (name === "CredentialsProviderError") {
    return new EngineError(
      "NotConfigured",
      `No credentials found${detail}: run 'eigen-s3 configure' or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.`,
      { cause: error },
    );
  }
  if (name === "AccessDenied" || name === "Forbidden" || status === 403) {
    return new EngineError(
      "AccessDenied",
      `Access denied to ${bucket} at ${
        target(ctx)
      } (HTTP 403) during ${ctx.action}: the keys are wrong or lack permission; check them with 'eigen-s3 configure'.`,
      { cause: error },
    );
  }
  if (name === "RequestTimeTooSkewed") {
    return new EngineError(
      "SdkError",
      `This machine's clock is too far from the server's: fix the clock (NTP) and try again.`,
      { cause: error },
    );
  }
  if (
    /Deserialization error|char '.' is not expected|Unexpected end of|Non-whitespace before first tag/i
      .test(e.message ?? "")
  ) {
    return notS3(ctx, status, "", error);
  }
  const retryable = THROTTLE_NAMES.has(name) || (status !== undefined && status >= 500);
  return new EngineError(
    ctx.fallback ?? "SdkError",
    `S3 error ${name}${status ? ` (HTTP ${status})` : ""} during ${ctx.action}${detail}.`,
    { cause: error, retryable },
  );
}

type VersionContext = ErrorContext & { versionId: string; key: string };

/** A header of the raw response, case-insensitively. */
function header(e: SdkLike, name: string): string | undefined {
  for (const [k, v] of Object.entries(e.$response?.headers ?? {})) {
    if (k.toLowerCase() === name) return v;
  }
  return undefined;
}

/**
 * Errors about a version asked for by id: a malformed id (AWS answers 400, a HEAD with no
 * body), a delete marker (405, `x-amz-delete-marker: true`), or no such version (404).
 */
function versionError(
  e: SdkLike,
  name: string,
  status: number | undefined,
  ctx: VersionContext,
  cause: unknown,
): EngineError | undefined {
  const which = `Version '${ctx.versionId}' of '${ctx.key}'`;
  if (
    header(e, "x-amz-delete-marker") === "true" || status === 405 || name === "MethodNotAllowed"
  ) {
    const at = header(e, "last-modified");
    const when = at && !Number.isNaN(Date.parse(at)) ? ` at ${new Date(at).toISOString()}` : "";
    return new EngineError(
      "KeyNotFound",
      `${which} is a delete marker: the object was deleted${when}. Pick an earlier version from 'eigen-s3 ls --versions ${ctx.key}'.`,
      { cause },
    );
  }
  if (
    status === 400 &&
    (name === "InvalidArgument" || name === "Unknown" || name === "400" || name === "BadRequest")
  ) {
    return new EngineError(
      "UsageError",
      `'${ctx.versionId}' is not a valid version id: copy one from 'eigen-s3 ls --versions ${ctx.key}'.`,
      { cause, field: "--version-id" },
    );
  }
  if (name === "NoSuchVersion" || name === "NoSuchKey" || name === "NotFound" || status === 404) {
    return new EngineError(
      "KeyNotFound",
      `${which} does not exist in ${
        ctx.bucket ? `bucket '${ctx.bucket}'` : "the bucket"
      }: list its versions with 'eigen-s3 ls --versions ${ctx.key}'.`,
      { cause },
    );
  }
  return undefined;
}
