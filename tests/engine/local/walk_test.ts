import { join } from "node:path";
import { assertEquals, assertOk } from "../../support/assert.ts";
import { tempDir, writeFile } from "../../support/test_env.ts";
import { excludeFilter } from "../../../src/engine/local/filter.ts";
import { loadFilter } from "../../../src/engine/local/filter_options.ts";
import { type LocalEntry, walkFolder, type WalkOptions } from "../../../src/engine/local/walk.ts";

async function walk(root: string, options: WalkOptions = {}): Promise<LocalEntry[]> {
  const out: LocalEntry[] = [];
  for await (const e of walkFolder(root, options)) out.push(e);
  return out;
}

const line = (e: LocalEntry) =>
  e.kind === "file"
    ? `file ${e.relPath}`
    : e.kind === "skipped"
    ? `skipped ${e.relPath}: ${e.reason}`
    : e.kind === "excluded"
    ? `excluded ${e.relPath}: ${e.rule}`
    : `error ${e.relPath}: ${e.message}`;

async function sh(cwd: string, script: string): Promise<void> {
  const out = await new Deno.Command("sh", { args: ["-c", script], cwd }).output();
  assertOk(out.success, new TextDecoder().decode(out.stderr));
}

Deno.test("walk: key order, hidden files, excludes, symlinks and a FIFO", async () => {
  const dir = await tempDir();
  try {
    const r = dir.path;
    for (const p of ["a0", "a.txt", "a-b", "a/z", "a/y/deep", "b/.hidden", ".env", "x.tmp"]) {
      await writeFile(join(r, p), p);
    }
    await writeFile(join(r, ".git", "config"), "x");
    await writeFile(join(r, "node_modules", "m", "i.js"), "x");
    await Deno.symlink(r, join(r, "loop")); // a loop, if it were followed
    await Deno.symlink(join(r, "a0"), join(r, "link-to-file"));
    await sh(r, "mkfifo pipe");
    const entries = await walk(r, { filter: excludeFilter(["*.tmp", "node_modules"]) });
    assertEquals(entries.map(line), [
      "file a-b",
      "file a.txt",
      "file a/y/deep",
      "file a/z",
      "file a0",
      "skipped link-to-file: symbolic link (not followed)",
      "skipped loop: symbolic link (not followed)",
      "skipped pipe: named pipe (FIFO), not a regular file",
    ]);
    const withHidden = await walk(r, { includeHidden: true });
    assertEquals(
      withHidden.filter((e) => e.kind === "file").map((e) => e.relPath),
      [
        ".env",
        ".git/config",
        "a-b",
        "a.txt",
        "a/y/deep",
        "a/z",
        "a0",
        "b/.hidden",
        "node_modules/m/i.js",
        "x.tmp",
      ],
    );
    const f = entries[0]!;
    assertOk(f.kind === "file");
    assertEquals(f.size, 3);
    assertEquals(f.path, join(r, "a-b"));
    assertEquals(f.mtimeMs, (await Deno.stat(join(r, "a-b"))).mtime!.getTime());
    assertOk(f.ino !== null && f.ctimeMs !== null);
  } finally {
    await dir.cleanup();
  }
});

Deno.test("walk: NFD names map to NFC keys but keep their real path; collisions and bad UTF-8 are errors", async () => {
  const dir = await tempDir();
  try {
    const r = dir.path;
    const nfd = "Cafe\u0301";
    await writeFile(join(r, nfd, "re\u0301sume\u0301.txt"), "x");
    await writeFile(join(r, "dup", "e\u0301"), "nfd");
    await writeFile(join(r, "dup", "\u00e9"), "nfc");
    await sh(r, "printf x > \"$(printf 'bad\\377name')\"");
    const entries = await walk(r);
    const lines = entries.map(line);
    assertEquals(lines[0], "file Caf\u00e9/r\u00e9sum\u00e9.txt");
    const first = entries[0]!;
    assertEquals(first.path, join(r, nfd, "re\u0301sume\u0301.txt"));
    assertOk((await Deno.stat(first.path)).isFile);
    assertEquals(
      lines.find((l) => l.startsWith("error bad")),
      "error bad\uFFFDname: the file name is not valid UTF-8: rename the file to back it up",
    );
    const dups = lines.filter((l) => l.includes("dup/"));
    assertEquals(dups.length, 2);
    assertEquals(dups[0], "file dup/\u00e9");
    assertOk(dups[1]!.startsWith("error dup/\u00e9: has the same Unicode-normalised name as"));
  } finally {
    await dir.cleanup();
  }
});

