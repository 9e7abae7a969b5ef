/**
 * End to end in a real terminal: tmux runs `deno run -A main.ts` (no command: the TUI) at
 * 80x24 against Ceph RGW in a sandboxed HOME, keystrokes drive it, capture-pane reads it.
 * Skipped visibly when tmux or RGW is missing.
 */

import { join } from "node:path";
import { assertBytes, assertEquals, assertExcludes, assertIncludes } from "../../support/assert.ts";
import {
  configureArgs,
  createTestBucket,
  rawClient,
  runCli,
  S3_ENDPOINT,
  sandbox,
  TEST_ACCESS_KEY,
  TEST_SECRET_KEY,
  writeFile,
} from "../../support/test_env.ts";
import { startS3Proxy } from "../../support/s3_proxy.ts";
import { TmuxApp } from "../support/tmux.ts";
import { assertTerminalRestored, e2e } from "../support/e2e.ts";

/** SGR parameters that set a colour (30-37, 38, 40-47, 48, 90-97, 100-107) in `screen`. */
function colourCodes(screen: string): string[] {
  const out: string[] = [];
  // deno-lint-ignore no-control-regex
  for (const m of screen.matchAll(/\x1b\[([0-9;]*)m/g)) {
    for (const p of m[1]!.split(";")) {
      const n = Number(p);
      if (
        (n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 97) ||
        (n >= 100 && n <= 107)
      ) {
        out.push(m[0]);
      }
    }
  }
  return out;
}

Deno.test(e2e("tui e2e: configure, back up, browse, restore, history at 80x24"), async () => {
  const s3 = rawClient();
  const bucket = await createTestBucket(s3, "tui");
  const box = await sandbox();
  const fixture = join(box.home, "Pictures");
  const files: Record<string, Uint8Array> = {
    "a.txt": await writeFile(join(fixture, "a.txt"), "hello from the TUI\n"),
    "2024/IMG 0001.jpg": await writeFile(join(fixture, "2024", "IMG 0001.jpg"), 300_000),
    "2024/été.txt": await writeFile(join(fixture, "2024", "été.txt"), "unicode\n"),
    "big.bin": await writeFile(join(fixture, "big.bin"), 9 * 1024 * 1024 + 17),
  };
  const app = await TmuxApp.start(box.env, box.home);
  try {
    // 1. first run: the configuration screen
    await app.waitFor("S3 Configuration: new profile");
    await app.type(S3_ENDPOINT!);
    await app.keys("Tab", "Tab");
    await app.type(TEST_ACCESS_KEY);
    await app.keys("Tab");
    await app.type(TEST_SECRET_KEY);
    let screen = await app.waitFor("*****");
    assertExcludes(screen, TEST_SECRET_KEY);
    await app.keys("Tab", "Enter");
    await app.waitFor(/Buckets \(\d+\)/);
    await app.keys("Escape");
    await app.type(bucket.name);
    await app.keys("Tab", "Tab", "Enter");
    await app.waitFor(`Bucket '${bucket.name}' is accessible`);
    await app.keys("Right", "Enter");
    screen = await app.waitFor("Saved profile 'default'");
    assertIncludes(screen, "encrypted file");
    assertIncludes(screen, `default │ ${bucket.name}`);
    assertEquals(colourCodes(await app.screenWithEscapes()), [], "NO_COLOR: no colours");

    // 2. backup of the fixture folder
    await app.keys("Escape", "2");
    await app.waitFor("Backup Manager");
    await app.type(fixture);
    await app.keys("Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Enter");
    screen = await app.waitFor(/Done in .*: 4 uploaded/);
    assertIncludes(screen, "/Pictures -> s3://");

    // 3. browse the bucket
    await app.keys("3");
    await app.waitFor("▸ Pictures/");
    await app.keys("Enter");
    screen = await app.waitFor("big.bin");
    assertIncludes(screen, "9.0 MiB");
    assertIncludes(screen, "STANDARD");
    await app.keys("Enter");
    await app.waitFor("IMG 0001.jpg");
    await app.keys("Left");
    await app.waitFor("big.bin");

    // 4. restore the folder into a new one
    const dest = join(box.home, "restored");
    await app.keys("Tab");
    await app.type(dest);
    await app.keys("Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Enter");
    await app.waitFor(/Done in .*: 4 restored/);
    for (const [rel, bytes] of Object.entries(files)) {
      assertBytes(await Deno.readFile(join(dest, rel)), bytes, rel);
    }

    // 5. history, newest first
    await app.keys("4");
    // (the status line says "The restore finished." before the list arrives)
    screen = await app.waitFor(/\bbackup\s+success/);
    const lines = screen.split("\n");
    const restoreAt = lines.findIndex((l) => /\brestore\s+success/.test(l));
    const backupAt = lines.findIndex((l) => /\bbackup\s+success/.test(l));
    assertEquals(restoreAt >= 0 && backupAt > restoreAt, true, screen);

    // 6. quit
    await app.keys("q");
    assertEquals(await app.exitCode(), 0);
    await assertTerminalRestored(app);
  } finally {
    await app.close();
    await bucket.drop();
    s3.destroy();
    await box.cleanup();
  }
});

Deno.test(
  e2e("tui e2e: Ctrl+C during a backup stops cleanly and restores the terminal"),
  async () => {
    const s3 = rawClient();
    const bucket = await createTestBucket(s3, "tuic");
    // every upload takes 300 ms more, so the backup runs for seconds
    const proxy = await startS3Proxy(S3_ENDPOINT!, {
      rules: [{ action: "latency", ms: 300, match: (r) => r.op === "PutObject" }],
    });
    const box = await sandbox();
    const fixture = join(box.home, "many");
    for (let i = 0; i < 160; i++) {
      await writeFile(
        join(fixture, `f${String(i).padStart(3, "0")}.bin`),
        4096,
      );
    }
    const configured = await runCli(
      configureArgs(bucket.name, proxy.endpoint),
      box.env,
      TEST_SECRET_KEY,
    );
    assertEquals(configured.code, 0, configured.stderr);
    const app = await TmuxApp.start(box.env, box.home, ["tui"]);
    try {
      await app.waitFor(`default │ ${bucket.name}`);
      await app.keys("2");
      await app.type(fixture);
      await app.keys("Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Enter");
      await app.waitFor(/\d+\/160 files/);
      await app.waitForVar("alternate_on", "1");
      await app.keys("C-c");
      await app.waitFor("Stop the backup?");
      await app.keys("C-c");
      assertEquals(await app.exitCode(), 130);
      await assertTerminalRestored(app);
      const uploaded = proxy.counts().PutObject ?? 0;
      assertEquals(uploaded > 0 && uploaded < 160, true, `uploads before the stop: ${uploaded}`);
      // the next run finishes the job (nothing half-done blocks it)
      const again = await runCli(["backup", fixture], box.env);
      assertEquals(again.code, 0, again.stderr);
    } finally {
      await app.close();
      await proxy.close();
      await bucket.drop();
      s3.destroy();
      await box.cleanup();
    }
  },
);

Deno.test(e2e("tui e2e: a small window says so, resizing re-lays out"), async () => {
  const box = await sandbox();
  const app = await TmuxApp.start(box.env, box.home, ["tui"], { columns: 60, rows: 20 });
  try {
    await app.waitFor("Window too small");
    await app.resize(80, 24);
    await app.waitFor("S3 Configuration");
    await app.keys("C-c");
    assertEquals(await app.exitCode(), 0);
    await assertTerminalRestored(app);
  } finally {
    await app.close();
    await box.cleanup();
  }
});

const CRASH_APP = new URL("../support/crash_app.tsx", import.meta.url).pathname;

for (const mode of ["key", "render", "promise"]) {
  Deno.test(e2e(`tui e2e: a crash (${mode}) still restores the terminal`), async () => {
    const box = await sandbox();
    const app = await TmuxApp.start(box.env, box.home, [mode], undefined, CRASH_APP);
    try {
      await app.waitFor("crash test");
      await app.waitForVar("alternate_on", "1");
      await app.keys("x");
      assertEquals(await app.exitCode(), 1);
      await app.waitFor("crashed: boom");
      await assertTerminalRestored(app);
    } finally {
      await app.close();
      await box.cleanup();
    }
  });
}

Deno.test(e2e("tui e2e: SIGTERM quits cleanly (exit 130) and restores the terminal"), async () => {
  const box = await sandbox();
  const app = await TmuxApp.start(box.env, box.home, ["tui"]);
  try {
    await app.waitFor("S3 Configuration: new profile");
    await app.waitForVar("alternate_on", "1");
    const shell = Number(await app.paneVar("pane_pid"));
    const children = await new Deno.Command("pgrep", {
      args: ["-P", String(shell)],
      stdout: "piped",
    })
      .output();
    const pid = Number(new TextDecoder().decode(children.stdout).trim().split("\n")[0]);
    Deno.kill(pid, "SIGTERM");
    assertEquals(await app.exitCode(), 130);
    await assertTerminalRestored(app);
  } finally {
    await app.close();
    await box.cleanup();
  }
});
