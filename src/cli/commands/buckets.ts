/**
 * `eigen-s3 buckets`: ListBuckets (S3BucketInfo[]).
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { listBuckets } from "../../engine/s3/connection.ts";
import { connect } from "./common.ts";
import { formatDate, table } from "../../lib/format.ts";

/** Runs buckets. */
export default async function buckets(ctx: CliContext): Promise<number> {
  const s3 = await connect(ctx, { requireBucket: false });
  const list = await listBuckets(s3.client, s3.settings.endpoint, ctx.signal);
  ctx.out.result(
    "buckets",
    list,
    () =>
      list.length === 0
        ? "No buckets."
        : table(["created", "bucket"], list.map((b) => [formatDate(b.creation_date), b.name])),
  );
  return 0;
}
