/**
 * Resumable multipart upload. lib-storage's Upload cannot continue an existing UploadId nor send
 * a Content-MD5 per part, so this module drives the multipart API itself: parts are read straight
 * from the file by range (no whole-file buffering), each with Content-MD5; a record in the state
 * database lets the next run list the parts already stored (ListParts), verify them against the
 * local bytes and send only the rest.
 *
 * @module
 */

import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { pacedBody } from "../core/bandwidth.ts";
import { EngineError, throwIfAborted } from "../core/errors.ts";
import { type Md5, md5Bytes, md5File, readRange } from "../core/hashing.ts";
import { unquoteEtag } from "../s3/object_meta.ts";
import { Semaphore } from "../../lib/semaphore.ts";
import { TRANSFER_BUFFERS } from "../../lib/buffer_pool.ts";
import {
  assertUnchanged,
  changedError,
  MULTIPART_THRESHOLD,
  objectFields,
  type UploadRequest,
} from "./upload_request.ts";

/** S3's limit on parts per upload. */
export const MAX_PARTS = 10_000;

/** Part size for a file: at least `minPartSize`, whole MiB, and no more than 10,000 parts. */
export function choosePartSize(size: number, minPartSize = MULTIPART_THRESHOLD): number {
  const mib = 1024 * 1024;
  const needed = Math.ceil(size / MAX_PARTS / mib) * mib;
  return Math.max(minPartSize, needed);
}

interface StoredPart {
  etag: string;
  size: number;
}

async function listAllParts(
  client: S3Client,
  bucket: string,
  key: string,
  uploadId: string,
  signal?: AbortSignal,
) {
  const parts = new Map<number, StoredPart>();
  let marker: string | undefined;
  do {
    const page = await client.send(
      new ListPartsCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        PartNumberMarker: marker,
      }),
      { abortSignal: signal },
    );
    for (const p of page.Parts ?? []) {
      if (p.PartNumber !== undefined) {
        parts.set(p.PartNumber, { etag: unquoteEtag(p.ETag).toLowerCase(), size: p.Size ?? -1 });
      }
    }
    marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
  } while (marker);
  return parts;
}

/**
 * Aborts one multipart upload, ignoring any failure (an upload already gone, NoSuchUpload, is
 * what was wanted; anything else is left to a lifecycle rule for incomplete uploads).
 */
export async function abortQuietly(
  client: S3Client,
  bucket: string,
  key: string,
  uploadId: string,
  signal?: AbortSignal,
): Promise<void> {
  await client.send(
    new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }),
    { abortSignal: signal },
  ).catch(() => {});
}

/**
 * CreateMultipartUpload calls whose answer may have been lost (a network error or a 5xx): the
 * server may have created an upload nobody will complete or abort. Keyed by bucket and key, the
 * value is when the first such call started (performance.now()).
 */
const lostCreates = new Map<string, number>();

function ambiguous(e: unknown): boolean {
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === undefined || status >= 500;
}

/**
 * CreateMultipartUpload is the one request that is not idempotent: when its answer is lost, a
 * retry (by the SDK, by a per-file retry, or silently by the HTTP client replaying it on a fresh
 * connection, which `$metadata.attempts` does not show) creates a second upload, and the first
 * is never completed or aborted. So after each Create, one ListMultipartUploads of the key finds
 * the other uploads of exactly `key` that the server started during our attempts (`windowMs`
 * long, ending with `ours`) and aborts them. Best effort: a failure leaves what a lost answer
 * left (a lifecycle rule for incomplete uploads is the backstop).
 */
async function abortLostCreates(
  client: S3Client,
  bucket: string,
  key: string,
  ours: string,
  windowMs: number,
  signal?: AbortSignal,
): Promise<void> {
  try {
    const out = await client.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }),
      { abortSignal: signal },
    );
    const uploads = (out.Uploads ?? []).filter((u) => u.Key === key && u.UploadId);
    const mine = uploads.find((u) => u.UploadId === ours)?.Initiated?.getTime();
    if (mine === undefined) return;
    for (const u of uploads) {
      const at = u.Initiated?.getTime();
      if (u.UploadId === ours || at === undefined) continue;
      if (at >= mine - windowMs - 2000 && at <= mine + 1000) {
        await abortQuietly(client, bucket, key, u.UploadId!);
      }
    }
  } catch {
    // Listing failed: leave it.
  }
}

