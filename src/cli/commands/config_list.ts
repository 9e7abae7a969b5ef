/**
 * `eigen-s3 config list`: every saved profile.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { formatDate, table } from "../../lib/format.ts";

/** Runs config list. */
export default async function configList(ctx: CliContext): Promise<number> {
  const config = await ctx.config();
  const rows = Object.entries(config.profiles).map(([name, p]) => ({
    profile: name,
    is_default: config.default_profile === name,
    endpoint: p.endpoint,
    region: p.region,
    bucket_name: p.bucket_name,
    path_prefix: p.path_prefix,
    access_key_id: p.access_key_id,
    secret_backend: p.secret_backend ?? null,
    last_sync_timestamp: p.last_sync_timestamp,
  }));
  ctx.out.result(
    "config list",
    rows,
    () =>
      rows.length === 0 ? `No profiles yet: run 'eigen-s3 configure'. (${ctx.configPath})` : table(
        ["", "profile", "endpoint", "bucket", "prefix", "secret", "last backup"],
        rows.map((r) => [
          r.is_default ? "*" : " ",
          r.profile,
          r.endpoint || "AWS S3",
          r.bucket_name,
          r.path_prefix || "-",
          r.secret_backend ?? "-",
          formatDate(r.last_sync_timestamp),
        ]),
      ),
  );
  return 0;
}
