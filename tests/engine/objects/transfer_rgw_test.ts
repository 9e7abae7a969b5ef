import { join } from "node:path";
import { ListMultipartUploadsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
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
  rawClient,
  s3Test,
  tempDir,
  testSettings,
  writeFile,
} from "../../support/test_env.ts";
import { createS3Client } from "../../../src/engine/s3/client.ts";
import { uploadFile } from "../../../src/engine/objects/upload.ts";
import { downloadFile } from "../../../src/engine/objects/download.ts";
import { PART_SUFFIX } from "../../../src/engine/local/part_file.ts";
import { memoryMultipartRecords } from "../../../src/engine/state/multipart_records.ts";
import { memoryDownloadRecords } from "../../../src/engine/state/download_records.ts";
import { md5Bytes } from "../../../src/engine/core/hashing.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";

const MiB = 1024 * 1024;

async function setup() {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, "xfer");
  const ctx = createS3Client(testSettings(bucket.name));
  const dir = await tempDir();
  return {
    raw,
    bucket: bucket.name,
    client: ctx.client,
    dir: dir.path,
    async done() {
      ctx.destroy();
      await bucket.drop();
      raw.destroy();
      await dir.cleanup();
    },
  };
}

async function fileInfo(path: string) {
  const st = await Deno.stat(path);
  return { size: st.size, mtimeMs: st.mtime!.getTime() };
}

