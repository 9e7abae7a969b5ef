/**
 * `eigen-s3 schedule install [--systemd|--cron|--launchd] [--dry-run]`: makes the system run
 * every job on its schedule (see engine/timers/service_files.ts for what each backend gets). Default:
 * launchd on macOS, systemd where `systemctl` exists, else cron. `--dry-run` prints the files,
 * the crontab block and the commands instead. Replaces what an earlier install wrote.
 *
 * The tools can be overridden with EIGEN_S3_SYSTEMCTL, EIGEN_S3_CRONTAB and EIGEN_S3_LAUNCHCTL
 * (tests use fakes; the real user's timers and crontab are never touched by the suite).
 *
 * @module
 */

import { join } from "node:path";
import { homedir } from "node:os";
import type { CliContext } from "../context.ts";
import { EngineError } from "../../engine/core/errors.ts";
import { readJobs } from "../../engine/schedule/jobs.ts";
import { systemTimezone } from "../../engine/schedule/cron_schedule.ts";
import {
  planServices,
  programArgv,
  type ServiceBackend,
  type ServiceEnv,
} from "../../engine/timers/service_files.ts";
import {
  installRecordPath,
  installServices,
  type ServiceReport,
  type ServiceTools,
} from "../../engine/timers/service_install.ts";
import { runTool } from "../../lib/run_tool.ts";

/** The service tools, honouring the EIGEN_S3_* overrides. */
export function serviceTools(ctx: CliContext): ServiceTools {
  return {
    run: runTool,
    systemctl: ctx.env("EIGEN_S3_SYSTEMCTL") || "systemctl",
    crontab: ctx.env("EIGEN_S3_CRONTAB") || "crontab",
    launchctl: ctx.env("EIGEN_S3_LAUNCHCTL") || "launchctl",
    uid: Deno.uid() ?? 0,
  };
}

function onPath(ctx: CliContext, tool: string): boolean {
  const dirs = (ctx.env("PATH") ?? "").split(Deno.build.os === "windows" ? ";" : ":");
  return dirs.some((d) => {
    try {
      return d !== "" && Deno.statSync(join(d, tool)).isFile;
    } catch {
      return false;
    }
  });
}

function chooseBackend(ctx: CliContext, opts: Record<string, unknown>): ServiceBackend {
  const chosen = (["systemd", "cron", "launchd"] as const).filter((b) => opts[b] === true);
  if (chosen.length > 1) {
    throw new EngineError("UsageError", "Choose one of --systemd, --cron and --launchd.");
  }
  const os = Deno.build.os;
  const backend = chosen[0] ??
    (os === "darwin"
      ? "launchd"
      : ctx.env("EIGEN_S3_SYSTEMCTL") || onPath(ctx, "systemctl")
      ? "systemd"
      : "cron");
  if (os === "windows") {
    throw new EngineError(
      "UsageError",
      "schedule install does not support Windows: create a Task Scheduler task that runs 'eigen-s3 daemon' at logon (or 'eigen-s3 schedule run NAME' on a schedule).",
    );
  }
  const override = { systemd: "EIGEN_S3_SYSTEMCTL", launchd: "EIGEN_S3_LAUNCHCTL", cron: "" };
  const native = backend === "launchd"
    ? os === "darwin"
    : backend === "systemd"
    ? os === "linux"
    : true;
  if (!native && opts.dryRun !== true && !ctx.env(override[backend])) {
    throw new EngineError(
      "UsageError",
      `${backend} is not available on ${os}: add --dry-run to only see the files, or pick another backend.`,
    );
  }
  return backend;
}

/** The installation facts of this machine and invocation. */
export function serviceEnv(ctx: CliContext): ServiceEnv {
  const home = ctx.env("HOME") || homedir();
  const env: Record<string, string> = {};
  for (const name of ["XDG_CONFIG_HOME", "XDG_STATE_HOME"]) {
    const v = ctx.env(name);
    if (v && v.startsWith("/")) env[name] = v;
  }
  return {
    program: programArgv(Deno.execPath(), Deno.mainModule),
    env,
    systemdDir: join(env.XDG_CONFIG_HOME ?? join(home, ".config"), "systemd", "user"),
    launchAgentsDir: join(home, "Library", "LaunchAgents"),
    logDir: join(ctx.stateDir, "logs"),
    systemTimezone: systemTimezone(),
  };
}

