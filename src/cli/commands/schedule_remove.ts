/**
 * `eigen-s3 schedule remove NAME`: deletes a job from the config file (and its schedule state).
 * Installed timers/crontab lines are not touched: the message says to re-run install.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { removeJob } from "../../engine/schedule/job_service.ts";
import { sqliteSlots } from "../../engine/state/job_slots.ts";
import { installRecordPath, readInstallRecord } from "../../engine/timers/service_install.ts";

/** Runs schedule remove. */
export default async function scheduleRemove(ctx: CliContext, args: unknown[]): Promise<number> {
  const name = String(args[0]);
  await removeJob(ctx.configPath, name, { slots: sqliteSlots(await ctx.state()) });
  ctx.invalidateConfig();
  const installed = await readInstallRecord(installRecordPath(ctx.stateDir));
  ctx.out.result("schedule remove", { name, removed: true }, () =>
    `Removed job '${name}'.` +
    (installed
      ? `\nIts ${installed.backend} schedule is still installed: run 'eigen-s3 schedule install' again to update it.`
      : ""));
  return 0;
}
