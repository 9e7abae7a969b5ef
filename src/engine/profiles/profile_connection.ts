/**
 * Talking to S3 with a profile draft (not yet saved): its client, and the connection test whose
 * failure names the input to fix.
 *
 * @module
 */

import { EngineError } from "../core/errors.ts";
import { createS3Client, type S3Context } from "../s3/client.ts";
import { type ConnectionResult, testConnection } from "../s3/connection.ts";
import type { CheckedDraft, ProfileField } from "./profile_fields.ts";

/** Attempts per request of a connection test or bucket list. */
export const PROFILE_TEST_ATTEMPTS = 3;

/** A client for a draft and its secret (close it with `destroy()`). */
export function draftClient(d: CheckedDraft, secret: string): S3Context {
  return createS3Client({
    profileName: d.name,
    ...(d.endpointUrl ? { endpoint: d.endpointUrl } : {}),
    region: d.region,
    bucket: d.bucket,
    pathPrefix: d.pathPrefix,
    credentialKind: "eigen-profile",
    credentialSource: `profile draft '${d.name}'`,
    credentials: () => Promise.resolve({ accessKeyId: d.accessKeyId, secretAccessKey: secret }),
  }, { maxAttempts: PROFILE_TEST_ATTEMPTS });
}

/**
 * The input a failed connection test points at: the endpoint when it cannot be reached, the
 * bucket when it does not exist, the secret when the keys are refused (a HEAD answer has no
 * error code, so a wrong key id and a wrong secret look alike). Other failures name no field.
 */
function fieldOfFailure(error: EngineError): ProfileField | undefined {
  switch (error.code) {
    case "NetworkError":
      return "endpoint";
    case "BucketNotFound":
      return "bucket";
    case "InvalidCredentials":
    case "AccessDenied":
      return "secret";
    default:
      return undefined;
  }
}

/** HeadBucket with a draft; a failure carries the field to fix in `error.field`. */
export async function testDraft(
  d: CheckedDraft,
  secret: string,
  signal?: AbortSignal,
): Promise<ConnectionResult> {
  const s3 = draftClient(d, secret);
  try {
    const r = await testConnection(s3.client, d.bucket, d.endpointUrl, signal);
    if (!r.error) return r;
    const field = fieldOfFailure(r.error);
    const error = new EngineError(r.error.code, r.error.message, {
      cause: r.error.cause,
      retryable: r.error.retryable,
      ...(field ? { field } : {}),
    });
    return { status: r.status, error };
  } finally {
    s3.destroy();
  }
}
