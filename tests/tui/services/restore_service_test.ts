/**
 * The TUI's restore over the real engine (EngineServices on a Session, against the test server):
 * browsing into two years and selecting the same-named month folder in each restores both, every
 * byte at `dest/<year>/<month>/...` (it once merged them into `dest/<month>/` and lost a photo);
 * the preview counts what the run then does, and the run is one history record.
 */

import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { assertBytes, assertEquals, assertOk } from "../../support/assert.ts";
import {
  configureArgs,
  createTestBucket,
  randomBytes,
  rawClient,
  runCli,
  S3_ENDPOINT,
  s3Test,
  sandbox,
  TEST_SECRET_KEY,
} from "../../support/test_env.ts";
import { createSession } from "../../../src/engine/session/session.ts";
import { EngineServices } from "../../../src/tui/services/engine_services.ts";
import { Driver } from "../support/drive.ts";

Deno.test(
  {
    ...s3Test("TUI restore of two same-named folders of different years restores both"),
    sanitizeResources: false,
    sanitizeOps: false,
  },
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "tuisel");
    const box = await sandbox();
    const session = createSession({
      flags: {},
      signal: new AbortController().signal,
      env: (name) => box.env[name],
      passphrasePrompt: () => Promise.resolve(() => Promise.resolve("test-passphrase")),
    });
    const d = new Driver(new EngineServices(session));
    try {
      const configured = await runCli(configureArgs(bucket.name), box.env, TEST_SECRET_KEY);
      assertEquals(configured.code, 0, configured.stderr);
      const photos: Record<string, Uint8Array> = {
        "Photos/2022/01 - Jan/IMG_0001.jpg": randomBytes(50_000),
        "Photos/2022/01 - Jan/IMG_0002.jpg": randomBytes(1_000),
        "Photos/2024/01 - Jan/IMG_0001.jpg": randomBytes(60_000),
      };
      for (const [key, body] of Object.entries(photos)) {
        await raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: body }));
      }
      await raw.send(
        new PutObjectCommand({ Bucket: bucket.name, Key: "Photos/2024/02 - Feb/x.jpg", Body: "x" }),
      );
      const dest = join(box.home, "Restored");

      d.start();
      await d.settle();
      assertEquals(d.state.profile, "default", S3_ENDPOINT ?? "");
      d.keys("3");
      await d.settle();
      assertEquals(d.state.restore.tree?.entries.map((e) => e.key), ["Photos/"]);
      d.keys("enter");
      await d.settle();
      assertEquals(d.state.restore.tree?.entries.map((e) => e.key), [
        "Photos/2022/",
        "Photos/2024/",
      ]);
      d.keys("enter");
      await d.settle();
      d.keys("space", "left");
      await d.settle();
      d.keys("down", "enter");
      await d.settle();
      assertEquals(d.state.restore.tree?.entries.map((e) => e.key), [
        "Photos/2024/01 - Jan/",
        "Photos/2024/02 - Feb/",
      ]);
      d.keys("space");
      assertEquals(d.state.restore.tree?.selected.map((e) => e.key), [
        "Photos/2022/01 - Jan/",
        "Photos/2024/01 - Jan/",
      ]);
      // dest, then past as-of, the three options and exclude to the start button
      d.keys("tab", `text:${dest}`, "tab", "tab", "tab", "tab", "tab", "tab", "enter");
      await d.settle();

      const t = d.state.restore.transfer;
      assertEquals(t.message, null, t.message ?? "");
      assertEquals(
        [t.summary?.transfers, t.summary?.transferBytes, t.summary?.skips],
        [3, 111_000, 0],
      );
      assertEquals(
        t.summary?.route,
        `2 selected items in s3://${bucket.name}/Photos/ -> ${dest}`,
      );
      assertEquals(
        [t.outcome?.status, t.outcome?.transferred, t.outcome?.bytes, t.outcome?.errors],
        ["success", 3, 111_000, []],
      );
      for (const [key, body] of Object.entries(photos)) {
        const local = join(dest, key.slice("Photos/".length));
        assertBytes(await Deno.readFile(local), body, local);
      }
      const top = [...Deno.readDirSync(dest)].map((e) => e.name).sort();
      assertEquals(top, ["2022", "2024"], "no merged '01 - Jan' at the top");
      assertEquals([...Deno.readDirSync(join(dest, "2024"))].map((e) => e.name), ["01 - Jan"]);
      const runs = await d.services.history(10);
      assertEquals(
        runs.map((r) => [r.command, r.status, r.prefix, r.local_path]),
        [["restore", "success", "Photos/", dest]],
      );
      assertOk(d.state.status?.tone !== "error", d.state.status?.text ?? "");
    } finally {
      await d.dispose();
      session.close();
      await bucket.drop();
      raw.destroy();
      await box.cleanup();
    }
  },
);
