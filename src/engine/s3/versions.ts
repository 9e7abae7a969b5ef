/**
 * Object versions (ListObjectVersions): every version and delete marker under a prefix, in key
 * order, newest first within a key.
 *
 * @module
 */

import { ListObjectVersionsCommand, type S3Client } from "@aws-sdk/client-s3";
import { EngineError, throwIfAborted } from "../core/errors.ts";
import { unquoteEtag } from "./object_meta.ts";
import type { S3ObjectInfo } from "./listing.ts";
import { toEngineError } from "./sdk_errors.ts";
import { compareKeys } from "../core/keys.ts";

/** One version or delete marker. */
export interface ObjectVersion {
  key: string;
  versionId: string;
  isLatest: boolean;
  isDeleteMarker: boolean;
  lastModified?: Date;
  size: number;
  etag: string;
  storageClass: string;
}

/** Streams every version and delete marker under `prefix` (page by page). */
export async function* iterateVersions(
  client: S3Client,
  bucket: string,
  prefix: string,
  signal?: AbortSignal,
): AsyncGenerator<ObjectVersion> {
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    throwIfAborted(signal);
    const out = await client.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        Prefix: prefix || undefined,
        KeyMarker: keyMarker,
        VersionIdMarker: versionMarker,
      }),
      { abortSignal: signal },
    );
    const page: ObjectVersion[] = [];
    for (const v of out.Versions ?? []) {
      const o: ObjectVersion = {
        key: v.Key ?? "",
        versionId: v.VersionId ?? "null",
        isLatest: v.IsLatest ?? false,
        isDeleteMarker: false,
        size: v.Size ?? 0,
        etag: unquoteEtag(v.ETag),
        storageClass: v.StorageClass ?? "STANDARD",
      };
      if (v.LastModified) o.lastModified = v.LastModified;
      page.push(o);
    }
    for (const m of out.DeleteMarkers ?? []) {
      const o: ObjectVersion = {
        key: m.Key ?? "",
        versionId: m.VersionId ?? "null",
        isLatest: m.IsLatest ?? false,
        isDeleteMarker: true,
        size: 0,
        etag: "",
        storageClass: "",
      };
      if (m.LastModified) o.lastModified = m.LastModified;
      page.push(o);
    }
    // Versions and markers come in two lists: merge into key order, newest first per key.
    // Keys compare in S3's (UTF-8 byte) order so a key split across pages stays contiguous.
    page.sort((a, b) =>
      compareKeys(a.key, b.key) ||
      (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0)
    );
    yield* page;
    keyMarker = out.IsTruncated ? out.NextKeyMarker : undefined;
    versionMarker = out.IsTruncated ? out.NextVersionIdMarker : undefined;
  } while (keyMarker);
}

/** Versions under `prefix` as S3ObjectInfo rows for `ls --versions` (at most `max`). */
export async function listVersionsForLs(
  client: S3Client,
  bucket: string,
  prefix: string,
  hidePrefix: string,
  max: number,
  signal?: AbortSignal,
): Promise<S3ObjectInfo[]> {
  const rows: S3ObjectInfo[] = [];
  try {
    for await (const v of iterateVersions(client, bucket, prefix, signal)) {
      rows.push({
        key: hidePrefix && v.key.startsWith(hidePrefix) ? v.key.slice(hidePrefix.length) : v.key,
        size: v.size,
        last_modified: v.lastModified?.toISOString() ?? null,
        e_tag: v.etag || null,
        storage_class: v.storageClass || null,
        version_id: v.versionId,
        is_latest: v.isLatest,
        is_delete_marker: v.isDeleteMarker,
      });
      if (rows.length >= max) break;
    }
  } catch (e) {
    throw toEngineError(e, { action: "listing versions", bucket, fallback: "ListFailed" });
  }
  return rows;
}

/**
 * Parses `--at TIMESTAMP`: an ISO 8601 date-time ("2026-11-20T18:30:00Z", offsets allowed),
 * a date ("2026-11-20", meaning the end of that day in UTC) or unix seconds.
 */
export function parseAt(value: string): Date {
  const text = value.trim();
  let ms: number;
  if (/^\d{9,11}(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else if (/^\d{4}-\d{2}-\d{2}$/.test(text)) ms = Date.parse(`${text}T23:59:59.999Z`);
  else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text)) ms = Date.parse(text.replace(" ", "T"));
  else ms = NaN;
  if (!Number.isFinite(ms)) {
    throw new EngineError(
      "UsageError",
      `--at: '${value}' is not a time: use ISO 8601 such as 2026-11-20T18:30:00Z, a date such as 2026-11-20 (end of that day, UTC), or unix seconds.`,
    );
  }
  return new Date(ms);
}

/**
 * For each key, the version that was current at `at`: the newest version or delete marker whose
 * LastModified is not after `at` (ties: the one S3 marks latest, else the first listed). Keys
 * created after `at` are left out. Results are in key order. Pure over its input.
 */
export function versionsAt(versions: Iterable<ObjectVersion>, at: Date): ObjectVersion[] {
  const limit = at.getTime();
  const best = new Map<string, ObjectVersion>();
  for (const v of versions) {
    const t = v.lastModified?.getTime();
    if (t === undefined || t > limit) continue;
    const cur = best.get(v.key);
    const curT = cur?.lastModified?.getTime() ?? -Infinity;
    if (!cur || t > curT || (t === curT && v.isLatest && !cur.isLatest)) best.set(v.key, v);
  }
  return [...best.values()].sort((a, b) => compareKeys(a.key, b.key));
}
