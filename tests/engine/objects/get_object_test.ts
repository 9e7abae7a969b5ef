/**
 * Getting one object (engine/objects/get_object.ts): where it goes and which names are refused
 * (restore's rules for names taken from the key), and against the server: bytes, MD5, mtime,
 * a resumed `.eigen-part`, a version id, a missing key, and destinations that are a symbolic
 * link or a folder, which are never followed nor replaced.
 */
import { join } from "node:path";
import { PutBucketVersioningCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { assertBytes, assertEquals, assertOk, assertRejects } from "../../support/assert.ts";
import {
  createTestBucket,
  randomBytes,
  rawClient,
  s3Test,
  tempDir,
  testSettings,
} from "../../support/test_env.ts";
import { createS3Client } from "../../../src/engine/s3/client.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import { md5Bytes } from "../../../src/engine/core/hashing.ts";
import { memoryDownloadRecords } from "../../../src/engine/state/download_records.ts";
import { partPathFor } from "../../../src/engine/local/part_file.ts";
import {
  getObject,
  type GetObjectRequest,
  resolveGetDestination,
} from "../../../src/engine/objects/get_object.ts";

Deno.test("get destination: LOCAL_PATH, a folder, or ./<name>; names restore could not write are refused", async () => {
  const dir = await tempDir();
  try {
    const folder = join(dir.path, "in");
    await Deno.mkdir(folder);
    assertEquals(await resolveGetDestination("a/b/photo.jpg", undefined), "photo.jpg");
    assertEquals(await resolveGetDestination("a/photo.jpg", folder), join(folder, "photo.jpg"));
    assertEquals(
      await resolveGetDestination("a/photo.jpg", `${folder}/`),
      join(folder, "photo.jpg"),
    );
    assertEquals(
      await resolveGetDestination("a/photo.jpg", join(folder, "new.jpg")),
      join(folder, "new.jpg"),
    );
    // A LOCAL_PATH names the file: the key's last part does not matter then.
    for (const key of ["a/..", "z.eigen-part", "x\\y", "n".repeat(256)]) {
      assertEquals(await resolveGetDestination(key, join(folder, "f")), join(folder, "f"), key);
    }
    const refused: [string, string | undefined, string][] = [
      ["photos/", undefined, "looks like a folder, not an object"],
      ["", undefined, "looks like a folder, not an object"],
      ["a/..", undefined, "ends in '..', which cannot be a file name"],
      ["a/.", folder, "ends in '.', which cannot be a file name"],
      ["n".repeat(256), undefined, "longer than 255 bytes"],
      ["é".repeat(128), folder, "longer than 255 bytes"],
      ["z.eigen-part", undefined, "reserved for partial downloads"],
      ["d/.eigen-part", folder, "reserved for partial downloads"],
      ["..\\x", undefined, "backslash"],
      ["a/photo.jpg", join(dir.path, "missing") + "/", "does not exist: create it first"],
      ["a/photo.jpg", join(dir.path, "missing", "x.jpg"), "does not exist: create it first"],
    ];
    for (const [key, local, why] of refused) {
      const e = await assertRejects(() => resolveGetDestination(key, local), EngineError);
      assertEquals(e.code, "UsageError", key);
      assertOk(e.message.includes(why), `${key}: ${e.message}`);
    }
  } finally {
    await dir.cleanup();
  }
});

async function setup(label: string) {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, label);
  const s3 = createS3Client(testSettings(bucket.name));
  const dir = await tempDir();
  const put = async (key: string, body: Uint8Array | string, meta?: Record<string, string>) => {
    const out = await raw.send(
      new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: body, Metadata: meta }),
    );
    return { etag: (out.ETag ?? "").replaceAll('"', ""), versionId: out.VersionId };
  };
  return {
    raw,
    bucket: bucket.name,
    dir: dir.path,
    put,
    req: (key: string, dest: string, over: Partial<GetObjectRequest> = {}): GetObjectRequest => ({
      client: s3.client,
      target: "t",
      bucket: bucket.name,
      key,
      dest,
      ...over,
    }),
    async done() {
      s3.destroy();
      await bucket.drop();
      raw.destroy();
      await dir.cleanup();
    },
  };
}

