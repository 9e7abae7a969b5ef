/**
 * `eigen-s3 verify LOCAL_FOLDER [S3_PREFIX]`: compares a folder with its backup, like
 * `rclone check` (see engine/verify/verify.ts). `--download` reads and hashes the stored bytes.
 * The local side follows backup's walk rules, so `--exclude` and `--include-hidden` should be
 * the ones the backup used.
 *
 * Exit: 0 only when everything matches; 3 when differences, missing files or unverifiable
 * files were found (listed in the result); 130 interrupted; others per DESIGN.md.
 *
 * @module
 */

import { DEFAULT_CONCURRENCY } from "../../engine/core/concurrency.ts";
import { resolve } from "node:path";
import type { CliContext } from "../context.ts";
import { defaultS3Prefix } from "../../engine/backup/backup.ts";
import { EngineError } from "../../engine/core/errors.ts";
import { validateInt } from "../../engine/core/validate.ts";
import { displayKey, folderKeyPrefix } from "../../engine/core/keys.ts";
import { runVerify, type VerifyItem } from "../../engine/verify/verify.ts";
import { sqliteHistory } from "../../engine/state/history.ts";
import { printableKey } from "../../engine/local/safe_path.ts";
import { connect } from "./common.ts";
import { formatBytes, formatDuration } from "../../lib/format.ts";
import { excludedLines, filterInput, filterOptionsOf } from "./filter_common.ts";

/** Runs verify. */
export default async function verify(
  ctx: CliContext,
  args: unknown[],
  opts: Record<string, unknown>,
): Promise<number> {
  const localFolder = String(args[0] ?? "");
  // The same default as backup: the folder's own name.
  const s3Prefix = args[1] === undefined ? defaultS3Prefix(resolve(localFolder)) : String(args[1]);
  if (localFolder === "") throw new EngineError("UsageError", "LOCAL_FOLDER is empty.");
  const concurrency = validateInt(
    opts.concurrency ?? String(DEFAULT_CONCURRENCY),
    { field: "--concurrency", code: "UsageError" },
    1,
    256,
  );
  const s3 = await connect(ctx, { concurrency });
  const { bucket, pathPrefix, endpoint } = s3.settings;
  const keyPrefix = folderKeyPrefix(pathPrefix, s3Prefix);
  const state = await ctx.state();
  const result = await runVerify({
    client: s3.client,
    bucket,
    keyPrefix,
    localFolder,
    endpoint,
    download: opts.download === true,
    ...filterOptionsOf(opts),
    input: filterInput(ctx, opts),
    includeHidden: opts.includeHidden === true,
    concurrency,
    signal: ctx.signal,
    onEvent: (e) => ctx.out.event(e),
    history: { store: sqliteHistory(state), profile: s3.settings.profileName },
  });
  if (result.status === "interrupted") {
    ctx.out.error(new EngineError("Interrupted", "Interrupted: verify stopped before finishing."));
    return result.exitCode;
  }
  const shown = (list: VerifyItem[]) =>
    list.map((i) => ({ ...i, key: displayKey(pathPrefix, i.key) }));
  const r = result.report;
  const report = {
    ...r,
    differences: shown(r.differences),
    missing_remote: shown(r.missing_remote),
    missing_local: shown(r.missing_local),
    unverified: shown(r.unverified),
    errors: r.errors.map((e) => ({ ...e, key: displayKey(pathPrefix, e.key) })),
  };
  ctx.out.result("verify", report, () => {
    const lines: string[] = [];
    const section = (title: string, list: VerifyItem[]) => {
      for (const i of list) lines.push(`${title}: ${printableKey(i.path)}: ${i.reason}`);
    };
    section("differs", r.differences);
    section("missing in the bucket", r.missing_remote);
    section("missing locally", r.missing_local);
    section("not verified", r.unverified);
    section("error", r.errors);
    lines.push(...excludedLines(r.files_excluded, r.bytes_excluded));
    const read = `hashed ${formatBytes(r.bytes_hashed)}${
      r.bytes_downloaded ? `, downloaded ${formatBytes(r.bytes_downloaded)}` : ""
    } in ${formatDuration(r.duration_ms)}`;
    lines.push(
      r.matched
        ? `All ${r.files_matched} files match s3://${bucket}/${keyPrefix} (${read}).`
        : `${r.files_matched} of ${r.files_checked} compared files match; ${r.differences.length} differ, ` +
          `${r.missing_remote.length} missing in the bucket, ${r.missing_local.length} missing locally, ` +
          `${r.unverified.length} not verified, ${r.errors.length} errors (${read}).`,
    );
    return lines.join("\n");
  });
  return result.exitCode;
}
