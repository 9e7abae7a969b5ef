/**
 * The one HEAD against the real server: the typed record (size, ETag, metadata, version id,
 * last modified), a missing key or version as KeyNotFound (in the caller's wording when it
 * gives one), an abort passed through untouched.
 */
import { PutBucketVersioningCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { assertEquals, assertIncludes, assertOk, assertRejects } from "../../support/assert.ts";
import { createTestBucket, needs, rawClient, testSettings } from "../../support/test_env.ts";
import { createS3Client } from "../../../src/engine/s3/client.ts";
import { headObject } from "../../../src/engine/s3/object_head.ts";
import { EngineError, isAbortError } from "../../../src/engine/core/errors.ts";
import { md5Bytes } from "../../../src/engine/core/hashing.ts";
import { uploadMetadata } from "../../../src/engine/s3/object_meta.ts";

/** Tests that rely on S3 versioning (version ids on HEAD). */
const VERSIONED = needs("versioning");

const BODY = new TextEncoder().encode("hello, head");

async function put(raw: S3Client, bucket: string, key: string, body: Uint8Array, meta = {}) {
  return await raw.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: meta }),
  );
}

Deno.test(VERSIONED("headObject: the typed record, versions, KeyNotFound, aborts"), async () => {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, "head");
  const s3 = createS3Client(testSettings(bucket.name));
  try {
    await raw.send(
      new PutBucketVersioningCommand({
        Bucket: bucket.name,
        VersioningConfiguration: { Status: "Enabled" },
      }),
    );
    const md5 = md5Bytes(BODY);
    const first = await put(
      raw,
      bucket.name,
      "a/b.txt",
      BODY,
      uploadMetadata(1_700_000_000_500, md5.base64),
    );
    await put(raw, bucket.name, "a/b.txt", new Uint8Array(3));

    const old = await headObject(s3.client, {
      bucket: bucket.name,
      key: "a/b.txt",
      versionId: first.VersionId!,
    });
    assertEquals(old.size, BODY.length);
    assertEquals(old.etag, `"${md5.hex}"`);
    assertEquals(old.metadata, { mtime: "1700000000.5", md5chksum: md5.base64 });
    assertEquals(old.versionId, first.VersionId);
    assertEquals(old.restore, undefined);
    assertOk(old.lastModified instanceof Date);

    const now = await headObject(s3.client, { bucket: bucket.name, key: "a/b.txt" });
    assertEquals([now.size, now.metadata], [3, {}]);
    assertOk(now.versionId !== first.VersionId);

    const missing = await assertRejects(
      () => headObject(s3.client, { bucket: bucket.name, key: "nope" }),
      EngineError,
    );
    assertEquals(missing.code, "KeyNotFound");
    assertIncludes(missing.message, "Key 'nope' does not exist");

    const noVersion = await assertRejects(
      () =>
        headObject(s3.client, {
          bucket: bucket.name,
          key: "a/b.txt",
          versionId: "nOsUcHvErSiOn0000000000000000000",
        }),
      EngineError,
    );
    assertEquals(noVersion.code, "KeyNotFound");
    assertIncludes(noVersion.message, "Version 'nOsUcHvErSiOn0000000000000000000' of 'a/b.txt'");

    const worded = await assertRejects(
      () =>
        headObject(s3.client, {
          bucket: bucket.name,
          key: "nope",
          errors: {
            action: "checking 'x'",
            bucket: bucket.name,
            key: "x",
            fallback: "UploadFailed",
          },
        }),
      EngineError,
    );
    assertIncludes(worded.message, "Key 'x' does not exist");

    const controller = new AbortController();
    controller.abort();
    let aborted: unknown;
    try {
      await headObject(s3.client, {
        bucket: bucket.name,
        key: "a/b.txt",
        signal: controller.signal,
      });
    } catch (e) {
      aborted = e;
    }
    assertOk(isAbortError(aborted) && !(aborted instanceof EngineError), String(aborted));
  } finally {
    s3.destroy();
    await bucket.drop();
    raw.destroy();
  }
});
