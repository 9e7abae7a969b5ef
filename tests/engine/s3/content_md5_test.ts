/**
 * DeleteObjects (backup --delete, rm) and the other operations S3 documents as requiring it
 * carry Content-MD5, so servers without flexible checksums (older MinIO, ECS, s3proxy) take
 * them. A fault proxy plays such a server: it refuses those requests without Content-MD5.
 *
 * @module
 */

import { PutBucketLifecycleConfigurationCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { assertEquals, assertOk } from "../../support/assert.ts";
import { startS3Proxy } from "../../support/s3_proxy.ts";
import {
  createTestBucket,
  listKeys,
  rawClient,
  S3_ENDPOINT,
  s3Test,
  testSettings,
} from "../../support/test_env.ts";
import { createS3Client } from "../../../src/engine/s3/client.ts";
import { deleteKeys } from "../../../src/engine/s3/delete.ts";

Deno.test(
  s3Test("DeleteObjects carries Content-MD5 and no CRC32, so an older server takes it"),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "md5");
    const proxy = await startS3Proxy(S3_ENDPOINT!, {
      rules: [{
        action: "respond",
        match: (r) =>
          (r.op === "DeleteObjects" || r.op.startsWith("PutBucketLifecycle")) &&
          r.headers["content-md5"] === undefined,
        respond: {
          status: 400,
          code: "MissingContentMD5",
          message: "Missing required header for this request: Content-MD5",
        },
      }],
    });
    const s3 = createS3Client({ ...testSettings(bucket.name), endpoint: proxy.endpoint }, {
      maxAttempts: 1,
    });
    try {
      for (const k of ["a", "b", "c"]) {
        await raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: k, Body: k }));
      }
      const out = await deleteKeys(s3.client, bucket.name, ["a", "b"]);
      assertEquals(out.failed, []);
      assertEquals(out.deleted.sort(), ["a", "b"]);
      assertEquals(await listKeys(raw, bucket.name), ["c"]);
      const req = proxy.requests.find((r) => r.op === "DeleteObjects");
      assertOk(req, "a DeleteObjects was sent");
      assertOk(typeof req.headers["content-md5"] === "string");
      assertEquals(
        Object.keys(req.headers).filter((h) => h.startsWith("x-amz-checksum-")),
        [],
        "no CRC header next to Content-MD5",
      );
      // The lifecycle call is one of them too.
      await s3.client.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: bucket.name,
          LifecycleConfiguration: {
            Rules: [{
              ID: "t",
              Status: "Enabled",
              Filter: { Prefix: "x/" },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 3 },
            }],
          },
        }),
      );
      const lc = proxy.requests.find((r) => r.op.startsWith("PutBucketLifecycle"));
      assertOk(lc && typeof lc.headers["content-md5"] === "string", JSON.stringify(lc?.headers));
      assertEquals(createHash("md5").update("").digest("base64").length, 24);
    } finally {
      s3.destroy();
      await proxy.close();
      await bucket.drop();
      raw.destroy();
    }
  },
);
