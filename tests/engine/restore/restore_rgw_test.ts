/**
 * Restore against the real server (Ceph RGW): a rich tree round trip (bytes and mtimes), reruns
 * that skip identical files, non-empty destinations with and without --overwrite, excludes,
 * a dry run that changes nothing, objects written by aws-cli without our metadata, malicious
 * keys, symbolic links in the destination, file/folder conflicts, point-in-time restores on a
 * versioned bucket, and an in-run retry that resumes with Range after a cut body.
 */
import { join } from "node:path";
import {
  DeleteObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { assertBytes, assertEquals, assertOk, assertRejects } from "../../support/assert.ts";
import {
  createTestBucket,
  randomBytes,
  rawClient,
  S3_ENDPOINT,
  s3Test,
  tempDir,
  TEST_ACCESS_KEY,
  TEST_SECRET_KEY,
  testSettings,
  writeFile,
} from "../../support/test_env.ts";
import { startS3Proxy } from "../../support/s3_proxy.ts";
import { createS3Client } from "../../../src/engine/s3/client.ts";
import { uploadFile } from "../../../src/engine/objects/upload.ts";
import { memoryMultipartRecords } from "../../../src/engine/state/multipart_records.ts";
import { memoryDownloadRecords } from "../../../src/engine/state/download_records.ts";
import { type RestoreOptions, runRestore } from "../../../src/engine/restore/restore.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import type { EngineEvent } from "../../../src/engine/core/events.ts";

const MiB = 1024 * 1024;

/** Every entry under `root` (not following links): relPath -> "file:size:mtime" | "dir" | "link". */
export async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string, rel: string) => {
    for await (const e of Deno.readDir(dir)) {
      const p = join(dir, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      const st = await Deno.lstat(p);
      if (st.isSymlink) out[r] = `link->${await Deno.readLink(p)}`;
      else if (st.isDirectory) {
        out[r] = "dir";
        await walk(p, r);
      } else out[r] = `file:${st.size}:${st.mtime?.getTime()}`;
    }
  };
  await walk(root, "");
  return out;
}

/** Uploads every file under `src` to `keyPrefix + relPath` with eigen-s3's uploader. */
async function seed(client: S3Client, bucket: string, keyPrefix: string, src: string) {
  const files = Object.entries(await snapshot(src)).filter(([, v]) => v.startsWith("file:"));
  for (const [rel] of files) {
    const path = join(src, rel);
    const st = await Deno.stat(path);
    await uploadFile({
      client,
      target: "t",
      bucket,
      key: keyPrefix + rel.normalize("NFC"),
      path,
      size: st.size,
      mtimeMs: st.mtime!.getTime(),
      records: memoryMultipartRecords(),
    });
  }
  return files.map(([rel]) => rel).sort();
}

interface Ctx {
  raw: S3Client;
  client: S3Client;
  bucket: string;
  dir: string;
  restore(
    o: Partial<RestoreOptions> & { keyPrefix: string; localFolder: string },
  ): ReturnType<typeof runRestore>;
}

async function withBucket(label: string, fn: (c: Ctx) => Promise<void>): Promise<void> {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, label);
  const s3 = createS3Client(testSettings(bucket.name));
  const dir = await tempDir();
  try {
    await fn({
      raw,
      client: s3.client,
      bucket: bucket.name,
      dir: dir.path,
      restore: (o) => runRestore({ client: s3.client, target: "t", bucket: bucket.name, ...o }),
    });
  } finally {
    await dir.cleanup();
    await bucket.drop();
    s3.destroy();
    raw.destroy();
  }
}

const put = (raw: S3Client, bucket: string, key: string, body: string | Uint8Array) =>
  raw.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

/** The rich tree of the backup issue (nested, empty, unicode, spaces, #, %, +, multipart). */
async function richTree(src: string): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  const add = async (rel: string, content: Uint8Array | string | number, mtime: number) => {
    files[rel] = await writeFile(join(src, rel), content);
    await Deno.utime(join(src, rel), mtime, mtime);
  };
  await add("a.txt", "alpha\n", 1_600_000_000.25);
  await add("empty.bin", new Uint8Array(0), 1_600_000_001);
  await add("deep/er/and/deeper/leaf.txt", "leaf", 1_600_000_002.5);
  await add("spaces in name/file with spaces.txt", "spaces", 1_600_000_003);
  await add("unicode/café ünïcödé 日本.txt", "unicode", 1_600_000_004);
  await add("odd/hash#percent%plus+.txt", "odd", 1_600_000_005);
  await add("big/multipart.bin", 9 * MiB + 123, 1_600_000_006.125);
  return files;
}