Deno.test(s3Test("get: bytes, MD5, mtime; a resumed part; a missing key"), async () => {
  const t = await setup("getobj");
  try {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const { etag } = await t.put("in/photo.jpg", bytes, {
      mtime: "1700000000",
      md5chksum: md5Bytes(bytes).base64,
    });
    const dest = join(t.dir, "photo.jpg");
    const seen: number[] = [];
    const r = await getObject(t.req("in/photo.jpg", dest, {
      onProgress: (done, total) => {
        assertEquals(total, bytes.length);
        seen.push(done);
      },
    }));
    assertEquals(
      [r.path, r.bytes, r.resumedBytes, r.md5Verified, r.mtimeMs],
      [dest, bytes.length, 0, true, 1_700_000_000_000],
    );
    assertBytes(await Deno.readFile(dest), bytes, "photo.jpg");
    assertEquals((await Deno.stat(dest)).mtime?.getTime(), 1_700_000_000_000);
    assertEquals(seen.at(-1), bytes.length);

    // An interrupted get left a part and its record: the next one resumes from it.
    const again = join(t.dir, "again.jpg");
    const part = partPathFor(again);
    await Deno.writeFile(part, bytes.subarray(0, 1_000_000));
    const records = memoryDownloadRecords();
    records.save({ part_path: part, target: "t", key: "in/photo.jpg", etag, version_id: "" });
    const resumed = await getObject(t.req("in/photo.jpg", again, { records }));
    assertEquals([resumed.resumedBytes, resumed.md5Verified], [1_000_000, true]);
    assertBytes(await Deno.readFile(again), bytes, "resumed");
    assertEquals(await Deno.stat(part).catch(() => null), null, "the part is gone");

    const missing = await assertRejects(
      () => getObject(t.req("in/nope.jpg", join(t.dir, "nope.jpg"), { name: "nope.jpg" })),
      EngineError,
    );
    assertEquals(missing.code, "KeyNotFound");
    assertOk(missing.message.includes("Key 'nope.jpg' does not exist"), missing.message);
    assertEquals(await Deno.stat(join(t.dir, "nope.jpg")).catch(() => null), null);
  } finally {
    await t.done();
  }
});

Deno.test(
  s3Test("get: a link, a folder or a pipe at the destination is never followed nor replaced"),
  async () => {
    const t = await setup("getlink");
    try {
      await t.put("a.txt", "from the bucket");
      const outside = join(t.dir, "outside.txt");
      await Deno.writeTextFile(outside, "untouched");
      const link = join(t.dir, "link.txt");
      await Deno.symlink(outside, link);
      const folder = join(t.dir, "folder");
      await Deno.mkdir(folder);
      const pipe = join(t.dir, "pipe");
      await new Deno.Command("mkfifo", { args: [pipe] }).output();
      for (const [dest, why] of [[link, "symbolic link"], [folder, "folder"], [pipe, "regular"]]) {
        const e = await assertRejects(() => getObject(t.req("a.txt", dest!)), EngineError);
        assertEquals(e.code, "UnsafeOperation", dest);
        assertOk(e.message.includes(why!), e.message);
      }
      assertEquals(await Deno.readTextFile(outside), "untouched");
      assertOk((await Deno.lstat(link)).isSymlink, "the link is still a link");
      // A regular file is replaced, as cp would.
      const plain = join(t.dir, "plain.txt");
      await Deno.writeTextFile(plain, "old");
      await getObject(t.req("a.txt", plain));
      assertEquals(await Deno.readTextFile(plain), "from the bucket");
    } finally {
      await t.done();
    }
  },
);

Deno.test(s3Test("get: a version id fetches that version", "versioning"), async () => {
  const t = await setup("getver");
  try {
    await t.raw.send(
      new PutBucketVersioningCommand({
        Bucket: t.bucket,
        VersioningConfiguration: { Status: "Enabled" },
      }),
    );
    const v1 = await t.put("doc.txt", "version one");
    await t.put("doc.txt", "version two");
    assertOk(v1.versionId, "the bucket keeps versions");
    const dest = join(t.dir, "doc.txt");
    await getObject(t.req("doc.txt", dest, { versionId: v1.versionId! }));
    assertEquals(await Deno.readTextFile(dest), "version one");
    await getObject(t.req("doc.txt", dest));
    assertEquals(await Deno.readTextFile(dest), "version two");
  } finally {
    await t.done();
  }
});