/** Human lines for what install/uninstall did. */
export function reportLines(verb: string, r: ServiceReport): string[] {
  const lines = r.files.map((f) => `${verb} ${f}`);
  if (r.crontab) lines.push(`${verb === "Wrote" ? "Updated" : "Cleaned"} the crontab block`);
  for (const c of r.commands) {
    lines.push(`${c.ok ? "ran" : "FAILED"}: ${c.command}${c.ok ? "" : ` (${c.detail})`}`);
  }
  return lines;
}

/** Runs schedule install. */
export default async function scheduleInstall(
  ctx: CliContext,
  _args: unknown[],
  opts: Record<string, unknown>,
): Promise<number> {
  const backend = chooseBackend(ctx, opts);
  const { jobs, invalid } = readJobs(await ctx.config(), ctx.configPath);
  if (invalid.length > 0) {
    throw new EngineError(
      "ConfigError",
      `Fix or remove the invalid job(s) first: ${invalid.map((i) => i.error.message).join("; ")}`,
    );
  }
  if (jobs.size === 0) {
    throw new EngineError(
      "NotConfigured",
      "No jobs to install: add one with 'eigen-s3 schedule add NAME --folder DIR --cron EXPR'.",
    );
  }
  const env = serviceEnv(ctx);
  const plan = planServices(backend, [...jobs].map(([name, job]) => ({ name, job })), env);
  for (const w of plan.warnings) ctx.out.notice(`warning: ${w}`);
  if (opts.dryRun === true) {
    const commands = backend === "systemd"
      ? ["systemctl --user daemon-reload", `systemctl --user enable --now ${plan.units.join(" ")}`]
      : backend === "launchd"
      ? plan.agents.map((a) => `launchctl bootstrap gui/${Deno.uid() ?? 0} ${a.path}`)
      : ["crontab - (the current crontab with the block above replacing any earlier one)"];
    const result = {
      backend,
      dry_run: true,
      files: plan.files,
      crontab_block: plan.crontabBlock,
      commands,
      daemon_jobs: plan.daemonJobs,
      warnings: plan.warnings,
    };
    ctx.out.result("schedule install", result, () =>
      [
        ...plan.files.map((f) => `=== ${f.path}\n${f.content}`),
        ...(plan.crontabBlock ? [`=== crontab block\n${plan.crontabBlock}`] : []),
        `=== would run\n${commands.join("\n")}`,
        "Dry run: nothing was written.",
      ].join("\n"));
    return 0;
  }
  const { installed, removed } = await installServices(
    plan,
    installRecordPath(ctx.stateDir),
    serviceTools(ctx),
    env.logDir,
  );
  const result = {
    backend,
    dry_run: false,
    installed,
    removed,
    daemon_jobs: plan.daemonJobs,
    warnings: plan.warnings,
  };
  if (!installed.ok) {
    const failed = installed.commands.filter((c) => !c.ok).map((c) =>
      `'${c.command}' (${c.detail})`
    );
    ctx.out.print(reportLines("Wrote", installed).join("\n"));
    throw new EngineError(
      "SdkError",
      `The ${backend} files are written but ${
        failed.join(", ")
      } failed: fix that and run 'eigen-s3 schedule install' again, or remove them with 'eigen-s3 schedule uninstall'.`,
    );
  }
  ctx.out.result("schedule install", result, () =>
    [
      ...(removed
        ? [`Removed the earlier ${removed.backend} install (${removed.files.length} file(s)).`]
        : []),
      ...reportLines("Wrote", installed),
      `Installed ${jobs.size} job(s) with ${backend}.`,
    ].join("\n"));
  return 0;
}