Deno.test("walk: a vanished or unreadable root is one error entry", async () => {
  const entries = await walk("/nonexistent-eigen-folder");
  assertEquals(entries.length, 1);
  assertEquals(entries[0]!.kind, "error");
  assertEquals(entries[0]!.relPath, "");
});

Deno.test("walk: an empty folder yields nothing; deep paths are fine", async () => {
  const dir = await tempDir();
  try {
    assertEquals(await walk(dir.path), []);
    const deep = Array.from({ length: 60 }, (_, i) => `d${i}`).join("/");
    await writeFile(join(dir.path, deep, "f"), "x");
    const entries = await walk(dir.path);
    assertEquals(entries.map(line), [`file ${deep}/f`]);
  } finally {
    await dir.cleanup();
  }
});

Deno.test("walk: a folder that vanishes before it is read is a skipped folder entry", async () => {
  const dir = await tempDir();
  try {
    for (const f of ["a", "b/x", "c/y", "c/z/w", "d"]) await writeFile(join(dir.path, f), f);
    const seen: LocalEntry[] = [];
    for await (const e of walkFolder(dir.path)) {
      seen.push(e);
      if (e.relPath === "b/x") await Deno.remove(join(dir.path, "c"), { recursive: true });
    }
    assertEquals(seen.map(line), [
      "file a",
      "file b/x",
      "skipped c: the folder vanished while the backup ran",
      "file d",
    ]);
    assertEquals(seen[2]!.kind === "skipped" && seen[2]!.isDir, true);
  } finally {
    await dir.cleanup();
  }
});

Deno.test("walk with a filter: includes, sizes, ages, markers, and what each rule left out", async () => {
  const dir = await tempDir();
  try {
    const r = dir.path;
    const files: Record<string, number> = {
      "a.jpg": 10,
      "big.jpg": 5000,
      "b.tmp": 7,
      "notes.txt": 3,
      "old.jpg": 20,
      "cache/c1.jpg": 11,
      "cache/sub/c2.jpg": 12,
      "scratch/.nobackup": 0,
      "scratch/s.jpg": 13,
      "keep/deep/k.jpg": 14,
    };
    for (const [p, n] of Object.entries(files)) await writeFile(join(r, p), "x".repeat(n));
    const now = new Date();
    const old = new Date(now.getTime() - 400 * 86_400_000);
    await Deno.utime(join(r, "old.jpg"), old, old);
    const filter = await loadFilter({
      include: ["*.jpg", "*.tmp"],
      exclude: ["*.tmp", "/cache/**", "nothing-matches"],
      excludeIfPresent: [".nobackup"],
      maxSize: "1K",
      maxAge: "1y",
    }, now);
    const entries = await walk(r, { filter });
    assertEquals(entries.map(line), [
      "file a.jpg",
      "file b.tmp", // "+ *.tmp" comes before "- *.tmp": the first match wins
      "excluded big.jpg: --max-size 1K",
      "file cache/c1.jpg", // "+ *.jpg" comes before "- /cache/**"
      "file cache/sub/c2.jpg",
      "file keep/deep/k.jpg",
      "excluded old.jpg: --max-age 1y",
      "excluded scratch: --exclude-if-present .nobackup",
    ]);
    assertEquals(filter.counts.files(), {
      "*.tmp": 0,
      "/cache/**": 0,
      "nothing-matches": 0,
      "(not matched by --include)": 1, // notes.txt
      "--exclude-if-present .nobackup": 1, // scratch/s.jpg (hidden marker not counted)
      "--max-size 1K": 1,
      "--max-age 1y": 1,
    });
    assertEquals(filter.counts.bytes()["--max-size 1K"], 5000);
  } finally {
    await dir.cleanup();
  }
});

Deno.test("walk with a filter: a folder left out by an exclude counts the files under it", async () => {
  const dir = await tempDir();
  try {
    const r = dir.path;
    for (const p of ["a.txt", "node_modules/m/i.js", "node_modules/n.js", "x/node_modules/o.js"]) {
      await writeFile(join(r, p), "12345");
    }
    await writeFile(join(r, "node_modules", ".hidden"), "1");
    const filter = await loadFilter({ exclude: ["node_modules", "*.log"] }, new Date());
    const entries = await walk(r, { filter });
    assertEquals(entries.map(line), ["file a.txt"]);
    assertEquals(filter.counts.files(), { "node_modules": 3, "*.log": 0 });
    assertEquals(filter.counts.bytes(), { "node_modules": 15, "*.log": 0 });
  } finally {
    await dir.cleanup();
  }
});
