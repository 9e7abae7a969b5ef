import { join } from "node:path";
import {
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { assertBytes, assertEquals, assertOk, assertRejects } from "../../support/assert.ts";
import {
  createTestBucket,
  getObject,
  randomBytes,
  rawClient,
  s3Test,
  tempDir,
  testSettings,
} from "../../support/test_env.ts";
import { startS3Proxy } from "../../support/s3_proxy.ts";
import { createS3Client } from "../../../src/engine/s3/client.ts";
import { leanS3For } from "../../../src/engine/s3/lean_s3.ts";
import { downloadFile } from "../../../src/engine/objects/download.ts";
import { uploadFile } from "../../../src/engine/objects/upload.ts";
import { BandwidthLimiter } from "../../../src/engine/core/bandwidth.ts";
import { md5Bytes } from "../../../src/engine/core/hashing.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";

/** Keys whose encoding must match what the server signs: reserved, unicode, spaces. */
const KEYS = [
  "plain.txt",
  "with space/and+plus.txt",
  "ünïcödé/照片 2024.jpg",
  "sym!'()*~&=;,$@:.txt",
  "percent%20literal#hash?q.txt",
  "a//double/slash.txt",
  "trailing.dot./x",
];

async function setup(endpoint?: string) {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, "lean");
  const settings = { ...testSettings(bucket.name), ...(endpoint ? { endpoint } : {}) };
  const ctx = createS3Client(settings, { maxAttempts: 1 });
  return {
    raw,
    bucket: bucket.name,
    ctx,
    lean: leanS3For(ctx.client)!,
    async done() {
      ctx.destroy();
      await bucket.drop();
      raw.destroy();
    },
  };
}

