/**
 * Deleting objects in batches of 1,000 (DeleteObjects), reporting per-key failures. Keys with
 * characters XML 1.0 cannot carry (control characters other than tab, LF and CR, U+FFFE/U+FFFF,
 * lone surrogates) cannot be named in a DeleteObjects body: the server refuses the whole batch
 * as malformed. Those keys are deleted one by one (DeleteObject names the key in the URL).
 *
 * @module
 */

import { DeleteObjectCommand, DeleteObjectsCommand, type S3Client } from "@aws-sdk/client-s3";
import { throwIfAborted } from "../core/errors.ts";

const NOT_XML =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when `key` can be named in an XML request body (XML 1.0 characters only). */
export function xmlSafeKey(key: string): boolean {
  return !NOT_XML.test(key);
}

/** One key that could not be deleted. */
export interface DeleteFailure {
  key: string;
  code: string;
  message: string;
}

/** Deletes `keys`; returns the keys deleted and those that failed. */
export async function deleteKeys(
  client: S3Client,
  bucket: string,
  keys: string[],
  signal?: AbortSignal,
  onDeleted?: (key: string) => void,
): Promise<{ deleted: string[]; failed: DeleteFailure[] }> {
  const deleted: string[] = [];
  const failed: DeleteFailure[] = [];
  for (const key of keys.filter((k) => !xmlSafeKey(k))) {
    throwIfAborted(signal);
    try {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), {
        abortSignal: signal,
      });
    } catch (e) {
      const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      if (err.$metadata?.httpStatusCode === undefined) throw e; // network: as for a batch
      failed.push({
        key,
        code: err.name ?? "DeleteFailed",
        message: err.message || "could not be deleted",
      });
      continue;
    }
    deleted.push(key);
    onDeleted?.(key);
  }
  const safe = keys.filter(xmlSafeKey);
  for (let i = 0; i < safe.length; i += 1000) {
    throwIfAborted(signal);
    const batch = safe.slice(i, i + 1000);
    const out = await client.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: false },
      }),
      { abortSignal: signal },
    );
    const bad = new Set<string>();
    for (const err of out.Errors ?? []) {
      const key = err.Key ?? "";
      bad.add(key);
      failed.push({
        key,
        code: err.Code ?? "DeleteFailed",
        message: err.Message || err.Code || "could not be deleted",
      });
    }
    for (const key of batch) {
      if (!bad.has(key)) {
        deleted.push(key);
        onDeleted?.(key);
      }
    }
  }
  return { deleted, failed };
}
