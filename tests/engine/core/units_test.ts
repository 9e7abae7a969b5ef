import { assertEquals, assertThrows } from "../../support/assert.ts";
import { ageCutoff, parseAge, parseDuration, parseSize } from "../../../src/engine/core/units.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";

const ref = (field: string) => ({ field, code: "UsageError" as const });
const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

Deno.test("parseSize: binary suffixes, fractions, bytes, rclone's spellings", () => {
  const cases: [string, number][] = [
    ["0", 0],
    ["100B", 100],
    ["100b", 100],
    ["1K", KiB],
    ["1k", KiB],
    ["1KiB", KiB],
    ["1Ki", KiB],
    ["500K", 500 * KiB],
    ["1.5M", 1.5 * MiB],
    ["2G", 2 * GiB],
    [" 2 G ", 2 * GiB],
    ["1T", 1024 * GiB],
    ["1P", 1024 * 1024 * GiB],
  ];
  for (const [text, bytes] of cases) assertEquals(parseSize(text, ref("--min-size")), bytes, text);
});

Deno.test("parseSize: a bare number needs a unit; junk is refused naming the flag", () => {
  const cases: [string, string][] = [
    ["100", "--min-size: '100' needs a unit: 100B for bytes, or K, M, G, T (e.g. 100K)."],
    ["ten", "--min-size: 'ten' is not a size"],
    ["-1K", "--min-size: '-1K' is not a size"],
    ["1X", "--min-size: '1X' is not a size"],
    ["", "--min-size: '' is not a size"],
  ];
  for (const [text, message] of cases) {
    const e = assertThrows(() => parseSize(text, ref("--min-size")), EngineError);
    assertEquals(e.code, "UsageError");
    assertEquals(e.message.startsWith(message), true, `${text}: ${e.message}`);
  }
});

Deno.test("parseDuration: units ms s m h d w M y, and sequences", () => {
  const cases: [string, number][] = [
    ["0", 0],
    ["250ms", 250],
    ["90s", 90_000],
    ["30m", 1_800_000],
    ["36h", 36 * 3_600_000],
    ["90d", 90 * 86_400_000],
    ["2w", 14 * 86_400_000],
    ["1M", 30 * 86_400_000],
    ["1y", 365 * 86_400_000],
    ["1h30m", 5_400_000],
    ["1h 30m", 5_400_000],
    ["1.5h", 5_400_000],
  ];
  for (const [text, ms] of cases) {
    assertEquals(parseDuration(text, ref("--max-duration")), ms, text);
  }
  for (const bad of ["90", "1x", "h", "1h30", "-1h", ""]) {
    const e = assertThrows(() => parseDuration(bad, ref("--max-duration")), EngineError);
    assertEquals(e.message.startsWith(`--max-duration: '${bad}'`), true, e.message);
  }
});

Deno.test("parseAge: durations back from now, local dates, RFC 3339", () => {
  const now = new Date("2026-06-15T12:00:00Z");
  assertEquals(
    ageCutoff(parseAge("90d", ref("--max-age")), now),
    now.getTime() - 90 * 86_400_000,
  );
  assertEquals(ageCutoff(parseAge("2w", ref("--max-age")), now), now.getTime() - 14 * 86_400_000);
  assertEquals(
    parseAge("2026-01-31", ref("--max-age")),
    { kind: "date", at: new Date(2026, 0, 31).getTime() },
  );
  assertEquals(
    parseAge("2026-01-31 08:30:00", ref("--max-age")),
    { kind: "date", at: new Date(2026, 0, 31, 8, 30).getTime() },
  );
  assertEquals(
    parseAge("2026-01-31T08:30:00Z", ref("--max-age")),
    { kind: "date", at: Date.UTC(2026, 0, 31, 8, 30) },
  );
  assertEquals(
    parseAge("2026-01-31T08:30:00+02:00", ref("--max-age")),
    { kind: "date", at: Date.UTC(2026, 0, 31, 6, 30) },
  );
  for (const bad of ["2026-02-30", "yesterday", "90"]) {
    const e = assertThrows(() => parseAge(bad, ref("--max-age")), EngineError);
    assertEquals(e.message.startsWith(`--max-age: '${bad}'`), true, e.message);
  }
});
