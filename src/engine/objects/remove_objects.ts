/**
 * Removing named objects (`eigen-s3 rm KEY...`). Each key names exactly one object, as typed
 * after the path prefix (no normalisation: `/a` is not `a`, an NFD name is not its NFC twin).
 * Keys that do not exist are reported rather than silently accepted (S3 itself answers a delete
 * of a missing key with success): every key is looked up with a HEAD first (a few at a time), then
 * the existing ones are deleted in batches (s3/delete.ts).
 *
 * @module
 */

import type { S3Client } from "@aws-sdk/client-s3";
import { DEFAULT_CONCURRENCY } from "../core/concurrency.ts";
import { headObject } from "../s3/object_head.ts";
import { EngineError } from "../core/errors.ts";
import { displayKey, existingKey } from "../core/keys.ts";
import { toEngineError } from "../s3/sdk_errors.ts";
import { deleteKeys } from "../s3/delete.ts";
import { Semaphore } from "../../lib/semaphore.ts";

/** One key that was not deleted (`KeyNotFound` when it did not exist). */
export interface RemoveError {
  /** The key relative to the path prefix, as given. */
  key: string;
  code: string;
  message: string;
}

/** What a remove did: keys relative to the path prefix. */
export interface RemoveResult {
  /** Deleted keys, in the order they were deleted. */
  deleted: string[];
  /** Keys that were not deleted: missing ones first (in the order given), then refusals. */
  errors: RemoveError[];
}

/** The keys of an `rm`, each once, in the order given; an empty key is a UsageError. */
export function checkRemoveKeys(keys: readonly string[]): string[] {
  const unique = [...new Set(keys)];
  for (const k of unique) {
    if (k.replace(/^\/+/, "") === "") {
      throw new EngineError("UsageError", "An empty key was given: nothing deleted.");
    }
  }
  return unique;
}

/** Where to remove from. */
export interface RemoveRequest {
  client: S3Client;
  bucket: string;
  pathPrefix: string;
  /** For messages ("Cannot reach <endpoint>"). */
  endpoint?: string;
  /** Keys relative to the path prefix, from {@link checkRemoveKeys}. */
  keys: readonly string[];
  signal?: AbortSignal;
}

/**
 * Deletes the named objects (see the module description). Per-key outcomes come back in the
 * result; it throws only when the lookups or the deletion as a whole failed (no connection,
 * access denied).
 */
export async function removeObjects(req: RemoveRequest): Promise<RemoveResult> {
  const { client, bucket, pathPrefix, endpoint, signal } = req;
  const missing = new Map<string, RemoveError>();
  const existing: string[] = [];
  const slots = new Semaphore(DEFAULT_CONCURRENCY);
  await Promise.all(req.keys.map((k) =>
    slots.run(async () => {
      const key = existingKey(pathPrefix, k);
      try {
        await headObject(client, {
          bucket,
          key,
          ...(signal ? { signal } : {}),
          errors: { action: `deleting '${k}'`, endpoint, bucket, key: k },
        });
        existing.push(key);
      } catch (e) {
        if (!(e instanceof EngineError) || e.code !== "KeyNotFound") throw e;
        missing.set(k, { key: k, code: e.code, message: e.message });
      }
    }, signal)
  ));
  const errors: RemoveError[] = req.keys.flatMap((k) => missing.get(k) ?? []);
  let deleted: string[] = [];
  if (existing.length > 0) {
    try {
      const out = await deleteKeys(client, bucket, existing.sort(), signal);
      deleted = out.deleted.map((k) => displayKey(pathPrefix, k));
      for (const f of out.failed) {
        errors.push({ key: displayKey(pathPrefix, f.key), code: f.code, message: f.message });
      }
    } catch (e) {
      throw toEngineError(e, { action: "delete", endpoint, bucket });
    }
  }
  return { deleted, errors };
}
