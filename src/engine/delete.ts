/**
 * Deleting objects in batches of 1,000 (DeleteObjects), reporting per-key failures.
 *
 * @module
 */

import { DeleteObjectsCommand, type S3Client } from "@aws-sdk/client-s3";
import { throwIfAborted } from "./errors.ts";

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
  for (let i = 0; i < keys.length; i += 1000) {
    throwIfAborted(signal);
    const batch = keys.slice(i, i + 1000);
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
