import { assertEquals } from "../../support/assert.ts";
import { parseFilterField, splitWords } from "../../../src/tui/state/filter_field.ts";

Deno.test("Filters field: the CLI's flags on one line, quotes keep spaces", () => {
  assertEquals(splitWords(`--include '*.jpg' --bwlimit "08:00,512K 19:00,off"`), [
    "--include",
    "*.jpg",
    "--bwlimit",
    "08:00,512K 19:00,off",
  ]);
  assertEquals(
    parseFilterField(
      `--include *.jpg --include=*.mov --exclude-from /e.txt --max-age 90d --max-duration=5h --bwlimit "08:00,512K 19:00,off"`,
    ),
    {
      ok: true,
      options: {
        include: ["*.jpg", "*.mov"],
        excludeFrom: ["/e.txt"],
        maxAge: "90d",
        maxDuration: "5h",
        bwlimit: "08:00,512K 19:00,off",
      },
    },
  );
  assertEquals(parseFilterField(""), { ok: true, options: {} });
});

Deno.test("Filters field: unknown flags, missing values, stdin and open quotes are refused", () => {
  const cases: [string, string][] = [
    ["--delete", "Filters: '--delete' is not a filter option"],
    ["*.jpg", "Filters: '*.jpg' is not a filter option"],
    ["--max-age", "Filters: --max-age needs a value."],
    ["--files-from -", "Filters: --files-from cannot read standard input here."],
    ["--include '*.jpg", "Filters: a quote is not closed."],
  ];
  for (const [text, message] of cases) {
    const r = parseFilterField(text);
    assertEquals(r.ok, false, text);
    if (!r.ok) assertEquals(r.message.startsWith(message), true, r.message);
  }
});
