/**
 * AWS semantics that Ceph RGW cannot show, run against moto's server mode (the AWS-semantics
 * pass sets EIGEN_TEST_AWS_ENDPOINT): cold objects, thaw requests, version ids and delete
 * markers, uploads answered with empty `text/html` replies, storage classes in any case.
 *
 * @module
 */

import {
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { join } from "node:path";
import { assertEquals, assertIncludes } from "../support/assert.ts";
import { awsTest } from "../support/aws_env.ts";
import { randomBytes, runCli, sandbox, tempDir } from "../support/test_env.ts";

const AWS = Deno.env.get("EIGEN_TEST_AWS_ENDPOINT");

function awsClient(): S3Client {
  return new S3Client({
    endpoint: AWS,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "moto", secretAccessKey: "moto" },
  });
}

let counter = 0;
async function awsSetup() {
  const client = awsClient();
  const bucket = `aws-${Date.now().toString(36)}-${Deno.pid}-${++counter}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const box = await sandbox({
    AWS_ACCESS_KEY_ID: "moto",
    AWS_SECRET_ACCESS_KEY: "moto",
    AWS_REGION: "us-east-1",
  });
  const dir = await tempDir();
  const run = (...args: string[]) =>
    runCli(["--endpoint", AWS!, "--bucket", bucket, ...args], box.env, undefined, dir.path);
  return {
    client,
    bucket,
    dir: dir.path,
    run,
    async done() {
      client.destroy();
      await dir.cleanup();
      await box.cleanup();
    },
  };
}

Deno.test(
  awsTest("get of a GLACIER object says cold storage (exit 3) and --request-thaw thaws it"),
  async () => {
    const t = await awsSetup();
    try {
      const body = randomBytes(3000);
      await t.client.send(
        new PutObjectCommand({
          Bucket: t.bucket,
          Key: "cold/a.bin",
          Body: body,
          StorageClass: "GLACIER",
        }),
      );
      const cold = await t.run("get", "cold/a.bin");
      assertEquals(cold.code, 3, cold.stderr);
      assertIncludes(
        cold.stderr,
        "'cold/a.bin' is in GLACIER (cold storage) and no thaw was requested",
      );
      assertIncludes(cold.stderr, "get --request-thaw cold/a.bin");
      const json = await t.run("--json", "get", "cold/a.bin");
      assertEquals((json.json().at(-1)!.error as { code: string }).code, "ColdStorage");

      const asked = await t.run("get", "--request-thaw", "--days", "2", "cold/a.bin");
      assertEquals(asked.code, 3, asked.stderr);
      assertIncludes(asked.stderr, "a Standard thaw was requested (3-5 hours; readable for 2 days");
      const head = await t.client.send(
        new HeadObjectCommand({ Bucket: t.bucket, Key: "cold/a.bin" }),
      );
      assertIncludes(head.Restore ?? "", "ongoing-request");
      // moto thaws at once: the next get downloads it.
      const got = await t.run("get", "cold/a.bin");
      assertEquals(got.code, 0, got.stderr);
      assertEquals(await Deno.readFile(join(t.dir, "a.bin")), body);
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  awsTest("get --tier Expedited of a DEEP_ARCHIVE object names the tiers offered (exit 2)"),
  async () => {
    const t = await awsSetup();
    try {
      await t.client.send(
        new PutObjectCommand({
          Bucket: t.bucket,
          Key: "deep.bin",
          Body: "x",
          StorageClass: "DEEP_ARCHIVE",
        }),
      );
      const r = await t.run("get", "--request-thaw", "--tier", "Expedited", "deep.bin");
      assertEquals(r.code, 2, r.stderr);
      assertIncludes(
        r.stderr,
        "--tier: Expedited retrieval is not offered for DEEP_ARCHIVE: use Standard (within 12 hours), Bulk (within 48 hours).",
      );
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  awsTest("get --version-id: unknown version (exit 6) and a delete marker (exit 6), each named"),
  async () => {
    const t = await awsSetup();
    try {
      await t.client.send(
        new PutBucketVersioningCommand({
          Bucket: t.bucket,
          VersioningConfiguration: { Status: "Enabled" },
        }),
      );
      await t.client.send(new PutObjectCommand({ Bucket: t.bucket, Key: "k.txt", Body: "v1" }));
      await t.client.send(new DeleteObjectCommand({ Bucket: t.bucket, Key: "k.txt" }));
      const versions = await t.client.send(new ListObjectVersionsCommand({ Bucket: t.bucket }));
      const marker = versions.DeleteMarkers![0]!.VersionId!;
      const unknown = await t.run("get", "--version-id", "nonsense", "k.txt");
      assertEquals(unknown.code, 6, unknown.stderr);
      assertIncludes(unknown.stderr, "Version 'nonsense' of 'k.txt' does not exist");
      const dm = await t.run("get", "--version-id", marker, "k.txt");
      assertEquals(dm.code, 6, dm.stderr);
      assertIncludes(
        dm.stderr,
        `Version '${marker}' of 'k.txt' is a delete marker: the object was deleted`,
      );
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  awsTest("uploads answered with empty text/html replies succeed; storage classes in any case"),
  async () => {
    const t = await awsSetup();
    try {
      const big = randomBytes(3 * 1024 * 1024);
      await Deno.writeFile(join(t.dir, "big.bin"), big);
      const put = await t.run("put", join(t.dir, "big.bin"), "big.bin");
      assertEquals(put.code, 0, put.stderr);
      const src = join(t.dir, "src");
      await Deno.mkdir(src);
      await Deno.writeFile(join(src, "a.bin"), randomBytes(2 * 1024 * 1024));
      await Deno.writeTextFile(join(src, "b.txt"), "b");
      const backup = await t.run("backup", src, "p", "--storage-class", "glacier");
      assertEquals(backup.code, 0, backup.stderr);
      const head = await t.client.send(new HeadObjectCommand({ Bucket: t.bucket, Key: "p/b.txt" }));
      assertEquals(head.StorageClass, "GLACIER");
      const missing = await t.run("get", "no/such/key.txt");
      assertEquals(missing.code, 6, missing.stderr);
    } finally {
      await t.done();
    }
  },
);

Deno.test(awsTest("put --sse aws:kms and --sse AES256 store encrypted objects"), async () => {
  const t = await awsSetup();
  try {
    await Deno.writeTextFile(join(t.dir, "s.txt"), "secret-ish");
    const kms = await t.run("put", join(t.dir, "s.txt"), "kms.txt", "--sse", "aws:kms");
    assertEquals(kms.code, 0, kms.stderr);
    const aes = await t.run("put", join(t.dir, "s.txt"), "aes.txt", "--sse", "AES256");
    assertEquals(aes.code, 0, aes.stderr);
    const h1 = await t.client.send(new HeadObjectCommand({ Bucket: t.bucket, Key: "kms.txt" }));
    const h2 = await t.client.send(new HeadObjectCommand({ Bucket: t.bucket, Key: "aes.txt" }));
    assertEquals([h1.ServerSideEncryption, h2.ServerSideEncryption], ["aws:kms", "AES256"]);
  } finally {
    await t.done();
  }
});

Deno.test(
  awsTest("verify --download of a GLACIER object says cold storage, not bad keys"),
  async () => {
    const t = await awsSetup();
    try {
      const src = join(t.dir, "Photos");
      await Deno.mkdir(src);
      await Deno.writeTextFile(join(src, "a.txt"), "a");
      const backup = await t.run("backup", src, "p", "--storage-class", "GLACIER");
      assertEquals(backup.code, 0, backup.stderr);
      const r = await t.run("--json", "verify", src, "p", "--download");
      assertEquals(r.code, 3, r.stderr);
      const out = JSON.stringify(r.json());
      assertIncludes(out, "is in cold storage (GLACIER)");
      assertEquals(out.includes("configure"), false, out);
    } finally {
      await t.done();
    }
  },
);
