/**
 * `eigen-s3 config show`: the active settings and where the secret lives, never the secret.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { publicConfig } from "./common.ts";
import { formatDate, table } from "../../lib/format.ts";

/** Runs config show. */
export default async function configShow(ctx: CliContext): Promise<number> {
  const settings = await ctx.settings({ requireBucket: false });
  const pub = await publicConfig(ctx, settings);
  ctx.out.result("config show", pub, () =>
    table(["setting", "value"], [
      ["profile", pub.profile + (settings.profile ? "" : " (not saved)")],
      ["endpoint", pub.endpoint || "AWS S3"],
      ["region", pub.region],
      ["bucket", pub.bucket_name || "-"],
      ["path prefix", pub.path_prefix || "-"],
      ["access key id", pub.access_key_id || "-"],
      ["secret", pub.secret_location ?? "-"],
      ["credentials from", pub.credential_source],
      ["last backup", formatDate(pub.last_sync_timestamp)],
    ]));
  return 0;
}