Deno.test(
  s3Test("restore: rich tree round trip is byte-identical with mtimes; rerun skips all"),
  async () => {
    await withBucket("rrich", async (c) => {
      const src = join(c.dir, "src");
      const files = await richTree(src);
      await seed(c.client, c.bucket, "photos/2024/", src);
      const dest = join(c.dir, "dest");
      const events: EngineEvent[] = [];
      const first = await c.restore({
        keyPrefix: "photos/2024/",
        localFolder: dest,
        onEvent: (e) => events.push(e),
      });
      assertEquals(first.exitCode, 0);
      assertEquals(first.report.errors, []);
      assertEquals(first.report.files_downloaded, Object.keys(files).length);
      const total = Object.values(files).reduce((n, b) => n + b.length, 0);
      assertEquals(first.report.bytes_transferred, total);
      const srcSnap = await snapshot(src);
      assertEquals(await snapshot(dest), srcSnap, "same names, sizes, mtimes and folders");
      for (const [rel, bytes] of Object.entries(files)) {
        assertBytes(await Deno.readFile(join(dest, rel)), bytes, rel);
      }
      const progress = events.filter((e) => e.type === "progress");
      assertOk(progress.length > 0);
      const last = progress.at(-1)!;
      assertEquals(
        last.type === "progress" &&
          [last.progress.bytes_transferred, last.progress.total_bytes, last.progress.files_done],
        [total, total, 7],
      );
      assertEquals(events.filter((e) => e.type === "file-done").length, 7);
      assertOk(!Object.keys(await snapshot(dest)).some((p) => p.endsWith(".eigen-part")));

      const again = await c.restore({ keyPrefix: "photos/2024/", localFolder: dest });
      assertEquals([again.report.files_downloaded, again.report.files_skipped, again.exitCode], [
        0,
        7,
        0,
      ]);
      assertOk(again.plan.every((i) => i.code === "identical"), JSON.stringify(again.plan));
      assertEquals(await snapshot(dest), srcSnap);
    });
  },
);

Deno.test(
  s3Test(
    "restore: a non-empty folder keeps different files unless --overwrite; excludes; dry run",
  ),
  async () => {
    await withBucket("rnonempty", async (c) => {
      await put(c.raw, c.bucket, "p/same.txt", "same");
      await put(c.raw, c.bucket, "p/samesize.txt", "AAAA");
      await put(c.raw, c.bucket, "p/longer.txt", "remote is longer");
      await put(c.raw, c.bucket, "p/new.txt", "new");
      await put(c.raw, c.bucket, "p/skip.tmp", "tmp");
      await put(c.raw, c.bucket, "p/cache/x.txt", "cache");
      const dest = join(c.dir, "dest");
      await writeFile(join(dest, "same.txt"), "same");
      await writeFile(join(dest, "samesize.txt"), "BBBB");
      await writeFile(join(dest, "longer.txt"), "short");
      await writeFile(join(dest, "mine.txt"), "local only");
      const before = await snapshot(dest);

      const dry = await c.restore({
        keyPrefix: "p/",
        localFolder: dest,
        dryRun: true,
        exclude: ["*.tmp", "cache/**"],
      });
      assertEquals(await snapshot(dest), before, "a dry run changes nothing");
      assertEquals(dry.exitCode, 0);
      assertEquals(dry.plan.map((i) => [i.path, i.action, i.code]), [
        ["cache/x.txt", "skip", "excluded"],
        ["longer.txt", "skip", "different"],
        ["new.txt", "download", "missing"],
        ["same.txt", "skip", "identical"],
        ["samesize.txt", "skip", "different"],
        ["skip.tmp", "skip", "excluded"],
      ]);
      const missingDest = join(c.dir, "not-created");
      await c.restore({ keyPrefix: "p/", localFolder: missingDest, dryRun: true });
      assertOk(!(await Deno.stat(missingDest).catch(() => null)), "a dry run creates no folder");

      const kept = await c.restore({
        keyPrefix: "p/",
        localFolder: dest,
        exclude: ["*.tmp", "cache/**"],
      });
      assertEquals(kept.exitCode, 0);
      assertEquals([
        kept.report.files_downloaded,
        kept.report.files_different,
        kept.report.files_skipped,
      ], [1, 2, 5]);
      assertEquals(await Deno.readTextFile(join(dest, "samesize.txt")), "BBBB");
      assertEquals(await Deno.readTextFile(join(dest, "longer.txt")), "short");
      assertEquals(await Deno.readTextFile(join(dest, "new.txt")), "new");
      assertOk(
        !(await Deno.stat(join(dest, "cache")).catch(() => null)),
        "excluded folder not created",
      );

      const over = await c.restore({ keyPrefix: "p/", localFolder: dest, overwrite: true });
      assertEquals([over.exitCode, over.report.files_downloaded], [0, 4]);
      assertEquals(await Deno.readTextFile(join(dest, "samesize.txt")), "AAAA");
      assertEquals(await Deno.readTextFile(join(dest, "longer.txt")), "remote is longer");
      assertEquals(
        await Deno.readTextFile(join(dest, "mine.txt")),
        "local only",
        "local-only files untouched",
      );
      assertEquals(await Deno.readTextFile(join(dest, "cache/x.txt")), "cache");
    });
  },
);

