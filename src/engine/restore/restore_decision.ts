/**
 * The one decision restore and verify make about an existing local file: is it the same as the
 * object, without downloading the object? Pure and table-tested.
 *
 * Rules, cheapest sound evidence first:
 * 1. Sizes differ: different. Both empty: identical.
 * 2. An MD5 of the object is known: from `x-amz-meta-md5chksum` (after a HEAD), or from the
 *    listing's ETag when it is a plain MD5 (single-part upload). Then the local file is hashed
 *    and the MD5s decide. When a listing ETag does not match, the object is HEADed before
 *    calling it different: under SSE-KMS/SSE-C an ETag is not an MD5, and md5chksum may exist.
 * 3. No MD5 is knowable (a multipart upload by a tool that stores no md5chksum): the object is
 *    HEADed and its mtime (`x-amz-meta-mtime`, else Last-Modified, which is what restore sets on
 *    files it writes) is compared with the local mtime, within {@link MTIME_WINDOW_MS} (for
 *    filesystems that keep whole seconds). Equal: identical, as rclone's size + modtime check.
 *    Otherwise the file cannot be proven identical and counts as different.
 *
 * @module
 */

import { isPlainMd5Etag, unquoteEtag } from "../s3/object_meta.ts";

/** Mtimes closer than this are equal (filesystems with 1 s resolution). */
export const MTIME_WINDOW_MS = 1000;

/** Facts a HeadObject adds about an object. */
export interface HeadFacts {
  /** MD5 (hex) from md5chksum or a plain ETag that SSE did not change; undefined if unknowable. */
  md5?: string;
  /** From x-amz-meta-mtime (ms). */
  mtimeMs?: number;
}

/** The object side of the comparison. */
export interface RemoteSide {
  size: number;
  etag: string;
  lastModified?: Date;
  /** Present once the object was HEADed. */
  head?: HeadFacts;
}

/** The local side: a regular file. `md5` once it was hashed. */
export interface LocalSide {
  size: number;
  mtimeMs: number;
  md5?: string;
}

/** The outcome: a verdict with a reason, or the evidence still needed. */
export type Verdict =
  | { verdict: "identical"; reason: string }
  | { verdict: "different"; reason: string }
  | { verdict: "need"; need: "local-md5" | "head" };

/** Compares an object with an existing local file (see the module rules). */
export function compareWithLocal(remote: RemoteSide, local: LocalSide): Verdict {
  if (remote.size !== local.size) {
    return {
      verdict: "different",
      reason: `size differs (local ${local.size} bytes, stored ${remote.size} bytes)`,
    };
  }
  if (remote.size === 0) return { verdict: "identical", reason: "both empty" };
  const listedMd5 = isPlainMd5Etag(remote.etag)
    ? unquoteEtag(remote.etag).toLowerCase()
    : undefined;
  const md5 = remote.head ? remote.head.md5 : listedMd5;
  if (md5 !== undefined) {
    if (local.md5 === undefined) return { verdict: "need", need: "local-md5" };
    if (local.md5 === md5) return { verdict: "identical", reason: "same MD5" };
    if (!remote.head) return { verdict: "need", need: "head" };
    return { verdict: "different", reason: "content differs (MD5)" };
  }
  if (!remote.head) return { verdict: "need", need: "head" };
  const mtime = remote.head.mtimeMs ?? remote.lastModified?.getTime();
  if (mtime !== undefined && Math.abs(mtime - local.mtimeMs) < MTIME_WINDOW_MS) {
    return { verdict: "identical", reason: "same size and modification time (no MD5 stored)" };
  }
  return {
    verdict: "different",
    reason: "same size but different modification time, and no MD5 is stored to compare",
  };
}
