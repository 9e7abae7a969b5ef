/**
 * restore, verify, `ls --versions` and `get --version-id` through the real CLI against the test
 * server: JSON shapes and exit codes, a restore killed with SIGKILL and rerun (no partial file
 * at a final path, resumed with Range), Ctrl+C (exit 130), bad inputs, history records.
 */
import { join } from "node:path";
import {
  DeleteObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import {
  assertBytes,
  assertEquals,
  assertExcludes,
  assertIncludes,
  assertOk,
} from "../support/assert.ts";
import {
  createTestBucket,
  needs,
  randomBytes,
  rawClient,
  runCli,
  s3EnvFor,
  s3Test,
  sandbox,
  writeFile,
} from "../support/test_env.ts";
import { md5Bytes } from "../../src/engine/core/hashing.ts";

/** Tests that rely on S3 versioning (versions, delete markers, versionId reads). */
const VERSIONED = needs("versioning");

const MiB = 1024 * 1024;
const MAIN = new URL("../../main.ts", import.meta.url).pathname;

async function setup(label: string) {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, label);
  const box = await sandbox();
  const env = { ...box.env, ...s3EnvFor(bucket.name) };
  const cli = (args: string[]) =>
    runCli(["--bucket", bucket.name, ...args], env, undefined, box.home);
  const put = (key: string, body: string | Uint8Array, meta?: Record<string, string>) =>
    raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: body, Metadata: meta }));
  return {
    raw,
    bucket: bucket.name,
    box,
    env,
    cli,
    put,
    async done() {
      await box.cleanup();
      await bucket.drop();
      raw.destroy();
    },
  };
}

function result(run: { json(): Array<Record<string, unknown>> }): Record<string, unknown> {
  const lines = run.json();
  const last = lines.at(-1)!;
  assertEquals(last.event, "result", JSON.stringify(last));
  return last.result as Record<string, unknown>;
}

