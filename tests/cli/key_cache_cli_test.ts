/**
 * A second command in the same session neither derives the secrets file's key again nor needs
 * the passphrase: the key waits in the kernel keyring for 10 minutes. `--no-key-cache` and
 * EIGEN_S3_KEY_CACHE=0 turn that off.
 *
 * @module
 */

import { assertEquals, assertIncludes } from "../support/assert.ts";
import {
  configureArgs,
  createTestBucket,
  rawClient,
  runCli,
  s3Test,
  sandbox,
  TEST_SECRET_KEY,
} from "../support/test_env.ts";
import { openKernelKeyring } from "../../src/lib/kernel_keyring.ts";

const ring = openKernelKeyring();
const HAS_KEYRING = ring?.set("eigen-s3:test-probe", new Uint8Array([1]), 5) ?? false;
ring?.close();

const name = "key cache: the next command reads the encrypted secret without the passphrase";
Deno.test(
  HAS_KEYRING ? s3Test(name) : { name: `${name} [skipped: no kernel keyring here]`, ignore: true },
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "keycache");
    const box = await sandbox();
    try {
      const conf = await runCli(configureArgs(bucket.name), box.env, TEST_SECRET_KEY);
      assertEquals(conf.code, 0, conf.stderr);
      const { EIGEN_S3_PASSPHRASE: _, ...noPassphrase } = box.env;
      const again = await runCli(["ls"], noPassphrase);
      assertEquals(again.code, 0, again.stderr);
      const off = await runCli(["--no-key-cache", "ls"], noPassphrase);
      assertEquals(off.code, 1, off.stderr);
      assertIncludes(off.stderr, "no passphrase");
      const offEnv = await runCli(["ls"], { ...noPassphrase, EIGEN_S3_KEY_CACHE: "0" });
      assertEquals(offEnv.code, 1, offEnv.stderr);
      const wrong = await runCli(["ls"], { ...noPassphrase, EIGEN_S3_PASSPHRASE: "wrong" });
      assertEquals(wrong.code, 1, wrong.stderr);
      assertIncludes(wrong.stderr, "wrong passphrase");
    } finally {
      await box.cleanup();
      await bucket.drop();
      raw.destroy();
    }
  },
);
