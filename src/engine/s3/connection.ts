/**
 * The connection test behind `eigen-s3 test`, configure and the TUI's Test Connection button.
 *
 * @module
 */

import { HeadBucketCommand, ListBucketsCommand, type S3Client } from "@aws-sdk/client-s3";
import { type EngineError, throwIfAborted } from "../core/errors.ts";
import { toEngineError } from "./sdk_errors.ts";

/** The seed's S3ConnectionStatus. */
export interface S3ConnectionStatus {
  connected: boolean;
  bucket_accessible: boolean;
  error_message: string | null;
}

/** The seed's S3BucketInfo. */
export interface S3BucketInfo {
  name: string;
  creation_date: string | null;
}

/** Status plus the error behind it (for the exit code). */
export interface ConnectionResult {
  status: S3ConnectionStatus;
  error?: EngineError;
}

/**
 * Checks that the endpoint answers and the credentials are accepted (HeadBucket; a reply that
 * is an S3 error still proves the connection) and that the bucket is accessible.
 */
export async function testConnection(
  client: S3Client,
  bucket: string,
  endpoint: string | undefined,
  signal?: AbortSignal,
): Promise<ConnectionResult> {
  throwIfAborted(signal);
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: signal });
    return { status: { connected: true, bucket_accessible: true, error_message: null } };
  } catch (e) {
    const err = toEngineError(e, { action: "connection test", endpoint, bucket });
    if (err.code === "Interrupted") throw err;
    // Connected only when the server answered (an S3 error proves the connection); a failure
    // before any request (a wrong passphrase, no credentials) or on the way is not connected.
    const connected = hasHttpStatus(e) && err.code !== "NetworkError";
    return {
      status: { connected, bucket_accessible: false, error_message: err.message },
      error: err,
    };
  }
}

function hasHttpStatus(e: unknown): boolean {
  return typeof (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode ===
    "number";
}

/** ListBuckets as S3BucketInfo[], sorted by name. */
export async function listBuckets(
  client: S3Client,
  endpoint?: string,
  signal?: AbortSignal,
): Promise<S3BucketInfo[]> {
  try {
    const out = await client.send(new ListBucketsCommand({}), { abortSignal: signal });
    return (out.Buckets ?? [])
      .map((b) => ({ name: b.Name ?? "", creation_date: b.CreationDate?.toISOString() ?? null }))
      .sort((a, b) => a.name.localeCompare(b.name));
  } catch (e) {
    throw toEngineError(e, { action: "listing buckets", endpoint, fallback: "ListFailed" });
  }
}
