/**
 * `eigen-s3 schedule uninstall`: removes exactly what the last `schedule install` wrote (its
 * record says what): systemd units (disabled first), the crontab block, launchd agents.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { EngineError } from "../../engine/core/errors.ts";
import { installRecordPath, uninstallServices } from "../../engine/timers/service_install.ts";
import { reportLines, serviceTools } from "./schedule_install.ts";

/** Runs schedule uninstall. */
export default async function scheduleUninstall(ctx: CliContext): Promise<number> {
  const record = installRecordPath(ctx.stateDir);
  const removed = await uninstallServices(record, serviceTools(ctx));
  if (!removed) {
    ctx.out.result(
      "schedule uninstall",
      { removed: null },
      () => `Nothing to uninstall: no record of a 'schedule install' at ${record}.`,
    );
    return 0;
  }
  if (!removed.ok) {
    ctx.out.print(reportLines("Removed", removed).join("\n"));
    const failed = removed.commands.filter((c) => !c.ok).map((c) => `'${c.command}' (${c.detail})`);
    throw new EngineError(
      "SdkError",
      `The ${removed.backend} files are removed but ${
        failed.join(", ")
      } failed: check with your service manager that nothing of eigen-s3 is still loaded.`,
    );
  }
  ctx.out.result(
    "schedule uninstall",
    { removed },
    () =>
      [...reportLines("Removed", removed), `Uninstalled the ${removed.backend} schedule.`].join(
        "\n",
      ),
  );
  return 0;
}
