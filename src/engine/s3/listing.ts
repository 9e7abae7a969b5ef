/**
 * Listing objects: paged ListObjectsV2 as an async stream in key order (bounded memory); the
 * folder view of a listing page that `ls` and the TUI's bucket browser show (folders first,
 * then files); and the seed's S3ObjectInfo shape for output.
 *
 * @module
 */

import { type _Object, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { throwIfAborted } from "../core/errors.ts";
import { compareKeys, displayKey, fullKey } from "../core/keys.ts";
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

/** One row of a folder view: a folder (a common prefix) or a file (an object). */
export interface FolderEntry {
  /** The key (a folder's ends in "/") relative to the profile's path prefix. */
  key: string;
  /** The key relative to the listed prefix: "2024/" for a folder, "a.jpg" for a file. */
  name: string;
  isFolder: boolean;
  /** Bytes; 0 for a folder. */
  size: number;
  /** ISO time of the object's last change as the listing gives it; null for a folder. */
  lastModified: string | null;
  /** The ETag without quotes; null for a folder. */
  etag: string | null;
  /** The storage class; null for a folder. */
  storageClass: string | null;
}

/** One page of a folder view: folders first, then files, and the token of the next page. */
export interface FolderView {
  entries: FolderEntry[];
  /** Continuation token of the next page; absent on the last page. */
  nextToken?: string;
}

/** How {@link folderView} reads a page. */
export interface FolderViewOptions {
  /** The profile's path prefix: entry keys are shown relative to it. */
  pathPrefix?: string;
  /**
   * Keep the folder's own marker object (the object whose key is the listed prefix, ending in
   * "/"), as `ls` shows it. The bucket browser leaves it out.
   */
  keepMarker?: boolean;
}

/**
 * The folder view of one listing page of `prefix` (the full key prefix that was listed): the
 * page's folders, then its files, each in key order; keys relative to the path prefix, names
 * relative to `prefix`; sizes, times, ETags and storage classes of the files as listed.
 */
export function folderView(
  page: ListPage,
  prefix: string,
  options: FolderViewOptions = {},
): FolderView {
  const pathPrefix = options.pathPrefix ?? "";
  const name = (key: string) => key.startsWith(prefix) ? key.slice(prefix.length) : key;
  const folders: FolderEntry[] = [...page.prefixes].sort(compareKeys).map((p) => ({
    key: displayKey(pathPrefix, p),
    name: name(p),
    isFolder: true,
    size: 0,
    lastModified: null,
    etag: null,
    storageClass: null,
  }));
  const marker = prefix.endsWith("/") && !options.keepMarker ? prefix : undefined;
  const files: FolderEntry[] = page.objects
    .filter((o) => o.key !== marker)
    .sort((a, b) => compareKeys(a.key, b.key))
    .map((o) => ({
      key: displayKey(pathPrefix, o.key),
      name: name(o.key),
      isFolder: false,
      size: o.size,
      lastModified: o.lastModified?.toISOString() ?? null,
      etag: o.etag || null,
      storageClass: o.storageClass || null,
    }));
  const view: FolderView = { entries: [...folders, ...files] };
  if (page.nextToken !== undefined) view.nextToken = page.nextToken;
  return view;
}

/** What {@link listFolder} lists. */
export interface FolderRequest extends FolderViewOptions {
  /** The prefix as the user gives it, relative to the path prefix ("" for its root). */
  prefix: string;
  /** Every object under the prefix (no folders) instead of one level. */
  recursive?: boolean;
  /** The `nextToken` of the previous page. */
  token?: string;
  /** At most this many entries (the server may return fewer). */
  maxKeys?: number;
  signal?: AbortSignal;
}

/**
 * One page of the folder view of `request.prefix` (under the path prefix) in `bucket`: the
 * listing `ls` and the TUI's bucket browser show. SDK errors are thrown as they come.
 */
export async function listFolder(
  client: S3Client,
  bucket: string,
  request: FolderRequest,
): Promise<FolderView> {
  const full = fullKey(request.pathPrefix ?? "", request.prefix);
  const page = await listPage(client, bucket, full, {
    delimiter: request.recursive ? undefined : "/",
    token: request.token,
    maxKeys: request.maxKeys,
    signal: request.signal,
  });
  return folderView(page, full, request);
}

/** A folder-view entry as S3ObjectInfo (`ls --json`). */
export function entryInfo(e: FolderEntry): S3ObjectInfo {
  const info: S3ObjectInfo = {
    key: e.key,
    size: e.size,
    last_modified: e.lastModified,
    e_tag: e.etag,
    storage_class: e.storageClass,
  };
  if (e.isFolder) info.is_prefix = true;
  return info;
}
