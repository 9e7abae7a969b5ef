/**
 * `eigen-s3 lifecycle set [--transition-days N --storage-class C] [--noncurrent-days N]
 * [--abort-multipart-days N] [--replace] [--dry-run]`: sets eigen-s3's rules for the profile's
 * path prefix. Without --replace only the named rules change (a value of `off` removes one);
 * with --replace eigen-s3's rules for the prefix become exactly the named ones. Rules eigen-s3
 * did not write are never changed.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { EngineError } from "../../engine/core/errors.ts";
import {
  describeRule,
  getLifecycleRules,
  type LifecycleChanges,
  mergeRules,
  putLifecycleRules,
} from "../../engine/s3/lifecycle.ts";
import { toEngineError } from "../../engine/s3/sdk_errors.ts";
import {
  TRANSITION_MIN_DAYS,
  validateInt,
  validateStorageClass,
} from "../../engine/core/validate.ts";
import { connect } from "./common.ts";
import { rulesTable } from "./lifecycle_show.ts";

function days(value: unknown, flag: string, min = 1): number | null | undefined {
  if (value === undefined) return undefined;
  if (String(value).toLowerCase() === "off") return null;
  return validateInt(value, { field: flag, code: "UsageError" }, min, 36_500);
}

/** Parses the flags into changes; throws UsageError for contradictions. */
export function lifecycleChanges(opts: Record<string, unknown>): LifecycleChanges {
  const changes: LifecycleChanges = {};
  // S3 allows a transition after 0 days (GLACIER, DEEP_ARCHIVE, ...); STANDARD_IA and
  // ONEZONE_IA need 30.
  const t = days(opts.transitionDays, "--transition-days", 0);
  const sc = opts.storageClass === undefined ? undefined : validateStorageClass(
    opts.storageClass,
    { field: "--storage-class", code: "UsageError" },
    Object.keys(TRANSITION_MIN_DAYS),
  );
  if (typeof t === "number" && sc && t < TRANSITION_MIN_DAYS[sc]!) {
    throw new EngineError(
      "UsageError",
      `--transition-days: S3 moves objects to ${sc} after ${
        TRANSITION_MIN_DAYS[sc]
      } days at the earliest: give ${TRANSITION_MIN_DAYS[sc]} or more.`,
      { field: "--transition-days" },
    );
  }
  if (typeof t === "number") {
    if (!sc) {
      throw new EngineError(
        "UsageError",
        "--transition-days needs --storage-class (e.g. GLACIER).",
      );
    }
    changes.transition = { days: t, storage_class: sc };
  } else if (t === null) {
    changes.transition = null;
  } else if (sc) {
    throw new EngineError("UsageError", "--storage-class only applies with --transition-days N.");
  }
  const n = days(opts.noncurrentDays, "--noncurrent-days");
  if (n !== undefined) changes.noncurrent_expiration_days = n;
  const a = days(opts.abortMultipartDays, "--abort-multipart-days");
  if (a !== undefined) changes.abort_multipart_days = a;
  if (Object.keys(changes).length === 0 && opts.replace !== true) {
    throw new EngineError(
      "UsageError",
      "Nothing to set: give --transition-days N --storage-class C, --noncurrent-days N or --abort-multipart-days N (or 'off'), or --replace alone to remove eigen-s3's rules.",
    );
  }
  return changes;
}

/** Runs lifecycle set. */
export default async function lifecycleSet(
  ctx: CliContext,
  _args: unknown[],
  opts: Record<string, unknown>,
): Promise<number> {
  const changes = lifecycleChanges(opts);
  const s3 = await connect(ctx);
  const { bucket, pathPrefix, endpoint } = s3.settings;
  const dryRun = opts.dryRun === true;
  const fail = (e: unknown, what: string) =>
    toEngineError(e, { action: `${what} the lifecycle rules of '${bucket}'`, endpoint, bucket });
  let before;
  try {
    before = await getLifecycleRules(s3.client, bucket, ctx.signal);
  } catch (e) {
    throw fail(e, "reading");
  }
  const after = mergeRules(before, pathPrefix, changes, opts.replace === true);
  if (!dryRun) {
    try {
      await putLifecycleRules(s3.client, bucket, after, ctx.signal);
    } catch (e) {
      throw fail(e, "writing");
    }
  }
  const views = after.map((r) => describeRule(r, pathPrefix));
  ctx.out.result(
    "lifecycle set",
    { bucket, path_prefix: pathPrefix, dry_run: dryRun, rules: views },
    () =>
      `${rulesTable(bucket, views)}\n${
        dryRun
          ? "Dry run: the bucket's rules were not changed."
          : `Saved ${
            views.filter((v) => v.owner === "eigen-s3").length
          } eigen-s3 rule(s) for prefix '${pathPrefix}' on bucket '${bucket}'.`
      }`,
  );
  return 0;
}
