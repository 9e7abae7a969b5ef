/**
 * The filter as a pure function: globs, rclone's include/exclude order, files-from lists with odd
 * names, comments and CRLF lines, sizes and ages, and the folder decisions the walk takes.
 */

import { join } from "node:path";
import { assertEquals, assertIncludes, assertRejects } from "../../support/assert.ts";
import { tempDir } from "../../support/test_env.ts";
import { compileGlob, globMatches, mayMatchUnder } from "../../../src/engine/local/glob.ts";
import { Filter, type RuleSpec } from "../../../src/engine/local/filter.ts";
import {
  type FilterOptions,
  listLines,
  loadFilter,
  validateFilterOptions,
} from "../../../src/engine/local/filter_options.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";

const NOW = new Date("2026-06-15T12:00:00Z");
const DAY = 86_400_000;

Deno.test("globs: rclone's syntax, anchoring and folder names", () => {
  const cases: [string, string, boolean][] = [
    ["*.jpg", "file.jpg", true],
    ["*.jpg", "dir/sub/file.jpg", true],
    ["*.jpg", "file.png", false],
    ["file.jpg", "dir/file.jpg", true],
    ["file.jpg", "dir/afile.jpg", false],
    ["/file.jpg", "file.jpg", true],
    ["/file.jpg", "dir/file.jpg", false],
    ["/*.jpg", "dir/file.jpg", false],
    ["*.{jpg,png}", "a/b.png", true],
    ["*.{jpg,png}", "a/b.gif", false],
    ["{a,b}/**", "b/x/y", true],
    ["{a,b}/**", "c/x", false],
    ["dir/**", "dir/anyfile", true],
    ["dir/**", "dir/sub/deep/file", true],
    ["dir/**", "dir", true], // the folder itself, so the walk can skip it
    ["dir/**", "x/dir/file", false], // a slash anchors the pattern at the top
    ["**/cache/**", "a/b/cache/c", true],
    ["**/cache/**", "cache/c", true],
    ["*.t?t", "d/file.txt", true],
    ["*.t?t", "d/file.t/t", false],
    ["*.[a-z]", "f.a", true],
    ["*.[a-z]", "f.0", false],
    ["*.[!a-z]", "f.0", true],
    ["*.\\?\\?\\?", "file.???", true],
    ["*.\\?\\?\\?", "file.abc", false],
    ["*.\\d\\d\\d", "file.012", true],
    ["*.\\d\\d\\d", "file.abc", false],
    ["*\\[{JP,KR}\\]*", "movie [JP] 1.mkv", true],
    ["*\\[{JP,KR}\\]*", "movie [US] 1.mkv", false],
    ["Photo (1).jpg", "x/Photo (1).jpg", true],
    ["a+b.txt", "a+b.txt", true],
    ["a+b.txt", "aab.txt", false],
    ["node_modules/", "node_modules", true],
    ["  *.tmp  ", "x.tmp", true],
    ["Ünïcode.txt", "Ünïcode.txt", true],
    ["Ünïcode.txt".normalize("NFD"), "Ünïcode.txt", true],
  ];
  for (const [pattern, path, want] of cases) {
    assertEquals(
      globMatches(compileGlob(pattern, "--exclude"), path),
      want,
      `${pattern} ~ ${path}`,
    );
  }
});

Deno.test("globs: bad patterns are usage errors naming the flag", () => {
  for (const bad of ["", "  ", "/", "*.[ab", "{a,b", "x\\"]) {
    try {
      compileGlob(bad, "--include");
      throw new Error(`accepted '${bad}'`);
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      assertEquals(e.code, "UsageError");
      assertIncludes(e.message, "--include: ");
    }
  }
});

Deno.test("globs: which folders an include pattern can reach", () => {
  const cases: [string, string, boolean][] = [
    ["/photos/2024/**", "photos", true],
    ["/photos/2024/**", "photos/2024", true],
    ["/photos/2024/**", "photos/2024/x", true],
    ["/photos/2024/**", "photos/2023", false],
    ["/photos/2024/**", "music", false],
    ["*.jpg", "anything/at/all", true],
    ["/*/raw/*.nef", "a/raw", true],
    ["/*/raw/*.nef", "a/jpg", true], // conservative after a wildcard segment
    ["docs/a.txt", "docs", true],
    ["docs/a.txt", "src", false],
  ];
  for (const [pattern, dir, want] of cases) {
    assertEquals(
      mayMatchUnder(compileGlob(pattern, "--include"), dir),
      want,
      `${pattern} @ ${dir}`,
    );
  }
});

const rules = (...specs: [("+" | "-"), string][]): RuleSpec[] =>
  specs.map(([s, pattern]) => ({
    kind: s === "+" ? "include" : "exclude",
    pattern,
    origin: s === "+" ? "--include" : "--exclude",
  }));

