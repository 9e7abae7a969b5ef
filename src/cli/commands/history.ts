/**
 * `eigen-s3 history [--limit N]`: past runs, newest first.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { sqliteHistory } from "../../engine/state/history.ts";
import { validateInt } from "../../engine/core/validate.ts";
import { formatBytes, formatDate, formatDuration, table } from "../../lib/format.ts";

interface ReportLike {
  files_uploaded?: number;
  files_downloaded?: number;
  files_deleted?: number;
  bytes_transferred?: number;
  duration_ms?: number;
  errors?: unknown[];
}

/** Runs history. */
export default async function history(
  ctx: CliContext,
  _args: unknown[],
  opts: Record<string, unknown>,
): Promise<number> {
  const limit = validateInt(opts.limit, { field: "--limit", code: "UsageError" }, 1, 100_000);
  const records = sqliteHistory(await ctx.state()).list(limit);
  ctx.out.result("history", records, () =>
    records.length === 0 ? "No runs yet." : table(
      ["finished", "command", "status", "files", "bytes", "time", "from -> to"],
      records.map((r) => {
        const rep = (r.report ?? {}) as ReportLike;
        const files = (rep.files_uploaded ?? rep.files_downloaded ?? 0) +
          (rep.files_deleted ? ` (-${rep.files_deleted})` : "");
        const where = r.command === "restore"
          ? `s3://${r.bucket}/${r.prefix} -> ${r.local_path}`
          : `${r.local_path} -> s3://${r.bucket}/${r.prefix}`;
        return [
          formatDate(r.finished_at),
          r.job ? `${r.command} (${r.job})` : r.command,
          r.status + (rep.errors?.length ? ` (${rep.errors.length} errors)` : ""),
          String(files),
          formatBytes(rep.bytes_transferred ?? 0),
          formatDuration(rep.duration_ms ?? 0),
          where,
        ];
      }),
    ));
  return 0;
}
