/**
 * Removing named objects (engine/objects/remove_objects.ts): keys are checked before anything
 * is sent; against the server, existing keys are deleted and missing ones come back as
 * KeyNotFound in the order given; each key names exactly one object (no normalisation), keys
 * XML cannot carry are deleted one by one, and keys are shown relative to the path prefix.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { assertEquals, assertOk, assertThrows } from "../../support/assert.ts";
import {
  createTestBucket,
  listKeys,
  rawClient,
  s3Test,
  testSettings,
} from "../../support/test_env.ts";
import { createS3Client } from "../../../src/engine/s3/client.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import { checkRemoveKeys, removeObjects } from "../../../src/engine/objects/remove_objects.ts";

Deno.test("rm keys: each once in the order given; an empty key deletes nothing", () => {
  assertEquals(checkRemoveKeys(["b", "a", "b", "/c"]), ["b", "a", "/c"]);
  for (const bad of [[""], ["a", "/"], ["//"]]) {
    const e = assertThrows(() => checkRemoveKeys(bad), EngineError);
    assertEquals([e.code, e.message], ["UsageError", "An empty key was given: nothing deleted."]);
  }
});

Deno.test(
  s3Test("rm: deletes what exists, reports what does not, touches nothing else"),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "rmobj");
    const s3 = createS3Client(testSettings(bucket.name));
    const put = (key: string) =>
      raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: key }));
    const rm = (keys: string[], pathPrefix = "") =>
      removeObjects({ client: s3.client, bucket: bucket.name, pathPrefix, keys });
    try {
      for (
        const k of ["a.txt", "b.txt", "abs", "/abs", "caf\u00e9", "cafe\u0301", "ctl\u0001.txt"]
      ) {
        await put(k);
      }
      await put("team/x.txt");

      const some = await rm(["z-missing", "b.txt", "a.txt", "y-missing"]);
      assertEquals(some.deleted, ["a.txt", "b.txt"]);
      assertEquals(some.errors.map((e) => [e.key, e.code]), [
        ["z-missing", "KeyNotFound"],
        ["y-missing", "KeyNotFound"],
      ]);
      assertOk(some.errors[0]!.message.includes("Key 'z-missing' does not exist"));

      // Exactly the key typed: "/abs" is not "abs", an NFD name is not its NFC twin.
      const exact = await rm(["/abs", "cafe\u0301", "ctl\u0001.txt"]);
      assertEquals(exact, { deleted: ["ctl\u0001.txt", "/abs", "cafe\u0301"], errors: [] });
      assertEquals(await listKeys(raw, bucket.name), ["abs", "caf\u00e9", "team/x.txt"]);

      const none = await rm(["nothing", "here"]);
      assertEquals(none.deleted, []);
      assertEquals(none.errors.map((e) => e.code), ["KeyNotFound", "KeyNotFound"]);

      const prefixed = await rm(["x.txt"], "team/");
      assertEquals(prefixed, { deleted: ["x.txt"], errors: [] });
      assertEquals(await listKeys(raw, bucket.name), ["abs", "caf\u00e9"]);
    } finally {
      s3.destroy();
      await bucket.drop();
      raw.destroy();
    }
  },
);
