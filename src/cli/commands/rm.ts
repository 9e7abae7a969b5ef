/**
 * `eigen-s3 rm KEY...`: deletes objects (engine/objects/remove_objects.ts). Keys that do not
 * exist are reported (S3 itself would silently accept them): exit 6 when none existed, 3 when
 * some were not deleted.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { EXIT_PARTIAL } from "../../engine/core/errors.ts";
import {
  checkRemoveKeys,
  removeObjects,
  type RemoveResult,
} from "../../engine/objects/remove_objects.ts";
import { connect } from "./common.ts";

/** The exit code of an rm: 0 all deleted, 6 none existed, 3 otherwise. */
function exitCodeOf(r: RemoveResult): number {
  if (r.errors.length === 0) return 0;
  if (r.deleted.length === 0 && r.errors.every((e) => e.code === "KeyNotFound")) return 6;
  return EXIT_PARTIAL;
}

/** Runs rm. */
export default async function rm(ctx: CliContext, args: unknown[]): Promise<number> {
  const keys = checkRemoveKeys((args[0] as unknown[]).map(String));
  const s3 = await connect(ctx);
  const { bucket, pathPrefix, endpoint } = s3.settings;
  const result = await removeObjects({
    client: s3.client,
    bucket,
    pathPrefix,
    ...(endpoint ? { endpoint } : {}),
    keys,
    signal: ctx.signal,
  });
  const { deleted, errors } = result;
  ctx.out.result("rm", { deleted, errors }, () =>
    [
      ...deleted.map((k) => `deleted: ${k}`),
      ...errors.map((e) => `not deleted: ${e.key}: ${e.message}`),
    ].join("\n"));
  return exitCodeOf(result);
}
