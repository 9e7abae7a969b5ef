/**
 * The architecture of src/ is checked, not just described: no import cycle, every import
 * allowed by the folder table (tests/support/architecture.ts, design/house.md), ink/react only
 * in the TUI, SQLite only in engine/state, printing only in the front ends, S3 command classes
 * only in engine/s3 and engine/objects. Run alone with `deno task lint:arch`.
 *
 * @module
 */

import { assertEquals, assertOk } from "./support/assert.ts";
import {
  checkArchitecture,
  findCycles,
  formatViolations,
  importsOf,
  readSources,
  stripComments,
  type Violation,
} from "./support/architecture.ts";

const ROOT = new URL("../", import.meta.url).pathname;

Deno.test("architecture: src/ keeps every folder rule and has no import cycle", async () => {
  const files = await readSources(ROOT);
  const violations = checkArchitecture(files);
  assertEquals(formatViolations(violations), "", "architecture rules broken");
});

Deno.test("architecture: no .ts file sits directly in src/engine/", async () => {
  const loose: string[] = [];
  for await (const e of Deno.readDir(`${ROOT}src/engine`)) {
    if (e.isFile) loose.push(e.name);
  }
  assertEquals(loose, []);
});

/** The real sources with one file changed or added. */
async function planted(path: string, text: string): Promise<Violation[]> {
  const files = await readSources(ROOT);
  files.set(path, (files.get(path) ?? "") + "\n" + text);
  return checkArchitecture(files);
}

function caught(v: Violation[], file: string, rule: string): boolean {
  return v.some((x) => x.file === file && x.rule.includes(rule));
}

Deno.test("architecture check: a planted tui -> cli import is caught, naming file and rule", async () => {
  const v = await planted(
    "src/tui/app.tsx",
    'import { Output } from "../cli/output.ts";\nconsole.log(Output);',
  );
  assertOk(caught(v, "src/tui/app.tsx", "src/tui may import only"), formatViolations(v));
  assertOk(formatViolations(v).includes('import "../cli/output.ts"'), formatViolations(v));
});

Deno.test("architecture check: ink in the engine, SQLite or console outside their places are caught", async () => {
  const ink = await planted("src/engine/backup/backup.ts", 'import { Box } from "ink";');
  assertOk(caught(ink, "src/engine/backup/backup.ts", "ink/react only under src/tui/"));
  const sql = await planted(
    "src/engine/s3/listing.ts",
    'import { DatabaseSync } from "node:sqlite";',
  );
  assertOk(caught(sql, "src/engine/s3/listing.ts", "SQLite only"));
  const print = await planted(
    "src/engine/core/keys.ts",
    'export const x = () => console.log("x");',
  );
  assertOk(caught(print, "src/engine/core/keys.ts", "print or exit"));
  const s3 = await planted(
    "src/engine/backup/backup_plan.ts",
    'import { HeadObjectCommand } from "@aws-sdk/client-s3";',
  );
  assertOk(caught(s3, "src/engine/backup/backup_plan.ts", "S3 command classes"));
  const up = await planted("src/engine/core/errors.ts", 'import "../backup/backup.ts";');
  assertOk(caught(up, "src/engine/core/errors.ts", "src/engine/core may import only"));
});

Deno.test("architecture check: a planted cycle is caught", async () => {
  const files = await readSources(ROOT);
  files.set(
    "src/engine/core/keys.ts",
    files.get("src/engine/core/keys.ts") + '\nimport "./errors.ts";',
  );
  files.set(
    "src/engine/core/errors.ts",
    files.get("src/engine/core/errors.ts") + '\nimport "./keys.ts";',
  );
  const v = checkArchitecture(files);
  assertOk(
    v.some((x) => x.rule === "no import cycle" && x.what.includes("src/engine/core/keys.ts")),
    formatViolations(v),
  );
});

Deno.test("architecture check: imports are read after comments are stripped", () => {
  const text = [
    '// import "../cli/x.ts";',
    '/* import "../cli/y.ts"; */',
    'const url = "http://example.com//path";',
    'import { a } from "./a.ts";',
    'import type { B } from "./b.ts";',
    'export { c } from "./c.ts";',
    'const m = await import("./d.ts");',
    'import "./e.ts";',
    'import { type F, type G } from "./f.ts";',
  ].join("\n");
  assertOk(stripComments(text).includes("http://example.com//path"));
  const got = importsOf("src/x/m.ts", text).map((e) => `${e.to}${e.typeOnly ? " (type)" : ""}`);
  assertEquals(got, [
    "src/x/a.ts",
    "src/x/b.ts (type)",
    "src/x/c.ts",
    "src/x/d.ts",
    "src/x/e.ts",
    "src/x/f.ts (type)",
  ]);
});

Deno.test("architecture check: cycles are strongly connected components", () => {
  const g = new Map<string, Set<string>>([
    ["a", new Set(["b"])],
    ["b", new Set(["c"])],
    ["c", new Set(["a"])],
    ["d", new Set(["a"])],
  ]);
  assertEquals(findCycles(g), [["a", "b", "c"]]);
});
