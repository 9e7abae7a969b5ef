import { assertEquals } from "../../support/assert.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import { toEngineError } from "../../../src/engine/s3/sdk_errors.ts";
import { SecretStoreError } from "../../../src/secrets/secret_store.ts";

const ctx = { action: "upload of 'a'", endpoint: "http://h:1", bucket: "b" };

function sdk(name: string, status?: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(extra.message as string ?? name), {
    name,
    $metadata: { httpStatusCode: status },
    ...extra,
  });
}

Deno.test("SDK and network errors map to codes with actionable messages", () => {
  const table: Array<[unknown, string, number, string]> = [
    [
      sdk("NoSuchBucket", 404),
      "BucketNotFound",
      6,
      "Bucket 'b' does not exist at http://h:1: create it or pick another with --bucket.",
    ],
    [sdk("NotFound", 404), "BucketNotFound", 6, "Bucket 'b' does not exist"],
    [
      sdk("SignatureDoesNotMatch", 403),
      "InvalidCredentials",
      5,
      "secret access key does not match",
    ],
    [sdk("InvalidAccessKeyId", 403), "InvalidCredentials", 5, "access key id is not known"],
    [sdk("ExpiredToken", 400), "InvalidCredentials", 5, "session token is expired"],
    [
      sdk("Unknown", 400),
      "InvalidCredentials",
      5,
      "(HTTP 400, no details) during upload of 'a': the session",
    ],
    [sdk("AccessDenied", 403), "AccessDenied", 5, "Access denied to 'b'"],
    [
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      "NetworkError",
      7,
      "(connection refused)",
    ],
    [
      Object.assign(new Error("x"), { cause: { code: "ENOTFOUND" } }),
      "NetworkError",
      7,
      "host name not found",
    ],
    [sdk("TimeoutError"), "NetworkError", 7, "timed out"],
    [
      sdk("Error", 200, { message: "Deserialization error: char 'h' is not expected" }),
      "SdkError",
      1,
      "did not answer like an S3 server",
    ],
    [
      Object.assign(new Error("aborted"), { name: "AbortError" }),
      "Interrupted",
      130,
      "Interrupted",
    ],
    [
      new SecretStoreError(
        "keychain",
        "no Secret Service on this session",
        "use --secret-backend file",
      ),
      "SecretStoreError",
      1,
      "use --secret-backend file",
    ],
  ];
  for (const [input, code, exit, needle] of table) {
    const e = toEngineError(input, ctx);
    assertEquals([e.code, e.exitCode], [code, exit], `for ${String((input as Error).name)}`);
    if (!e.message.includes(needle)) throw new Error(`"${e.message}" lacks "${needle}"`);
  }
  const keyed = toEngineError(sdk("NoSuchKey", 404), { ...ctx, key: "k" });
  assertEquals(keyed.code, "KeyNotFound");
  const slow = toEngineError(sdk("SlowDown", 503), { ...ctx, fallback: "UploadFailed" });
  assertEquals([slow.code, slow.retryable], ["UploadFailed", true]);
  const same = new EngineError("UnsafeOperation", "no");
  assertEquals(toEngineError(same, ctx), same);
});