Deno.test(
  s3Test("restore CLI: JSON report and dry-run plan with keys relative to the path prefix"),
  async () => {
    const t = await setup("crjson");
    try {
      await t.put("pp/photos/a.txt", "alpha");
      await t.put("pp/photos/sub/b.txt", "beta");
      await t.put("pp/photos/../escape", "x");
      const dest = join(t.box.home, "dest");
      const dry = await t.cli([
        "--path-prefix",
        "pp/",
        "--json",
        "restore",
        "photos",
        dest,
        "--dry-run",
      ]);
      assertEquals(dry.code, 0, dry.stderr);
      const r = result(dry);
      assertEquals(r.plan, [
        {
          action: "skip",
          key: "photos/../escape",
          path: null,
          size: 1,
          reason: "unsafe key: the key has a '..' path segment",
          code: "unsafe-key",
          storage_class: "STANDARD",
        },
        {
          action: "download",
          key: "photos/a.txt",
          path: "a.txt",
          size: 5,
          reason: "not present locally",
          code: "missing",
          storage_class: "STANDARD",
        },
        {
          action: "download",
          key: "photos/sub/b.txt",
          path: "sub/b.txt",
          size: 4,
          reason: "not present locally",
          code: "missing",
          storage_class: "STANDARD",
        },
      ]);
      assertEquals([r.files_downloaded, r.files_skipped, r.bytes_transferred], [0, 1, 0]);
      assertOk(!(await Deno.stat(dest).catch(() => null)));

      const human = await t.cli(["--path-prefix", "pp/", "restore", "photos", dest, "--dry-run"]);
      assertIncludes(human.stdout, "download  sub/b.txt  (4 B): not present locally");
      assertIncludes(human.stdout, "Dry run: would download 2 files (9 B)");
      assertIncludes(human.stdout, "skip      photos/../escape  (1 B): unsafe key");

      const real = await t.cli(["--path-prefix", "pp/", "--json", "restore", "photos", dest]);
      assertEquals(real.code, 3, "the unsafe key makes the run partial");
      const rep = result(real);
      assertEquals(rep.plan, undefined, "only a dry run prints the plan");
      assertEquals([rep.files_downloaded, rep.bytes_transferred], [2, 9]);
      assertEquals(rep.errors, [{
        key: "photos/../escape",
        path: null,
        code: "UnsafeOperation",
        message: "unsafe key: the key has a '..' path segment",
      }]);
      assertEquals(await Deno.readTextFile(join(dest, "sub/b.txt")), "beta");
      const lines = real.json();
      assertOk(
        lines.slice(0, -1).every((l) => l.event === "progress"),
        "stdout is NDJSON progress then one result",
      );

      const hist = result(await t.cli(["--json", "history", "--limit", "5"])) as unknown as Array<
        Record<string, unknown>
      >;
      assertEquals(hist.map((h) => [h.command, h.status, h.exit_code]), [
        ["restore", "partial", 3],
        ["restore", "dry-run", 0],
        ["restore", "dry-run", 0],
      ]);
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("restore CLI: bad inputs give exit 2 (usage) or 6 (nothing there) with a message"),
  async () => {
    const t = await setup("crbad");
    try {
      await t.put("p/a.txt", "a");
      const file = join(t.box.home, "afile");
      await Deno.writeTextFile(file, "x");
      const cases: Array<[string[], number, string]> = [
        [["restore", "p", "d", "--at", "yesterday"], 2, "--at: 'yesterday' is not a time"],
        [["restore", "p", "d", "--tier", "Fast"], 2, "Fast"],
        [["restore", "p", "d", "--days", "3"], 2, "--days only applies with --request-thaw"],
        [
          ["restore", "p", "d", "--request-thaw", "--days", "0"],
          2,
          "--days: '0' must be a whole number",
        ],
        [["restore", "p", "d", "--concurrency", "0"], 2, "--concurrency"],
        [["restore", "p", "d", "--bwlimit", "fast"], 2, "--bwlimit: 'fast' is not a rate"],
        [["restore", "p", "d", "--exclude", "["], 2, "--exclude"],
        [["restore", "p", file], 2, "exists and is not a folder"],
        [["restore", "nothing-here", "d"], 6, "Nothing to restore: no objects under"],
        [["restore", "p"], 2, "missing required argument"],
        [["verify", join(t.box.home, "nope"), "p"], 2, "does not exist"],
      ];
      for (const [args, code, text] of cases) {
        const r = await t.cli(["--json", ...args]);
        assertEquals(r.code, code, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
        const err = r.json().at(-1)!;
        assertEquals(err.event, "error", args.join(" "));
        assertIncludes(JSON.stringify(err), text, args.join(" "));
        assertExcludes(r.stderr, "    at ", "no stack trace");
      }
    } finally {
      await t.done();
    }
  },
);

/** Starts a restore in the background (for kill tests). */
function spawnRestore(t: Awaited<ReturnType<typeof setup>>, args: string[]) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN, "--bucket", t.bucket, ...args],
    env: t.env,
    clearEnv: true,
    cwd: t.box.home,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function waitForSize(path: string, min: number, timeoutMs = 30_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const size = (await Deno.stat(path).catch(() => null))?.size ?? 0;
    if (size >= min) return size;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${path} did not reach ${min} bytes`);
}

Deno.test(
  s3Test("restore CLI: killed with SIGKILL mid-download, the rerun resumes with Range"),
  async () => {
    const t = await setup("crkill");
    try {
      const bytes = randomBytes(4 * MiB);
      await t.put("k/big.bin", bytes, { md5chksum: md5Bytes(bytes).base64 });
      await t.put("k/small.txt", "small");
      const dest = join(t.box.home, "dest");
      const child = spawnRestore(t, [
        "restore",
        "k",
        dest,
        "--bwlimit",
        "512K",
        "--concurrency",
        "1",
      ]);
      const part = join(dest, "big.bin.eigen-part");
      await waitForSize(part, 600 * 1024);
      child.kill("SIGKILL");
      await child.output();
      const partBytes = (await Deno.stat(part)).size;
      assertOk(partBytes > 0 && partBytes < bytes.length, `${partBytes}`);
      assertOk(
        !(await Deno.stat(join(dest, "big.bin")).catch(() => null)),
        "no partial file at the final path",
      );

      const rerun = await t.cli(["--json", "restore", "k", dest]);
      assertEquals(rerun.code, 0, rerun.stdout + rerun.stderr);
      const rep = result(rerun);
      assertBytes(await Deno.readFile(join(dest, "big.bin")), bytes);
      assertOk(!(await Deno.stat(part).catch(() => null)), "the part file is gone");
      // Only the missing tail crossed the network: the part was resumed with a Range request.
      // (small.txt comes after big.bin in key order, so the killed run never reached it.)
      assertEquals(
        rep.bytes_transferred,
        bytes.length - partBytes + 5,
        `part had ${partBytes} of ${bytes.length}`,
      );
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("restore CLI: SIGINT stops cleanly with exit 130 and nothing half-written"),
  async () => {
    const t = await setup("crint");
    try {
      await t.put("i/big.bin", new Uint8Array(3 * MiB));
      const dest = join(t.box.home, "dest");
      const child = spawnRestore(t, ["--json", "restore", "i", dest, "--bwlimit", "256K"]);
      await waitForSize(join(dest, "big.bin.eigen-part"), 64 * 1024);
      child.kill("SIGINT");
      const out = await child.output();
      assertEquals(out.code, 130);
      const lines = new TextDecoder().decode(out.stdout).trim().split("\n").map((l) =>
        JSON.parse(l)
      );
      assertEquals(lines.at(-1)!.event, "error");
      assertEquals((lines.at(-1)!.error as { code: string }).code, "Interrupted");
      assertOk(!(await Deno.stat(join(dest, "big.bin")).catch(() => null)));
      const hist = result(await t.cli(["--json", "history"])) as unknown as Array<
        Record<string, unknown>
      >;
      assertEquals([hist[0]!.status, hist[0]!.exit_code], ["interrupted", 130]);
    } finally {
      await t.done();
    }
  },
);

Deno.test(VERSIONED("ls --versions and get --version-id on a versioned bucket"), async () => {
  const t = await setup("crver");
  try {
    await t.raw.send(
      new PutBucketVersioningCommand({
        Bucket: t.bucket,
        VersioningConfiguration: { Status: "Enabled" },
      }),
    );
    const v1 = (await t.put("doc.txt", "first")).VersionId!;
    const v2 = (await t.put("doc.txt", "second!")).VersionId!;
    assertOk(v1 && v2 && v1 !== v2);
    const rm = await t.cli(["rm", "doc.txt"]);
    assertEquals(rm.code, 0, rm.stderr);

    const ls = await t.cli(["--json", "ls", "--versions", "doc.txt"]);
    assertEquals(ls.code, 0, ls.stderr);
    const rows = result(ls) as unknown as Array<Record<string, unknown>>;
    assertEquals(rows.map((r) => [r.key, r.is_delete_marker, r.is_latest, r.size]), [
      ["doc.txt", true, true, 0],
      ["doc.txt", false, false, 7],
      ["doc.txt", false, false, 5],
    ]);
    assertEquals(rows[1]!.version_id, v2);
    assertEquals(rows[2]!.version_id, v1);
    const human = await t.cli(["ls", "--versions"]);
    assertIncludes(human.stdout, "(deleted)");
    assertIncludes(human.stdout, v1);
    // Versions written within one minute are told apart: times carry seconds.
    for (const line of human.stdout.split("\n").filter((l) => l.includes("doc.txt"))) {
      assertOk(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /.test(line), line);
    }

    const out = join(t.box.home, "old.txt");
    const get = await t.cli(["--json", "get", "doc.txt", out, "--version-id", v1]);
    assertEquals(get.code, 0, get.stdout + get.stderr);
    assertEquals(await Deno.readTextFile(out), "first");
    const latest = await t.cli(["get", "doc.txt", join(t.box.home, "latest.txt")]);
    assertEquals(latest.code, 6, "the latest version is a delete marker");
    const bad = await t.cli([
      "--json",
      "get",
      "doc.txt",
      join(t.box.home, "x.txt"),
      "--version-id",
      "nope",
    ]);
    assertEquals(bad.code, 6, bad.stdout);
  } finally {
    await t.done();
  }
});

Deno.test(
  s3Test("verify CLI: exit 0 when all match; flipped byte, missing files, --download"),
  async () => {
    const t = await setup("crverify");
    try {
      const dir = join(t.box.home, "folder");
      const files: Record<string, Uint8Array> = {
        "a.txt": await writeFile(join(dir, "a.txt"), "alpha"),
        "sub/b.bin": await writeFile(join(dir, "sub/b.bin"), 100_000),
        "empty": await writeFile(join(dir, "empty"), ""),
      };
      await writeFile(join(dir, ".hidden"), "not backed up");
      for (const [rel, bytes] of Object.entries(files)) {
        await t.put(`bk/${rel}`, bytes, { md5chksum: md5Bytes(bytes).base64 });
      }
      const ok = await t.cli(["--json", "verify", dir, "bk"]);
      assertEquals(ok.code, 0, ok.stdout + ok.stderr);
      const rep = result(ok);
      assertEquals([rep.matched, rep.files_matched, rep.files_checked], [true, 3, 3]);
      const human = await t.cli(["verify", dir, "bk"]);
      assertEquals(human.code, 0);
      assertIncludes(human.stdout, "All 3 files match");

      // Flip one byte locally (same size, same mtime): caught by MD5.
      const b = files["sub/b.bin"]!.slice();
      b[500] = b[500]! ^ 0xff;
      const st = await Deno.stat(join(dir, "sub/b.bin"));
      await Deno.writeFile(join(dir, "sub/b.bin"), b);
      await Deno.utime(join(dir, "sub/b.bin"), st.atime!, st.mtime!);
      await writeFile(join(dir, "new-local.txt"), "only here");
      await t.put("bk/only-remote.txt", "only there");
      const bad = await t.cli(["--json", "verify", dir, "bk"]);
      assertEquals(bad.code, 3);
      const r = result(bad);
      assertEquals(r.matched, false);
      assertEquals((r.differences as Array<{ path: string }>).map((d) => d.path), ["sub/b.bin"]);
      assertEquals((r.missing_remote as Array<{ path: string }>).map((d) => d.path), [
        "new-local.txt",
      ]);
      assertEquals((r.missing_local as Array<{ path: string }>).map((d) => d.path), [
        "only-remote.txt",
      ]);
      const text = await t.cli(["verify", dir, "bk"]);
      assertEquals(text.code, 3);
      assertIncludes(text.stdout, "differs: sub/b.bin: content differs (MD5)");
      assertIncludes(text.stdout, "missing in the bucket: new-local.txt");
      assertIncludes(text.stdout, "missing locally: only-remote.txt");

      // A stored object whose bytes were damaged but whose md5chksum still claims the good MD5:
      // only --download can tell.
      await Deno.writeFile(join(dir, "sub/b.bin"), files["sub/b.bin"]!);
      await Deno.remove(join(dir, "new-local.txt"));
      await t.raw.send(new DeleteObjectCommand({ Bucket: t.bucket, Key: "bk/only-remote.txt" }));
      await t.put("bk/a.txt", "alphA", { md5chksum: md5Bytes(files["a.txt"]!).base64 });
      const meta = await t.cli(["--json", "verify", dir, "bk"]);
      assertEquals(meta.code, 0, "metadata alone says it matches: " + meta.stdout);
      const deep = await t.cli(["--json", "verify", dir, "bk", "--download"]);
      assertEquals(deep.code, 3, deep.stdout);
      const d = result(deep);
      assertEquals((d.differences as Array<{ path: string; reason: string }>).map((x) => x.path), [
        "a.txt",
      ]);
      assertIncludes(JSON.stringify(d.differences), "the stored object is corrupt");
      assertEquals(d.bytes_downloaded, 5 + 100_000);
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("backup -> verify (default prefix) -> restore: the same bytes and mtimes come back"),
  async () => {
    const t = await setup("crround");
    try {
      const dir = join(t.box.home, "Pictures");
      const files: Record<string, Uint8Array> = {
        "2024/trip #1/a 100%+.jpg": await writeFile(join(dir, "2024/trip #1/a 100%+.jpg"), 70_000),
        "notes/ünï.txt": await writeFile(join(dir, "notes/ünï.txt"), "unicode"),
        "zero": await writeFile(join(dir, "zero"), ""),
      };
      await Deno.utime(join(dir, "zero"), 1_500_000_000, 1_500_000_000.5);
      const backup = await t.cli(["--json", "backup", dir]);
      assertEquals(backup.code, 0, backup.stdout + backup.stderr);
      const v = await t.cli(["--json", "verify", dir]);
      assertEquals(v.code, 0, v.stdout + v.stderr);
      assertEquals(result(v).files_matched, 3);
      const dest = join(t.box.home, "restored");
      const r = await t.cli(["--json", "restore", "Pictures", dest]);
      assertEquals(r.code, 0, r.stdout + r.stderr);
      for (const [rel, bytes] of Object.entries(files)) {
        assertBytes(await Deno.readFile(join(dest, rel)), bytes, rel);
        assertEquals(
          (await Deno.stat(join(dest, rel))).mtime?.getTime(),
          (await Deno.stat(join(dir, rel))).mtime?.getTime(),
          rel,
        );
      }
      const again = await t.cli(["--json", "verify", dest, "Pictures"]);
      assertEquals(again.code, 0, again.stdout);
    } finally {
      await t.done();
    }
  },
);
