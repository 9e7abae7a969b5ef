import { assertEquals } from "../support/assert.ts";
import {
  cell,
  etaText,
  fit,
  fitLeft,
  fitRoute,
  formatZoned,
  packNames,
  percentText,
  runsText,
} from "../../src/tui/format.ts";

Deno.test("format: fitting text into columns", () => {
  assertEquals(fit("abcdef", 4), "abc…");
  assertEquals(fit("abc", 4), "abc");
  assertEquals(fitLeft("/home/me/Pictures", 10), "…/Pictures");
  assertEquals(cell("ab", 4), "ab  ");
  assertEquals(cell("ab", 4, true), "  ab");
  assertEquals(cell("abcdef", 4), "abc…");
});

Deno.test("format: a route keeps both ends", () => {
  const r = "/tmp/tui-sb-OUtk/data -> s3://tui-demo/data/";
  assertEquals(fitRoute(r, 80), r);
  assertEquals(fitRoute(r, 23), "…Utk/data -> …emo/data/");
  assertEquals(fitRoute("/a -> s3://bucket-with-a-long-name/and/prefix/", 30).length, 30);
  assertEquals(
    fitRoute("/a -> s3://bucket-with-a-long-name/and/prefix/", 30).startsWith("/a -> …"),
    true,
  );
});

Deno.test("format: progress and ETA words", () => {
  assertEquals(percentText(45.6, 234 * 1024 * 1024, 520 * 1024 * 1024), "45% (234 MiB / 520 MiB)");
  assertEquals(etaText(null), "-");
  assertEquals(etaText(42), "42s");
  assertEquals(etaText(125), "2m05s");
  assertEquals(etaText(7300), "2h01m");
});

Deno.test("format: files in flight packed into lines, the rest counted", () => {
  const names = ["a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg"];
  assertEquals(packNames("Now (5): ", names, 80, 1), [
    "Now (5): a.jpg, b.jpg, c.jpg, d.jpg, e.jpg",
  ]);
  assertEquals(packNames("Now (5): ", names, 30, 1), ["Now (5): a.jpg, b.jpg, +3 more"]);
  assertEquals(packNames("Now (5): ", names, 30, 2), [
    "Now (5): a.jpg, b.jpg, c.jpg,",
    "  d.jpg, e.jpg",
  ]);
  assertEquals(packNames("Now: ", ["a/very/long/path/to/IMG_0001.jpg"], 20, 1), [
    "Now: …o/IMG_0001.jpg",
  ]);
  for (let w = 12; w < 60; w++) {
    for (const lines of [1, 2, 3]) {
      const out = packNames("Now (5): ", names.map((n) => `dir/${n}`), w, lines);
      assertEquals(out.length <= lines, true, `${w}/${lines}: ${out.join("|")}`);
      for (const l of out) assertEquals([...l].length <= w, true, `${w}/${lines}: '${l}'`);
    }
  }
});

Deno.test("format: times in a job's time zone", () => {
  assertEquals(formatZoned("2026-11-25T02:00:00.000Z", "Europe/Berlin"), "2026-11-25 03:00");
  assertEquals(formatZoned("2026-11-25T02:00:00.000Z", "UTC", true), "Wed 2026-11-25 02:00");
  const runs = ["2026-11-25T02:00:00.000Z", "2026-11-26T02:00:00.000Z"];
  const now = new Date("2026-11-24T12:00:00Z");
  assertEquals(runsText(runs, "Europe/Berlin", now), "Wed 11-25 03:00 · Thu 11-26 03:00");
  assertEquals(
    runsText(["2027-01-01T00:00:00.000Z"], "UTC", now),
    "Fri 2027-01-01 00:00",
    "another year is written out",
  );
});
