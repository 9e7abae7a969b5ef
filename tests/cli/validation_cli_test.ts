/**
 * Values are checked before any work: a storage class that is not one, in any command, is a
 * usage error (exit 2) naming the valid ones before a single file is read or request sent
 * (the endpoint here is a closed port: reaching it would be exit 7).
 *
 * @module
 */

import { assertEquals, assertIncludes } from "../support/assert.ts";
import { runCli, sandbox, tempDir } from "../support/test_env.ts";
import { lifecycleChanges } from "../../src/cli/commands/lifecycle_set.ts";
import type { EngineError } from "../../src/engine/core/errors.ts";

const DEAD = ["--endpoint", "http://127.0.0.1:9", "--bucket", "bucket-x"];

Deno.test("backup --storage-class: any case is accepted, an unknown class is exit 2 with the list", async () => {
  const box = await sandbox({ AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" });
  const dir = await tempDir();
  try {
    await Deno.writeTextFile(`${dir.path}/f.txt`, "x");
    const bad = await runCli([...DEAD, "backup", dir.path, "p", "--storage-class", "FOO"], box.env);
    assertEquals(bad.code, 2, bad.stderr);
    assertIncludes(
      bad.stderr,
      "--storage-class: 'FOO' is not a storage class here: use one of STANDARD",
    );
    assertIncludes(bad.stderr, "DEEP_ARCHIVE");
    // Lower case is the same class: the run gets as far as the (closed) endpoint.
    const lower = await runCli(
      [...DEAD, "backup", dir.path, "p", "--storage-class", "glacier"],
      box.env,
    );
    assertEquals(lower.code, 7, lower.stderr);
  } finally {
    await dir.cleanup();
    await box.cleanup();
  }
});

Deno.test("lifecycle set: class FOO is refused, 0 days is allowed where S3 allows it", async () => {
  const box = await sandbox({ AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" });
  try {
    const bad = await runCli(
      [...DEAD, "lifecycle", "set", "--transition-days", "30", "--storage-class", "FOO"],
      box.env,
    );
    assertEquals(bad.code, 2, bad.stderr);
    assertIncludes(bad.stderr, "'FOO' is not a storage class here: use one of STANDARD_IA");
  } finally {
    await box.cleanup();
  }
  assertEquals(lifecycleChanges({ transitionDays: "0", storageClass: "glacier" }).transition, {
    days: 0,
    storage_class: "GLACIER",
  });
  let err: unknown;
  try {
    lifecycleChanges({ transitionDays: "10", storageClass: "STANDARD_IA" });
  } catch (e) {
    err = e;
  }
  assertEquals((err as EngineError).exitCode, 2);
  assertIncludes((err as EngineError).message, "after 30 days at the earliest");
  let std: unknown;
  try {
    lifecycleChanges({ transitionDays: "1", storageClass: "STANDARD" });
  } catch (e) {
    std = e;
  }
  assertEquals((std as EngineError).exitCode, 2);
});

Deno.test("put: a bad storage class or a KMS key with AES256 is exit 2 before any request", async () => {
  const box = await sandbox({ AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" });
  const dir = await tempDir();
  try {
    const f = `${dir.path}/f.txt`;
    await Deno.writeTextFile(f, "x");
    const cls = await runCli([...DEAD, "put", f, "--storage-class", "FOO"], box.env);
    assertEquals(cls.code, 2, cls.stderr);
    assertIncludes(cls.stderr, "'FOO' is not a storage class here");
    const kms = await runCli(
      [...DEAD, "put", f, "--sse", "AES256", "--sse-kms-key-id", "k"],
      box.env,
    );
    assertEquals(kms.code, 2, kms.stderr);
    assertIncludes(kms.stderr, "--sse-kms-key-id needs --sse aws:kms, not AES256.");
  } finally {
    await dir.cleanup();
    await box.cleanup();
  }
});
