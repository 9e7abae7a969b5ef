import { desktopNotify } from "../../../src/engine/schedule/desktop_notify.ts";
import type { ToolRequest, ToolResult } from "../../../src/lib/run_tool.ts";
import { assertEquals } from "../../support/assert.ts";
import { tempDir } from "../../support/test_env.ts";

function fakeRun(result: ToolResult) {
  const calls: ToolRequest[] = [];
  return {
    calls,
    run: (req: ToolRequest) => {
      calls.push(req);
      return Promise.resolve(result);
    },
  };
}

const ok: ToolResult = { status: "exited", code: 0, stdout: "", stderr: "" };
const noEnv = () => undefined;

Deno.test("desktop: osascript on macOS with the text passed as arguments (no quoting issues)", async () => {
  const f = fakeRun(ok);
  const out = await desktopNotify('eigen-s3: "x" done', "it's \\ fine", {
    os: "darwin",
    env: noEnv,
    run: f.run,
  });
  assertEquals(out, { sent: true });
  assertEquals(f.calls[0]!.command, "osascript");
  assertEquals(f.calls[0]!.args, [
    "-e",
    "on run argv",
    "-e",
    "display notification (item 2 of argv) with title (item 1 of argv)",
    "-e",
    "end run",
    'eigen-s3: "x" done',
    "it's \\ fine",
  ]);
});

Deno.test("desktop: skipped silently without a display, on Windows, or without the tool", async () => {
  const f = fakeRun(ok);
  assertEquals(await desktopNotify("t", "b", { os: "linux", env: noEnv, run: f.run }), {
    sent: false,
    skipped: true,
    reason: "no graphical session",
  });
  assertEquals(await desktopNotify("t", "b", { os: "windows", env: noEnv, run: f.run }), {
    sent: false,
    skipped: true,
    reason: "no desktop notifier is used on windows",
  });
  assertEquals(f.calls.length, 0);
  const missing = fakeRun({ status: "not-found" });
  const wayland = (n: string) => (n === "WAYLAND_DISPLAY" ? "wayland-0" : undefined);
  assertEquals(await desktopNotify("t", "b", { os: "linux", env: wayland, run: missing.run }), {
    sent: false,
    skipped: true,
    reason: "notify-send is not installed",
  });
  const broken = fakeRun({ status: "exited", code: 1, stdout: "", stderr: "no bus\nmore" });
  assertEquals(await desktopNotify("t", "b", { os: "linux", env: wayland, run: broken.run }), {
    sent: false,
    skipped: false,
    reason: "notify-send exited with 1: no bus",
  });
});

Deno.test("desktop: the real runner calls a notify-send found on PATH", async () => {
  const dir = await tempDir();
  try {
    const log = `${dir.path}/calls.txt`;
    await Deno.writeTextFile(
      `${dir.path}/notify-send`,
      `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}'\n`,
      { mode: 0o755 },
    );
    const path = Deno.env.get("PATH");
    Deno.env.set("PATH", `${dir.path}:${path}`);
    try {
      const out = await desktopNotify("eigen-s3: photos backed up", "3 uploaded", {
        os: "linux",
        env: (n) => (n === "DISPLAY" ? ":0" : undefined),
      });
      assertEquals(out, { sent: true });
    } finally {
      Deno.env.set("PATH", path ?? "");
    }
    assertEquals(
      await Deno.readTextFile(log),
      "--app-name=eigen-s3\n--urgency=normal\neigen-s3: photos backed up\n3 uploaded\n",
    );
  } finally {
    await dir.cleanup();
  }
});