Deno.test(
  s3Test(
    "restore: objects written by aws-cli (no metadata, multipart ETag) restore and rerun clean",
  ),
  async () => {
    const aws = ["/usr/bin/aws", "aws"].find((p) => {
      try {
        return new Deno.Command(p, { args: ["--version"], stdout: "null", stderr: "null" })
          .outputSync().success;
      } catch {
        return false;
      }
    });
    if (!aws) {
      console.warn("aws-cli not installed: skipping the aws-cli part");
      return;
    }
    await withBucket("rawscli", async (c) => {
      const src = join(c.dir, "src");
      const small = await writeFile(join(src, "small.txt"), "from aws cli\n");
      const big = await writeFile(join(src, "big.bin"), 10 * MiB);
      const env = {
        AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY: TEST_SECRET_KEY,
        AWS_DEFAULT_REGION: "us-east-1",
        AWS_CA_BUNDLE: "",
      };
      const out = await new Deno.Command(aws, {
        args: [
          "--endpoint-url",
          S3_ENDPOINT!,
          "s3",
          "cp",
          "--recursive",
          src,
          `s3://${c.bucket}/aws/`,
        ],
        env,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assertOk(out.success, new TextDecoder().decode(out.stderr));
      const dest = join(c.dir, "dest");
      const r = await c.restore({ keyPrefix: "aws/", localFolder: dest });
      assertEquals([r.exitCode, r.report.files_downloaded], [0, 2]);
      assertBytes(await Deno.readFile(join(dest, "small.txt")), small);
      assertBytes(await Deno.readFile(join(dest, "big.bin")), big);
      const heads = await c.restore({ keyPrefix: "aws/", localFolder: dest, dryRun: true });
      const reasons = Object.fromEntries(heads.plan.map((i) => [i.path, i.reason]));
      assertEquals(reasons, {
        "big.bin": "identical (same size and modification time (no MD5 stored))",
        "small.txt": "identical (same MD5)",
      });
      // The mtime is the object's Last-Modified (no x-amz-meta-mtime).
      const st = await Deno.stat(join(dest, "small.txt"));
      assertOk(
        Math.abs(st.mtime!.getTime() - Date.now()) < 10 * 60_000,
        "mtime from Last-Modified",
      );
    });
  },
);

Deno.test(
  s3Test("restore: malicious keys never escape the destination and are each reported"),
  async () => {
    await withBucket("rmal", async (c) => {
      const evil = [
        "mal/../x",
        "mal//etc/x",
        "mal/a/../../x",
        "mal/..\\x",
        "mal/./y",
        `mal/${"a".repeat(300)}`,
        "mal/z.eigen-part",
      ];
      for (const k of [...evil, "mal/ok.txt", "/abs-x"]) await put(c.raw, c.bucket, k, "pwned");
      const box = join(c.dir, "box");
      const dest = join(box, "deep", "dest");
      await Deno.mkdir(dest, { recursive: true });
      const r = await c.restore({ keyPrefix: "mal/", localFolder: dest });
      assertEquals(r.exitCode, 3);
      assertEquals(r.report.files_downloaded, 1);
      assertEquals(
        r.report.errors.map((e) => [e.key, e.code, e.path]).sort(),
        evil.map((k) => [k, "UnsafeOperation", null]).sort(),
      );
      assertEquals(await snapshot(box), {
        deep: "dir",
        "deep/dest": "dir",
        "deep/dest/ok.txt": (await snapshot(dest))["ok.txt"]!,
      });
      // The bucket root: "/abs-x" would be absolute, and every "mal/..." key is fine or refused.
      const root = join(box, "root");
      const all = await c.restore({ keyPrefix: "", localFolder: root });
      assertEquals(all.exitCode, 3);
      assertOk(all.report.errors.some((e) => e.key === "/abs-x" && /absolute/.test(e.message)));
      const snap = await snapshot(box);
      assertOk(
        Object.keys(snap).every((p) => p.startsWith("deep") || p.startsWith("root")),
        JSON.stringify(snap),
      );
      assertEquals(Object.keys(await snapshot(root)).sort(), ["mal", "mal/ok.txt"]);
    });
  },
);

Deno.test(
  s3Test("restore: symlinks in the destination are not followed; file/folder conflicts reported"),
  async () => {
    await withBucket("rlink", async (c) => {
      for (const k of ["s/linkdir/x.txt", "s/linkfile", "s/a", "s/a/b", "s/m/", "s/ok"]) {
        await put(c.raw, c.bucket, k, `content of ${k}`);
      }
      const outside = join(c.dir, "outside");
      const dest = join(c.dir, "dest");
      await writeFile(join(outside, "victim.txt"), "keep me");
      await Deno.mkdir(dest);
      await Deno.symlink(outside, join(dest, "linkdir"));
      await Deno.symlink(join(outside, "victim.txt"), join(dest, "linkfile"));
      const r = await c.restore({ keyPrefix: "s/", localFolder: dest, overwrite: true });
      assertEquals(r.exitCode, 3);
      assertEquals(r.report.errors.map((e) => [e.path, e.code]).sort(), [
        ["a", "DownloadFailed"],
        ["linkdir/x.txt", "UnsafeOperation"],
        ["linkfile", "UnsafeOperation"],
      ]);
      assertOk(
        r.report.errors.find((e) => e.path === "linkdir/x.txt")!.message.includes("symbolic link"),
      );
      assertEquals(await snapshot(outside), {
        "victim.txt": (await snapshot(outside))["victim.txt"]!,
      });
      assertEquals(await Deno.readTextFile(join(outside, "victim.txt")), "keep me");
      assertEquals(await Deno.readTextFile(join(dest, "a/b")), "content of s/a/b");
      assertEquals(await Deno.readTextFile(join(dest, "ok")), "content of s/ok");
      assertOk(
        !(await Deno.stat(join(dest, "m")).catch(() => null)),
        "folder markers create nothing",
      );
    });
  },
);

Deno.test(
  s3Test(
    "restore --at: older bytes after overwrites and deletes; later keys left out",
    "versioning",
  ),
  async () => {
    await withBucket("rat", async (c) => {
      await c.raw.send(
        new PutBucketVersioningCommand({
          Bucket: c.bucket,
          VersioningConfiguration: { Status: "Enabled" },
        }),
      );
      await put(c.raw, c.bucket, "v/doc.txt", "version one");
      await put(c.raw, c.bucket, "v/deleted.txt", "was here");
      await put(c.raw, c.bucket, "v/sub/kept.txt", "kept");
      await new Promise((r) => setTimeout(r, 1500));
      const t1 = new Date();
      await new Promise((r) => setTimeout(r, 1500));
      await put(c.raw, c.bucket, "v/doc.txt", "version two, longer");
      await c.raw.send(new DeleteObjectCommand({ Bucket: c.bucket, Key: "v/deleted.txt" }));
      await put(c.raw, c.bucket, "v/later.txt", "created after t1");

      const past = join(c.dir, "past");
      const r = await c.restore({ keyPrefix: "v/", localFolder: past, at: t1 });
      assertEquals(r.exitCode, 0);
      assertEquals(await snapshot(past).then((s) => Object.keys(s).sort()), [
        "deleted.txt",
        "doc.txt",
        "sub",
        "sub/kept.txt",
      ]);
      assertEquals(await Deno.readTextFile(join(past, "doc.txt")), "version one");
      assertEquals(await Deno.readTextFile(join(past, "deleted.txt")), "was here");
      assertOk(r.plan.every((i) => i.version_id !== undefined));

      const now = join(c.dir, "now");
      const n = await c.restore({ keyPrefix: "v/", localFolder: now, at: new Date() });
      assertEquals(n.plan.find((i) => i.key === "v/deleted.txt")?.code, "deleted");
      assertEquals(Object.keys(await snapshot(now)).sort(), [
        "doc.txt",
        "later.txt",
        "sub",
        "sub/kept.txt",
      ]);
      assertEquals(await Deno.readTextFile(join(now, "doc.txt")), "version two, longer");

      // Restoring over the newer copy with --at and --overwrite brings the old bytes back.
      const back = await c.restore({ keyPrefix: "v/", localFolder: now, at: t1, overwrite: true });
      assertEquals(back.report.files_downloaded, 2);
      assertEquals(await Deno.readTextFile(join(now, "doc.txt")), "version one");

      const e = await assertRejects(
        () =>
          c.restore({
            keyPrefix: "v/",
            localFolder: join(c.dir, "x"),
            at: new Date("2001-01-01T00:00:00Z"),
          }),
        EngineError,
      );
      assertEquals(e.code, "KeyNotFound");
    });
  },
);

/** Records the Range header of every GetObject the client sends. */
function captureRanges(client: S3Client): Array<string | undefined> {
  const ranges: Array<string | undefined> = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === "GetObjectCommand") {
        ranges.push((args.request as { headers: Record<string, string> }).headers["range"]);
      }
      return next(args);
    },
    { step: "finalizeRequest", name: "captureRangeForTest" },
  );
  return ranges;
}

