/**
 * Scenario 5: hostile keys in the bucket. Traversal (`../x`, `a/../../x`, deep `../../..`),
 * absolute and empty segments, backslashes, NUL and over-long keys (the server's answer is
 * recorded when it refuses them), names over 255 bytes, names that differ only by case or by
 * Unicode normalisation, control characters and terminal escapes, reserved `.eigen-part` names,
 * `~` and `$HOME` taken literally. Restore (dry run and real, into a folder nested in a sentinel
 * folder), verify and verify --download, get and ls run over them: nothing is written outside
 * the destination (the sentinel folder, the working folder and /tmp are snapshotted before and
 * after), every unsafe key is reported, and no raw control character reaches the terminal.
 */

import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { assertEquals, assertOk } from "../support/assert.ts";
import {
  createTestBucket,
  rawClient,
  runCli,
  S3_ENDPOINT,
  s3Test,
  sandbox,
} from "../support/test_env.ts";
import { cliEnv, lastJson, snapshotTree, storedObjects, summary } from "../support/reliability.ts";

const ESCAPE = `eigen-escape-${Deno.pid}`;

/** Keys restore must refuse (relative to the prefix "H/"), with a word of the reason. */
const UNSAFE: Array<[string, string]> = [
  ["../x", "'..' path segment"],
  ["a/../../x", "'..' path segment"],
  [`${"../".repeat(12)}tmp/${ESCAPE}`, "'..' path segment"],
  ["./x", "'.' path segment"],
  ["a/..", "'..' path segment"],
  ["a/.", "'.' path segment"],
  ["..", "'..' path segment"],
  ["a/./b", "'.' path segment"],
  ["/etc/x", "absolute path"],
  ["a//b", "empty path segment"],
  ["..\\x", "backslash"],
  ["a\\..\\..\\x", "backslash"],
  ["C:\\x", "backslash"],
  [`${"n".repeat(256)}`, "longer than 255 bytes"],
  [`${"é".repeat(128)}`, "longer than 255 bytes"], // 256 bytes of UTF-8, 128 characters
  ["z.eigen-part", "reserved for partial downloads"],
  ["d/.eigen-part", "reserved for partial downloads"],
  ["../", "'..' path segment"], // a folder marker, unsafe all the same
];

/** Keys that are strange but safe: restored inside the destination, byte for byte. */
const SAFE: string[] = [
  "Case.txt",
  "case.txt",
  "caf\u00e9.txt", // NFC
  "cafe\u0301.txt", // NFD: a different name on Linux
  "ctl\u0001.txt",
  "esc\u001b[2J\u001b[31mred.txt",
  "new\nline.txt",
  "...",
  " space ",
  "~/x",
  "$HOME/x",
  "%2e%2e/x",
  `${"n".repeat(255)}`,
  `${"d/".repeat(400)}deep.txt`,
  `${"s".repeat(200)}/${"t".repeat(200)}/${"u".repeat(200)}/${"v".repeat(200)}/f`,
];