/** Uploads `req` as a multipart upload, resuming a recorded one when it still matches the file. */
export async function multipartUpload(
  req: UploadRequest,
): Promise<{ etag: string; bytes: number; md5: Md5; resumedParts: number }> {
  const { client, bucket, key, records, signal } = req;
  const partSize = choosePartSize(req.size, req.minPartSize);
  const partCount = Math.max(1, Math.ceil(req.size / partSize));
  let md5 = req.md5;
  if (!md5) {
    const h = await md5File(req.path, signal);
    if (h.size !== req.size) throw changedError(req.path);
    md5 = { hex: h.hex, base64: h.base64 };
  }
  await assertUnchanged(req.path, req.size, req.mtimeMs);

  let uploadId: string | undefined;
  let stored = new Map<number, StoredPart>();
  const rec = records?.find(req.target, key);
  if (rec) {
    const same = rec.size === req.size && rec.mtime_ms === req.mtimeMs && rec.md5_hex === md5.hex &&
      rec.part_size === partSize;
    if (same) {
      try {
        stored = await listAllParts(client, bucket, key, rec.upload_id, signal);
        uploadId = rec.upload_id;
      } catch (e) {
        if ((e as { name?: string }).name !== "NoSuchUpload") throw e;
        records?.remove(req.target, key);
      }
    } else {
      await abortQuietly(client, bucket, key, rec.upload_id);
      records?.remove(req.target, key);
    }
  }
  if (!uploadId) {
    const lostKey = `${bucket}\n${key}`;
    const createStarted = lostCreates.get(lostKey) ?? performance.now();
    let created;
    try {
      created = await client.send(new CreateMultipartUploadCommand(objectFields(req, md5)), {
        abortSignal: signal,
      });
    } catch (e) {
      if (ambiguous(e)) lostCreates.set(lostKey, createStarted);
      throw e;
    }
    if (!created.UploadId) {
      throw new EngineError("UploadFailed", `The server returned no UploadId for '${key}'.`);
    }
    uploadId = created.UploadId;
    // Recorded first, so a crash from here on leaves an upload the next run resumes or aborts.
    records?.save({
      target: req.target,
      key,
      upload_id: uploadId,
      size: req.size,
      mtime_ms: req.mtimeMs,
      part_size: partSize,
      md5_hex: md5.hex,
      created_at: new Date().toISOString(),
    });
    lostCreates.delete(lostKey);
    const windowMs = performance.now() - createStarted;
    await abortLostCreates(client, bucket, key, uploadId, windowMs, signal);
  }

  const slots = req.slots ?? new Semaphore(4);
  const etags: string[] = new Array(partCount);
  let resumedParts = 0;
  let failure: unknown;
  const inFlight = new Set<Promise<void>>();
  using file = await Deno.open(req.path, { read: true });
  // One reader at a time: FsFile seek+read is not safe to interleave.
  const reader = new Semaphore(1);

  for (let n = 1; n <= partCount && failure === undefined; n++) {
    try {
      await slots.acquire(signal);
    } catch (e) {
      failure = e;
      break;
    }
    const offset = (n - 1) * partSize;
    const length = Math.min(partSize, req.size - offset);
    const task = (async () => {
      let buf: Uint8Array | undefined;
      try {
        throwIfAborted(signal);
        buf = TRANSFER_BUFFERS.take(length);
        let off = 0;
        const got = await reader.run(() =>
          readRange(file, offset, length, (c) => {
            buf!.set(c, off);
            off += c.length;
          }, signal)
        );
        if (got !== length) throw changedError(req.path);
        const partMd5 = md5Bytes(buf);
        const have = stored.get(n);
        if (have && have.size === length && have.etag === partMd5.hex) {
          etags[n - 1] = have.etag;
          resumedParts += 1;
          req.onBytes?.(length);
          return;
        }
        const body = req.limiter ? pacedBody(buf, req.limiter, signal) : buf;
        const out = await client.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: n,
            Body: body,
            ContentLength: length,
            ContentMD5: partMd5.base64,
          }),
          { abortSignal: signal },
        );
        etags[n - 1] = unquoteEtag(out.ETag);
        req.onBytes?.(length);
      } catch (e) {
        failure ??= e;
      } finally {
        if (buf) TRANSFER_BUFFERS.give(buf);
        slots.release();
      }
    })();
    inFlight.add(task);
    task.finally(() => inFlight.delete(task));
  }
  await Promise.all(inFlight);
  if (failure !== undefined) {
    // Keep the upload and its record: the next run resumes it (a changed file is aborted there).
    if (failure instanceof EngineError && failure.message.includes("changed while")) {
      await abortQuietly(client, bucket, key, uploadId);
      records?.remove(req.target, key);
    }
    throw failure;
  }
  try {
    await assertUnchanged(req.path, req.size, req.mtimeMs);
  } catch (e) {
    await abortQuietly(client, bucket, key, uploadId);
    records?.remove(req.target, key);
    throw e;
  }
  const done = await client.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      MultipartUpload: {
        Parts: etags.map((etag, i) => ({ ETag: `"${etag}"`, PartNumber: i + 1 })),
      },
    }),
    { abortSignal: signal },
  );
  records?.remove(req.target, key);
  // RGW answers a first CompleteMultipartUpload with an empty <ETag>: compute it as S3 does
  // (MD5 of the parts' binary MD5s, "-", the part count), so the manifest row holds the ETag the
  // listing will show and the next run does not rehash the file to find out.
  const etag = unquoteEtag(done.ETag) || multipartEtag(etags);
  return { etag, bytes: req.size, md5, resumedParts };
}

/** The ETag S3 gives a multipart object: MD5 of the concatenated part MD5s, "-", part count. */
export function multipartEtag(partEtags: readonly string[]): string {
  const raw = new Uint8Array(partEtags.length * 16);
  partEtags.forEach((hex, i) => {
    for (let b = 0; b < 16; b++) raw[i * 16 + b] = parseInt(hex.slice(b * 2, b * 2 + 2), 16);
  });
  return `${md5Bytes(raw).hex}-${partEtags.length}`;
}
