/**
 * AWS answers that used to get the wrong words: a cold object is not a credential problem, and a
 * version id that is malformed, unknown or a delete marker each gets its own message and code.
 * The raw shapes are the SDK's for AWS's answers (HEAD errors have no body: only status and
 * headers), as seen through a fault proxy and moto.
 *
 * @module
 */

import { assertEquals, assertIncludes } from "../../support/assert.ts";
import { toEngineError } from "../../../src/engine/s3/sdk_errors.ts";

const ctx = {
  action: "download of 'photos/a.jpg'",
  endpoint: "http://h:1",
  bucket: "b",
  key: "photos/a.jpg",
};

function sdk(
  name: string,
  status: number,
  headers: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): Error {
  return Object.assign(new Error(name), {
    name,
    $metadata: { httpStatusCode: status },
    $response: { statusCode: status, headers },
    ...extra,
  });
}

Deno.test("InvalidObjectState: cold storage with its class and how to thaw, exit 3 (pending)", () => {
  const e = toEngineError(
    sdk("InvalidObjectState", 403, {}, { StorageClass: "DEEP_ARCHIVE" }),
    ctx,
  );
  assertEquals(e.code, "ColdStorage");
  assertEquals(e.exitCode, 3);
  assertIncludes(e.message, "'photos/a.jpg' is in cold storage (DEEP_ARCHIVE)");
  assertIncludes(e.message, "--request-thaw");
});

Deno.test("version ids: malformed (exit 2), no such version (exit 6), delete marker (exit 6)", () => {
  const v = { ...ctx, versionId: "nonsense" };
  const malformed = toEngineError(sdk("Unknown", 400), v); // a HEAD's 400 has no code
  assertEquals([malformed.code, malformed.exitCode, malformed.field], [
    "UsageError",
    2,
    "--version-id",
  ]);
  assertIncludes(malformed.message, "'nonsense' is not a valid version id");
  const bodyful = toEngineError(sdk("InvalidArgument", 400), v);
  assertEquals(bodyful.exitCode, 2);

  const missing = toEngineError(sdk("NoSuchVersion", 404), { ...ctx, versionId: "3HL4kq" });
  assertEquals([missing.code, missing.exitCode], ["KeyNotFound", 6]);
  assertIncludes(missing.message, "Version '3HL4kq' of 'photos/a.jpg' does not exist");
  const headMissing = toEngineError(sdk("NotFound", 404), { ...ctx, versionId: "3HL4kq" });
  assertIncludes(headMissing.message, "Version '3HL4kq' of 'photos/a.jpg' does not exist");

  const marker = toEngineError(
    sdk("Unknown", 405, {
      "x-amz-delete-marker": "true",
      "last-modified": "Sun, 06 Dec 2026 05:28:03 GMT",
    }),
    { ...ctx, versionId: "dm1" },
  );
  assertEquals([marker.code, marker.exitCode], ["KeyNotFound", 6]);
  assertIncludes(
    marker.message,
    "Version 'dm1' of 'photos/a.jpg' is a delete marker: the object was deleted at 2026-12-06T05:28:03.000Z",
  );
});

Deno.test("without a version id, a 400 HEAD keeps its credential hint and a 403 stays access denied", () => {
  assertEquals(toEngineError(sdk("Unknown", 400), ctx).code, "InvalidCredentials");
  assertEquals(toEngineError(sdk("AccessDenied", 403), ctx).code, "AccessDenied");
});