/** Decides `path` as the walk would: folder by folder, then the file. */
function decide(f: Filter, path: string): string {
  let state = f.root();
  const parts = path.split("/");
  for (let i = 1; i < parts.length; i++) {
    const d = f.folder(parts.slice(0, i).join("/"), state);
    if ("excluded" in d) return `- ${d.excluded.label} (folder)`;
    state = d.state;
  }
  const r = f.file(path, state);
  return r ? `- ${r.label}` : "+";
}

Deno.test("rules: first match wins, includes imply '- **', folders skipped only when safe", () => {
  const cases: { rules: RuleSpec[]; want: Record<string, string> }[] = [
    {
      rules: rules(["-", "*.tmp"], ["-", "node_modules"]),
      want: {
        "a.txt": "+",
        "a.tmp": "- *.tmp",
        "x/y/b.tmp": "- *.tmp",
        "node_modules/m/i.js": "- node_modules (folder)",
        "src/node_modules/i.js": "- node_modules (folder)",
      },
    },
    {
      // rclone: includes first; anything else is left out.
      rules: rules(["+", "*.jpg"], ["+", "/docs/**"]),
      want: {
        "a.jpg": "+",
        "deep/er/a.jpg": "+",
        "docs/x.txt": "+",
        "notes.txt": "- (not matched by --include)",
        "music/a.mp3": "- (not matched by --include)",
      },
    },
    {
      // An include before an exclude keeps a file inside the excluded folder.
      rules: rules(["+", "/cache/keep.txt"], ["-", "/cache/**"]),
      want: {
        "cache/keep.txt": "+",
        "cache/other.txt": "- /cache/**",
        "cache/sub/x": "- /cache/** (folder)",
        "elsewhere.txt": "- (not matched by --include)",
      },
    },
    {
      // The include pattern cannot reach inside /music, so the folder is skipped whole.
      rules: rules(["+", "/photos/**"]),
      want: {
        "photos/2024/a.jpg": "+",
        "music/a.mp3": "- (not matched by --include) (folder)",
        "top.txt": "- (not matched by --include)",
      },
    },
    {
      // Order matters: the first rule that matches decides.
      rules: rules(["+", "*.jpg"], ["-", "/private/**"]),
      want: {
        "private/a.jpg": "+",
        "private/a.txt": "- /private/**",
      },
    },
    {
      rules: rules(["-", "*.jpg"], ["-", "/private/**"]),
      want: {
        "private/a.txt": "- /private/** (folder)",
        "b.jpg": "- *.jpg",
        "b.png": "+",
      },
    },
  ];
  for (const c of cases) {
    const f = new Filter({ rules: c.rules }, NOW);
    for (const [path, want] of Object.entries(c.want)) {
      assertEquals(decide(f, path), want, `${JSON.stringify(c.rules)}: ${path}`);
      // A listed key gets the same answer as the walk.
      assertEquals(f.excludes(path), want !== "+", `key ${path}`);
    }
  }
});

Deno.test("rules: the order is rclone's: --include, --include-from, --exclude, --exclude-from", async () => {
  const dir = await tempDir();
  try {
    const incl = join(dir.path, "incl.txt");
    const excl = join(dir.path, "excl.txt");
    await Deno.writeTextFile(incl, "# photos only\r\n*.jpg\r\n\r\n; done\r\n");
    await Deno.writeTextFile(excl, "secret*\n  *.bak  \n");
    const f = await loadFilter(
      { exclude: ["*.jpg.tmp"], excludeFrom: [excl], include: ["/keep/**"], includeFrom: [incl] },
      NOW,
    );
    assertEquals(
      f.describe().map((l) => l.split("  ").slice(0, 2).join("  ")),
      [
        "+ /keep/**  (--include)",
        `+ *.jpg  (--include-from ${incl}:2)`,
        "- *.jpg.tmp  (--exclude)",
        `- secret*  (--exclude-from ${excl}:1)`,
        `- *.bak  (--exclude-from ${excl}:2)`,
        "- **  (implied by --include: everything else)",
      ],
    );
    assertEquals(decide(f, "secret.jpg"), "+"); // the include-from rule comes first
    assertEquals(decide(f, "keep/a.bak"), "+");
    assertEquals(decide(f, "x.bak"), "- *.bak");
    assertEquals(decide(f, "x.txt"), "- (not matched by --include)");
  } finally {
    await dir.cleanup();
  }
});

Deno.test("list files: comments, blank lines, CRLF, a byte order mark, spaces trimmed", () => {
  assertEquals(
    listLines("\uFEFF# comment\r\n\r\n a.txt \r\n;also comment\nb c.txt\rlast"),
    [{ line: 3, text: "a.txt" }, { line: 5, text: "b c.txt" }, { line: 6, text: "last" }],
  );
});

