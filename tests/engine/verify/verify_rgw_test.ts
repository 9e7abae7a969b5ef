/**
 * Verify against the real server: backup's walk rules (hidden files, excludes, symlinks) on the
 * local side and the same filters on the remote side; a multipart object without md5chksum is
 * "unverified" until `download` reads it; an SSE-less plain ETag mismatch is a difference.
 */
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { assertEquals, assertIncludes } from "../../support/assert.ts";
import {
  createTestBucket,
  rawClient,
  s3Test,
  tempDir,
  testSettings,
  writeFile,
} from "../../support/test_env.ts";
import { createS3Client } from "../../../src/engine/s3/client.ts";
import { runVerify } from "../../../src/engine/verify/verify.ts";

const MiB = 1024 * 1024;

Deno.test(s3Test("verify: walk rules, unverified multipart objects, --download"), async () => {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, "vrgw");
  const s3 = createS3Client(testSettings(bucket.name));
  const dir = await tempDir();
  try {
    const root = join(dir.path, "src");
    const big = await writeFile(join(root, "big.bin"), 6 * MiB);
    await writeFile(join(root, "plain.txt"), "plain");
    await writeFile(join(root, ".secret"), "hidden locally");
    await writeFile(join(root, "cache/skip.txt"), "excluded locally");
    await Deno.symlink(join(root, "plain.txt"), join(root, "link.txt"));
    const put = (key: string, body: string | Uint8Array) =>
      raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: body }));
    await put("v/plain.txt", "plain");
    await put("v/.hidden-remote", "ignored unless --include-hidden");
    await put("v/cache/other.txt", "ignored: excluded");
    await put("v/folder/", new Uint8Array(0));
    await new Upload({
      client: raw,
      params: { Bucket: bucket.name, Key: "v/big.bin", Body: big },
      partSize: 5 * MiB,
    }).done();

    const base = {
      client: s3.client,
      bucket: bucket.name,
      keyPrefix: "v/",
      localFolder: root,
      exclude: ["cache/**"],
    };
    const first = await runVerify(base);
    assertEquals(first.exitCode, 3);
    assertEquals(first.report.files_matched, 1);
    assertEquals(first.report.unverified.map((u) => u.path), ["big.bin"]);
    assertIncludes(first.report.unverified[0]!.reason, "use --download");
    assertEquals(first.report.missing_local, []);
    assertEquals(first.report.missing_remote, []);

    const deep = await runVerify({ ...base, download: true });
    assertEquals([deep.exitCode, deep.report.matched, deep.report.files_matched], [0, true, 2]);
    assertEquals(deep.report.bytes_downloaded, big.length + 5);

    const hidden = await runVerify({ ...base, includeHidden: true });
    assertEquals(hidden.report.missing_remote.map((m) => m.path), [".secret"]);
    assertEquals(hidden.report.missing_local.map((m) => m.path), [".hidden-remote"]);

    // Same size, different bytes, plain ETag: a difference without any HEAD trickery.
    await put("v/plain.txt", "PLAIN");
    const diff = await runVerify({ ...base, download: true });
    assertEquals(diff.report.differences.map((d) => [d.path, d.reason]), [[
      "plain.txt",
      "content differs (MD5 of the downloaded bytes)",
    ]]);
    const noDl = await runVerify(base);
    assertEquals(noDl.report.differences.map((d) => [d.path, d.reason]), [[
      "plain.txt",
      "content differs (MD5)",
    ]]);
    // And a byte flipped in the big local file is caught by --download.
    const flipped = big.slice();
    flipped[4 * MiB] = flipped[4 * MiB]! ^ 1;
    await Deno.writeFile(join(root, "big.bin"), flipped);
    const flip = await runVerify({ ...base, download: true });
    assertEquals(flip.report.differences.map((d) => d.path), ["big.bin", "plain.txt"]);
  } finally {
    await dir.cleanup();
    await bucket.drop();
    s3.destroy();
    raw.destroy();
  }
});

Deno.test(
  s3Test("verify with the backup's filters: what they leave out is not missing on either side"),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "vflt");
    const s3 = createS3Client(testSettings(bucket.name));
    const dir = await tempDir();
    try {
      const root = join(dir.path, "src");
      await writeFile(join(root, "a.txt"), "alpha");
      await writeFile(join(root, "huge.bin"), "x".repeat(3000));
      await writeFile(join(root, "scratch/.nobackup"), "");
      await writeFile(join(root, "scratch/s.txt"), "scratch");
      const put = (key: string, body: string) =>
        raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: body }));
      await put("v/a.txt", "alpha");
      await put("v/scratch/old.txt", "backed up before the marker was put there");
      await put("v/notes.md", "outside --include");
      const base = { client: s3.client, bucket: bucket.name, keyPrefix: "v/", localFolder: root };

      const plain = await runVerify(base);
      assertEquals(plain.report.missing_remote.map((m) => m.path), ["huge.bin", "scratch/s.txt"]);
      assertEquals(plain.report.missing_local.map((m) => m.path), ["notes.md", "scratch/old.txt"]);

      const filtered = await runVerify({
        ...base,
        include: ["*.txt", "*.bin"],
        maxSize: "2K",
        excludeIfPresent: [".nobackup"],
      });
      assertEquals(filtered.report.missing_remote, []);
      assertEquals(filtered.report.missing_local, []);
      assertEquals([filtered.exitCode, filtered.report.files_matched], [0, 1]);
      assertEquals(filtered.report.files_excluded, {
        "(not matched by --include)": 0,
        "--exclude-if-present .nobackup": 1,
        "--max-size 2K": 1,
      });
    } finally {
      s3.destroy();
      await bucket.drop();
      raw.destroy();
      await dir.cleanup();
    }
  },
);