Deno.test(s3Test("hostile keys: restore, verify, get and ls never write outside"), async () => {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, "relkeys");
  const box = await sandbox();
  try {
    const refusedByServer: string[] = [];
    const tryPut = async (key: string, body: string) => {
      try {
        await raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: body }));
        return true;
      } catch (e) {
        refusedByServer.push(`${JSON.stringify(key.slice(0, 24))}: ${(e as Error).name}`);
        return false;
      }
    };
    for (const [k] of UNSAFE) assertOk(await tryPut(`H/${k}`, `pwned ${k}`), `stored H/${k}`);
    for (const k of SAFE) assertOk(await tryPut(`H/${k}`, `safe ${k}`), `stored H/${k}`);
    // What the server will not even store (tried, recorded, never restorable).
    await tryPut("H/nul\u0000x", "nul");
    await tryPut(`H/${"x".repeat(1023)}`, "1025 bytes");
    // At the bucket root: absolute and traversal keys for a restore of everything.
    for (const k of ["/abs", "../up", "..\\up"]) assertOk(await tryPut(k, "pwned"));

    const sentinel = join(box.home, "sentinel");
    const dest = join(sentinel, "inner", "dest");
    await Deno.mkdir(dest, { recursive: true });
    await Deno.writeTextFile(join(sentinel, "canary.txt"), "untouched");
    const tmpBefore = [...Deno.readDirSync("/tmp")].map((e) => e.name).filter((n) =>
      n.includes(ESCAPE)
    );
    assertEquals(tmpBefore, []);
    const outside = async () => {
      const snap = await snapshotTree(box.home);
      return new Map(
        [...snap].filter(([p]) =>
          !p.startsWith("sentinel/inner/dest/") && p !== "state" && !p.startsWith("state/")
        ),
      );
    };
    const getDir = join(box.home, "getdir");
    await Deno.mkdir(join(getDir, "sub"), { recursive: true });
    const before = await outside();

    const env = cliEnv(box, S3_ENDPOINT!);
    const cli = (args: string[]) =>
      runCli(["--bucket", bucket.name, ...args], env, undefined, box.home);
    const noRawControl = (label: string, text: string) => {
      // deno-lint-ignore no-control-regex
      const bad = /[\u0000-\u0008\u000b-\u001f\u007f]/.exec(text);
      assertEquals(bad, null, `${label}: a raw control character reached the terminal`);
    };

    // Dry run, then the real restore, in human and JSON modes.
    const dry = await cli(["restore", "H", dest, "--dry-run"]);
    assertEquals(dry.code, 0, dry.stderr);
    noRawControl("restore --dry-run", dry.stdout + dry.stderr);
    const human = await cli(["restore", "H", dest]);
    assertEquals(human.code, 3, human.stdout + human.stderr);
    noRawControl("restore", human.stdout + human.stderr);
    const json = await cli(["--json", "restore", "H", dest]);
    assertEquals(json.code, 3);
    const report = lastJson(json.stdout).result as {
      errors: Array<{ key: string; code: string; message: string; path: string | null }>;
      files_downloaded: number;
      files_skipped: number;
    };
    const reported = new Map(report.errors.map((e) => [e.key, e]));
    for (const [k, why] of UNSAFE) {
      const e = reported.get(`H/${k}`);
      assertOk(e, `H/${k} reported`);
      assertEquals([e.code, e.path], ["UnsafeOperation", null], `H/${k}`);
      assertOk(e.message.includes(why), `H/${k}: ${e.message}`);
    }
    assertEquals(report.errors.length, UNSAFE.length, JSON.stringify(report.errors));
    // The safe ones are all there, byte for byte, inside the destination.
    const inside = await snapshotTree(dest);
    for (const k of SAFE) {
      const e = inside.get(k);
      assertOk(e?.kind === "file", `${JSON.stringify(k.slice(0, 40))} restored`);
    }
    for (const [rel, e] of inside) {
      if (e.kind === "file") assertOk(SAFE.includes(rel), `unexpected ${JSON.stringify(rel)}`);
    }
    // Everything at the bucket root: the root-level hostile keys are refused too.
    const all = await cli(["--json", "restore", "", join(dest, "all")]);
    assertEquals(all.code, 3);
    const allErrors = (lastJson(all.stdout).result as { errors: Array<{ key: string }> }).errors
      .map((e) => e.key);
    for (const k of ["/abs", "../up", "..\\up"]) assertOk(allErrors.includes(k), k);

    // verify (and --download) report them and write nothing.
    // (Hidden keys, like hidden files, take part only with --include-hidden, as in backup.)
    for (const hidden of [false, true]) {
      const flags = hidden ? ["--include-hidden"] : [];
      const verify = await cli(["--json", "verify", dest, "H", ...flags]);
      assertEquals(verify.code, 3);
      const vr = lastJson(verify.stdout).result as { missing_local: Array<{ key: string }> };
      const missing = new Set(vr.missing_local.map((m) => m.key));
      for (const [k] of UNSAFE) {
        if (k.endsWith("/") || (!hidden && (k.startsWith(".") || k.includes("/.")))) continue;
        assertOk(missing.has(`H/${k}`), `verify ${flags} reports H/${k}`);
      }
    }
    const verifyDl = await cli(["verify", dest, "H", "--download"]);
    assertEquals(verifyDl.code, 3);
    noRawControl("verify --download", verifyDl.stdout + verifyDl.stderr);

    // get with hostile keys and no local path: the file name is the key's last part, here.
    let gets = 0;
    for (const [k] of UNSAFE.filter(([k]) => !k.endsWith("/"))) {
      const last = k.split("/").at(-1)!;
      const refused = last === "." || last === ".." || new TextEncoder().encode(last).length > 255;
      for (const to of refused ? [[], ["sub/"]] : [[]]) {
        const r = await runCli(
          ["--bucket", bucket.name, "get", `H/${k}`, ...to],
          env,
          undefined,
          getDir,
        );
        noRawControl(`get ${k}`, r.stdout + r.stderr);
        if (refused) assertEquals(r.code, 2, `get ${k}: ${r.stderr}`);
        gets += 1;
      }
    }
    const ls = await cli(["ls", "H/", "--recursive"]);
    assertEquals(ls.code, 0);
    noRawControl("ls", ls.stdout + ls.stderr);
    // rm of every strange key at once (control characters cannot travel in DeleteObjects' XML).
    const rm = await cli(["rm", ...SAFE.map((k) => `H/${k}`)]);
    assertEquals(rm.code, 0, rm.stdout + rm.stderr);
    noRawControl("rm", rm.stdout + rm.stderr);
    const left = await storedObjects(raw, bucket.name, "H/");
    for (const k of SAFE) assertOk(!left.has(`H/${k}`), `rm deleted ${JSON.stringify(k)}`);
    // rm names exactly one object: "/abs" is not "abs", an NFD name is not its NFC twin.
    assertOk(await tryPut("abs", "the twin"));
    assertOk(await tryPut("twin-caf\u00e9", "nfc") && await tryPut("twin-cafe\u0301", "nfd"));
    assertEquals((await cli(["rm", "/abs", "twin-cafe\u0301"])).code, 0);
    const root = await storedObjects(raw, bucket.name);
    assertEquals([root.has("/abs"), root.has("abs")], [false, true], "rm /abs deleted only /abs");
    assertEquals([root.has("twin-cafe\u0301"), root.has("twin-caf\u00e9")], [false, true]);
    const getTwin = await runCli(
      ["--bucket", bucket.name, "get", "twin-cafe\u0301"],
      env,
      undefined,
      getDir,
    );
    assertEquals(getTwin.code, 6, "get of a deleted NFD key does not fetch its NFC twin");

    // Nothing outside the destination changed (get may only write inside getdir).
    const after = await outside();
    for (const [p, e] of after) {
      if (p.startsWith("getdir/")) continue;
      assertEquals(e, before.get(p), `${p} changed or appeared outside the destination`);
    }
    for (const p of before.keys()) assertOk(after.has(p), `${p} vanished`);
    const tmpAfter = [...Deno.readDirSync("/tmp")].map((e) => e.name).filter((n) =>
      n.includes(ESCAPE)
    );
    assertEquals(tmpAfter, [], "nothing escaped to /tmp");
    for (const [rel, e] of await snapshotTree(getDir)) {
      if (rel === "sub") continue;
      assertOk(e.kind === "file", `get wrote ${rel}`);
      assertOk(!rel.includes("/") || /^sub\/[^/]+$/.test(rel), `get wrote ${rel} in its folder`);
      // (get names a file after a key only when restore could: "z.eigen-part" needs a LOCAL_PATH.)
      const asked = ["z.eigen-part", ".eigen-part"].includes(rel.replace(/^sub\//, ""));
      assertOk(asked || !rel.endsWith(".eigen-part"), `get left ${rel}`);
    }

    const tried = UNSAFE.length + SAFE.length + 2 + 3;
    await summary(
      "5 hostile keys",
      `hostile keys tried: ${tried} (${UNSAFE.length} unsafe under the prefix, 3 unsafe at the bucket root, ${SAFE.length} strange but safe, 2 the server refused: ${
        refusedByServer.join(", ")
      }); through restore --dry-run, restore (human, JSON), restore of the bucket root, verify, verify --download, ${gets} gets, ls, rm of the strange ones and of "/abs" and an NFD name next to their twins: writes outside the destination: 0, unsafe keys reported: ${UNSAFE.length}/${UNSAFE.length} + 3/3, raw control characters printed: 0`,
      { hostile: tried },
    );
  } finally {
    await bucket.drop();
    raw.destroy();
    await box.cleanup();
  }
});
