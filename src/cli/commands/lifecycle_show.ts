/**
 * `eigen-s3 lifecycle show`: the bucket's lifecycle rules as a table (or JSON), marking the
 * ones eigen-s3 manages for the profile's path prefix.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import {
  describeRule,
  getLifecycleRules,
  type LifecycleRuleView,
} from "../../engine/s3/lifecycle.ts";
import { toEngineError } from "../../engine/s3/sdk_errors.ts";
import { connect } from "./common.ts";
import { table } from "../../lib/format.ts";

/** The rules as a table; "no rules" text when empty. */
export function rulesTable(bucket: string, rules: LifecycleRuleView[]): string {
  if (rules.length === 0) return `Bucket '${bucket}' has no lifecycle rules.`;
  return table(
    ["id", "status", "prefix", "owner", "actions"],
    rules.map((r) => [r.id, r.status, r.prefix || "(whole bucket)", r.owner, r.actions.join("; ")]),
  );
}

/** Runs lifecycle show. */
export default async function lifecycleShow(ctx: CliContext): Promise<number> {
  const s3 = await connect(ctx);
  const { bucket, pathPrefix, endpoint } = s3.settings;
  let rules;
  try {
    rules = await getLifecycleRules(s3.client, bucket, ctx.signal);
  } catch (e) {
    throw toEngineError(e, {
      action: `reading the lifecycle rules of '${bucket}'`,
      endpoint,
      bucket,
    });
  }
  const views = rules.map((r) => describeRule(r, pathPrefix));
  ctx.out.result(
    "lifecycle show",
    { bucket, path_prefix: pathPrefix, rules: views },
    () => rulesTable(bucket, views),
  );
  return 0;
}
