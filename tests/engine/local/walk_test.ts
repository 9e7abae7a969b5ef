import { join } from "node:path";
import { assertEquals, assertOk } from "../../support/assert.ts";
import { tempDir, writeFile } from "../../support/test_env.ts";
import { excludeMatcher } from "../../../src/engine/local/exclude.ts";
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
    const entries = await walk(r, { exclude: excludeMatcher(["*.tmp", "node_modules"]) });
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
