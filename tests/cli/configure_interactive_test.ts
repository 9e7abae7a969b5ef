/**
 * Interactive `configure` on a real terminal (tmux): an empty or invalid answer is said and asked
 * again; a failed connection test offers to edit the answers or save anyway instead of quitting
 * and losing what was typed.
 *
 * @module
 */

import { join } from "node:path";
import { assertEquals, assertIncludes } from "../support/assert.ts";
import {
  createTestBucket,
  rawClient,
  S3_ENDPOINT,
  sandbox,
  tempDir,
  TEST_ACCESS_KEY,
  TEST_SECRET_KEY,
} from "../support/test_env.ts";
import { e2e } from "../tui/support/e2e.ts";
import { TmuxApp } from "../tui/support/tmux.ts";

async function readConfig(env: Record<string, string>) {
  return JSON.parse(await Deno.readTextFile(join(env.XDG_CONFIG_HOME!, "eigen", "s3-config.json")));
}

Deno.test(
  e2e("configure: empty and invalid answers are asked again; a failed test offers to edit"),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "cfgtty");
    const box = await sandbox();
    const dir = await tempDir();
    const app = await TmuxApp.start(box.env, dir.path, ["configure", "--secret-backend", "file"]);
    try {
      await app.waitFor("Endpoint URL");
      await app.type(S3_ENDPOINT!);
      await app.keys("Enter");
      await app.waitFor("Region");
      await app.keys("Enter");
      await app.waitFor("Bucket");
      await app.keys("Enter"); // empty: asked again
      await app.waitFor("Bucket: an answer is needed");
      await app.type("Not_A_Bucket!");
      await app.keys("Enter");
      await app.waitFor("Bucket: 'Not_A_Bucket!'");
      await app.type("no-such-bucket-eigen-tty");
      await app.keys("Enter");
      await app.waitFor("Access key id");
      await app.type(TEST_ACCESS_KEY);
      await app.keys("Enter");
      await app.waitFor("Path prefix");
      await app.keys("Enter");
      await app.waitFor("Secret access key");
      await app.keys("Enter"); // empty: asked again
      await app.waitFor("Secret access key: an answer is needed");
      await app.type(TEST_SECRET_KEY);
      await app.keys("Enter");
      // The bucket does not exist: the test fails, nothing is lost.
      await app.waitFor("[e]dit the answers, [s]ave anyway, or [q]uit");
      await app.type("e");
      await app.keys("Enter");
      await app.waitFor(/Endpoint URL.*\[/);
      await app.keys("Enter"); // keeps the endpoint typed before
      await app.waitFor(/Region.*\[us-east-1\]/);
      await app.keys("Enter");
      const screen = await app.waitFor(/Bucket.*\[no-such-bucket-eigen-tty\]/);
      assertIncludes(screen, "no-such-bucket-eigen-tty");
      await app.type(bucket.name);
      await app.keys("Enter");
      await app.waitFor(/Access key id.*\[/);
      await app.keys("Enter");
      await app.waitFor(/Path prefix/);
      await app.keys("Enter");
      await app.waitFor("Enter keeps the one given before");
      await app.keys("Enter");
      assertEquals(await app.exitCode(), 0, await app.screen());
      await app.waitFor(`Saved profile 'default': bucket '${bucket.name}'`);
      const cfg = await readConfig(box.env);
      assertEquals(cfg.profiles.default.bucket_name, bucket.name);
    } finally {
      await app.close();
      await dir.cleanup();
      await box.cleanup();
      await bucket.drop();
      raw.destroy();
    }
  },
);

Deno.test(
  e2e("configure: after a failed connection test, 'save anyway' saves untested"),
  async () => {
    const box = await sandbox();
    const dir = await tempDir();
    const app = await TmuxApp.start(box.env, dir.path, [
      "--endpoint",
      S3_ENDPOINT!,
      "--bucket",
      "no-such-bucket-eigen-tty2",
      "configure",
      "--access-key-id",
      TEST_ACCESS_KEY,
      "--secret-backend",
      "file",
    ]);
    try {
      await app.waitFor("Region");
      await app.keys("Enter");
      await app.waitFor("Path prefix");
      await app.keys("Enter");
      await app.waitFor("Secret access key");
      await app.type(TEST_SECRET_KEY);
      await app.keys("Enter");
      await app.waitFor("[s]ave anyway");
      await app.type("s");
      await app.keys("Enter");
      assertEquals(await app.exitCode(), 0, await app.screen());
      await app.waitFor("not tested");
      const cfg = await readConfig(box.env);
      assertEquals(cfg.profiles.default.bucket_name, "no-such-bucket-eigen-tty2");
    } finally {
      await app.close();
      await dir.cleanup();
      await box.cleanup();
    }
  },
);
