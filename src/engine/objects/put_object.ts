/**
 * Putting one local file into one object (`eigen-s3 put LOCAL_PATH [KEY]`): a single PUT with
 * Content-MD5 or a resumable multipart upload (upload.ts), with rclone-compatible
 * mtime/md5chksum metadata, user metadata, content type and storage class.
 *
 * {@link checkPut} checks everything that needs no connection (the file, the key, the
 * metadata), so a bad argument is reported before connecting; {@link putObject} uploads.
 *
 * @module
 */

import { basename } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { EngineError } from "../core/errors.ts";
import { type SseMode, validateSse, validateStorageClass } from "../core/validate.ts";
import { fullKey } from "../core/keys.ts";
import { toEngineError } from "../s3/sdk_errors.ts";
import { contentTypeFor } from "../s3/content_type.ts";
import { META_MD5, META_MTIME } from "../s3/object_meta.ts";
import type { MultipartRecords } from "../state/multipart_records.ts";
import { uploadFile } from "./upload.ts";

/** Parses `--meta K=V` values (keys lower-cased; the keys eigen-s3 sets itself are refused). */
export function parseMeta(values: readonly string[]): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf("=");
    const k = i > 0 ? v.slice(0, i).trim().toLowerCase() : "";
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(k)) {
      throw new EngineError(
        "UsageError",
        `--meta: '${v}' must be KEY=VALUE with a key of letters, digits, '.', '_' or '-'.`,
      );
    }
    if (k === META_MTIME || k === META_MD5) {
      throw new EngineError(
        "UsageError",
        `--meta: '${k}' is set by eigen-s3 itself and cannot be overridden.`,
      );
    }
    const value = v.slice(i + 1);
    if (!/^[\x20-\x7e]*$/.test(value)) {
      throw new EngineError(
        "UsageError",
        `--meta: the value of '${k}' must be printable ASCII (S3 metadata is sent as HTTP headers).`,
      );
    }
    meta[k] = value;
  }
  return meta;
}

/** Checks the local path is a readable regular file; returns its stat. */
export async function statUploadSource(path: string): Promise<Deno.FileInfo> {
  let st: Deno.FileInfo;
  try {
    st = await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new EngineError("UsageError", `'${path}' does not exist: check the path.`);
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new EngineError("UploadFailed", `'${path}' cannot be read (permission denied).`);
    }
    throw e;
  }
  if (st.isDirectory) {
    throw new EngineError(
      "UsageError",
      `'${path}' is a folder: use 'eigen-s3 backup ${path} PREFIX' for folders.`,
    );
  }
  if (!st.isFile) {
    throw new EngineError(
      "UsageError",
      `'${path}' is not a regular file (device, FIFO or socket).`,
    );
  }
  try {
    (await Deno.open(path, { read: true })).close();
  } catch (e) {
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new EngineError(
        "UploadFailed",
        `'${path}' cannot be read (permission denied): check its permissions.`,
      );
    }
    throw e;
  }
  return st;
}

/** What to put, as the user asked it. */
export interface PutArguments {
  localPath: string;
  /** The key relative to the path prefix; absent: the file's name; ending in "/": + its name. */
  key?: string;
  /** `--meta K=V` values. */
  meta?: readonly string[];
  contentType?: string;
  storageClass?: string;
  /** `--sse`, `--sse-kms-key-id`. */
  sse?: string;
  sseKmsKeyId?: string;
}

/** A put whose file, key and metadata were checked. */
export interface CheckedPut {
  localPath: string;
  /** The key relative to the path prefix, as shown to the user. */
  key: string;
  size: number;
  mtimeMs: number;
  metadata: Record<string, string>;
  contentType: string;
  storageClass?: string;
  sse?: SseMode;
  sseKmsKeyId?: string;
}

/** Checks a put's arguments (no connection needed); throws a UsageError when one is wrong. */
export async function checkPut(args: PutArguments): Promise<CheckedPut> {
  const metadata = parseMeta(args.meta ?? []);
  const storageClass = args.storageClass === undefined
    ? undefined
    : validateStorageClass(args.storageClass, { field: "--storage-class", code: "UsageError" });
  const sse = validateSse(args.sse, args.sseKmsKeyId);
  const st = await statUploadSource(args.localPath);
  let key = args.key === undefined ? basename(args.localPath) : args.key;
  if (key.endsWith("/")) key += basename(args.localPath);
  if (key.replace(/^\/+/, "") === "") {
    throw new EngineError("UsageError", "KEY is empty: give an object key.");
  }
  const put: CheckedPut = {
    localPath: args.localPath,
    key,
    size: st.size,
    mtimeMs: st.mtime?.getTime() ?? Date.now(),
    metadata,
    contentType: args.contentType ?? contentTypeFor(args.localPath),
  };
  if (storageClass) put.storageClass = storageClass;
  Object.assign(put, sse);
  return put;
}

/** Where a put goes and what it may use. */
export interface PutTarget {
  client: S3Client;
  /** "endpoint|bucket" (multipart resume records). */
  target: string;
  bucket: string;
  pathPrefix: string;
  /** For messages ("Cannot reach <endpoint>"). */
  endpoint?: string;
  records?: MultipartRecords;
  signal?: AbortSignal;
  /** Bytes sent so far and the file's size. */
  onProgress?: (done: number, total: number) => void;
}

/** What a put did. */
export interface PutObjectResult {
  /** The full key written. */
  fullKey: string;
  bytes: number;
  etag: string;
  durationMs: number;
  multipart: boolean;
  /** Parts an interrupted put had already uploaded. */
  resumedParts: number;
}

/** Uploads a checked put (see the module description). */
export async function putObject(to: PutTarget, put: CheckedPut): Promise<PutObjectResult> {
  const key = fullKey(to.pathPrefix, put.key);
  let done = 0;
  try {
    const outcome = await uploadFile({
      client: to.client,
      target: to.target,
      bucket: to.bucket,
      key,
      path: put.localPath,
      size: put.size,
      mtimeMs: put.mtimeMs,
      contentType: put.contentType,
      metadata: put.metadata,
      ...(put.storageClass ? { storageClass: put.storageClass } : {}),
      ...(put.sse ? { sse: put.sse } : {}),
      ...(put.sseKmsKeyId ? { sseKmsKeyId: put.sseKmsKeyId } : {}),
      ...(to.records ? { records: to.records } : {}),
      ...(to.signal ? { signal: to.signal } : {}),
      onBytes: (n) => {
        done += n;
        to.onProgress?.(done, put.size);
      },
    });
    return {
      fullKey: key,
      bytes: outcome.bytes,
      etag: outcome.etag,
      durationMs: outcome.durationMs,
      multipart: outcome.multipart,
      resumedParts: outcome.resumedParts,
    };
  } catch (e) {
    throw toEngineError(e, {
      action: `upload of '${put.key}'`,
      endpoint: to.endpoint,
      bucket: to.bucket,
      fallback: "UploadFailed",
    });
  }
}
