/** The runner reads counts and skip reasons out of `deno test` output. */

import { assertEquals } from "./assert.ts";
import { AWS_PLACEHOLDER, parseDenoTest } from "./test_output.ts";

Deno.test("parseDenoTest: counts, skips by reason, placeholders, no closing line", () => {
  const out = [
    "running 4 tests from ./tests/a_test.ts",
    "put works ... \x1b[32mok\x1b[0m (3ms)",
    "restore --at [skipped: needs versioning; the embedded fauxqs server] ... ignored (0ms)",
    `GLACIER reads [aws] ${AWS_PLACEHOLDER} ... ignored (0ms)`,
    "an old test ... ignored (0ms)",
    "  a step ... ignored (0ms)",
    "",
    "ok | 7 passed (2 steps) | 0 failed | 3 ignored (1s)",
  ].join("\n");
  const r = parseDenoTest(out, 0);
  assertEquals([r.passed, r.failed, r.unexplained], [7, 0, 1]);
  assertEquals(r.skipped, [
    { name: "restore --at", reason: "needs versioning; the embedded fauxqs server" },
    { name: "an old test", reason: "ignored, no reason in its name" },
  ]);
  assertEquals(parseDenoTest("FAILED | 3 passed | 2 failed (1s)", 1).failed, 2);
  // a type error: no closing line, a failure all the same
  assertEquals(parseDenoTest("error: TS2304 [ERROR]: Cannot find name 'x'.", 1).failed, 1);
});
