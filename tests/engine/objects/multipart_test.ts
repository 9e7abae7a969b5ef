/** The multipart ETag computed locally equals the one the server lists (RGW leaves it empty in
 * its CompleteMultipartUpload answer, so eigen-s3 computes it); the part size of a file. */

import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { assertEquals } from "../../support/assert.ts";
import { createTestBucket, randomBytes, rawClient, s3Test } from "../../support/test_env.ts";
import { choosePartSize, multipartEtag } from "../../../src/engine/objects/multipart.ts";

Deno.test(
  s3Test("multipartEtag: MD5 of the part MD5s, '-', the part count, as S3 lists it"),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "mpetag");
    try {
      const { UploadId } = await raw.send(
        new CreateMultipartUploadCommand({ Bucket: bucket.name, Key: "k" }),
      );
      const parts = [randomBytes(5 * 1024 * 1024), randomBytes(5 * 1024 * 1024), randomBytes(1000)];
      const etags: string[] = [];
      for (const [i, body] of parts.entries()) {
        const out = await raw.send(
          new UploadPartCommand({
            Bucket: bucket.name,
            Key: "k",
            UploadId,
            PartNumber: i + 1,
            Body: body,
          }),
        );
        etags.push(out.ETag!.replaceAll('"', ""));
      }
      await raw.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket.name,
          Key: "k",
          UploadId,
          MultipartUpload: { Parts: etags.map((e, i) => ({ ETag: `"${e}"`, PartNumber: i + 1 })) },
        }),
      );
      const head = await raw.send(new HeadObjectCommand({ Bucket: bucket.name, Key: "k" }));
      assertEquals(multipartEtag(etags), head.ETag!.replaceAll('"', ""));
      assertEquals(multipartEtag(etags).endsWith("-3"), true);
    } finally {
      await bucket.drop();
      raw.destroy();
    }
  },
);

Deno.test("part sizes: 8 MiB, growing in whole MiB so 5 TiB fits in 10,000 parts", () => {
  const MiB = 1024 * 1024;
  assertEquals(choosePartSize(20 * MiB), 8 * MiB);
  assertEquals(choosePartSize(100 * 1024 * MiB), 11 * MiB);
  const huge = 5 * 1024 * 1024 * MiB; // 5 TiB, S3's object limit
  const part = choosePartSize(huge);
  assertEquals(Math.ceil(huge / part) <= 10_000, true);
  assertEquals(part % MiB, 0);
});
