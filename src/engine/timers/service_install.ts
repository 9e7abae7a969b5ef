/**
 * Applies a {@link ServicePlan} (writes files, edits the crontab block, tells systemd or
 * launchd) and undoes exactly that later. What was installed is recorded in
 * `$XDG_STATE_HOME/eigen/schedule-install.json`; `uninstall` reads it, so it removes what the
 * last install wrote and nothing else. `systemctl`, `crontab` and `launchctl` run through an
 * injected {@link ToolRunner} (tests never touch the real user's timers or crontab).
 *
 * @module
 */

import { dirname, join } from "node:path";
import { EngineError } from "../core/errors.ts";
import { writeFileAtomic } from "../config/config.ts";
import type { ToolRunner } from "../../lib/run_tool.ts";
import { CRON_BEGIN, CRON_END, type ServiceBackend, type ServicePlan } from "./service_files.ts";

/** Where `schedule install` records what it wrote: `<stateDir>/schedule-install.json`. */
export function installRecordPath(stateDir: string): string {
  return join(stateDir, "schedule-install.json");
}

/** The service tools and how to run them. */
export interface ServiceTools {
  run: ToolRunner;
  systemctl: string;
  crontab: string;
  launchctl: string;
  /** The user id, for launchctl's gui/UID domain. */
  uid: number;
}

/** What an install left behind (the record file). */
export interface InstallRecord {
  version: 1;
  backend: ServiceBackend;
  installed_at: string;
  files: string[];
  units: string[];
  agents: { label: string; path: string }[];
  crontab: boolean;
}

/** One service-manager command and how it went. */
export interface CommandOutcome {
  command: string;
  ok: boolean;
  detail: string;
}

/** What install/uninstall did. */
export interface ServiceReport {
  backend: ServiceBackend;
  files: string[];
  crontab: boolean;
  commands: CommandOutcome[];
  /** True when every command succeeded. */
  ok: boolean;
}

async function tool(tools: ServiceTools, command: string, args: string[], stdin?: string) {
  const shown = [command.split("/").pop() ?? command, ...args].join(" ");
  const res = await tools.run({ command, args, timeoutMs: 30_000, ...(stdin ? { stdin } : {}) });
  if (res.status === "not-found") {
    return { shown, ok: false, stdout: "", detail: `${command} is not installed` };
  }
  if (res.status === "timeout") {
    return { shown, ok: false, stdout: res.stdout, detail: "did not finish in 30 s" };
  }
  const detail = res.code === 0 ? "ok" : `exit ${res.code}: ${res.stderr.trim().split("\n")[0]}`;
  return { shown, ok: res.code === 0, stdout: res.stdout, stderr: res.stderr, detail };
}

/** `existing` crontab text with eigen-s3's block removed, and `block` appended when given. */
export function replaceCronBlock(existing: string, block: string | null): string {
  const lines = existing.split("\n");
  const out: string[] = [];
  let inside = false;
  for (const line of lines) {
    if (line === CRON_BEGIN) inside = true;
    else if (line === CRON_END) inside = false;
    else if (!inside) out.push(line);
  }
  let text = out.join("\n").replace(/\n+$/, "");
  if (text !== "") text += "\n";
  return block ? text + block : text;
}

async function readCrontab(tools: ServiceTools): Promise<string> {
  const r = await tool(tools, tools.crontab, ["-l"]);
  if (r.ok) return r.stdout;
  if (/no crontab/i.test((r as { stderr?: string }).stderr ?? "")) return "";
  throw new EngineError(
    "SdkError",
    `Cannot read the crontab ('${r.shown}': ${r.detail}): is cron installed?`,
  );
}

async function writeCrontab(tools: ServiceTools, text: string): Promise<CommandOutcome> {
  const r = await tool(tools, tools.crontab, ["-"], text === "" ? "\n" : text);
  return { command: r.shown, ok: r.ok, detail: r.detail };
}

