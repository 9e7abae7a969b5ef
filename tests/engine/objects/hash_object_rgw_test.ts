/**
 * verify's hashing GET against the real server: the MD5 of the bytes read beside the MD5 the
 * object claims (so a corrupt stored object shows), a missing key as KeyNotFound.
 */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { assertEquals, assertRejects } from "../../support/assert.ts";
import { createTestBucket, rawClient, s3Test, testSettings } from "../../support/test_env.ts";
import { createS3Client } from "../../../src/engine/s3/client.ts";
import { hashObject } from "../../../src/engine/objects/hash_object.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import { md5Bytes } from "../../../src/engine/core/hashing.ts";

const BODY = new TextEncoder().encode("hello, hash");

async function put(raw: S3Client, bucket: string, key: string, body: Uint8Array, meta = {}) {
  return await raw.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: meta }),
  );
}

Deno.test(s3Test("hashObject: the MD5 of the bytes and the MD5 the object claims"), async () => {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, "hash");
  const s3 = createS3Client(testSettings(bucket.name));
  try {
    const md5 = md5Bytes(BODY);
    await put(raw, bucket.name, "ok", BODY);
    // Claims another file's MD5 in md5chksum: the bytes tell the truth.
    const other = md5Bytes(new Uint8Array(1));
    await put(raw, bucket.name, "lies", BODY, { md5chksum: other.base64 });

    let read = 0;
    const ok = await hashObject({
      client: s3.client,
      bucket: bucket.name,
      key: "ok",
      onBytes: (n) => read += n,
    });
    assertEquals(ok, { actual: md5.hex, claimed: md5.hex });
    assertEquals(read, BODY.length);

    const lies = await hashObject({ client: s3.client, bucket: bucket.name, key: "lies" });
    assertEquals(lies, { actual: md5.hex, claimed: other.hex });

    const missing = await assertRejects(
      () => hashObject({ client: s3.client, bucket: bucket.name, key: "gone" }),
      EngineError,
    );
    assertEquals(missing.code, "KeyNotFound");
  } finally {
    s3.destroy();
    await bucket.drop();
    raw.destroy();
  }
});
