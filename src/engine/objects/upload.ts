/**
 * Uploads one local file: a single PutObject with Content-MD5 up to the multipart threshold,
 * a resumable multipart upload above it (see multipart.ts). Both carry rclone-compatible
 * mtime/md5chksum metadata and both detect a file that changes while it is read.
 *
 * @module
 */

import { PutObjectCommand, type PutObjectCommandInput } from "@aws-sdk/client-s3";
import { pacedBody } from "../core/bandwidth.ts";
import { throwIfAborted } from "../core/errors.ts";
import { type Md5, md5Bytes, readRange } from "../core/hashing.ts";
import { unquoteEtag } from "../s3/object_meta.ts";
import { Semaphore } from "../../lib/semaphore.ts";
import { TRANSFER_BUFFERS } from "../../lib/buffer_pool.ts";
import { multipartUpload } from "./multipart.ts";
import { LEAN_MAX_BYTES, leanS3For } from "../s3/lean_s3.ts";
import {
  assertUnchanged,
  changedError,
  MULTIPART_THRESHOLD,
  objectFields,
  type UploadOutcome,
  type UploadRequest,
} from "./upload_request.ts";

export * from "./upload_request.ts";

/** Reads exactly `size` bytes of `path` into `out`; a shorter or longer file means it changed. */
async function readExactly(
  path: string,
  out: Uint8Array,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const size = out.length;
  using file = await Deno.open(path, { read: true });
  let off = 0;
  await readRange(file, 0, size + 1, (chunk) => {
    if (off + chunk.length > size) throw changedError(path);
    out.set(chunk, off);
    off += chunk.length;
  }, signal);
  if (off !== size) throw changedError(path);
  return out;
}

/** Uploads one file (single PUT or multipart by size). */
export async function uploadFile(req: UploadRequest): Promise<UploadOutcome> {
  const started = performance.now();
  throwIfAborted(req.signal);
  const threshold = req.multipartThreshold ?? MULTIPART_THRESHOLD;
  if (req.size > threshold) {
    const r = await multipartUpload(req);
    return { ...r, multipart: true, durationMs: Math.round(performance.now() - started) };
  }
  const slots = req.slots ?? new Semaphore(1);
  return await slots.run(async () => {
    const bytes = TRANSFER_BUFFERS.take(req.size);
    try {
      await readExactly(req.path, bytes, req.signal);
      return await putBytes(req, bytes, started);
    } finally {
      TRANSFER_BUFFERS.give(bytes);
    }
  }, req.signal);
}

async function putBytes(
  req: UploadRequest,
  bytes: Uint8Array,
  started: number,
): Promise<UploadOutcome> {
  const md5 = md5Bytes(bytes);
  if (req.md5 && req.md5.hex !== md5.hex) throw changedError(req.path);
  await assertUnchanged(req.path, req.size, req.mtimeMs);
  const fields = objectFields(req, md5);
  let etag = await leanPut(req, bytes, md5, fields);
  if (etag === null) {
    const body = req.limiter && bytes.length > 0
      ? pacedBody(bytes, req.limiter, req.signal)
      : bytes;
    const out = await req.client.send(
      new PutObjectCommand({
        ...fields,
        Body: body,
        ContentLength: bytes.length,
        ContentMD5: md5.base64,
      }),
      { abortSignal: req.signal },
    );
    etag = out.ETag ?? "";
  }
  req.onBytes?.(bytes.length);
  return {
    etag: unquoteEtag(etag),
    bytes: bytes.length,
    md5,
    multipart: false,
    resumedParts: 0,
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * The lean PUT of lean_s3.ts for a small object without pacing or server-side encryption (whose
 * ETag is not the MD5): the ETag, or null when the SDK must send it.
 */
async function leanPut(
  req: UploadRequest,
  bytes: Uint8Array,
  md5: Md5,
  fields: Omit<PutObjectCommandInput, "Body">,
): Promise<string | null> {
  if (req.limiter || req.sse || req.sseKmsKeyId || bytes.length > LEAN_MAX_BYTES) return null;
  const lean = leanS3For(req.client);
  if (!lean) return null;
  const headers: Record<string, string> = {};
  if (fields.ContentType) headers["content-type"] = fields.ContentType;
  if (fields.StorageClass) headers["x-amz-storage-class"] = fields.StorageClass;
  for (const [k, v] of Object.entries(fields.Metadata ?? {})) headers[`x-amz-meta-${k}`] = v;
  return await lean.put({
    bucket: req.bucket,
    key: req.key,
    body: bytes,
    md5,
    headers,
    ...(req.signal ? { signal: req.signal } : {}),
  });
}
