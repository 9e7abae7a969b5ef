import { assertEquals } from "../support/assert.ts";
import { cell, etaText, fit, fitLeft, fitRoute, percentText } from "../../src/tui/format.ts";

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