Deno.test(
  s3Test("upload: 1 KiB, 0 bytes and 20 MiB multipart carry exact bytes and rclone metadata"),
  async () => {
    const t = await setup();
    try {
      for (
        const [name, size] of [["small.txt", 1024], ["empty.bin", 0], [
          "big file ü.mov",
          20 * MiB,
        ]] as const
      ) {
        const path = join(t.dir, name);
        const bytes = await writeFile(path, size);
        await Deno.utime(path, new Date(), new Date(1_600_000_000_250));
        const info = await fileInfo(path);
        let reported = 0;
        const out = await uploadFile({
          client: t.client,
          target: "t",
          bucket: t.bucket,
          key: `dir/${name}`,
          path,
          ...info,
          contentType: name.endsWith(".mov") ? "video/quicktime" : undefined,
          onBytes: (n) => (reported += n),
        });
        assertEquals(out.multipart, size > 8 * MiB);
        assertEquals(reported, size);
        const got = await getObject(t.raw, t.bucket, `dir/${name}`);
        assertBytes(got.bytes, bytes);
        assertEquals(got.metadata.mtime, "1600000000.25");
        assertEquals(got.metadata.md5chksum, md5Bytes(bytes).base64);
        if (name.endsWith(".mov")) {
          assertEquals(got.contentType, "video/quicktime");
          assertOk(got.etag.endsWith("-3"), `multipart ETag expected, got ${got.etag}`);
        } else {
          assertEquals(got.etag, md5Bytes(bytes).hex);
        }
      }
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("upload: a file that changes after planning is refused as retryable"),
  async () => {
    const t = await setup();
    try {
      const path = join(t.dir, "a.txt");
      await writeFile(path, "first");
      const info = await fileInfo(path);
      await Deno.writeTextFile(path, "second version, longer");
      const err = await assertRejects(
        () =>
          uploadFile({
            client: t.client,
            target: "t",
            bucket: t.bucket,
            key: "a.txt",
            path,
            ...info,
          }),
        EngineError,
      );
      assertEquals(err.retryable, true);
      assertIncludes(err.message, "changed while it was being uploaded");
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("multipart: an interrupted upload is resumed from its stored parts"),
  async () => {
    const t = await setup();
    try {
      const path = join(t.dir, "video.bin");
      const bytes = await writeFile(path, 40 * MiB);
      const info = await fileInfo(path);
      const records = memoryMultipartRecords();
      const stop = new AbortController();
      let sent = 0;
      await assertRejects(() =>
        uploadFile({
          client: t.client,
          target: "t",
          bucket: t.bucket,
          key: "video.bin",
          path,
          ...info,
          records,
          signal: stop.signal,
          onBytes: (n) => {
            sent += n;
            if (sent >= 16 * MiB) stop.abort();
          },
        }), Error);
      const rec = records.find("t", "video.bin");
      assertOk(rec, "the interrupted upload keeps its record");
      const open = await t.raw.send(new ListMultipartUploadsCommand({ Bucket: t.bucket }));
      assertEquals(open.Uploads?.map((u) => u.UploadId), [rec.upload_id]);

      const out = await uploadFile({
        client: t.client,
        target: "t",
        bucket: t.bucket,
        key: "video.bin",
        path,
        ...info,
        records,
      });
      assertOk(out.resumedParts >= 2, `expected resumed parts, got ${out.resumedParts}`);
      assertEquals(records.find("t", "video.bin"), undefined);
      assertBytes((await getObject(t.raw, t.bucket, "video.bin")).bytes, bytes);
      const after = await t.raw.send(new ListMultipartUploadsCommand({ Bucket: t.bucket }));
      assertEquals(after.Uploads ?? [], []);
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("multipart: a stale record (file changed since) is aborted and restarted"),
  async () => {
    const t = await setup();
    try {
      const path = join(t.dir, "v.bin");
      await writeFile(path, 17 * MiB);
      const records = memoryMultipartRecords();
      const stop = new AbortController();
      await assertRejects(() =>
        fileInfo(path).then((info) =>
          uploadFile({
            client: t.client,
            target: "t",
            bucket: t.bucket,
            key: "v.bin",
            path,
            ...info,
            records,
            signal: stop.signal,
            onBytes: () => stop.abort(),
          })
        ), Error);
      const old = records.find("t", "v.bin");
      assertOk(old);
      const bytes = await writeFile(path, 18 * MiB);
      const out = await uploadFile({
        client: t.client,
        target: "t",
        bucket: t.bucket,
        key: "v.bin",
        path,
        ...(await fileInfo(path)),
        records,
      });
      assertEquals(out.resumedParts, 0);
      assertBytes((await getObject(t.raw, t.bucket, "v.bin")).bytes, bytes);
      const open = await t.raw.send(new ListMultipartUploadsCommand({ Bucket: t.bucket }));
      assertEquals(open.Uploads ?? [], [], "the stale upload was aborted");
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("download: verified, mtime restored, resumed with Range after an interruption"),
  async () => {
    const t = await setup();
    try {
      const src = join(t.dir, "src.bin");
      const bytes = await writeFile(src, 12 * MiB);
      await Deno.utime(src, new Date(), new Date(1_650_000_000_500));
      await uploadFile({
        client: t.client,
        target: "t",
        bucket: t.bucket,
        key: "k.bin",
        path: src,
        ...(await fileInfo(src)),
      });
      const dest = join(t.dir, "out.bin");
      const records = memoryDownloadRecords();
      const stop = new AbortController();
      let got = 0;
      await assertRejects(() =>
        downloadFile({
          client: t.client,
          target: "t",
          bucket: t.bucket,
          key: "k.bin",
          dest,
          records,
          signal: stop.signal,
          onBytes: (n) => {
            got += n;
            if (got > 2 * MiB) stop.abort();
          },
        }), Error);
      await assertRejects(() => Deno.stat(dest), Deno.errors.NotFound);
      const partSize = (await Deno.stat(dest + PART_SUFFIX)).size;
      assertOk(partSize > 0 && partSize < bytes.length, `partial file expected, size ${partSize}`);

      const out = await downloadFile({
        client: t.client,
        target: "t",
        bucket: t.bucket,
        key: "k.bin",
        dest,
        records,
      });
      assertEquals(out.resumedBytes, partSize);
      assertEquals(out.md5Verified, true);
      assertBytes(await Deno.readFile(dest), bytes);
      assertEquals((await Deno.stat(dest)).mtime!.getTime(), 1_650_000_000_500);
      await assertRejects(() => Deno.stat(dest + PART_SUFFIX), Deno.errors.NotFound);
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("download: a part of an object that changed since is discarded, not spliced"),
  async () => {
    const t = await setup();
    try {
      const dest = join(t.dir, "x.bin");
      await t.raw.send(new PutObjectCommand({ Bucket: t.bucket, Key: "x", Body: "new content" }));
      await Deno.writeTextFile(dest + PART_SUFFIX, "OLD");
      const records = memoryDownloadRecords();
      records.save({
        part_path: dest + PART_SUFFIX,
        target: "t",
        key: "x",
        etag: "0123456789abcdef0123456789abcdef",
        version_id: "",
      });
      const out = await downloadFile({
        client: t.client,
        target: "t",
        bucket: t.bucket,
        key: "x",
        dest,
        records,
      });
      assertEquals(await Deno.readTextFile(dest), "new content");
      assertEquals(out.resumedBytes, 0);
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("download: a corrupt object (MD5 mismatch) never reaches the final path"),
  async () => {
    const t = await setup();
    try {
      await t.raw.send(
        new PutObjectCommand({
          Bucket: t.bucket,
          Key: "bad",
          Body: "actual bytes",
          Metadata: { md5chksum: md5Bytes(new TextEncoder().encode("other")).base64 },
        }),
      );
      const dest = join(t.dir, "bad.txt");
      const err = await assertRejects(
        () => downloadFile({ client: t.client, target: "t", bucket: t.bucket, key: "bad", dest }),
        EngineError,
      );
      assertEquals(err.code, "DownloadFailed");
      assertIncludes(err.message, "is corrupt");
      await assertRejects(() => Deno.stat(dest), Deno.errors.NotFound);
      await assertRejects(() => Deno.stat(dest + PART_SUFFIX), Deno.errors.NotFound);
    } finally {
      await t.done();
    }
  },
);
