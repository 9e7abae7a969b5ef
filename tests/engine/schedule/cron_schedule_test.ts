import { parseCron, validateTimezone } from "../../../src/engine/schedule/cron_schedule.ts";
import {
  inWindow,
  nextWindowEnd,
  nextWindowStart,
  parseWindow,
} from "../../../src/engine/schedule/time_window.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import { assertEquals, assertThrows } from "../../support/assert.ts";

const ref = { field: "jobs.x.cron", code: "ConfigError" as const };
const iso = (d: Date | null) => d?.toISOString() ?? null;

Deno.test("next runs: table of expressions, time zones and DST days", () => {
  const cases: Array<[string, string | undefined, string, string[]]> = [
    ["0 3 * * *", "UTC", "2025-01-01T00:00:00Z", [
      "2025-01-01T03:00:00.000Z",
      "2025-01-02T03:00:00.000Z",
    ]],
    ["*/15 * * * *", "UTC", "2025-01-01T00:07:00Z", [
      "2025-01-01T00:15:00.000Z",
      "2025-01-01T00:30:00.000Z",
    ]],
    ["0 9 * * MON-FRI", "UTC", "2025-01-03T10:00:00Z", [
      "2025-01-06T09:00:00.000Z",
      "2025-01-07T09:00:00.000Z",
    ]],
    // Day of month and day of week are OR-ed (Vixie cron): the 1st, and every Sunday.
    ["0 0 1 * 0", "UTC", "2025-01-01T12:00:00Z", [
      "2025-01-05T00:00:00.000Z",
      "2025-01-12T00:00:00.000Z",
    ]],
    ["@daily", "UTC", "2025-01-01T00:00:00Z", [
      "2025-01-02T00:00:00.000Z",
      "2025-01-03T00:00:00.000Z",
    ]],
    ["@weekly", "UTC", "2025-01-01T00:00:00Z", [
      "2025-01-05T00:00:00.000Z",
      "2025-01-12T00:00:00.000Z",
    ]],
    ["0 0 L * *", "UTC", "2025-01-15T00:00:00Z", [
      "2025-01-31T00:00:00.000Z",
      "2025-02-28T00:00:00.000Z",
    ]],
    // Berlin is UTC+1 in winter, UTC+2 in summer: 03:00 local moves in UTC.
    ["0 3 * * *", "Europe/Berlin", "2025-03-29T12:00:00Z", [
      "2025-03-30T01:00:00.000Z",
      "2025-03-31T01:00:00.000Z",
    ]],
    ["0 3 * * *", "Asia/Kolkata", "2025-06-01T00:00:00Z", [
      "2025-06-01T21:30:00.000Z",
      "2025-06-02T21:30:00.000Z",
    ]],
    // Spring forward in New York (2025-03-09 02:00 -> 03:00): 02:30 does not exist that day and
    // runs once, at 03:30 EDT (07:30Z); the next day it is 02:30 EDT (06:30Z).
    ["30 2 * * *", "America/New_York", "2025-03-08T12:00:00Z", [
      "2025-03-09T07:30:00.000Z",
      "2025-03-10T06:30:00.000Z",
    ]],
    // Fall back (2025-11-02 02:00 EDT -> 01:00 EST): 01:30 happens twice and runs once, at the
    // first (EDT, 05:30Z); the next day 01:30 EST is 06:30Z.
    ["30 1 * * *", "America/New_York", "2025-11-01T12:00:00Z", [
      "2025-11-02T05:30:00.000Z",
      "2025-11-03T06:30:00.000Z",
    ]],
    // Hourly across the fall-back hour: 01:00 runs once (EDT), then 02:00 EST.
    ["0 * * * *", "America/New_York", "2025-11-02T04:30:00Z", [
      "2025-11-02T05:00:00.000Z",
      "2025-11-02T07:00:00.000Z",
      "2025-11-02T08:00:00.000Z",
    ]],
    // Europe's spring forward (2025-03-30 02:00 -> 03:00 CEST): 02:30 runs at 03:30 CEST.
    ["30 2 * * *", "Europe/Berlin", "2025-03-29T12:00:00Z", [
      "2025-03-30T01:30:00.000Z",
      "2025-03-31T00:30:00.000Z",
    ]],
  ];
  for (const [expr, tz, from, want] of cases) {
    const s = parseCron(expr, tz, ref);
    assertEquals(s.nextRuns(want.length, new Date(from)).map(iso), want, `${expr} in ${tz}`);
  }
});

