/**
 * `eigen-s3 rm KEY...`: deletes objects. Keys that do not exist are reported (S3 itself would
 * silently accept them): exit 6 when none existed, 3 when some did not.
 *
 * @module
 */

import { HeadObjectCommand } from "@aws-sdk/client-s3";
import type { CliContext } from "../context.ts";
import { EngineError, EXIT_PARTIAL } from "../../engine/core/errors.ts";
import { toEngineError } from "../../engine/s3/sdk_errors.ts";
import { displayKey, existingKey } from "../../engine/core/keys.ts";
import { deleteKeys } from "../../engine/s3/delete.ts";
import { Semaphore } from "../../lib/semaphore.ts";
import { connect } from "./common.ts";

interface RmError {
  key: string;
  code: string;
  message: string;
}

/** Runs rm. */
export default async function rm(ctx: CliContext, args: unknown[]): Promise<number> {
  const userKeys = [...new Set((args[0] as string[]).map(String))];
  for (const k of userKeys) {
    if (k.replace(/^\/+/, "") === "") {
      throw new EngineError("UsageError", "An empty key was given: nothing deleted.");
    }
  }
  const s3 = await connect(ctx);
  const { bucket, pathPrefix, endpoint } = s3.settings;
  const errors: RmError[] = [];
  const existing: string[] = [];
  const slots = new Semaphore(8);
  await Promise.all(userKeys.map((k) =>
    slots.run(async () => {
      const key = existingKey(pathPrefix, k);
      try {
        await s3.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), {
          abortSignal: ctx.signal,
        });
        existing.push(key);
      } catch (e) {
        const err = toEngineError(e, { action: `deleting '${k}'`, endpoint, bucket, key: k });
        if (err.code !== "KeyNotFound") throw err;
        errors.push({ key: k, code: err.code, message: err.message });
      }
    }, ctx.signal)
  ));
  let deleted: string[] = [];
  if (existing.length > 0) {
    try {
      const out = await deleteKeys(s3.client, bucket, existing.sort(), ctx.signal);
      deleted = out.deleted.map((k) => displayKey(pathPrefix, k));
      for (const f of out.failed) {
        errors.push({ key: displayKey(pathPrefix, f.key), code: f.code, message: f.message });
      }
    } catch (e) {
      throw toEngineError(e, { action: "delete", endpoint, bucket });
    }
  }
  const result = { deleted, errors };
  ctx.out.result("rm", result, () =>
    [
      ...deleted.map((k) => `deleted: ${k}`),
      ...errors.map((e) => `not deleted: ${e.key}: ${e.message}`),
    ].join("\n"));
  if (errors.length === 0) return 0;
  if (deleted.length === 0 && errors.every((e) => e.code === "KeyNotFound")) return 6;
  return EXIT_PARTIAL;
}
