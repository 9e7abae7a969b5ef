/**
 * Keeps an object's modification time right when only the local file's mtime changed (the bytes
 * are identical): a server-side CopyObject onto itself with the new `mtime` metadata, as rclone
 * does, so a restore gives the file the date it has now. No bytes are uploaded.
 *
 * @module
 */

import { CopyObjectCommand, type CopyObjectCommandInput, type S3Client } from "@aws-sdk/client-s3";
import { contentTypeFor } from "../s3/content_type.ts";
import { encodeKeyPath } from "../core/keys.ts";
import { unquoteEtag, uploadMetadata } from "../s3/object_meta.ts";
import type { RemoteObject } from "../s3/listing.ts";
import type { UploadSettings } from "./upload_request.ts";

/** Largest object a single CopyObject may copy. */
export const COPY_LIMIT_BYTES = 5 * 1024 ** 3;

const COLD = new Set(["GLACIER", "DEEP_ARCHIVE"]);

/** True when the object's metadata can be rewritten in place (not cold, not over 5 GiB). */
export function canRefreshMtime(remote: RemoteObject): boolean {
  return remote.size <= COPY_LIMIT_BYTES && !COLD.has(remote.storageClass);
}

/** What to rewrite. */
export interface MtimeRefresh {
  client: S3Client;
  bucket: string;
  key: string;
  remote: RemoteObject;
  /** Local path (for the content type) and its current mtime. */
  path: string;
  mtimeMs: number;
  /** base64 MD5 of the (unchanged) content. */
  md5Base64: string;
  settings: UploadSettings;
  signal?: AbortSignal;
}

/** Rewrites the object's metadata with the new mtime; returns the object's new ETag. */
export async function refreshMtime(r: MtimeRefresh): Promise<string> {
  const input: CopyObjectCommandInput = {
    Bucket: r.bucket,
    Key: r.key,
    CopySource: `${r.bucket}/${encodeKeyPath(r.key)}`,
    MetadataDirective: "REPLACE",
    Metadata: uploadMetadata(r.mtimeMs, r.md5Base64),
    ContentType: contentTypeFor(r.path),
    // A copy would otherwise reset these to the bucket's defaults.
    StorageClass: (r.remote.storageClass || "STANDARD") as CopyObjectCommandInput["StorageClass"],
  };
  if (r.settings.sse) input.ServerSideEncryption = r.settings.sse;
  if (r.settings.sseKmsKeyId) input.SSEKMSKeyId = r.settings.sseKmsKeyId;
  const out = await r.client.send(new CopyObjectCommand(input), { abortSignal: r.signal });
  return unquoteEtag(out.CopyObjectResult?.ETag);
}
