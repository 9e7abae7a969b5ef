/**
 * Desktop notifications where one exists: `notify-send` on Linux and the BSDs (only with a
 * graphical session: DISPLAY, WAYLAND_DISPLAY or a session bus), `osascript` on macOS. Skipped
 * silently elsewhere, when the tool is missing, or on a headless server.
 *
 * @module
 */

import { runTool, type ToolRunner } from "../../lib/run_tool.ts";
import type { Env } from "../config/paths.ts";

/** What happened to a notification. */
export type DesktopOutcome =
  | { sent: true }
  | { sent: false; skipped: true; reason: string }
  | { sent: false; skipped: false; reason: string };

/** Where and how to notify (injectable for tests). */
export interface DesktopNotifyOptions {
  os?: typeof Deno.build.os;
  env: Env;
  run?: ToolRunner;
  /** Failures are shown more urgently where the tool supports it. */
  urgent?: boolean;
}

/** AppleScript that shows `item 1 of argv` as the title and `item 2` as the text. */
const OSASCRIPT = [
  "-e",
  "on run argv",
  "-e",
  "display notification (item 2 of argv) with title (item 1 of argv)",
  "-e",
  "end run",
];

/** Shows a desktop notification; never throws. */
export async function desktopNotify(
  title: string,
  body: string,
  options: DesktopNotifyOptions,
): Promise<DesktopOutcome> {
  const os = options.os ?? Deno.build.os;
  const run = options.run ?? runTool;
  let command: string;
  let args: string[];
  if (os === "darwin") {
    command = "osascript";
    args = [...OSASCRIPT, title, body];
  } else if (os === "windows" || os === "android") {
    return { sent: false, skipped: true, reason: `no desktop notifier is used on ${os}` };
  } else {
    const env = options.env;
    if (!env("DISPLAY") && !env("WAYLAND_DISPLAY") && !env("DBUS_SESSION_BUS_ADDRESS")) {
      return { sent: false, skipped: true, reason: "no graphical session" };
    }
    command = "notify-send";
    args = [
      "--app-name=eigen-s3",
      `--urgency=${options.urgent ? "critical" : "normal"}`,
      title,
      body,
    ];
  }
  try {
    const res = await run({ command, args, timeoutMs: 5000 });
    if (res.status === "not-found") {
      return { sent: false, skipped: true, reason: `${command} is not installed` };
    }
    if (res.status === "timeout") {
      return { sent: false, skipped: false, reason: `${command} did not finish in 5 s` };
    }
    if (res.code !== 0) {
      return {
        sent: false,
        skipped: false,
        reason: `${command} exited with ${res.code}: ${res.stderr.trim().split("\n")[0] ?? ""}`,
      };
    }
    return { sent: true };
  } catch (e) {
    return { sent: false, skipped: false, reason: (e as Error).message };
  }
}
