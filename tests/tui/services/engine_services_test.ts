/**
 * The TUI's bucket browser over the real engine: one page of a folder is the engine's folder
 * view (folders first, then files, names under the folder, the folder's marker left out).
 */

import { PutObjectCommand } from "@aws-sdk/client-s3";
import { assertEquals } from "../../support/assert.ts";
import {
  configureArgs,
  createTestBucket,
  rawClient,
  runCli,
  s3Test,
  sandbox,
  TEST_SECRET_KEY,
} from "../../support/test_env.ts";
import { createSession } from "../../../src/engine/session/session.ts";
import { EngineServices } from "../../../src/tui/services/engine_services.ts";

Deno.test(
  {
    ...s3Test("engine services: listRemote pages a folder under the profile's path prefix"),
    sanitizeResources: false,
    sanitizeOps: false,
  },
  async () => {
    const s3 = rawClient();
    const bucket = await createTestBucket(s3, "tuils");
    const box = await sandbox();
    const session = createSession({
      flags: {},
      signal: new AbortController().signal,
      env: (name) => box.env[name],
      // the session's secret store reads the process environment: answer the file's prompt
      passphrasePrompt: () => Promise.resolve(() => Promise.resolve(box.env.EIGEN_S3_PASSPHRASE!)),
    });
    try {
      for (const key of ["base/Photos/", "base/Photos/a.jpg", "base/Photos/2024/b.jpg", "c"]) {
        await s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: "12345" }));
      }
      const conf = await runCli(
        configureArgs(bucket.name, undefined, ["--path-prefix", "base/"]),
        box.env,
        TEST_SECRET_KEY,
      );
      assertEquals(conf.code, 0, conf.stderr);
      const services = new EngineServices(session);
      const page = await services.listRemote("default", "Photos/", undefined, session.signal);
      assertEquals(
        page.entries.map((e) => [e.key, e.name, e.isFolder, e.size, e.lastModified !== null]),
        [
          ["Photos/2024/", "2024/", true, 0, false],
          ["Photos/a.jpg", "a.jpg", false, 5, true],
        ],
      );
      assertEquals(page.nextToken, undefined);
      const root = await services.listRemote("default", "", undefined, session.signal);
      assertEquals(root.entries.map((e) => e.name), ["Photos/"]);
    } finally {
      session.close();
      await bucket.drop();
      s3.destroy();
      await box.cleanup();
    }
  },
);
