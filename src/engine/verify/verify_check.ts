/**
 * Verify's per-file content check: does a local file hold the same bytes as its object?
 *
 * Without `download`: sizes first; then the object's MD5 where it is knowable without reading
 * it (a plain single-part ETag from the listing, else `x-amz-meta-md5chksum` from a HEAD, which
 * also catches SSE-KMS ETags that are not MD5s) against the local file's MD5. An object with no
 * knowable MD5 (a multipart upload without md5chksum) is "unverified": use `download`.
 * With `download`: the object's bytes are read and hashed (and checked against the MD5 it
 * claims, which catches a corrupt stored object) and compared with the local MD5.
 *
 * @module
 */

import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import { throwIfAborted } from "../core/errors.ts";
import { md5File, md5Stream } from "../core/hashing.ts";
import { isPlainMd5Etag, knownMd5, unquoteEtag } from "../s3/object_meta.ts";

/** The outcome of one check. */
export type CheckOutcome =
  | { result: "match"; how: string }
  | { result: "differ"; reason: string }
  | { result: "unverified"; reason: string };

/** What a check needs. */
export interface CheckInput {
  client: S3Client;
  bucket: string;
  key: string;
  /** Listed size and ETag of the object. */
  size: number;
  etag: string;
  /** Real local path and size. */
  path: string;
  localSize: number;
  download: boolean;
  signal?: AbortSignal;
  /** Counts bytes read: local hashing and remote downloads. */
  onRead?: (kind: "hashed" | "downloaded", bytes: number) => void;
}

async function remoteMd5ByHead(input: CheckInput): Promise<string | undefined> {
  const out = await input.client.send(
    new HeadObjectCommand({ Bucket: input.bucket, Key: input.key }),
    { abortSignal: input.signal },
  );
  return knownMd5(out.Metadata, out.ETag, out.ServerSideEncryption);
}

async function remoteMd5ByDownload(
  input: CheckInput,
): Promise<{ actual: string; claimed?: string }> {
  const out = await input.client.send(
    new GetObjectCommand({ Bucket: input.bucket, Key: input.key }),
    { abortSignal: input.signal },
  );
  const hash = md5Stream();
  const body = out.Body as Readable | undefined;
  if (body) {
    try {
      for await (const chunk of body as AsyncIterable<Uint8Array>) {
        throwIfAborted(input.signal);
        hash.update(chunk);
        input.onRead?.("downloaded", chunk.length);
      }
    } finally {
      body.destroy?.();
    }
  }
  const claimed = knownMd5(out.Metadata, out.ETag, out.ServerSideEncryption);
  return { actual: hash.finish().hex, ...(claimed ? { claimed } : {}) };
}

async function localMd5(input: CheckInput): Promise<string> {
  return (await md5File(input.path, input.signal, (n) => input.onRead?.("hashed", n))).hex;
}

/** Checks one local file against one object (see the module rules). */
export async function checkContent(input: CheckInput): Promise<CheckOutcome> {
  if (input.size !== input.localSize) {
    return {
      result: "differ",
      reason: `size differs (local ${input.localSize} bytes, stored ${input.size} bytes)`,
    };
  }
  if (input.download) {
    const [local, remote] = await Promise.all([localMd5(input), remoteMd5ByDownload(input)]);
    if (remote.claimed && remote.claimed !== remote.actual) {
      return {
        result: "differ",
        reason:
          `the stored object is corrupt: its bytes hash to ${remote.actual}, it claims ${remote.claimed}`,
      };
    }
    return local === remote.actual
      ? { result: "match", how: "downloaded and hashed" }
      : { result: "differ", reason: "content differs (MD5 of the downloaded bytes)" };
  }
  if (input.size === 0) return { result: "match", how: "both empty" };
  const listed = isPlainMd5Etag(input.etag) ? unquoteEtag(input.etag).toLowerCase() : undefined;
  let local: string | undefined;
  if (listed) {
    local = await localMd5(input);
    if (local === listed) return { result: "match", how: "MD5 (ETag)" };
  }
  // No plain ETag, or it did not match (an SSE-KMS ETag is not an MD5): ask for md5chksum.
  const stored = await remoteMd5ByHead(input);
  if (stored === undefined) {
    return {
      result: "unverified",
      reason:
        "no MD5 is stored for this object (multipart upload without md5chksum): use --download",
    };
  }
  const mine = local ?? await localMd5(input);
  return mine === stored
    ? { result: "match", how: "MD5 (md5chksum)" }
    : { result: "differ", reason: "content differs (MD5)" };
}
