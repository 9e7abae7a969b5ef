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

import type { S3Client } from "@aws-sdk/client-s3";
import { md5File } from "../core/hashing.ts";
import { hashObject, type ObjectHash } from "../objects/hash_object.ts";
import { headObject } from "../s3/object_head.ts";
import { isPlainMd5Etag, knownMd5, unquoteEtag } from "../s3/object_meta.ts";
import type { ErrorContext } from "../s3/sdk_errors.ts";

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
  /** How a failed request is described (default: checking '<key>' in the bucket). */
  errors?: ErrorContext;
}

/** How a failure of this check is described. */
function errorsOf(input: CheckInput): ErrorContext {
  return input.errors ??
    { action: `checking '${input.key}'`, bucket: input.bucket, key: input.key };
}

async function remoteMd5ByHead(input: CheckInput): Promise<string | undefined> {
  const head = await headObject(input.client, {
    bucket: input.bucket,
    key: input.key,
    signal: input.signal,
    errors: errorsOf(input),
  });
  return knownMd5(head.metadata, head.etag, head.sse);
}

function remoteMd5ByDownload(input: CheckInput): Promise<ObjectHash> {
  return hashObject({
    client: input.client,
    bucket: input.bucket,
    key: input.key,
    signal: input.signal,
    onBytes: (n) => input.onRead?.("downloaded", n),
    errors: errorsOf(input),
  });
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
