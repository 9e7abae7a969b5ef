/**
 * runBackup against the test server, through the counting proxy, checking what is really
 * stored with the independent raw client.
 */

import { join } from "node:path";
import {
  assertBytes,
  assertEquals,
  assertIncludes,
  assertOk,
  assertRejects,
} from "../../support/assert.ts";
import {
  createTestBucket,
  getObject,
  listKeys,
  rawClient,
  S3_ENDPOINT,
  s3Test,
  tempDir,
  testSettings,
  writeFile,
} from "../../support/test_env.ts";
import { type S3Proxy, startS3Proxy } from "../../support/s3_proxy.ts";
import { ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { createS3Client } from "../../../src/engine/s3/client.ts";
import {
  type BackupOptions,
  runBackup,
  type SyncReport,
} from "../../../src/engine/backup/backup.ts";
import { openBackupState } from "../../../src/engine/backup/backup_state.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import type { EngineEvent } from "../../../src/engine/core/events.ts";
import { md5Bytes } from "../../../src/engine/core/hashing.ts";
import { targetId } from "../../../src/engine/state/multipart_records.ts";
import { openStateDb } from "../../../src/engine/state/state_db.ts";
import { sqliteManifest } from "../../../src/engine/state/manifest.ts";

const MiB = 1024 * 1024;
const FAST_RETRY = { attempts: 3, baseDelayMs: 20, maxDelayMs: 50 };

interface Fixture {
  raw: ReturnType<typeof rawClient>;
  bucket: string;
  src: string;
  stateDir: string;
  proxy: S3Proxy;
  client: ReturnType<typeof createS3Client>["client"];
  events: EngineEvent[];
  backup(
    options?: BackupOptions,
    extra?: { signal?: AbortSignal; s3Prefix?: string; folder?: string },
  ): Promise<SyncReport>;
  keys(): Promise<string[]>;
  done(): Promise<void>;
}

async function setup(clientOptions: { maxAttempts?: number } = {}): Promise<Fixture> {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, "bk");
  const dir = await tempDir();
  const proxy = await startS3Proxy(S3_ENDPOINT!);
  const settings = { ...testSettings(bucket.name), endpoint: proxy.endpoint };
  const ctx = createS3Client(settings, clientOptions);
  const src = join(dir.path, "src");
  await Deno.mkdir(src);
  const stateDir = join(dir.path, "state");
  const events: EngineEvent[] = [];
  return {
    raw,
    bucket: bucket.name,
    src,
    stateDir,
    proxy,
    client: ctx.client,
    events,
    async backup(options = {}, extra = {}) {
      const dryRun = options.dryRun === true;
      const state = await openBackupState({
        stateDir,
        target: targetId(settings.endpoint, bucket.name),
        dryRun,
      });
      try {
        return await runBackup({
          client: ctx.client,
          settings,
          localFolder: extra.folder ?? src,
          s3Prefix: extra.s3Prefix ?? "p",
          options: { retry: FAST_RETRY, ...options },
          state,
          events: (e) => events.push(e),
          signal: extra.signal,
        });
      } finally {
        state.close();
      }
    },
    keys: () => listKeys(raw, bucket.name),
    async done() {
      ctx.destroy();
      await proxy.close();
      await bucket.drop();
      raw.destroy();
      await dir.cleanup();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Rewrites `path` with other bytes of the same size and puts its mtime back. */
async function sameSizeEdit(path: string, text: string): Promise<void> {
  const before = await Deno.stat(path);
  await Deno.writeTextFile(path, text);
  assertEquals((await Deno.stat(path)).size, before.size);
  await Deno.utime(path, before.atime!, before.mtime!);
  assertEquals((await Deno.stat(path)).mtime!.getTime(), before.mtime!.getTime());
}

const ops = (p: S3Proxy) => {
  const c = p.counts();
  return Object.fromEntries(Object.entries(c).filter(([, n]) => n > 0));
};

const NAMES: Record<string, string> = {
  "a.txt": "alpha",
  "sub/b.txt": "bravo",
  "empty.bin": "",
  "with space.txt": "space",
  "hash#1.txt": "hash",
  "pct%20.txt": "percent",
  "plus+.txt": "plus",
  "caf\u00e9.txt": "nfc",
  ["x/".repeat(30) + "deep.txt"]: "deep",
};

Deno.test(
  s3Test(
    "backup: first run, no-change rerun without requests per object, same-size edit, delete, rename",
  ),
  async () => {
    const t = await setup();
    try {
      for (const [rel, text] of Object.entries(NAMES)) await writeFile(join(t.src, rel), text);
      await writeFile(join(t.src, "Re\u0301sume\u0301", "cv.txt"), "nfd on disk");
      await writeFile(join(t.src, ".env"), "hidden");
      await writeFile(join(t.src, "skip.tmp"), "excluded");
      await Deno.symlink(join(t.src, "a.txt"), join(t.src, "link"));
      await sleep(2100); // let ctimes settle, so rows are trusted on the next run
      const opts = { exclude: ["*.tmp"] };

      const first = await t.backup(opts);
      const expected = [...Object.keys(NAMES), "R\u00e9sum\u00e9/cv.txt"].map((k) => `p/${k}`)
        .sort();
      assertEquals(await t.keys(), expected);
      assertEquals(first.files_uploaded, expected.length);
      assertEquals(first.bytes_transferred, 48);
      assertEquals(first.entries_skipped, 1);
      assertEquals(first.errors, []);
      for (const [rel, text] of Object.entries(NAMES)) {
        const o = await getObject(t.raw, t.bucket, `p/${rel}`);
        assertBytes(o.bytes, new TextEncoder().encode(text), rel);
        assertEquals(o.metadata.md5chksum, md5Bytes(o.bytes).base64);
        const mtime = (await Deno.stat(join(t.src, rel))).mtime!.getTime();
        assertEquals(Math.round(Number(o.metadata.mtime) * 1000), mtime);
      }
      assertEquals(
        new TextDecoder().decode(
          (await getObject(t.raw, t.bucket, "p/R\u00e9sum\u00e9/cv.txt")).bytes,
        ),
        "nfd on disk",
      );

      t.proxy.clear();
      const again = await t.backup(opts);
      assertEquals(
        [again.files_uploaded, again.files_skipped, again.files_hashed],
        [0, expected.length, 0],
      );
      assertEquals(ops(t.proxy), { ListObjectsV2: 1 }, "a no-change rerun only lists");

      await sameSizeEdit(join(t.src, "sub/b.txt"), "BRAVO");
      t.proxy.clear();
      const edited = await t.backup(opts);
      assertEquals([edited.files_uploaded, edited.files_hashed], [1, 1]);
      assertEquals(ops(t.proxy), { ListObjectsV2: 1, PutObject: 1 });
      assertEquals(
        new TextDecoder().decode((await getObject(t.raw, t.bucket, "p/sub/b.txt")).bytes),
        "BRAVO",
      );

      await Deno.remove(join(t.src, "a.txt"));
      const kept = await t.backup(opts);
      assertEquals([kept.files_uploaded, kept.files_deleted], [0, 0]);
      assertOk((await t.keys()).includes("p/a.txt"), "deleted without --delete");
      const deleted = await t.backup({ ...opts, delete: true });
      assertEquals([deleted.files_uploaded, deleted.files_deleted], [0, 1]);
      assertEquals(await t.keys(), expected.filter((k) => k !== "p/a.txt"));

      await Deno.rename(join(t.src, "sub"), join(t.src, "renamed"));
      const renamed = await t.backup({ ...opts, delete: true });
      assertEquals([renamed.files_uploaded, renamed.files_deleted], [1, 1]);
      const keys = await t.keys();
      assertOk(keys.includes("p/renamed/b.txt") && !keys.includes("p/sub/b.txt"));
      assertOk(t.events.some((e) => e.type === "file-done" && e.action === "delete"));
      const last = t.events.filter((e) => e.type === "progress").at(-1);
      assertOk(last?.type === "progress");
      assertEquals([last.progress.files_done, last.progress.files_total], [1, 1]);
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("backup: a same-size edit with mtime kept right after a run is caught too"),
  async () => {
    const t = await setup();
    try {
      await writeFile(join(t.src, "doc.txt"), "version-1");
      assertEquals((await t.backup()).files_uploaded, 1);
      await sameSizeEdit(join(t.src, "doc.txt"), "version-2");
      const r = await t.backup();
      assertEquals(r.files_uploaded, 1);
      assertEquals(
        new TextDecoder().decode((await getObject(t.raw, t.bucket, "p/doc.txt")).bytes),
        "version-2",
      );
      // and a third run right away uploads nothing (the content now matches)
      assertEquals((await t.backup()).files_uploaded, 0);
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test(
    "backup: a lost manifest costs hashing, not uploads; one HEAD only for a multipart object",
  ),
  async () => {
    const t = await setup();
    try {
      await writeFile(join(t.src, "small.txt"), "small");
      await writeFile(join(t.src, "big.bin"), 6 * MiB);
      const upload = { multipartThreshold: 5 * MiB, minPartSize: 5 * MiB };
      const first = await t.backup({ upload });
      assertEquals(first.files_uploaded, 2);
      const big = await getObject(t.raw, t.bucket, "p/big.bin");
      assertOk(big.etag.endsWith("-2"), `multipart ETag expected, got ${big.etag}`);
      await Deno.remove(t.stateDir, { recursive: true });
      t.proxy.clear();
      const r = await t.backup({ upload });
      assertEquals([r.files_uploaded, r.files_skipped, r.files_hashed], [0, 2, 2]);
      assertEquals(ops(t.proxy), { ListObjectsV2: 1, HeadObject: 1 });
      // the rows were rebuilt: the next run takes the fast path (or at most hashes again)
      t.proxy.clear();
      assertEquals((await t.backup({ upload })).files_uploaded, 0);
      assertEquals(ops(t.proxy), { ListObjectsV2: 1 });
    } finally {
      await t.done();
    }
  },
);

Deno.test(s3Test("backup: a dry run plans everything and changes nothing anywhere"), async () => {
  const t = await setup();
  try {
    await writeFile(join(t.src, "keep.txt"), "keep");
    await writeFile(join(t.src, "gone.txt"), "gone");
    await t.backup();
    await Deno.remove(join(t.src, "gone.txt"));
    await writeFile(join(t.src, "new.txt"), "new!");
    await Deno.symlink("keep.txt", join(t.src, "ln"));
    const state = await openStateDb(t.stateDir);
    const manifestBefore = state.db.prepare("SELECT * FROM backup_manifest ORDER BY key").all();
    const historyBefore = state.db.prepare("SELECT count(*) AS n FROM history").get();
    state.close();
    const before = await t.keys();
    t.proxy.clear();
    const r = await t.backup({ dryRun: true, delete: true });
    assertEquals(r.dry_run, true);
    assertEquals(
      r.plan!.map((p) => `${p.action} ${p.key} ${p.size} ${p.reason}`),
      [
        "delete p/gone.txt 4 not in the local folder",
        "skip p/keep.txt 4 content identical (MD5 match)",
        "skip p/ln 0 symbolic link (not followed)",
        "upload p/new.txt 4 new file",
      ],
    );
    assertEquals(r.plan![3]!.path, join(t.src, "new.txt"));
    assertEquals([r.files_uploaded, r.files_deleted, r.bytes_transferred], [1, 1, 4]);
    assertEquals(await t.keys(), before);
    const counts = ops(t.proxy);
    assertEquals(counts.PutObject ?? 0, 0);
    assertEquals(counts.DeleteObjects ?? 0, 0);
    const after = await openStateDb(t.stateDir);
    assertEquals(
      after.db.prepare("SELECT * FROM backup_manifest ORDER BY key").all(),
      manifestBefore,
    );
    assertEquals(after.db.prepare("SELECT count(*) AS n FROM history").get(), historyBefore);
    after.close();
  } finally {
    await t.done();
  }
});

Deno.test(s3Test("backup --delete: guards refuse (exit 8) and nothing is deleted"), async () => {
  const t = await setup();
  try {
    for (const n of ["a", "b", "c", "d"]) await writeFile(join(t.src, n), n);
    await t.backup();
    const all = await t.keys();
    // more than 50%: 3 of 4
    for (const n of ["a", "b", "c"]) await Deno.remove(join(t.src, n));
    let e = await assertRejects(() => t.backup({ delete: true }), EngineError);
    assertEquals([e.code, e.exitCode], ["UnsafeOperation", 8]);
    assertIncludes(e.message, "Refusing to delete 3 of 4 object(s)");
    assertIncludes(e.message, "pass --max-delete 3");
    assertEquals(await t.keys(), all);
    assertEquals((await t.backup({ delete: true, maxDelete: { count: 3 } })).files_deleted, 3);
    // empty folder
    await Deno.remove(join(t.src, "d"));
    e = await assertRejects(
      () => t.backup({ delete: true, maxDelete: { percent: 100 } }),
      EngineError,
    );
    assertIncludes(e.message, "(guard: empty source folder)");
    assertEquals(await t.keys(), ["p/d"]);
    // missing folder
    e = await assertRejects(
      () => t.backup({ delete: true }, { folder: join(t.src, "nope") }),
      EngineError,
    );
    assertIncludes(e.message, "(guard: missing source folder)");
    assertEquals(await t.keys(), ["p/d"]);
  } finally {
    await t.done();
  }
});

Deno.test(s3Test("backup --delete: a failed upload means no deletions; exit partial"), async () => {
  const t = await setup({ maxAttempts: 1 });
  try {
    for (const n of ["a", "b", "c", "d"]) await writeFile(join(t.src, n), n);
    await t.backup();
    await Deno.remove(join(t.src, "a"));
    await writeFile(join(t.src, "e"), "new");
    t.proxy.clear();
    t.proxy.setRules([{ action: "error500", match: (r) => r.op === "PutObject" }]);
    const r = await t.backup({
      delete: true,
      retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
    });
    assertEquals([r.files_uploaded, r.files_deleted, r.errors.length], [0, 0, 1]);
    assertEquals(r.errors[0]!.key, "p/e");
    assertEquals(r.errors[0]!.code, "UploadFailed");
    assertIncludes(r.errors[0]!.message, "HTTP 500");
    // The lean PUT's 500 turns that path off; then the SDK's two attempts.
    assertEquals(t.proxy.counts().PutObject, 3, "one file: one lean try, two attempts");
    assertEquals(await t.keys(), ["p/a", "p/b", "p/c", "p/d"]);
    assertOk(t.events.some((e) => e.type === "retry"));
    assertOk(
      t.events.some((e) => e.type === "notice" && e.message.startsWith("Not deleting 1 object(s)")),
    );
  } finally {
    await t.done();
  }
});

Deno.test(s3Test("backup: fatal errors stop the run (missing bucket)"), async () => {
  const t = await setup();
  try {
    await writeFile(join(t.src, "a"), "a");
    const raw = rawClient();
    const { DeleteBucketCommand } = await import("@aws-sdk/client-s3");
    await raw.send(new DeleteBucketCommand({ Bucket: t.bucket }));
    const e = await assertRejects(() => t.backup(), EngineError);
    assertEquals([e.code, e.exitCode], ["BucketNotFound", 6]);
    const { CreateBucketCommand } = await import("@aws-sdk/client-s3");
    await raw.send(new CreateBucketCommand({ Bucket: t.bucket }));
    raw.destroy();
  } finally {
    await t.done();
  }
});

Deno.test(
  s3Test("backup: an abort stops cleanly; the manifest holds what completed; a rerun converges"),
  async () => {
    const t = await setup();
    try {
      for (let i = 0; i < 12; i++) {
        await writeFile(join(t.src, `f${String(i).padStart(2, "0")}`), 64 * 1024);
      }
      const controller = new AbortController();
      const done: string[] = [];
      const run = t.backup({ bwlimit: 512 * 1024, concurrency: 2 }, { signal: controller.signal });
      while (!t.events.some((e) => e.type === "file-done")) await sleep(20);
      controller.abort();
      const e = await assertRejects(() => run, EngineError);
      assertEquals([e.code, e.exitCode], ["Interrupted", 130]);
      for (const ev of t.events) if (ev.type === "file-done") done.push(ev.file_name);
      const state = await openStateDb(t.stateDir);
      const rows = sqliteManifest(state, targetId(t.proxy.endpoint, t.bucket));
      for (const f of done) assertOk(rows.get(`p/${f}`), `row for ${f}`);
      const history = state.db.prepare("SELECT status, exit_code FROM history").all();
      state.close();
      assertEquals(JSON.parse(JSON.stringify(history)), [{
        status: "interrupted",
        exit_code: 130,
      }]);
      const stored = await t.keys();
      assertOk(stored.length >= done.length && stored.length < 12, `stored ${stored.length}`);
      const r = await t.backup();
      assertEquals(r.files_uploaded + r.files_skipped, 12);
      assertEquals((await t.keys()).length, 12);
      for (const k of await t.keys()) {
        const o = await getObject(t.raw, t.bucket, k);
        assertBytes(o.bytes, await Deno.readFile(join(t.src, k.slice(2))), k);
      }
    } finally {
      await t.done();
    }
  },
);

/** Resolves once the run has reported at least `bytes` sent. */
async function sentAtLeast(events: EngineEvent[], bytes: number): Promise<void> {
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    if (events.some((e) => e.type === "progress" && e.progress.bytes_transferred >= bytes)) return;
    await sleep(25);
  }
  throw new Error(`no progress to ${bytes} bytes`);
}

const SMALL_PARTS = { multipartThreshold: 5 * MiB, minPartSize: 5 * MiB };

Deno.test(
  s3Test("backup: a file changed during its multipart upload is retried with its new content"),
  async () => {
    const t = await setup();
    try {
      const path = join(t.src, "big.bin");
      await writeFile(path, 12 * MiB);
      const run = t.backup({ upload: SMALL_PARTS, concurrency: 1, bwlimit: 8 * MiB });
      await sentAtLeast(t.events, 5 * MiB);
      const fresh = await writeFile(path, 12 * MiB);
      const r = await run;
      assertEquals([r.files_uploaded, r.errors.length], [1, 0]);
      const retry = t.events.find((e) => e.type === "retry");
      assertOk(
        retry?.type === "retry" && retry.message.includes("changed while it was being uploaded"),
      );
      const stored = await getObject(t.raw, t.bucket, "p/big.bin");
      assertBytes(stored.bytes, fresh);
      assertEquals(stored.metadata.md5chksum, md5Bytes(fresh).base64);
      const ups = await t.raw.send(new ListMultipartUploadsCommand({ Bucket: t.bucket }));
      assertEquals(ups.Uploads ?? [], []);
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("backup: a stale multipart upload of ours (its file is gone) is aborted"),
  async () => {
    const t = await setup();
    try {
      await writeFile(join(t.src, "big.bin"), 12 * MiB);
      await writeFile(join(t.src, "a.txt"), "a");
      const controller = new AbortController();
      const run = t.backup({ upload: SMALL_PARTS, concurrency: 1, bwlimit: 8 * MiB }, {
        signal: controller.signal,
      });
      await sentAtLeast(t.events, 5 * MiB);
      controller.abort();
      assertEquals((await assertRejects(() => run, EngineError)).code, "Interrupted");
      const before = await t.raw.send(new ListMultipartUploadsCommand({ Bucket: t.bucket }));
      assertEquals(before.Uploads?.length, 1, "the interrupted upload is kept for resuming");
      await Deno.remove(join(t.src, "big.bin"));
      const r = await t.backup({ upload: SMALL_PARTS });
      assertEquals(r.stale_uploads_aborted, 1);
      const after = await t.raw.send(new ListMultipartUploadsCommand({ Bucket: t.bucket }));
      assertEquals(after.Uploads ?? [], []);
      assertEquals(await t.keys(), ["p/a.txt"]);
      const state = await openStateDb(t.stateDir);
      assertEquals(state.db.prepare("SELECT count(*) AS n FROM multipart_uploads").get()?.n, 0);
      state.close();
    } finally {
      await t.done();
    }
  },
);

Deno.test(s3Test("backup: storage class and SSE reach every upload request", "rgw"), async () => {
  const t = await setup({ maxAttempts: 1 });
  try {
    // What reaches the server, whichever way the request was sent (SDK or lean PUT).
    const uploads = () =>
      t.proxy.requests.filter((r) => r.op === "PutObject" || r.op === "CreateMultipartUpload")
        .map((r) => ({
          command: r.op,
          StorageClass: r.headers["x-amz-storage-class"],
          ServerSideEncryption: r.headers["x-amz-server-side-encryption"],
          SSEKMSKeyId: r.headers["x-amz-server-side-encryption-aws-kms-key-id"],
        }));
    await writeFile(join(t.src, "a.txt"), "a");
    await writeFile(join(t.src, "big.bin"), 6 * MiB);
    t.proxy.clear();
    const ok = await t.backup({ upload: { ...SMALL_PARTS, storageClass: "STANDARD" } });
    assertEquals([ok.files_uploaded, ok.errors.length], [2, 0]);
    assertEquals(uploads().map((s) => s.StorageClass), ["STANDARD", "STANDARD"]);
    await writeFile(join(t.src, "a.txt"), "b");
    t.proxy.clear();
    // RGW refuses SSE over plain HTTP: a per-file error, the run goes on.
    const kms = await t.backup({
      upload: { ...SMALL_PARTS, sse: "aws:kms", sseKmsKeyId: "key-1" },
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    assertEquals(uploads(), [{
      command: "PutObject",
      StorageClass: undefined,
      ServerSideEncryption: "aws:kms",
      SSEKMSKeyId: "key-1",
    }]);
    assertEquals(kms.errors.map((e) => [e.key, e.code]), [["p/a.txt", "UploadFailed"]]);
    assertIncludes(kms.errors[0]!.message, "HTTP 400");
  } finally {
    await t.done();
  }
});

Deno.test(
  s3Test(
    "backup: a touched file (same bytes, new mtime) gets its new mtime in the bucket, no upload",
  ),
  async () => {
    const t = await setup();
    try {
      const path = join(t.src, "photo.jpg");
      await writeFile(path, "the same bytes");
      await Deno.utime(path, new Date(), new Date(1_600_000_000_000));
      assertEquals((await t.backup()).files_uploaded, 1);
      assertEquals((await getObject(t.raw, t.bucket, "p/photo.jpg")).metadata.mtime, "1600000000");

      await Deno.utime(path, new Date(), new Date(1_700_000_000_500));
      const dry = await t.backup({ dryRun: true });
      assertEquals(
        dry.plan?.find((e) => e.key === "photo.jpg" || e.key.endsWith("photo.jpg"))?.reason,
        "content identical; modification time updated in the bucket",
      );
      assertEquals(
        (await getObject(t.raw, t.bucket, "p/photo.jpg")).metadata.mtime,
        "1600000000",
        "a dry run changes nothing",
      );

      t.proxy.clear();
      const r = await t.backup();
      assertEquals([r.files_uploaded, r.files_skipped], [0, 1]);
      assertEquals(ops(t.proxy), { ListObjectsV2: 1, CopyObject: 1 });
      const got = await getObject(t.raw, t.bucket, "p/photo.jpg");
      assertEquals(new TextDecoder().decode(got.bytes), "the same bytes");
      assertEquals(got.metadata.mtime, "1700000000.5");
      assertEquals(
        got.metadata.md5chksum,
        md5Bytes(new TextEncoder().encode("the same bytes")).base64,
      );

      // The manifest follows the copy: the next run takes the fast path.
      t.proxy.clear();
      await sleep(2100);
      assertEquals((await t.backup()).files_uploaded, 0);
      const again = ops(t.proxy);
      assertEquals(again.CopyObject ?? 0, 0);
      assertEquals(again.PutObject ?? 0, 0);
    } finally {
      await t.done();
    }
  },
);