Deno.test(
  s3Test("restore: a partial download on disk is resumed with Range, not restarted"),
  async () => {
    await withBucket("rresume", async (c) => {
      const bytes = randomBytes(3 * MiB + 17);
      const etag = (await put(c.raw, c.bucket, "res/file.bin", bytes)).ETag!.replaceAll('"', "");
      const dest = join(c.dir, "dest");
      const part = join(dest, "file.bin.eigen-part");
      const half = 1_234_567;
      await writeFile(part, bytes.subarray(0, half));
      const records = memoryDownloadRecords();
      const record = { part_path: part, target: "t", key: "res/file.bin", etag, version_id: "" };
      records.save(record);
      const ranges = captureRanges(c.client);
      const r = await c.restore({ keyPrefix: "res/", localFolder: dest, records });
      assertEquals(r.exitCode, 0);
      assertEquals(ranges, [`bytes=${half}-`]);
      assertEquals(r.report.bytes_transferred, bytes.length - half);
      assertBytes(await Deno.readFile(join(dest, "file.bin")), bytes);
      assertEquals(records.find(part), undefined);

      // A part whose object has changed since (If-Match fails) is discarded, not appended to.
      await put(c.raw, c.bucket, "res/file.bin", bytes.subarray(1));
      await writeFile(part, bytes.subarray(0, half));
      records.save(record);
      ranges.length = 0;
      const again = await c.restore({
        keyPrefix: "res/",
        localFolder: dest,
        records,
        overwrite: true,
      });
      assertEquals(again.exitCode, 0);
      assertEquals(ranges, [`bytes=${half}-`, undefined], "412 on the ranged GET, then a full GET");
      assertBytes(await Deno.readFile(join(dest, "file.bin")), bytes.subarray(1));
    });
  },
);

