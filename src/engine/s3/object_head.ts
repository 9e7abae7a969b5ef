/**
 * One HEAD: what HeadObject says about one object (or one version of it), as a small typed
 * record, with failures mapped to {@link EngineError}s by sdk_errors.ts. Every part of the
 * engine that needs an object's facts without its bytes (backup's checksum check, restore's
 * evidence, verify's md5chksum) asks here.
 *
 * @module
 */

import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { isAbortError } from "../core/errors.ts";
import { parseRestoreHeader, type ThawStatus } from "./cold_storage.ts";
import { type ErrorContext, toEngineError } from "./sdk_errors.ts";

/** The object (version) to HEAD. */
export interface HeadRequest {
  bucket: string;
  key: string;
  /** A version id; absent: the current version. */
  versionId?: string;
  signal?: AbortSignal;
  /**
   * How a failure is described (see {@link toEngineError}); default: reading '<key>' in the
   * bucket, with the key and the version id (so a 404 is KeyNotFound, naming the version).
   */
  errors?: ErrorContext;
}

/** What a HEAD says about an object. */
export interface ObjectHead {
  /** Content length in bytes. */
  size: number;
  /** The ETag as the server sent it (quoted), when it sent one. */
  etag?: string;
  /** User metadata (`x-amz-meta-*`, lower-case names without the prefix). */
  metadata: Record<string, string>;
  /** Storage class; absent for STANDARD (S3 leaves the header out). */
  storageClass?: string;
  /** Server-side encryption (`AES256`, `aws:kms`, ...): SSE-KMS ETags are not MD5s. */
  sse?: string;
  /** The thaw state from the `Restore` header; absent when no thaw was ever requested. */
  restore?: ThawStatus;
  /** The version id, on a versioned bucket. */
  versionId?: string;
  lastModified?: Date;
}

/**
 * HEADs one object. Throws an EngineError (KeyNotFound for a missing key or version, by the
 * default error context); an abort is rethrown as it came (tell it apart with isAbortError).
 */
export async function headObject(client: S3Client, req: HeadRequest): Promise<ObjectHead> {
  let out;
  try {
    out = await client.send(
      new HeadObjectCommand({
        Bucket: req.bucket,
        Key: req.key,
        ...(req.versionId ? { VersionId: req.versionId } : {}),
      }),
      { abortSignal: req.signal },
    );
  } catch (e) {
    if (isAbortError(e)) throw e;
    throw toEngineError(e, req.errors ?? defaultErrors(req));
  }
  const head: ObjectHead = { size: out.ContentLength ?? 0, metadata: out.Metadata ?? {} };
  if (out.ETag !== undefined) head.etag = out.ETag;
  if (out.StorageClass !== undefined) head.storageClass = out.StorageClass;
  if (out.ServerSideEncryption !== undefined) head.sse = out.ServerSideEncryption;
  if (out.Restore) head.restore = parseRestoreHeader(out.Restore);
  if (out.VersionId !== undefined) head.versionId = out.VersionId;
  if (out.LastModified !== undefined) head.lastModified = out.LastModified;
  return head;
}

function defaultErrors(req: HeadRequest): ErrorContext {
  return {
    action: `reading '${req.key}'`,
    bucket: req.bucket,
    key: req.key,
    ...(req.versionId ? { versionId: req.versionId } : {}),
  };
}
