/**
 * What a restore restores: every object under the prefix now (ListObjectsV2), or, with
 * `--at`, the version of each key that was current at that time (ListObjectVersions; a key
 * whose newest entry at that time is a delete marker is marked deleted, keys created later are
 * left out).
 *
 * @module
 */

import type { S3Client } from "@aws-sdk/client-s3";
import { iterateObjects } from "../s3/listing.ts";
import { iterateVersions, type ObjectVersion, versionsAt } from "../s3/versions.ts";
import type { RestoreSource } from "./restore_plan.ts";

/** Converts the version chosen for a key into a restore source. */
export function sourceFromVersion(v: ObjectVersion): RestoreSource {
  const s: RestoreSource = {
    key: v.key,
    size: v.size,
    etag: v.etag,
    storageClass: v.storageClass || "STANDARD",
  };
  if (v.lastModified) s.lastModified = v.lastModified;
  if (v.isDeleteMarker) s.deleted = true;
  // "null" is the version id of objects written before versioning was enabled.
  else if (v.versionId && !(v.versionId === "null" && v.isLatest)) s.versionId = v.versionId;
  return s;
}

/** Lists the sources under `keyPrefix` (now, or as they were at `at`). */
export async function listSources(
  client: S3Client,
  bucket: string,
  keyPrefix: string,
  at: Date | undefined,
  signal?: AbortSignal,
): Promise<RestoreSource[]> {
  if (at) {
    const all: ObjectVersion[] = [];
    for await (const v of iterateVersions(client, bucket, keyPrefix, signal)) all.push(v);
    return versionsAt(all, at).map(sourceFromVersion);
  }
  const out: RestoreSource[] = [];
  for await (const o of iterateObjects(client, bucket, keyPrefix, signal)) {
    const s: RestoreSource = {
      key: o.key,
      size: o.size,
      etag: o.etag,
      storageClass: o.storageClass,
    };
    if (o.lastModified) s.lastModified = o.lastModified;
    out.push(s);
  }
  return out;
}
