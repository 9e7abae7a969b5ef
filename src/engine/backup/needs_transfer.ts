/**
 * The one decision of an incremental backup: does this local file need a transfer? It is
 * pure and is asked again as evidence arrives, like rclone's equality check:
 *
 * 1. no object in the bucket -> upload; sizes differ -> upload (no hashing needed);
 * 2. size, mtime and change id (ctime + inode) match the manifest row, and the object's ETag
 *    and size match the row -> skip, without hashing and without asking the server;
 * 3. otherwise the file is hashed ("hash"), and its MD5 compared with the object's MD5, taken
 *    from the manifest row when the object is the one we recorded, else from a plain
 *    single-part ETag, else (a multipart object we have no row for) from its md5chksum
 *    metadata, read with one HEAD of that object only ("head");
 * 4. equal MD5s -> skip (and refresh the row), different -> upload, unknown -> upload.
 *
 * @module
 */

import { changeId, type ManifestRow } from "../state/manifest.ts";
import { isPlainMd5Etag } from "../s3/object_meta.ts";
import type { LocalFile } from "../local/walk.ts";

/** What is known about one file when deciding. */
export interface TransferFacts {
  local: Pick<LocalFile, "size" | "mtimeMs" | "ctimeMs" | "ino">;
  /** The listed object at the file's key, if any. */
  remote?: { size: number; etag: string };
  /** The manifest row for the key, if any. */
  row?: ManifestRow;
  /** MD5 (hex) of the local file, once hashed. */
  localMd5?: string;
  /** MD5 (hex) of the object from its md5chksum metadata (HEAD); null: it has none. */
  remoteMd5?: string | null;
  /** Plain ETags may not be MD5s (SSE-KMS): do not compare with them. */
  etagsNotMd5?: boolean;
}

/** The verdict: final (skip, upload) or a request for more evidence (hash, head). */
export type TransferDecision =
  | { verdict: "skip"; reason: string; refreshRow: boolean }
  | { verdict: "upload"; reason: string }
  | { verdict: "hash"; reason: string }
  | { verdict: "head"; reason: string };

/** True when the row describes the local file as it is now (and is trusted). */
export function rowMatchesLocal(row: ManifestRow | undefined, local: TransferFacts["local"]) {
  return row !== undefined && row.size === local.size && row.mtime_ms === local.mtimeMs &&
    row.change_id !== null && row.change_id === changeId(local);
}

/** True when the row describes the object in the bucket as it is now. */
export function rowMatchesRemote(
  row: ManifestRow | undefined,
  remote: TransferFacts["remote"],
): boolean {
  return row !== undefined && remote !== undefined && row.etag === remote.etag &&
    row.size === remote.size;
}

function whyHash(f: TransferFacts): string {
  const { row, local } = f;
  if (!row) return "no manifest entry: comparing checksums";
  if (!rowMatchesRemote(row, f.remote)) return "object changed in the bucket since the last backup";
  if (row.size !== local.size || row.mtime_ms !== local.mtimeMs) return "modification time changed";
  if (row.change_id === null) return "file changed just before the last backup";
  return "file was rewritten (ctime/inode changed)";
}

/** Decides whether the file needs an upload, or which evidence to gather first. */
export function needsTransfer(f: TransferFacts): TransferDecision {
  const { local, remote, row } = f;
  if (!remote) {
    return { verdict: "upload", reason: row ? "missing from the bucket" : "new file" };
  }
  if (remote.size !== local.size) {
    return {
      verdict: "upload",
      reason: `size differs (local ${local.size}, bucket ${remote.size})`,
    };
  }
  const sameRemote = rowMatchesRemote(row, remote);
  if (sameRemote && rowMatchesLocal(row, local)) {
    return {
      verdict: "skip",
      reason: "unchanged (size, mtime and ETag match the manifest)",
      refreshRow: false,
    };
  }
  if (f.localMd5 === undefined) return { verdict: "hash", reason: whyHash(f) };

  let remoteMd5: string | null;
  if (sameRemote) remoteMd5 = row!.md5_hex;
  else if (!f.etagsNotMd5 && isPlainMd5Etag(remote.etag)) remoteMd5 = remote.etag.toLowerCase();
  else if (f.remoteMd5 === undefined) {
    const reason = isPlainMd5Etag(remote.etag)
      ? "the ETag is not an MD5 (SSE-KMS) and no manifest entry matches"
      : "multipart object without a manifest entry";
    return { verdict: "head", reason };
  } else remoteMd5 = f.remoteMd5;

  if (remoteMd5 === null) {
    return { verdict: "upload", reason: "the object's checksum is unknown" };
  }
  if (remoteMd5 === f.localMd5.toLowerCase()) {
    return { verdict: "skip", reason: "content identical (MD5 match)", refreshRow: true };
  }
  return { verdict: "upload", reason: "content differs (MD5)" };
}
