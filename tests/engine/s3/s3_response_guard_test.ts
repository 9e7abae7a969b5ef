/** The check that a response can be S3's: HTML pages and ETag-less object answers are refused. */

import { assertEquals } from "../../support/assert.ts";
import { notS3Reason } from "../../../src/engine/s3/s3_response_guard.ts";

const html = { "content-type": "text/html; charset=utf-8" };
const xml = { "content-type": "application/xml" };

Deno.test("notS3Reason: HTML successes and 4xx pages, and object answers without an ETag", () => {
  const table: Array<[string, number, Record<string, string>, string | undefined]> = [
    ["ListObjectsV2Command", 200, html, "an HTML page"],
    ["HeadBucketCommand", 200, html, "an HTML page"],
    ["PutObjectCommand", 200, { ...html, etag: '"x"' }, "an HTML page"],
    ["PutObjectCommand", 200, {}, "a reply without an ETag"],
    ["UploadPartCommand", 200, xml, "a reply without an ETag"],
    ["GetObjectCommand", 200, html, "a reply without an ETag"],
    ["HeadBucketCommand", 404, html, "an HTML page"],
    ["GetObjectCommand", 403, html, "an HTML page"],
    // Real S3 answers.
    ["ListObjectsV2Command", 200, xml, undefined],
    ["HeadBucketCommand", 200, {}, undefined],
    ["PutObjectCommand", 200, { ETag: '"abc"' }, undefined],
    ["GetObjectCommand", 200, { ...html, etag: '"abc"' }, undefined], // a backed-up .html file
    ["HeadObjectCommand", 206, { ...html, etag: '"abc"' }, undefined],
    ["CompleteMultipartUploadCommand", 200, xml, undefined], // RGW: <ETag></ETag>
    ["HeadBucketCommand", 404, xml, undefined],
    ["HeadObjectCommand", 403, {}, undefined],
    // moto labels every empty answer text/html: an empty body is no captive portal.
    ["PutObjectCommand", 200, { ...html, "content-length": "0", etag: '"abc"' }, undefined],
    ["UploadPartCommand", 200, { ...html, "content-length": "0", etag: '"abc"' }, undefined],
    ["PutBucketLifecycleConfigurationCommand", 200, { ...html, "content-length": "0" }, undefined],
    ["RestoreObjectCommand", 202, { ...html, "content-length": "0" }, undefined],
    ["HeadObjectCommand", 404, { ...html, "content-length": "0" }, undefined],
    ["HeadBucketCommand", 404, { ...html, "content-length": "0" }, undefined],
    ["PutObjectCommand", 200, { ...html, "content-length": "0" }, "a reply without an ETag"],
    ["ListObjectsV2Command", 200, { ...html, "content-length": "1234" }, "an HTML page"],
    // A 5xx page from a proxy in front of a real server stays a retryable server error.
    ["PutObjectCommand", 503, html, undefined],
    ["ListObjectsV2Command", 502, html, undefined],
  ];
  for (const [command, statusCode, headers, want] of table) {
    assertEquals(notS3Reason(command, { statusCode, headers }), want, `${command} ${statusCode}`);
  }
});