Deno.test("--files-from and --files-from0: odd names, folders, leading slashes", async () => {
  const dir = await tempDir();
  try {
    const list = join(dir.path, "list.txt");
    await Deno.writeTextFile(
      list,
      [
        "# the files",
        "/photos/a b.jpg",
        "./docs//report #1.pdf",
        "  spaced.txt  ",
        "caf\u0065\u0301.txt", // NFD in the list matches the NFC key
        "music/",
        "",
      ].join("\r\n"),
    );
    const f = await loadFilter({ filesFrom: [list] }, NOW);
    const want: Record<string, string> = {
      "photos/a b.jpg": "+",
      "photos/other.jpg": "- (not in --files-from)",
      "docs/report #1.pdf": "+",
      "spaced.txt": "+",
      "café.txt": "+",
      "music/a/b.mp3": "+", // a listed folder takes everything under it
      "video/x.mp4": "- (not in --files-from) (folder)",
      "# the files": "- (not in --files-from)",
    };
    for (const [path, w] of Object.entries(want)) assertEquals(decide(f, path), w, path);
    assertEquals(f.listed(".hidden"), false);

    const list0 = join(dir.path, "list0");
    await Deno.writeFile(
      list0,
      new TextEncoder().encode(" lead.txt\0line\nbreak.txt\0#not-a-comment\0.dotfile\0"),
    );
    const g = await loadFilter({ filesFrom0: [list0] }, NOW);
    for (const p of [" lead.txt", "line\nbreak.txt", "#not-a-comment", ".dotfile"]) {
      assertEquals(decide(g, p), "+", JSON.stringify(p));
    }
    assertEquals(g.listed(".dotfile"), true); // listed hidden files are taken
    assertEquals(decide(g, "lead.txt"), "- (not in --files-from)");

    const stdin = await loadFilter({ filesFrom: ["-"] }, NOW, {
      stdin: () => Promise.resolve(new TextEncoder().encode("from-stdin.txt\n")),
    });
    assertEquals(decide(stdin, "from-stdin.txt"), "+");
  } finally {
    await dir.cleanup();
  }
});

Deno.test("sizes and ages: rclone's meanings, files only", () => {
  const f = new Filter({
    minSize: { bytes: 100, text: "100B" },
    maxSize: { bytes: 1024, text: "1K" },
    maxAge: { age: { kind: "duration", ms: 90 * DAY }, text: "90d" },
    minAge: { age: { kind: "duration", ms: 1 * DAY }, text: "1d" },
  }, NOW);
  const t = NOW.getTime();
  const cases: [number, number, string | undefined][] = [
    [99, t - 10 * DAY, "--min-size 100B"],
    [100, t - 10 * DAY, undefined],
    [1024, t - 10 * DAY, undefined],
    [1025, t - 10 * DAY, "--max-size 1K"],
    [500, t - 91 * DAY, "--max-age 90d"],
    [500, t - 89 * DAY, undefined],
    [500, t - 3_600_000, "--min-age 1d"],
  ];
  for (const [size, mtime, want] of cases) {
    assertEquals(
      f.attributes(size, mtime)?.label,
      want,
      `${size} ${new Date(mtime).toISOString()}`,
    );
  }
  assertEquals(f.attributes(500)?.label, undefined, "no mtime: ages do not apply");
  // Sizes and ages never leave out a folder.
  assertEquals("state" in f.folder("any", f.root()), true);
});

Deno.test("options: combinations rclone refuses, and bad values, name the flag", async () => {
  const cases: [FilterOptions, string][] = [
    [{ filesFrom: ["l"], exclude: ["*.tmp"] }, "--files-from: takes exactly the files it lists"],
    [{ filesFrom0: ["l"], minSize: "1K" }, "--files-from0: takes exactly the files it lists"],
    [{ minSize: "2M", maxSize: "1M" }, "--min-size: 2M is more than --max-size 1M"],
    [{ minAge: "90d", maxAge: "30d" }, "--min-age: 90d is older than --max-age 30d"],
    [{ maxAge: "90" }, "--max-age: '90' needs a unit"],
    [{ include: ["*.[x"] }, "--include: '*.[x' is not a valid pattern"],
    [{ excludeIfPresent: ["a/b"] }, "--exclude-if-present: 'a/b' must be a file name"],
    [{ excludeFrom: ["-"], filesFrom: ["-"] }, "--files-from: takes exactly"],
    [{ includeFrom: ["-"], excludeFrom: ["-"] }, "Only one of the list files can be '-'"],
  ];
  for (const [opts, message] of cases) {
    try {
      validateFilterOptions(opts);
      throw new Error(`accepted ${JSON.stringify(opts)}`);
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      assertEquals(e.code, "UsageError");
      assertIncludes(e.message, message);
    }
  }
  const e = await assertRejects(
    () => loadFilter({ excludeFrom: ["/nonexistent/list.txt"] }, NOW),
    EngineError,
  );
  assertEquals(e.message, "--exclude-from: cannot read '/nonexistent/list.txt': no such file.");
  const noStdin = await assertRejects(() => loadFilter({ filesFrom: ["-"] }, NOW), EngineError);
  assertIncludes(noStdin.message, "standard input) is not available here");
});