/** Reads the install record, or null. */
export async function readInstallRecord(path: string): Promise<InstallRecord | null> {
  try {
    const raw = JSON.parse(await Deno.readTextFile(path)) as InstallRecord;
    return raw.version === 1 ? raw : null;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw new EngineError(
      "ConfigError",
      `${path} is not a valid install record (${
        (e as Error).message
      }): move it away, then remove the installed files by hand.`,
    );
  }
}

/** Undoes the last install (per its record); null when nothing is recorded. */
export async function uninstallServices(
  recordPath: string,
  tools: ServiceTools,
): Promise<ServiceReport | null> {
  const rec = await readInstallRecord(recordPath);
  if (!rec) return null;
  const commands: CommandOutcome[] = [];
  const step = async (command: string, args: string[]) => {
    const r = await tool(tools, command, args);
    commands.push({ command: r.shown, ok: r.ok, detail: r.detail });
  };
  if (rec.backend === "systemd" && rec.units.length > 0) {
    await step(tools.systemctl, ["--user", "disable", "--now", ...rec.units]);
  }
  if (rec.backend === "launchd") {
    for (const a of rec.agents) {
      await step(tools.launchctl, ["bootout", `gui/${tools.uid}/${a.label}`]);
    }
  }
  if (rec.crontab) {
    const current = await readCrontab(tools);
    commands.push(await writeCrontab(tools, replaceCronBlock(current, null)));
  }
  const removed: string[] = [];
  for (const f of rec.files) {
    try {
      await Deno.remove(f);
      removed.push(f);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  if (rec.backend === "systemd") await step(tools.systemctl, ["--user", "daemon-reload"]);
  await Deno.remove(recordPath).catch(() => {});
  return {
    backend: rec.backend,
    files: removed,
    crontab: rec.crontab,
    commands,
    ok: commands.every((c) => c.ok),
  };
}

/**
 * Installs `plan`: first undoes the previous install, then writes the files, records them and
 * starts the timers/agents (or writes the crontab block). `logDir` is created for cron/launchd.
 */
export async function installServices(
  plan: ServicePlan,
  recordPath: string,
  tools: ServiceTools,
  logDir: string,
): Promise<{ installed: ServiceReport; removed: ServiceReport | null }> {
  const removed = await uninstallServices(recordPath, tools);
  const rec: InstallRecord = {
    version: 1,
    backend: plan.backend,
    installed_at: new Date().toISOString(),
    files: plan.files.map((f) => f.path),
    units: plan.units,
    agents: plan.agents,
    crontab: plan.crontabBlock !== null,
  };
  const commands: CommandOutcome[] = [];
  let current: string | null = null;
  if (plan.crontabBlock !== null) current = await readCrontab(tools);
  // Record first: whatever fails below, uninstall can still clean up.
  await writeFileAtomic(recordPath, JSON.stringify(rec, null, 2) + "\n");
  if (plan.backend !== "systemd") await Deno.mkdir(logDir, { recursive: true, mode: 0o700 });
  for (const f of plan.files) {
    await Deno.mkdir(dirname(f.path), { recursive: true });
    await Deno.writeTextFile(f.path, f.content, { mode: 0o644 });
  }
  const step = async (command: string, args: string[]) => {
    const r = await tool(tools, command, args);
    commands.push({ command: r.shown, ok: r.ok, detail: r.detail });
    return r.ok;
  };
  if (plan.backend === "systemd") {
    if (await step(tools.systemctl, ["--user", "daemon-reload"]) && plan.units.length > 0) {
      await step(tools.systemctl, ["--user", "enable", "--now", ...plan.units]);
    }
  } else if (plan.backend === "launchd") {
    for (const a of plan.agents) {
      await tool(tools, tools.launchctl, ["bootout", `gui/${tools.uid}/${a.label}`]);
      await step(tools.launchctl, ["bootstrap", `gui/${tools.uid}`, a.path]);
    }
  } else if (current !== null) {
    commands.push(await writeCrontab(tools, replaceCronBlock(current, plan.crontabBlock)));
  }
  return {
    installed: {
      backend: plan.backend,
      files: rec.files,
      crontab: rec.crontab,
      commands,
      ok: commands.every((c) => c.ok),
    },
    removed,
  };
}
