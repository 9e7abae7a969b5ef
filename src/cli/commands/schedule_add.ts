/**
 * `eigen-s3 schedule add NAME --folder DIR --cron EXPR [--prefix P] [--profile NAME]
 * [--timezone TZ] [--window HH:MM-HH:MM] [backup options] [--webhook URL] [--desktop]
 * [--notify-on always|failure] [--replace]`: saves a scheduled backup job in the config file.
 * The folder must exist; the profile (or the default one) must be configured. The prefix
 * defaults to the folder's name, as for `backup`.
 *
 * @module
 */

import { resolve } from "node:path";
import type { CliContext } from "../context.ts";
import { EngineError } from "../../engine/core/errors.ts";
import { addJob } from "../../engine/schedule/job_service.ts";
import { flagJobRef, jobProfile } from "../../engine/schedule/jobs.ts";
import { sqliteSlots } from "../../engine/state/job_slots.ts";
import { parseCron, systemTimezone } from "../../engine/schedule/cron_schedule.ts";
import { formatDate } from "../../lib/format.ts";
import { publicJob } from "./schedule_common.ts";
import { filterOptionsOf } from "./filter_common.ts";

/**
 * The webhook URL from `--webhook URL` or `--webhook-file FILE` (`-`: stdin), so a URL that
 * holds a token need not appear in argv (where `ps` shows it to every user).
 */
async function webhookUrl(opts: Record<string, unknown>): Promise<string | undefined> {
  if (opts.webhookFile === undefined) return opts.webhook as string | undefined;
  if (opts.webhook !== undefined) {
    throw new EngineError("UsageError", "Give --webhook or --webhook-file, not both.");
  }
  const file = String(opts.webhookFile);
  let text: string;
  try {
    text = file === "-"
      ? await new Response(Deno.stdin.readable).text()
      : await Deno.readTextFile(file);
  } catch (e) {
    throw new EngineError(
      "UsageError",
      `--webhook-file: cannot read ${file}: ${(e as Error).message}`,
    );
  }
  const url = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== "" && !l.startsWith("#"));
  if (!url) throw new EngineError("UsageError", `--webhook-file: ${file} holds no URL.`);
  return url;
}

/**
 * The filter and window fields from flags; list files are made absolute (a job runs from any
 * folder) and '-' is refused (a job has no standard input).
 */
function jobFilterInput(opts: Record<string, unknown>): Record<string, unknown> {
  const f = filterOptionsOf(opts);
  const files = (flag: string, list?: readonly string[]) =>
    list?.map((p) => {
      if (p === "-") {
        throw new EngineError(
          "UsageError",
          `${flag}: a scheduled job cannot read standard input: give a file.`,
        );
      }
      return resolve(p);
    });
  return {
    include: f.include,
    include_from: files("--include-from", f.includeFrom),
    exclude_from: files("--exclude-from", f.excludeFrom),
    files_from: files("--files-from", f.filesFrom),
    files_from0: files("--files-from0", f.filesFrom0),
    exclude_if_present: f.excludeIfPresent,
    min_size: f.minSize,
    max_size: f.maxSize,
    min_age: f.minAge,
    max_age: f.maxAge,
    max_duration: opts.maxDuration,
    max_transfer: opts.maxTransfer,
    cutoff_mode: opts.cutoffMode,
  };
}

/** Runs schedule add. */
export default async function scheduleAdd(
  ctx: CliContext,
  args: unknown[],
  opts: Record<string, unknown>,
): Promise<number> {
  const name = String(args[0]);
  const folder = opts.folder === undefined ? undefined : resolve(String(opts.folder));
  const input: Record<string, unknown> = {
    folder,
    prefix: opts.prefix,
    cron: opts.cron,
    profile: ctx.globals.profile,
    timezone: opts.timezone,
    window: opts.window,
    exclude: opts.exclude ?? [],
    include_hidden: opts.includeHidden === true,
    delete: opts.delete === true,
    max_delete: opts.maxDelete,
    concurrency: opts.concurrency,
    storage_class: opts.storageClass,
    sse: opts.sse,
    sse_kms_key_id: opts.sseKmsKeyId,
    bwlimit: opts.bwlimit,
    ...jobFilterInput(opts),
    notify: {
      webhook: await webhookUrl(opts),
      ...(opts.webhookTokenEnv !== undefined ? { webhook_token_env: opts.webhookTokenEnv } : {}),
      ...(opts.webhookTokenFile !== undefined
        ? { webhook_token_file: resolve(String(opts.webhookTokenFile)) }
        : {}),
      ...(opts.desktop ? { desktop: true } : {}),
      ...(opts.notifyOn ? { on: opts.notifyOn } : {}),
    },
  };
  const now = new Date();
  const job = await addJob(ctx.configPath, name, input, {
    replace: opts.replace === true,
    ref: flagJobRef,
    slots: sqliteSlots(await ctx.state()),
    now,
  });
  ctx.invalidateConfig();
  const profile = jobProfile(job, await ctx.config());
  const next = parseCron(job.cron, job.timezone, flagJobRef("cron")).next(now);
  ctx.out.result(
    "schedule add",
    { name, job: publicJob(job), next_run: next?.toISOString() ?? null },
    () =>
      `Saved job '${name}': ${job.folder} -> profile ${profile}, prefix ${
        job.prefix ? `'${job.prefix}'` : "(path prefix root)"
      }, '${job.cron}' (${job.timezone ?? systemTimezone()}); next run ${
        formatDate(next?.toISOString())
      }.\nRun it with 'eigen-s3 daemon', or install timers with 'eigen-s3 schedule install'.`,
  );
  return 0;
}
