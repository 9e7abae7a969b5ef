/**
 * `eigen-s3 ls [PREFIX]`: objects and folders under a prefix (S3ObjectInfo[]), keys relative
 * to the profile's path prefix. `--versions` lists versions and delete markers.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { entryInfo, listFolder, type S3ObjectInfo } from "../../engine/s3/listing.ts";
import { toEngineError } from "../../engine/s3/sdk_errors.ts";
import { validateInt } from "../../engine/core/validate.ts";
import { fullKey } from "../../engine/core/keys.ts";
import { connect } from "./common.ts";
import { formatBytes, formatDate, table } from "../../lib/format.ts";

/** Runs ls. */
export default async function ls(
  ctx: CliContext,
  args: unknown[],
  opts: Record<string, unknown>,
): Promise<number> {
  const maxKeys = validateInt(
    opts.maxKeys,
    { field: "--max-keys", code: "UsageError" },
    1,
    10_000_000,
  );
  const s3 = await connect(ctx);
  const { bucket, pathPrefix, endpoint } = s3.settings;
  const prefix = fullKey(pathPrefix, String(args[0] ?? ""));
  if (opts.versions === true) {
    const { listVersionsForLs } = await import("../../engine/s3/versions.ts");
    const rows = await listVersionsForLs(
      s3.client,
      bucket,
      prefix,
      pathPrefix,
      maxKeys,
      ctx.signal,
    );
    ctx.out.result("ls", rows, () => renderVersions(rows));
    return 0;
  }
  const entries: S3ObjectInfo[] = [];
  let token: string | undefined;
  let more = false;
  try {
    do {
      const view = await listFolder(s3.client, bucket, {
        prefix: String(args[0] ?? ""),
        pathPrefix,
        recursive: Boolean(opts.recursive),
        keepMarker: true,
        token,
        maxKeys: Math.min(1000, maxKeys - entries.length),
        signal: ctx.signal,
      });
      for (const e of view.entries) entries.push(entryInfo(e));
      token = view.nextToken;
      if (entries.length >= maxKeys) {
        more = token !== undefined || entries.length > maxKeys;
        break;
      }
    } while (token);
  } catch (e) {
    throw toEngineError(e, { action: "listing", endpoint, bucket, fallback: "ListFailed" });
  }
  const shown = entries.slice(0, maxKeys);
  if (more) ctx.out.notice(`(showing the first ${maxKeys} entries: use --max-keys N for more)`);
  ctx.out.result(
    "ls",
    shown,
    () =>
      shown.length === 0
        ? `Nothing under '${String(args[0] ?? "") || "/"}' in bucket '${bucket}'.`
        : table(
          ["modified", "size", "class", "key"],
          shown.map((e) =>
            e.is_prefix
              ? ["", "DIR", "", e.key]
              : [formatDate(e.last_modified), formatBytes(e.size), e.storage_class ?? "", e.key]
          ),
          [false, true, false, false],
        ),
  );
  return 0;
}

function renderVersions(rows: S3ObjectInfo[]): string {
  if (rows.length === 0) return "No versions.";
  return table(
    ["modified", "size", "latest", "version", "key"],
    rows.map((r) => [
      // Seconds: versions of one key written in the same minute must be told apart.
      formatDate(r.last_modified, { seconds: true }),
      r.is_delete_marker ? "(deleted)" : formatBytes(r.size),
      r.is_latest ? "*" : "",
      r.version_id ?? "",
      r.key,
    ]),
    [false, true, false, false, false],
  );
}
