/**
 * Reads one object's bytes and hashes them, writing nothing: verify's `--download` check. The
 * MD5 the object claims (md5chksum metadata, or a plain single-part ETag without SSE-KMS) comes
 * back beside the MD5 of the bytes read, so a caller can tell a corrupt stored object from a
 * changed local file.
 *
 * @module
 */

import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import { isAbortError, throwIfAborted } from "../core/errors.ts";
import { md5Stream } from "../core/hashing.ts";
import { knownMd5 } from "../s3/object_meta.ts";
import { type ErrorContext, toEngineError } from "../s3/sdk_errors.ts";

/** The object to read. */
export interface HashObjectRequest {
  client: S3Client;
  bucket: string;
  key: string;
  signal?: AbortSignal;
  /** Bytes read so far (called per chunk). */
  onBytes?: (bytes: number) => void;
  /** How a failure is described (default: reading '<key>' in the bucket). */
  errors?: ErrorContext;
}

/** The MD5 (hex) of the bytes read, and the MD5 the object claims when it claims one. */
export interface ObjectHash {
  actual: string;
  claimed?: string;
}

/**
 * GETs `req.key` and hashes its body as it streams. Throws an EngineError; an abort is rethrown
 * as it came (tell it apart with isAbortError).
 */
export async function hashObject(req: HashObjectRequest): Promise<ObjectHash> {
  try {
    const out = await req.client.send(
      new GetObjectCommand({ Bucket: req.bucket, Key: req.key }),
      { abortSignal: req.signal },
    );
    const hash = md5Stream();
    const body = out.Body as Readable | undefined;
    if (body) {
      try {
        for await (const chunk of body as AsyncIterable<Uint8Array>) {
          throwIfAborted(req.signal);
          hash.update(chunk);
          req.onBytes?.(chunk.length);
        }
      } finally {
        body.destroy?.();
      }
    }
    const claimed = knownMd5(out.Metadata, out.ETag, out.ServerSideEncryption);
    return { actual: hash.finish().hex, ...(claimed ? { claimed } : {}) };
  } catch (e) {
    if (isAbortError(e)) throw e;
    throw toEngineError(
      e,
      req.errors ?? { action: `reading '${req.key}'`, bucket: req.bucket, key: req.key },
    );
  }
}