Deno.test(
  s3Test("restore: a body cut mid-download is retried in the run (resumed when bytes arrived)"),
  async () => {
    await withBucket("rcut", async (c) => {
      const bytes = randomBytes(8 * MiB);
      await put(c.raw, c.bucket, "cut/file.bin", bytes);
      const proxy = await startS3Proxy(S3_ENDPOINT!, {
        rules: [{ action: "cut-body", at: [2], match: (r) => r.op === "GetObject" }],
      });
      const s3 = createS3Client({ ...testSettings(c.bucket), endpoint: proxy.endpoint }, {
        maxAttempts: 1,
      });
      try {
        const ranges = captureRanges(s3.client);
        const events: EngineEvent[] = [];
        const dest = join(c.dir, "dest");
        const r = await runRestore({
          client: s3.client,
          target: "t",
          bucket: c.bucket,
          keyPrefix: "cut/",
          localFolder: dest,
          onEvent: (e) => events.push(e),
        });
        assertEquals(proxy.requests.map((q) => [q.op, q.fault ?? ""]), [
          ["ListObjectsV2", ""],
          ["GetObject", "cut-body"],
          ["GetObject", ""],
        ]);
        assertEquals(r.exitCode, 0);
        assertBytes(await Deno.readFile(join(dest, "file.bin")), bytes);
        assertEquals(events.filter((e) => e.type === "retry").length, 1);
        // How much of the cut body reached the file depends on socket timing; whatever did was
        // kept and only the rest was fetched again.
        assertEquals(ranges[0], undefined);
        const from = ranges[1] === undefined ? 0 : Number(/^bytes=(\d+)-$/.exec(ranges[1])![1]);
        assertEquals(r.report.bytes_transferred, bytes.length - from);
      } finally {
        s3.destroy();
        await proxy.close();
      }
    });
  },
);
