/**
 * AWS semantics that Ceph RGW cannot show (run in the AWS-semantics pass, on moto): an object put
 * in GLACIER is stored in GLACIER, and reading it before a thaw is refused with 403
 * InvalidObjectState.
 */

import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { join } from "node:path";
import { assertEquals } from "../support/assert.ts";
import { awsClient, awsEnvFor, awsTest } from "../support/aws_env.ts";
import { createTestBucket, runCli, sandbox, writeFile } from "../support/test_env.ts";

Deno.test(
  awsTest(
    "put --storage-class GLACIER: stored in GLACIER, a GET is 403 InvalidObjectState",
    "cold-storage",
  ),
  async () => {
    const aws = awsClient();
    const bucket = await createTestBucket(aws, "aws-glacier");
    const box = await sandbox();
    try {
      const file = join(box.home, "photo.jpg");
      await writeFile(file, 4096);
      const r = await runCli(
        ["--bucket", bucket.name, "put", file, "cold/photo.jpg", "--storage-class", "GLACIER"],
        { ...box.env, ...awsEnvFor(bucket.name) },
      );
      assertEquals([r.code, r.stderr], [0, ""]);
      const head = await aws.send(
        new HeadObjectCommand({ Bucket: bucket.name, Key: "cold/photo.jpg" }),
      );
      assertEquals([head.StorageClass, head.ContentLength], ["GLACIER", 4096]);
      const err = await aws.send(
        new GetObjectCommand({ Bucket: bucket.name, Key: "cold/photo.jpg" }),
      )
        .then(() => null, (e) => e as { name: string; $metadata?: { httpStatusCode?: number } });
      assertEquals([err?.name, err?.$metadata?.httpStatusCode], ["InvalidObjectState", 403]);
    } finally {
      await bucket.drop();
      aws.destroy();
      await box.cleanup();
    }
  },
);
