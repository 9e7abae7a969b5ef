import { assertEquals, assertIncludes, assertThrows } from "../../support/assert.ts";
import { ManualClock } from "../../support/manual_clock.ts";
import {
  bwRateAt,
  followTimetable,
  nextBwChange,
  parseBwLimit,
  runLimit,
} from "../../../src/engine/core/bwlimit.ts";
import { BandwidthLimiter } from "../../../src/engine/core/bandwidth.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";

const ref = { field: "--bwlimit", code: "UsageError" as const };
const K = 1024;
const M = 1024 * 1024;
/** Local time on 2026-06-15 (a Monday) plus `days`. */
const at = (days: number, h: number, m = 0) => new Date(2026, 5, 15 + days, h, m);

Deno.test("bwlimit: a single rate, a pair, off", () => {
  assertEquals(runLimit(parseBwLimit("10M", ref), "up"), 10 * M);
  assertEquals(runLimit(parseBwLimit("10M:512K", ref), "up"), 10 * M);
  assertEquals(runLimit(parseBwLimit("10M:512K", ref), "down"), 512 * K);
  assertEquals(runLimit(parseBwLimit("off", ref), "up"), 0);
  assertEquals(parseBwLimit("1M", ref).timetable, false);
});

Deno.test("bwlimit: rclone's timetable, daily entries, weekdays, wrapping round the week", () => {
  const tt = parseBwLimit("08:00,512K 19:00,10M Sat-00:00,off", ref);
  assertEquals(tt.timetable, true);
  const cases: [Date, number][] = [
    [at(0, 7, 59), 10 * M], // Monday before 08:00: Sunday 19:00's 10M still holds
    [at(0, 8, 0), 512 * K],
    [at(0, 12, 0), 512 * K],
    [at(0, 19, 0), 10 * M],
    [at(4, 23, 59), 10 * M], // Friday night
    [at(5, 0, 0), 0], // Saturday 00:00: off
    [at(5, 7, 59), 0],
    [at(5, 8, 0), 512 * K], // daily entries apply on Saturday too
    [at(6, 20, 0), 10 * M], // Sunday evening
  ];
  for (const [date, rate] of cases) {
    assertEquals(bwRateAt(tt, date, "up"), rate, date.toString());
  }
  assertEquals(nextBwChange(tt, at(0, 7, 30))?.getTime(), at(0, 8, 0).getTime());
  assertEquals(nextBwChange(tt, at(4, 19, 30))?.getTime(), at(5, 0, 0).getTime());
  assertEquals(nextBwChange(tt, at(6, 19, 30))?.getTime(), at(7, 8, 0).getTime());
  assertEquals(nextBwChange(parseBwLimit("1M", ref), at(0, 1)), undefined);

  const pairs = parseBwLimit("Mon-00:00,512K:1M Friday-18:30,10M:off", ref);
  assertEquals(bwRateAt(pairs, at(0, 9), "down"), M);
  assertEquals(bwRateAt(pairs, at(4, 18, 30), "up"), 10 * M);
  assertEquals(bwRateAt(pairs, at(4, 18, 30), "down"), 0);
});

Deno.test("bwlimit: a timetable follows a time zone", () => {
  const tt = parseBwLimit("00:00,1M 12:00,2M", ref);
  const noonUtc = new Date(Date.UTC(2026, 5, 15, 12, 30));
  assertEquals(bwRateAt(tt, noonUtc, "up", "UTC"), 2 * M);
  assertEquals(bwRateAt(tt, noonUtc, "up", "America/New_York"), M); // 08:30 there
});

Deno.test("bwlimit: bad entries are usage errors naming the entry", () => {
  const cases: [string, string][] = [
    ["", "is empty"],
    ["25:00,1M", "'25:00,1M': 25:00 is not a time of day"],
    ["Mo-08:00,1M", "'Mo' is not a weekday"],
    ["Mondays-08:00,1M", "'Mondays' is not a weekday"],
    ["08:00", "'08:00' is not a timetable entry"],
    ["08:00,fast 12:00,1M", "'fast' is not a rate"],
    ["1M:2M:3M", "must be a rate or UP:DOWN"],
  ];
  for (const [text, message] of cases) {
    const e = assertThrows(() => parseBwLimit(text, ref), EngineError);
    assertEquals(e.code, "UsageError");
    assertIncludes(e.message, `--bwlimit: `);
    assertIncludes(e.message, message);
  }
});

Deno.test("bwlimit: the limiter follows the timetable as the clock moves", async () => {
  const clock = new ManualClock(at(0, 11, 0));
  const limiter = new BandwidthLimiter(0);
  const stop = new AbortController();
  const heard: number[] = [];
  followTimetable(
    limiter,
    parseBwLimit("00:00,128K 12:00,512K 18:00,off", ref),
    "up",
    clock,
    stop.signal,
    (r) => heard.push(r),
  );
  assertEquals(limiter.bytesPerSecond, 128 * K);
  const tick = () => new Promise((r) => setTimeout(r, 0));
  clock.set(at(0, 12, 0));
  await tick();
  assertEquals(limiter.bytesPerSecond, 512 * K);
  clock.set(at(0, 18, 30));
  await tick();
  assertEquals(limiter.bytesPerSecond, 0);
  clock.set(at(1, 0, 0));
  await tick();
  assertEquals(limiter.bytesPerSecond, 128 * K);
  assertEquals(heard, [512 * K, 0, 128 * K]);
  stop.abort();
  await tick();
  assertEquals(clock.sleepers, 0);
});
