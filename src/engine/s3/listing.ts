/**
 * Listing objects: paged ListObjectsV2 as an async stream in key order (bounded memory), and
 * the seed's S3ObjectInfo shape for output.
 *
 * @module
 */

import { type _Object, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { throwIfAborted } from "../core/errors.ts";
import { unquoteEtag } from "./object_meta.ts";

/** The seed's S3ObjectInfo (snake_case, as in `--json`). */
export interface S3ObjectInfo {
  key: string;
  size: number;
  last_modified: string | null;
  e_tag: string | null;
  storage_class: string | null;
  /** True for a "folder" (common prefix) in a non-recursive listing. */
  is_prefix?: boolean;
  /** Set by `ls --versions`. */
  version_id?: string;
  is_latest?: boolean;
  is_delete_marker?: boolean;
}

/** A listed object as the engine uses it. */
export interface RemoteObject {
  key: string;
  size: number;
  etag: string;
  lastModified?: Date;
  storageClass: string;
}

/** One page of a delimited listing. */
export interface ListPage {
  objects: RemoteObject[];
  prefixes: string[];
  nextToken?: string;
}

function toRemote(o: _Object): RemoteObject {
  const r: RemoteObject = {
    key: o.Key ?? "",
    size: o.Size ?? 0,
    etag: unquoteEtag(o.ETag),
    storageClass: o.StorageClass ?? "STANDARD",
  };
  if (o.LastModified) r.lastModified = o.LastModified;
  return r;
}

/** Converts a listed object to S3ObjectInfo, with `key` shown relative to `hidePrefix`. */
export function toObjectInfo(o: RemoteObject, hidePrefix = ""): S3ObjectInfo {
  return {
    key: hidePrefix && o.key.startsWith(hidePrefix) ? o.key.slice(hidePrefix.length) : o.key,
    size: o.size,
    last_modified: o.lastModified?.toISOString() ?? null,
    e_tag: o.etag || null,
    storage_class: o.storageClass || null,
  };
}

/** Fetches one page of a listing (with `delimiter` "/" for a folder view). */
export async function listPage(
  client: S3Client,
  bucket: string,
  prefix: string,
  opts: {
    delimiter?: string;
    token?: string;
    maxKeys?: number;
    startAfter?: string;
    signal?: AbortSignal;
  } = {},
): Promise<ListPage> {
  const out = await client.send(
    new ListObjectsV2Command({
      Bucket: bucket,
      Prefix: prefix || undefined,
      Delimiter: opts.delimiter,
      ContinuationToken: opts.token,
      MaxKeys: opts.maxKeys,
      StartAfter: opts.token ? undefined : opts.startAfter,
    }),
    { abortSignal: opts.signal },
  );
  const page: ListPage = {
    objects: (out.Contents ?? []).map(toRemote),
    prefixes: (out.CommonPrefixes ?? []).map((p) => p.Prefix ?? "").filter((p) => p !== ""),
  };
  if (out.IsTruncated && out.NextContinuationToken) page.nextToken = out.NextContinuationToken;
  return page;
}

/** Every object under `prefix`, page by page, in the server's (key) order. */
export async function* iterateObjects(
  client: S3Client,
  bucket: string,
  prefix: string,
  signal?: AbortSignal,
): AsyncGenerator<RemoteObject> {
  let token: string | undefined;
  do {
    throwIfAborted(signal);
    const page = await listPage(client, bucket, prefix, { token, signal });
    yield* page.objects;
    token = page.nextToken;
  } while (token);
}
