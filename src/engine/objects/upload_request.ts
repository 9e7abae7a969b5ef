/**
 * What an upload needs (the request shape shared by single-PUT and multipart uploads) and the
 * checks both share: object fields and metadata, and detecting a file that changed mid-upload.
 *
 * @module
 */

import type { PutObjectCommandInput, S3Client } from "@aws-sdk/client-s3";
import type { BandwidthLimiter } from "../core/bandwidth.ts";
import { EngineError } from "../core/errors.ts";
import type { Md5 } from "../core/hashing.ts";
import { uploadMetadata } from "../s3/object_meta.ts";
import type { MultipartRecords } from "../state/multipart_records.ts";
import type { Semaphore } from "../../lib/semaphore.ts";

/** Default size above which uploads are multipart (and minimum part size). */
export const MULTIPART_THRESHOLD = 8 * 1024 * 1024;

export type { SseMode } from "../core/validate.ts";
import type { SseMode } from "../core/validate.ts";

/** Options shared by every object an operation uploads. */
export interface UploadSettings {
  storageClass?: string;
  sse?: SseMode;
  sseKmsKeyId?: string;
  /** Size above which multipart is used (default 8 MiB). */
  multipartThreshold?: number;
  /** Smallest part size (default 8 MiB); grows so no file needs more than 10,000 parts. */
  minPartSize?: number;
}

/** One file to upload. */
export interface UploadRequest extends UploadSettings {
  client: S3Client;
  /** "endpoint|bucket", the key of multipart resume records. */
  target: string;
  bucket: string;
  key: string;
  path: string;
  /** Size and mtime as seen when the file was planned; a mismatch later means it changed. */
  size: number;
  mtimeMs: number;
  /** MD5 computed earlier (backup hashes before uploading); verified against what is sent. */
  md5?: Md5;
  contentType?: string;
  /** User metadata (`--meta K=V`), without the x-amz-meta- prefix. */
  metadata?: Record<string, string>;
  /** Shared in-flight request slots (bounds memory); default: 4 of its own. */
  slots?: Semaphore;
  limiter?: BandwidthLimiter;
  records?: MultipartRecords;
  signal?: AbortSignal;
  /** Bytes sent (or found already uploaded when resuming). */
  onBytes?: (delta: number) => void;
}

/** What an upload did. */
export interface UploadOutcome {
  etag: string;
  bytes: number;
  md5: Md5;
  multipart: boolean;
  /** Parts found already uploaded by an interrupted run. */
  resumedParts: number;
  durationMs: number;
}

/** Throws a retryable error when the file's size or mtime is no longer what was planned. */
export async function assertUnchanged(path: string, size: number, mtimeMs: number): Promise<void> {
  let st: Deno.FileInfo;
  try {
    st = await Deno.stat(path);
  } catch (e) {
    throw new EngineError("UploadFailed", `'${path}' disappeared while it was being uploaded.`, {
      cause: e,
    });
  }
  if (st.size !== size || (st.mtime?.getTime() ?? 0) !== mtimeMs) {
    throw changedError(path);
  }
}

/** The error for a file that changed while it was read. */
export function changedError(path: string): EngineError {
  return new EngineError(
    "UploadFailed",
    `'${path}' changed while it was being uploaded: it will be uploaded again on the next try.`,
    { retryable: true },
  );
}

/** Common PutObject/CreateMultipartUpload fields for a file. */
export function objectFields(req: UploadRequest, md5: Md5): Omit<PutObjectCommandInput, "Body"> {
  const fields: Omit<PutObjectCommandInput, "Body"> = {
    Bucket: req.bucket,
    Key: req.key,
    Metadata: uploadMetadata(req.mtimeMs, md5.base64, req.metadata),
  };
  if (req.contentType) fields.ContentType = req.contentType;
  if (req.storageClass) {
    fields.StorageClass = req.storageClass as PutObjectCommandInput["StorageClass"];
  }
  if (req.sse) fields.ServerSideEncryption = req.sse;
  if (req.sseKmsKeyId) fields.SSEKMSKeyId = req.sseKmsKeyId;
  return fields;
}
