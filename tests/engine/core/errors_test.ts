import { assertEquals } from "../../support/assert.ts";
import { EngineError, EXIT_CODES, exitCodeFor } from "../../../src/engine/core/errors.ts";

Deno.test("exit codes follow DESIGN.md", () => {
  assertEquals(EXIT_CODES.NotConfigured, 4);
  assertEquals(EXIT_CODES.InvalidCredentials, 5);
  assertEquals(EXIT_CODES.AccessDenied, 5);
  assertEquals(EXIT_CODES.BucketNotFound, 6);
  assertEquals(EXIT_CODES.KeyNotFound, 6);
  assertEquals(EXIT_CODES.NetworkError, 7);
  assertEquals(EXIT_CODES.UnsafeOperation, 8);
  assertEquals(EXIT_CODES.Interrupted, 130);
  assertEquals(EXIT_CODES.UsageError, 2);
  assertEquals(exitCodeFor(new Error("x")), 1);
});

Deno.test("an EngineError carries its code, retryability, cause and field", () => {
  const cause = new Error("socket hang up");
  const e = new EngineError("UsageError", "--cron: 'x' has 1 field", { field: "--cron", cause });
  assertEquals([e.name, e.code, e.exitCode, e.retryable, e.field], [
    "EngineError",
    "UsageError",
    2,
    false,
    "--cron",
  ]);
  assertEquals(e.cause, cause);
  assertEquals(new EngineError("NetworkError", "x", { retryable: true }).field, undefined);
  assertEquals(exitCodeFor(new EngineError("Interrupted", "stop")), 130);
});
