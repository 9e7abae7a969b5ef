/**
 * The embedded server's shim answers from what fauxqs stores: byte-order listings across pages,
 * versions of an unversioned bucket, multipart listings, Content-MD5 checks, and loud refusals.
 */

import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { assertEquals, assertIncludes } from "./assert.ts";
import { startFakeS3 } from "./fauxqs_server.ts";
import { dropBucket } from "./test_env.ts";

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    return (e as { name: string }).name;
  }
}

Deno.test("embedded S3 shim: listings, versions, multipart listings, MD5, refusals", async () => {
  const server = await startFakeS3(0);
  const s3 = new S3Client({
    endpoint: server.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "a", secretAccessKey: "b" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  try {
    const Bucket = "shim-test";
    await s3.send(new CreateBucketCommand({ Bucket }));
    // localeCompare would put "a" before "B" and "é" before "z"; S3 lists by UTF-8 bytes
    const keys = ["z", "é", "a", "B", "d/1", "d/2", "e", "_"];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const out = await s3.send(
        new ListObjectsV2Command({ Bucket, Delimiter: "/", MaxKeys: 2, ContinuationToken: token }),
      );
      seen.push(...(out.Contents ?? []).map((o) => o.Key!));
      seen.push(...(out.CommonPrefixes ?? []).map((p) => p.Prefix!));
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    assertEquals(seen, ["B", "_", "a", "d/", "e", "z", "é"]);
    const v1 = await s3.send(new ListObjectsCommand({ Bucket, Prefix: "d/" }));
    assertEquals(v1.Contents?.map((o) => o.Key), ["d/1", "d/2"]);

    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: "d/" }));
    assertEquals(versions.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest]), [
      ["d/1", "null", true],
      ["d/2", "null", true],
    ]);
    assertEquals((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, undefined);
    assertEquals(
      await code(s3.send(
        new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }),
      )),
      "NotImplemented",
    );

    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "big" }));
    await s3.send(
      new UploadPartCommand({ Bucket, Key: "big", UploadId, PartNumber: 2, Body: "two" }),
    );
    await s3.send(
      new UploadPartCommand({ Bucket, Key: "big", UploadId, PartNumber: 1, Body: "one!" }),
    );
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket, Prefix: "bi" }));
    assertEquals(uploads.Uploads?.map((u) => [u.Key, u.UploadId]), [["big", UploadId]]);
    const parts = await s3.send(new ListPartsCommand({ Bucket, Key: "big", UploadId }));
    assertEquals(parts.Parts?.map((p) => [p.PartNumber, p.Size]), [[1, 4], [2, 3]]);
    assertEquals(
      await code(s3.send(new ListPartsCommand({ Bucket, Key: "other", UploadId }))),
      "NoSuchUpload",
    );

    const bad = s3.send(
      new PutObjectCommand({
        Bucket,
        Key: "md5",
        Body: "abc",
        ContentMD5: "AAAAAAAAAAAAAAAAAAAAAA==",
      }),
    );
    assertEquals(await code(bad), "BadDigest");
    const good = s3.send(
      new PutObjectCommand({
        Bucket,
        Key: "md5",
        Body: "abc",
        ContentMD5: "kAFQmDzST7DWlj99KOF/cg==",
      }),
    );
    assertEquals(await code(good), "ok");

    // the SDK writes "\n" in a DeleteObjects key as a character reference
    await s3.send(new PutObjectCommand({ Bucket, Key: "new\nline", Body: "x" }));
    const del = await s3.send(
      new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: "new\nline" }] } }),
    );
    assertEquals(del.Deleted?.map((d) => d.Key), ["new\nline"]);
    assertEquals(
      await code(s3.send(new HeadObjectCommand({ Bucket, Key: "new\nline" }))),
      "NotFound",
    );
    assertEquals(
      await code(s3.send(new PutObjectCommand({ Bucket, Key: "k".repeat(1025), Body: "x" }))),
      "KeyTooLongError",
    );

    const res = await fetch(`${server.endpoint}/${Bucket}?tagging`);
    assertEquals(res.status, 501);
    assertIncludes(await res.text(), "NotImplemented");

    await dropBucket(s3, Bucket);
    assertEquals(
      await code(s3.send(new ListObjectsV2Command({ Bucket }))),
      "NoSuchBucket",
    );
  } finally {
    s3.destroy();
    await server.stop();
  }
});