Deno.test(
  s3Test("lean GET: exact bytes, ETag and metadata for keys that need encoding"),
  async () => {
    const t = await setup();
    try {
      assertOk(t.lean !== undefined, "a custom endpoint gets the lean GET");
      for (const [i, key] of KEYS.entries()) {
        const body = randomBytes(1000 + i * 777);
        await t.raw.send(
          new PutObjectCommand({
            Bucket: t.bucket,
            Key: key,
            Body: body,
            Metadata: { mtime: "1600000000.25", "md5chksum": "x" },
            ContentType: "text/html",
          }),
        );
        const got = await t.lean.get({ bucket: t.bucket, key, size: body.length });
        assertOk(got !== null, `lean GET of '${key}' answered`);
        assertBytes(got!.Body[0]!, body, key);
        assertEquals(got!.ETag, `"${md5Bytes(body).hex}"`, `ETag of '${key}'`);
        assertEquals(got!.Metadata.mtime, "1600000000.25");
        assertEquals(got!.ContentLength, body.length);
        assertOk(got!.LastModified instanceof Date, "Last-Modified parsed");
      }
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("lean GET: declines dot segments, size mismatches and missing keys, stays on"),
  async () => {
    const t = await setup();
    try {
      const body = randomBytes(500);
      for (const key of ["a/./b", "a/../b", "ok"]) {
        await t.raw.send(new PutObjectCommand({ Bucket: t.bucket, Key: key, Body: body }));
      }
      assertEquals(await t.lean.get({ bucket: t.bucket, key: "a/./b", size: 500 }), null);
      assertEquals(await t.lean.get({ bucket: t.bucket, key: "a/../b", size: 500 }), null);
      assertEquals(await t.lean.get({ bucket: t.bucket, key: "ok", size: 499 }), null);
      assertEquals(await t.lean.get({ bucket: t.bucket, key: "missing", size: 1 }), null);
      const again = await t.lean.get({ bucket: t.bucket, key: "ok", size: 500 });
      assertBytes(again!.Body[0]!, body, "a 404 or a size mismatch does not turn the path off");
    } finally {
      await t.done();
    }
  },
);

Deno.test(s3Test("lean GET: a versionId reads that version", "versioning"), async () => {
  const t = await setup();
  try {
    await t.raw.send(
      new PutBucketVersioningCommand({
        Bucket: t.bucket,
        VersioningConfiguration: { Status: "Enabled" },
      }),
    );
    const one = randomBytes(300);
    const first = await t.raw.send(
      new PutObjectCommand({ Bucket: t.bucket, Key: "v", Body: one }),
    );
    await t.raw.send(new PutObjectCommand({ Bucket: t.bucket, Key: "v", Body: randomBytes(300) }));
    const got = await t.lean.get({
      bucket: t.bucket,
      key: "v",
      versionId: first.VersionId!,
      size: 300,
    });
    assertBytes(got!.Body[0]!, one, "the first version");
  } finally {
    await t.done();
  }
});

Deno.test(
  s3Test("lean GET: a refused signature turns it off; downloads go on through the SDK"),
  async () => {
    const t = await setup();
    const proxy = await startS3Proxy(testSettings(t.bucket).endpoint!);
    const ctx = createS3Client({ ...testSettings(t.bucket), endpoint: proxy.endpoint }, {
      maxAttempts: 1,
    });
    const dir = await tempDir();
    try {
      const body = randomBytes(2000);
      await t.raw.send(new PutObjectCommand({ Bucket: t.bucket, Key: "f", Body: body }));
      // The first GET is answered 403 (as a server that rejects the lean request would).
      proxy.setRules([{
        action: "respond",
        at: [1],
        respond: { status: 403, code: "SignatureDoesNotMatch" },
      }]);
      for (const name of ["one", "two"]) {
        const out = await downloadFile({
          client: ctx.client,
          target: "t",
          bucket: t.bucket,
          key: "f",
          dest: join(dir.path, name),
          size: body.length,
        });
        assertEquals(out.bytes, 2000);
        assertBytes(await Deno.readFile(join(dir.path, name)), body, name);
      }
      // 403 (lean) + SDK GET for "one"; "two" goes straight through the SDK.
      assertEquals(proxy.requests.map((r) => r.op), ["GetObject", "GetObject", "GetObject"]);
      const lean = proxy.requests[0]!.headers["user-agent"] ?? "";
      assertOk(!String(lean).includes("aws-sdk"), "the first request was the lean one");
      assertOk(String(proxy.requests[2]!.headers["user-agent"]).includes("aws-sdk"), "SDK after");
    } finally {
      ctx.destroy();
      await proxy.close();
      await dir.cleanup();
      await t.done();
    }
  },
);

Deno.test(s3Test("lean GET: an unreachable endpoint declines at once"), async () => {
  const t = await setup("http://127.0.0.1:9");
  try {
    const started = performance.now();
    for (let i = 0; i < 5; i++) {
      assertEquals(await t.lean.get({ bucket: t.bucket, key: "k", size: 1 }), null);
    }
    assertOk(performance.now() - started < 3000, "no waiting on a refused connection");
  } finally {
    await t.done();
  }
});

Deno.test(s3Test("lean GET: an aborted run rejects instead of falling back"), async () => {
  const t = await setup();
  try {
    const ctl = new AbortController();
    ctl.abort();
    const err = await assertRejects(
      () => t.lean.get({ bucket: t.bucket, key: "k", size: 1, signal: ctl.signal }),
      EngineError,
    );
    assertEquals(err.code, "Interrupted");
  } finally {
    await t.done();
  }
});

Deno.test("lean GET: AWS endpoints keep the SDK path", () => {
  const aws = createS3Client({ ...testSettings("b"), endpoint: undefined });
  const awsHost = createS3Client({
    ...testSettings("b"),
    endpoint: "https://s3.eu-west-1.amazonaws.com",
  });
  try {
    assertEquals(leanS3For(aws.client), undefined);
    assertEquals(leanS3For(awsHost.client), undefined);
  } finally {
    aws.destroy();
    awsHost.destroy();
  }
});

Deno.test("lean GET: with a proxy variable set every request keeps the SDK's route", () => {
  Deno.env.set("HTTPS_PROXY", "http://127.0.0.1:9");
  const ctx = createS3Client(testSettings("b"));
  try {
    assertEquals(leanS3For(ctx.client), undefined);
  } finally {
    Deno.env.delete("HTTPS_PROXY");
    ctx.destroy();
  }
});

Deno.test(s3Test("lean PUT: exact bytes and headers for keys that need encoding"), async () => {
  const t = await setup();
  try {
    for (const [i, key] of KEYS.entries()) {
      const body = randomBytes(900 + i * 555);
      const md5 = md5Bytes(body);
      const etag = await t.lean.put({
        bucket: t.bucket,
        key,
        body,
        md5,
        headers: { "content-type": "image/jpeg", "x-amz-meta-mtime": "1600000000.5" },
      });
      assertEquals(etag, `"${md5.hex}"`, `ETag of '${key}'`);
      assertBytes((await getObject(t.raw, t.bucket, key)).bytes, body, key);
      const head = await t.raw.send(new HeadObjectCommand({ Bucket: t.bucket, Key: key }));
      assertEquals(head.ContentType, "image/jpeg");
      assertEquals(head.Metadata?.mtime, "1600000000.5");
    }
  } finally {
    await t.done();
  }
});

Deno.test(
  s3Test("lean PUT: a body that does not match its MD5 is refused, not stored"),
  async () => {
    const t = await setup();
    try {
      const body = randomBytes(1000);
      const wrong = md5Bytes(randomBytes(1000));
      const etag = await t.lean.put({
        bucket: t.bucket,
        key: "bad",
        body,
        md5: wrong,
        headers: {},
      });
      assertEquals(etag, null);
      const err = await assertRejects(() => getObject(t.raw, t.bucket, "bad"), Error);
      assertOk(/NoSuchKey|not found/i.test(`${err.name} ${err.message}`), err.message);
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("lean PUT: uploads take it; a paced upload goes through the SDK"),
  async () => {
    const t = await setup();
    const proxy = await startS3Proxy(testSettings(t.bucket).endpoint!);
    const ctx = createS3Client({ ...testSettings(t.bucket), endpoint: proxy.endpoint });
    const dir = await tempDir();
    try {
      const path = join(dir.path, "photo.jpg");
      const body = randomBytes(4096);
      await Deno.writeFile(path, body);
      await Deno.utime(path, new Date(), new Date(1_600_000_000_000));
      const st = await Deno.stat(path);
      const base = {
        client: ctx.client,
        target: "t",
        bucket: t.bucket,
        path,
        size: st.size,
        mtimeMs: st.mtime!.getTime(),
        contentType: "image/jpeg",
      };
      await uploadFile({ ...base, key: "lean", metadata: { caption: "cafe au lait" } });
      await uploadFile({
        ...base,
        key: "paced",
        metadata: { caption: "cafe au lait" },
        limiter: new BandwidthLimiter(10 * 1024 * 1024),
      });
      const agents = proxy.requests.map((r) => String(r.headers["user-agent"] ?? ""));
      assertEquals(proxy.requests.map((r) => r.op), ["PutObject", "PutObject"]);
      assertOk(!agents[0]!.includes("aws-sdk"), "the plain upload took the lean PUT");
      assertOk(agents[1]!.includes("aws-sdk"), "the paced upload went through the SDK");
      for (const key of ["lean", "paced"]) {
        assertBytes((await getObject(t.raw, t.bucket, key)).bytes, body, key);
        const head = await t.raw.send(new HeadObjectCommand({ Bucket: t.bucket, Key: key }));
        assertEquals(head.Metadata?.mtime, "1600000000", `${key} mtime`);
        assertEquals(head.Metadata?.md5chksum, md5Bytes(body).base64, `${key} md5chksum`);
        assertEquals(head.ContentType, "image/jpeg");
        assertEquals(head.Metadata?.caption, "cafe au lait", `${key} metadata`);
      }
    } finally {
      ctx.destroy();
      await proxy.close();
      await dir.cleanup();
      await t.done();
    }
  },
);

Deno.test(s3Test("lean GET: a third answer that is not the plain case turns it off"), async () => {
  const t = await setup();
  try {
    const body = randomBytes(700);
    await t.raw.send(new PutObjectCommand({ Bucket: t.bucket, Key: "k", Body: body }));
    for (let i = 0; i < 3; i++) {
      assertEquals(await t.lean.get({ bucket: t.bucket, key: "k", size: 701 }), null);
    }
    assertEquals(
      await t.lean.get({ bucket: t.bucket, key: "k", size: 700 }),
      null,
      "off after three declined answers: the SDK's way from now on",
    );
  } finally {
    await t.done();
  }
});