Deno.test("latestDue: the one slot to run after downtime, however many were missed", () => {
  const s = parseCron("0 3 * * *", "UTC", ref);
  const due = (after: string, now: string) => iso(s.latestDue(new Date(after), new Date(now)));
  assertEquals(due("2025-01-01T03:00:00Z", "2025-01-01T12:00:00Z"), null);
  assertEquals(due("2025-01-01T03:00:00Z", "2025-01-02T03:00:00Z"), "2025-01-02T03:00:00.000Z");
  assertEquals(due("2025-01-01T03:00:00Z", "2025-01-05T10:00:00Z"), "2025-01-05T03:00:00.000Z");
  assertEquals(due("2020-01-01T03:00:00Z", "2025-01-05T02:59:00Z"), "2025-01-04T03:00:00.000Z");
  assertEquals(due("2025-01-05T10:00:00Z", "2025-01-05T10:00:00Z"), null);
  const minutely = parseCron("* * * * *", "UTC", ref);
  assertEquals(
    iso(minutely.latestDue(new Date("2024-01-01T00:00:00Z"), new Date("2025-01-05T10:00:30Z"))),
    "2025-01-05T10:00:00.000Z",
  );
});

Deno.test("bad cron expressions get a message naming the field and the fix", () => {
  const msg = (expr: string, tz?: string) =>
    assertThrows(() => parseCron(expr, tz, ref), EngineError);
  let e = msg("61 * * * *");
  assertEquals(e.code, "ConfigError");
  assertEquals(
    e.message,
    "jobs.x.cron: '61 * * * *' is not a valid cron expression (Invalid value for minute: 61): fields are minute 0-59, hour 0-23, day 1-31, month 1-12 or JAN-DEC, weekday 0-7 or SUN-SAT.",
  );
  e = msg("* * *");
  assertEquals(
    e.message.startsWith("jobs.x.cron: '* * *' has 3 fields, not 5: use five fields"),
    true,
    e.message,
  );
  e = msg("0 */5 * * * *");
  assertEquals(e.message.startsWith("jobs.x.cron: '0 */5 * * * *' has 6 fields, not 5"), true);
  e = msg("@reboot");
  assertEquals(e.message.startsWith("jobs.x.cron: '@reboot' is not a known nickname"), true);
  e = msg("");
  assertEquals(e.message.startsWith("jobs.x.cron: is empty"), true);
  e = msg("0 0 31 2 *");
  assertEquals(
    e.message,
    "jobs.x.cron: '0 0 31 2 *' never matches a date: check the day-of-month and month fields.",
  );
  e = msg("0 3 * * FOO");
  assertEquals(e.message.includes("is not a valid cron expression"), true, e.message);
  assertEquals(parseCron("  0   3 * *  * ", undefined, ref).expression, "0 3 * * *");
});

Deno.test("time zones are validated", () => {
  const tzRef = { field: "--timezone", code: "UsageError" as const };
  assertEquals(validateTimezone("Europe/Berlin", tzRef), "Europe/Berlin");
  assertEquals(validateTimezone("UTC", tzRef), "UTC");
  const e = assertThrows(() => validateTimezone("Mars/Olympus", tzRef), EngineError);
  assertEquals(e.code, "UsageError");
  assertEquals(
    e.message,
    "--timezone: 'Mars/Olympus' is not a time zone: use an IANA name such as Europe/Berlin, America/New_York or UTC.",
  );
});

Deno.test("time windows: parsing, inside/outside across midnight, next open and close", () => {
  const wref = { field: "--window", code: "UsageError" as const };
  const night = parseWindow("22:00-06:00", wref);
  assertEquals(night, { start: "22:00", end: "06:00" });
  assertEquals(parseWindow({ start: "01:00", end: "05:30" }, wref), {
    start: "01:00",
    end: "05:30",
  });
  const at = (s: string) => new Date(s);
  assertEquals(inWindow(at("2025-01-01T23:00:00Z"), night, "UTC"), true);
  assertEquals(inWindow(at("2025-01-01T05:59:00Z"), night, "UTC"), true);
  assertEquals(inWindow(at("2025-01-01T06:00:00Z"), night, "UTC"), false);
  assertEquals(inWindow(at("2025-01-01T12:00:00Z"), night, "UTC"), false);
  // 22:00 in Berlin (UTC+1 in January) is 21:00Z.
  assertEquals(inWindow(at("2025-01-01T21:30:00Z"), night, "Europe/Berlin"), true);
  assertEquals(
    iso(nextWindowStart(at("2025-01-01T12:00:00Z"), night, "Europe/Berlin")),
    "2025-01-01T21:00:00.000Z",
  );
  assertEquals(
    iso(nextWindowEnd(at("2025-01-01T23:00:00Z"), night, "UTC")),
    "2025-01-02T06:00:00.000Z",
  );
  const bad = (v: unknown) => assertThrows(() => parseWindow(v, wref), EngineError).message;
  assertEquals(
    bad("25:00-06:00"),
    "--window: start '25:00' must be a 24-hour time HH:MM such as 01:30.",
  );
  assertEquals(
    bad("22:00"),
    "--window: '22:00' must look like 22:00-06:00 (start-end, 24-hour HH:MM).",
  );
  assertEquals(
    bad("03:00-03:00"),
    "--window: start and end are both 03:00: the window would be empty.",
  );
});
