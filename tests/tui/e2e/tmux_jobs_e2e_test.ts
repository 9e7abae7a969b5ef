/**
 * End to end in a real terminal: scheduled jobs on the Settings screen. tmux runs eigen-s3 at
 * 80x24 against Ceph RGW in a sandboxed HOME; a job is added with keystrokes, listed with its
 * next run, run now, and its objects are read back with a raw S3 client. Skipped visibly when
 * tmux or RGW is missing.
 */

import { join } from "node:path";
import { assertBytes, assertEquals, assertIncludes, assertOk } from "../../support/assert.ts";
import {
  configureArgs,
  createTestBucket,
  getObject,
  listKeys,
  rawClient,
  runCli,
  S3_ENDPOINT,
  sandbox,
  TEST_SECRET_KEY,
  writeFile,
} from "../../support/test_env.ts";
import { TmuxApp } from "../support/tmux.ts";
import { assertTerminalRestored, e2e } from "../support/e2e.ts";

Deno.test(
  e2e("tui e2e: add a scheduled job, see its next run, run it now against RGW"),
  async () => {
    const s3 = rawClient();
    const bucket = await createTestBucket(s3, "tuijob");
    const box = await sandbox();
    const docs = join(box.home, "Docs");
    const files: Record<string, Uint8Array> = {
      "a.txt": await writeFile(join(docs, "a.txt"), "scheduled from the TUI\n"),
      "sub/b.bin": await writeFile(join(docs, "sub", "b.bin"), 200_000),
      "big.bin": await writeFile(join(docs, "big.bin"), 9 * 1024 * 1024 + 3),
    };
    await writeFile(join(docs, "scratch.tmp"), "excluded\n");
    const configured = await runCli(
      configureArgs(bucket.name, S3_ENDPOINT!),
      box.env,
      TEST_SECRET_KEY,
    );
    assertEquals(configured.code, 0, configured.stderr);
    const app = await TmuxApp.start(box.env, box.home, ["tui"]);
    try {
      await app.waitFor(`default │ ${bucket.name}`);
      await app.keys("5");
      await app.waitFor("Scheduled jobs (0)");
      await app.keys("BTab", "a");
      await app.waitFor("Settings › New scheduled job");
      await app.type("nightly-docs");
      await app.keys("Tab");
      await app.type(docs);
      await app.keys("Tab", "Tab", "Tab");
      await app.type("0 3 * *");
      await app.waitFor("has 4 fields, not 5");
      await app.type(" *");
      let screen = await app.waitFor(/next: \w{3} [\d-]+ 03:00 · /);
      await app.keys("Tab");
      await app.type("UTC");
      await app.keys("Tab");
      await app.type("*.tmp");
      await app.keys("Tab", "Tab", "Tab", "Enter");
      screen = await app.waitFor("Saved job 'nightly-docs'.");
      screen = await app.waitFor(/nightly-docs\s+0 3 \* \* \*\s+\d{4}-\d\d-\d\d 03:00\s+never run/);
      assertIncludes(screen, "/Docs -> default:Docs · UTC · s3://");

      // run it now: progress, then the result in the panel and in the list
      await app.keys("r");
      screen = await app.waitFor(/Done in .*: 3 uploaded/, 30_000);
      assertIncludes(screen, "Run now: job 'nightly-docs'");
      screen = await app.waitFor(/nightly-docs\s+0 3 \* \* \*\s+\S+ 03:00\s+✓ success/);
      assertEquals((await listKeys(s3, bucket.name)).sort(), [
        "Docs/a.txt",
        "Docs/big.bin",
        "Docs/sub/b.bin",
      ]);
      for (const [rel, bytes] of Object.entries(files)) {
        assertBytes((await getObject(s3, bucket.name, `Docs/${rel}`)).bytes, bytes, rel);
      }
      // the CLI sees the same job and its last result
      const listed = await runCli(["schedule", "list", "--json"], box.env);
      const rows = listed.json().at(-1)?.result as Array<Record<string, unknown>>;
      assertEquals(rows.map((r) => [r.name, (r.last_result as { status: string }).status]), [
        ["nightly-docs", "success"],
      ]);
      assertOk(typeof rows[0]?.next_run === "string");

      await app.keys("q");
      assertEquals(await app.exitCode(), 0);
      await assertTerminalRestored(app);
    } finally {
      await app.close();
      await bucket.drop();
      s3.destroy();
      await box.cleanup();
    }
  },
);
