/**
 * AWS's answers that RGW never gives, played by a fault proxy in front of RGW: an upload
 * answered with an empty `text/html` reply (moto's habit), a GET answered 403
 * InvalidObjectState (an object in Glacier), and a HEAD of a version id answered 405 with
 * `x-amz-delete-marker` (a delete marker). Each gets the right words and exit code.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { assertEquals, assertIncludes } from "../../support/assert.ts";
import { startS3Proxy } from "../../support/s3_proxy.ts";
import {
  createTestBucket,
  rawClient,
  runCli,
  S3_ENDPOINT,
  s3EnvFor,
  s3Test,
  sandbox,
  tempDir,
} from "../../support/test_env.ts";

Deno.test(
  s3Test("fault proxy: empty text/html PUT answer, 403 InvalidObjectState, 405 delete marker"),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "awsans");
    const proxy = await startS3Proxy(S3_ENDPOINT!);
    const box = await sandbox({ ...s3EnvFor(bucket.name), AWS_ENDPOINT_URL: proxy.endpoint });
    const dir = await tempDir();
    const cli = (...args: string[]) =>
      runCli(["--bucket", bucket.name, ...args], box.env, undefined, dir.path);
    try {
      // 1. A PUT that the server took, answered like moto does: 200, text/html, empty, with ETag.
      const body = "hello html-labelled world";
      await Deno.writeTextFile(join(dir.path, "f.txt"), body);
      const md5 = createHash("md5").update(body).digest("hex");
      proxy.setRules([{
        action: "respond",
        match: (r) => r.method === "PUT" && r.key === "f.txt",
        respond: {
          status: 200,
          body: "",
          headers: {
            "content-type": "text/html; charset=utf-8",
            "content-length": "0",
            etag: `"${md5}"`,
          },
        },
      }]);
      const put = await cli("put", join(dir.path, "f.txt"), "f.txt");
      assertEquals(put.code, 0, put.stderr);

      // 2. A GET answered 403 InvalidObjectState: cold storage, exit 3, never "check your keys".
      await raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: "cold.jpg", Body: "x" }));
      proxy.setRules([{
        action: "respond",
        match: (r) => r.method === "GET" && r.key === "cold.jpg",
        respond: {
          status: 403,
          body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidObjectState</Code>' +
            "<Message>The operation is not valid for the object's storage class</Message>" +
            "<StorageClass>DEEP_ARCHIVE</StorageClass></Error>",
        },
      }]);
      const cold = await cli("get", "cold.jpg", join(dir.path, "cold.jpg"));
      assertEquals(cold.code, 3, cold.stderr);
      assertIncludes(cold.stderr, "'cold.jpg' is in cold storage (DEEP_ARCHIVE)");
      assertEquals(cold.stderr.includes("configure"), false, cold.stderr);

      // 3. A HEAD of a version id answered 405 with x-amz-delete-marker: a delete marker, exit 6.
      proxy.setRules([{
        action: "respond",
        match: (r) => r.method === "HEAD" && r.key === "gone.txt",
        respond: {
          status: 405,
          body: "",
          headers: {
            "x-amz-delete-marker": "true",
            "last-modified": "Sun, 06 Dec 2026 05:28:03 GMT",
            allow: "DELETE",
          },
        },
      }]);
      const marker = await cli(
        "get",
        "gone.txt",
        "--version-id",
        "v-marker",
        join(dir.path, "g.txt"),
      );
      assertEquals(marker.code, 6, marker.stderr);
      assertIncludes(
        marker.stderr,
        "Version 'v-marker' of 'gone.txt' is a delete marker: the object was deleted at 2026-12-06T05:28:03.000Z",
      );
    } finally {
      await dir.cleanup();
      await box.cleanup();
      await proxy.close();
      await bucket.drop();
      raw.destroy();
    }
  },
);
