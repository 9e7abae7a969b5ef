import {
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { assertEquals, assertOk, assertRejects } from "./assert.ts";
import { classify, startS3Proxy } from "./s3_proxy.ts";
import {
  createTestBucket,
  rawClient,
  S3_ENDPOINT,
  s3Test,
  TEST_ACCESS_KEY,
  TEST_SECRET_KEY,
} from "./test_env.ts";

function clientVia(endpoint: string, maxAttempts = 1): S3Client {
  return new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    maxAttempts,
    credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

Deno.test("proxy: S3 operations are named from method and query", () => {
  assertEquals(classify("GET", "/"), "ListBuckets");
  assertEquals(classify("GET", "/b?list-type=2&prefix=x"), "ListObjectsV2");
  assertEquals(classify("GET", "/b/k?uploadId=1"), "ListParts");
  assertEquals(classify("PUT", "/b/k?partNumber=2&uploadId=1"), "UploadPart");
  assertEquals(classify("POST", "/b/k?uploads"), "CreateMultipartUpload");
  assertEquals(classify("POST", "/b?delete"), "DeleteObjects");
  assertEquals(classify("HEAD", "/b/k"), "HeadObject");
  assertEquals(classify("HEAD", "/b"), "HeadBucket");
  assertEquals(classify("GET", "/b/dir/k.jpg"), "GetObject");
});

Deno.test(s3Test("proxy: forwards signed requests, counts them, injects faults"), async () => {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, "proxy");
  const proxy = await startS3Proxy(S3_ENDPOINT!);
  const c = clientVia(proxy.endpoint);
  try {
    await c.send(new HeadBucketCommand({ Bucket: bucket.name }));
    await c.send(
      new PutObjectCommand({ Bucket: bucket.name, Key: "k", Body: "hello world, hello proxy" }),
    );
    await c.send(new ListObjectsV2Command({ Bucket: bucket.name }));
    assertEquals(proxy.counts(), { HeadBucket: 1, PutObject: 1, ListObjectsV2: 1 });

    proxy.setRules([
      { action: "slowdown", match: (r) => r.op === "ListObjectsV2" },
      { action: "reset", match: (r) => r.op === "HeadBucket" },
      { action: "error500", match: (r) => r.op === "HeadObject" },
    ]);
    const slow = await assertRejects(
      () => c.send(new ListObjectsV2Command({ Bucket: bucket.name })),
      Error,
    );
    assertEquals(slow.name, "SlowDown");
    const reset = await assertRejects(
      () => c.send(new HeadBucketCommand({ Bucket: bucket.name })),
      Error,
    );
    assertOk(
      /socket|ECONNRESET|hang up|closed/i.test(
        `${reset.message} ${(reset as { code?: string }).code}`,
      ),
      reset.message,
    );
    const e500 = await assertRejects(
      () => c.send(new HeadObjectCommand({ Bucket: bucket.name, Key: "k" })),
      Error,
    );
    assertEquals(
      (e500 as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode,
      500,
    );
    assertEquals(proxy.faults().slowdown, 1);
    assertOk((proxy.faults().reset ?? 0) >= 1);
    assertEquals(proxy.faults().error500, 1);

    proxy.setRules([{ action: "cut-body", match: (r) => r.op === "GetObject" }]);
    const cut = await assertRejects(async () => {
      const out = await c.send(new GetObjectCommand({ Bucket: bucket.name, Key: "k" }));
      const text = await out.Body!.transformToString();
      if (text.length < 24) throw new Error(`short body: ${text.length} bytes`);
    }, Error);
    assertOk(cut.message.length > 0);

    // With retries the SDK gets through a SlowDown (Retry-After honoured).
    proxy.setRules([{ action: "slowdown", at: [proxy.requests.length + 1], retryAfter: 0 }]);
    const retrying = clientVia(proxy.endpoint, 3);
    const listed = await retrying.send(new ListObjectsV2Command({ Bucket: bucket.name }));
    assertEquals(listed.Contents?.map((o) => o.Key), ["k"]);
    retrying.destroy();
  } finally {
    c.destroy();
    await proxy.close();
    await bucket.drop();
    raw.destroy();
  }
});
