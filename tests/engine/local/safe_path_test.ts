/**
 * Restore's safety rules: which keys may become local paths (table), and writing under a
 * destination without following symbolic links (real filesystem, no S3).
 */
import { join } from "node:path";
import { assertEquals, assertOk, assertRejects } from "../../support/assert.ts";
import { tempDir } from "../../support/test_env.ts";
import {
  joinInside,
  keyToRelPath,
  prepareDestination,
  printableKey,
  TargetInspector,
} from "../../../src/engine/local/safe_path.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";

Deno.test("keyToRelPath: safe keys map to their relative path, unsafe ones say why", () => {
  const long = "a".repeat(256);
  const longUtf8 = "é".repeat(128); // 256 bytes in UTF-8, 128 characters
  const rows: Array<[string, string, string | { unsafe: RegExp } | "marker"]> = [
    ["p/", "p/a.txt", "a.txt"],
    ["p/", "p/sub dir/b #%+.txt", "sub dir/b #%+.txt"],
    ["p/", "p/ünï/ç", "ünï/ç"],
    ["", "top.txt", "top.txt"],
    ["p/", "p/..a/b..", "..a/b.."],
    ["p/", "p/" + "a".repeat(255), "a".repeat(255)],
    ["p/", "p/", "marker"],
    ["p/", "p/folder/", "marker"],
    ["p/", "p/../x", { unsafe: /'\.\.' path segment/ }],
    ["p/", "p/a/../../x", { unsafe: /'\.\.' path segment/ }],
    ["p/", "p/./x", { unsafe: /'\.' path segment/ }],
    ["p/", "p//etc/x", { unsafe: /absolute path/ }],
    ["", "/etc/x", { unsafe: /absolute path/ }],
    ["p/", "p/a//b", { unsafe: /empty path segment/ }],
    ["p/", "p/..\\x", { unsafe: /backslash/ }],
    ["p/", "p/a\\b", { unsafe: /backslash/ }],
    ["p/", "p/a\0b", { unsafe: /NUL/ }],
    ["p/", "p/" + long, { unsafe: /longer than 255 bytes/ }],
    ["p/", "p/" + longUtf8, { unsafe: /longer than 255 bytes/ }],
    ["p/", "p/x.eigen-part", { unsafe: /reserved for partial downloads/ }],
    ["p/", "p/a.eigen-part/b", { unsafe: /reserved for partial downloads/ }],
    ["p/", "p/../", { unsafe: /'\.\.' path segment/ }],
    ["p/", "q/x", { unsafe: /not under the prefix/ }],
  ];
  for (const [prefix, key, want] of rows) {
    const got = keyToRelPath(key, prefix, "linux");
    if (want === "marker") assertEquals(got, { kind: "folder-marker" }, key);
    else if (typeof want === "string") {
      assertEquals(got, { kind: "file", relPath: want, segments: want.split("/") }, key);
    } else {
      assertEquals(got.kind, "unsafe", key);
      assertOk(
        got.kind === "unsafe" && want.unsafe.test(got.reason),
        `${key}: ${JSON.stringify(got)}`,
      );
    }
  }
});

Deno.test("keyToRelPath: Windows adds drive letters and reserved characters", () => {
  assertEquals(keyToRelPath("p/C:x", "p/", "windows").kind, "unsafe");
  assertEquals(keyToRelPath("p/a?b", "p/", "windows").kind, "unsafe");
  assertEquals(keyToRelPath("p/trailing.", "p/", "windows").kind, "unsafe");
  assertEquals(keyToRelPath("p/C:x", "p/", "linux").kind, "file");
});

Deno.test("printableKey escapes control characters", () => {
  assertEquals(printableKey("a\0b\nc"), "a\\x00b\\x0ac");
});

Deno.test("joinInside refuses anything that resolves outside the root", () => {
  assertEquals(joinInside("/r", ["a", "b"]), "/r/a/b");
  for (const segs of [["..", "x"], ["a", "..", "..", "x"], [".."], ["."]]) {
    let threw = false;
    try {
      joinInside("/r", segs);
    } catch (e) {
      threw = e instanceof EngineError && e.code === "UnsafeOperation";
    }
    assertOk(threw, segs.join("/"));
  }
});

Deno.test("TargetInspector and prepareDestination never follow symbolic links", async () => {
  const box = await tempDir();
  try {
    const root = join(box.path, "dest");
    const outside = join(box.path, "outside");
    await Deno.mkdir(root);
    await Deno.mkdir(outside);
    await Deno.writeTextFile(join(outside, "victim.txt"), "keep me");
    await Deno.symlink(outside, join(root, "linkdir"));
    await Deno.symlink(join(outside, "victim.txt"), join(root, "linkfile"));
    await Deno.writeTextFile(join(root, "plain"), "12345");
    await Deno.mkdir(join(root, "dir"));

    const insp = new TargetInspector(root);
    assertEquals((await insp.inspect(["linkdir", "victim.txt"])).kind, "blocked");
    assertEquals(await insp.inspect(["linkfile"]), { kind: "symlink" });
    assertEquals((await insp.inspect(["plain", "x"])).kind, "blocked");
    assertEquals(await insp.inspect(["dir"]), { kind: "dir" });
    assertEquals(await insp.inspect(["new", "deeper", "x"]), { kind: "missing" });
    const plain = await insp.inspect(["plain"]);
    assertEquals(plain.kind === "file" ? plain.size : -1, 5);

    const err = await assertRejects(() => prepareDestination(root, ["linkdir", "x"]), EngineError);
    assertEquals(err.code, "UnsafeOperation");
    await assertRejects(() => prepareDestination(root, ["linkfile"]), EngineError);
    await assertRejects(() => prepareDestination(root, ["plain", "x"]), EngineError);
    await assertRejects(() => prepareDestination(root, ["dir"]), EngineError);
    // Nothing was created through the link.
    assertEquals([...Deno.readDirSync(outside)].map((e) => e.name), ["victim.txt"]);
    assertEquals(await Deno.readTextFile(join(outside, "victim.txt")), "keep me");

    const dest = await prepareDestination(root, ["a", "b", "c.txt"]);
    assertEquals(dest, join(root, "a", "b", "c.txt"));
    const st = await Deno.stat(join(root, "a", "b"));
    assertOk(st.isDirectory);
    const umask = Deno.umask();
    assertEquals((st.mode ?? 0) & 0o777, 0o755 & ~umask);
    // Concurrent preparation of shared parents does not fail.
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => prepareDestination(root, ["p", "q", `f${i}`])),
    );
  } finally {
    await box.cleanup();
  }
});
