/**
 * Cold storage (RGW has no Glacier): the Restore header, expected waits, RestoreObject request
 * building, and the whole restore flow (dry run, pending, --request-thaw, a later run that
 * downloads what thawed) against a fake S3 client that behaves like AWS for these calls.
 */
import { join } from "node:path";
import { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import { assertEquals, assertOk, assertRejects } from "../../support/assert.ts";
import { tempDir } from "../../support/test_env.ts";
import {
  expectedWait,
  needsThaw,
  parseRestoreHeader,
  parseTier,
  requestThaw,
  restoreObjectInput,
} from "../../../src/engine/s3/cold_storage.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import { md5Bytes } from "../../../src/engine/core/hashing.ts";
import { runRestore } from "../../../src/engine/restore/restore.ts";

Deno.test("parseRestoreHeader: frozen, thawing, thawed with expiry", () => {
  assertEquals(parseRestoreHeader(undefined), { state: "frozen" });
  assertEquals(parseRestoreHeader('ongoing-request="true"'), { state: "thawing" });
  assertEquals(
    parseRestoreHeader('ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"'),
    { state: "thawed", expiry: "Fri, 21 Dec 2012 00:00:00 GMT" },
  );
});

Deno.test("expected waits per class and tier (AWS's published times)", () => {
  assertEquals(expectedWait("GLACIER", "Expedited")?.text, "1-5 minutes");
  assertEquals(expectedWait("GLACIER", "Standard")?.text, "3-5 hours");
  assertEquals(expectedWait("GLACIER", "Bulk")?.text, "5-12 hours");
  assertEquals(expectedWait("DEEP_ARCHIVE", "Standard")?.text, "within 12 hours");
  assertEquals(expectedWait("DEEP_ARCHIVE", "Bulk")?.text, "within 48 hours");
  assertEquals(expectedWait("DEEP_ARCHIVE", "Expedited"), undefined);
  assertOk(needsThaw("GLACIER") && needsThaw("DEEP_ARCHIVE"));
  assertOk(!needsThaw("GLACIER_IR") && !needsThaw("STANDARD_IA") && !needsThaw("STANDARD"));
  assertEquals(parseTier("bulk"), "Bulk");
  const e = (() => {
    try {
      parseTier("fast");
    } catch (err) {
      return err as EngineError;
    }
  })();
  assertEquals(e?.code, "UsageError");
});

Deno.test("restoreObjectInput: days, tier and version", () => {
  assertEquals(restoreObjectInput({ bucket: "b", key: "k", days: 3, tier: "Bulk" }), {
    Bucket: "b",
    Key: "k",
    RestoreRequest: { Days: 3, GlacierJobParameters: { Tier: "Bulk" } },
  });
  assertEquals(
    restoreObjectInput({ bucket: "b", key: "k", versionId: "v9", days: 1, tier: "Standard" })
      .VersionId,
    "v9",
  );
});

Deno.test("requestThaw: 202 requested, 200 already thawed, 409 in progress, else an error", async () => {
  const answer = (fn: () => unknown) => ({ send: () => Promise.resolve().then(fn) }) as never;
  const req = { bucket: "b", key: "k", days: 1, tier: "Standard" as const };
  assertEquals(
    await requestThaw(answer(() => ({ $metadata: { httpStatusCode: 202 } })), req),
    "requested",
  );
  assertEquals(
    await requestThaw(answer(() => ({ $metadata: { httpStatusCode: 200 } })), req),
    "already-thawed",
  );
  const conflict = () => {
    throw Object.assign(new Error("busy"), {
      name: "RestoreAlreadyInProgress",
      $metadata: { httpStatusCode: 409 },
    });
  };
  assertEquals(await requestThaw(answer(conflict), req), "in-progress");
  const denied = () => {
    throw Object.assign(new Error("no"), {
      name: "AccessDenied",
      $metadata: { httpStatusCode: 403 },
    });
  };
  const err = await assertRejects(() => requestThaw(answer(denied), req), EngineError);
  assertEquals(err.code, "AccessDenied");
});

interface FakeObject {
  bytes: Uint8Array;
  storageClass: string;
  thaw?: "frozen" | "thawing" | "thawed";
}

/** A fake S3 client: ListObjectsV2, HeadObject, RestoreObject, GetObject, like AWS answers them. */
function fakeS3(objects: Record<string, FakeObject>) {
  const calls: Array<{ op: string; input: Record<string, unknown> }> = [];
  const etag = (o: FakeObject) => `"${md5Bytes(o.bytes).hex}"`;
  const lastModified = new Date(Date.UTC(2025, 5, 1));
  const fail = (name: string, status: number) =>
    Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
  const client = {
    send(cmd: { constructor: { name: string }; input: Record<string, unknown> }) {
      const op = cmd.constructor.name.replace(/Command$/, "");
      calls.push({ op, input: cmd.input });
      const o = objects[String(cmd.input.Key)];
      switch (op) {
        case "ListObjectsV2":
          return Promise.resolve({
            Contents: Object.keys(objects).sort().map((k) => ({
              Key: k,
              Size: objects[k]!.bytes.length,
              ETag: etag(objects[k]!),
              StorageClass: objects[k]!.storageClass,
              LastModified: lastModified,
            })),
            IsTruncated: false,
          });
        case "HeadObject":
          return Promise.resolve({
            ETag: etag(o!),
            ContentLength: o!.bytes.length,
            StorageClass: o!.storageClass,
            Metadata: {},
            ...(o!.thaw === "thawing" ? { Restore: 'ongoing-request="true"' } : {}),
            ...(o!.thaw === "thawed"
              ? { Restore: 'ongoing-request="false", expiry-date="Fri, 23 Dec 2039 00:00:00 GMT"' }
              : {}),
          });
        case "RestoreObject":
          if (o!.thaw === "thawing") return Promise.reject(fail("RestoreAlreadyInProgress", 409));
          o!.thaw = "thawing";
          return Promise.resolve({ $metadata: { httpStatusCode: 202 } });
        case "GetObject":
          if (needsThaw(o!.storageClass) && o!.thaw !== "thawed") {
            return Promise.reject(fail("InvalidObjectState", 403));
          }
          return Promise.resolve({
            Body: Readable.from([o!.bytes]),
            ETag: etag(o!),
            ContentLength: o!.bytes.length,
            LastModified: lastModified,
            Metadata: {},
          });
      }
      return Promise.reject(new Error(`fake S3: ${op} not implemented`));
    },
  } as unknown as S3Client;
  return { client, calls, count: (op: string) => calls.filter((c) => c.op === op).length };
}

Deno.test("cold restore: dry run estimates, pending exit 3, --request-thaw, later run downloads thawed", async () => {
  const dir = await tempDir();
  try {
    const enc = (s: string) => new TextEncoder().encode(s);
    const objects: Record<string, FakeObject> = {
      "p/hot.txt": { bytes: enc("hot"), storageClass: "STANDARD" },
      "p/ir.txt": { bytes: enc("instant"), storageClass: "GLACIER_IR" },
      "p/g1.jpg": { bytes: enc("glacier one"), storageClass: "GLACIER" },
      "p/g2.jpg": { bytes: enc("glacier two!"), storageClass: "GLACIER" },
      "p/deep.mov": { bytes: enc("deep archive"), storageClass: "DEEP_ARCHIVE" },
    };
    const s3 = fakeS3(objects);
    const dest = join(dir.path, "out");
    const base = {
      client: s3.client,
      target: "fake|b",
      bucket: "b",
      keyPrefix: "p/",
      localFolder: dest,
    };

    // 1. Dry run: counts, bytes and the wait of the chosen tier; nothing sent, nothing written.
    const dry = await runRestore({ ...base, dryRun: true, requestThaw: { tier: "Bulk" } });
    assertEquals(dry.exitCode, 0);
    assertEquals(dry.report.cold, [
      {
        storage_class: "DEEP_ARCHIVE",
        files: 1,
        bytes: 12,
        frozen: 1,
        thawing: 0,
        thawed: 0,
        thaw_requested: 0,
        tier: "Bulk",
        expected_wait: "within 48 hours",
      },
      {
        storage_class: "GLACIER",
        files: 2,
        bytes: 23,
        frozen: 2,
        thawing: 0,
        thawed: 0,
        thaw_requested: 0,
        tier: "Bulk",
        expected_wait: "5-12 hours",
      },
    ]);
    assertEquals(s3.count("RestoreObject") + s3.count("GetObject"), 0);
    assertOk(!(await Deno.stat(dest).catch(() => null)), "a dry run creates nothing");

    // 2. Plain run: the readable objects are restored, the cold ones are pending (exit 3).
    const first = await runRestore(base);
    assertEquals(first.exitCode, 3);
    assertEquals(first.report.files_downloaded, 2);
    assertEquals(first.report.files_pending, 3);
    assertEquals(first.report.errors, []);
    assertEquals(s3.count("RestoreObject"), 0);
    assertEquals(s3.count("GetObject"), 2, "no GET is wasted on frozen objects");
    assertEquals(await Deno.readTextFile(join(dest, "ir.txt")), "instant");

    // 3. --request-thaw: one RestoreObject per frozen object with the given days and tier.
    const thaw = await runRestore({ ...base, requestThaw: { days: 3, tier: "Bulk" } });
    assertEquals(thaw.exitCode, 3);
    const restores = s3.calls.filter((c) => c.op === "RestoreObject").map((c) => c.input);
    assertEquals(restores.map((r) => r.Key).sort(), ["p/deep.mov", "p/g1.jpg", "p/g2.jpg"]);
    for (const r of restores) {
      assertEquals(r.RestoreRequest, { Days: 3, GlacierJobParameters: { Tier: "Bulk" } });
    }
    assertEquals(
      thaw.report.cold.map((c) => [c.storage_class, c.thaw_requested, c.thawing, c.frozen]),
      [
        ["DEEP_ARCHIVE", 1, 1, 0],
        ["GLACIER", 2, 2, 0],
      ],
    );
    assertEquals(
      thaw.plan.find((i) => i.key === "p/g1.jpg")?.reason,
      "in GLACIER: thaw requested (Bulk, expected 5-12 hours, readable for 3 days)",
    );

    // 4. Asking again while thawing sends nothing new (HEAD says ongoing).
    const again = await runRestore({ ...base, requestThaw: { days: 3, tier: "Bulk" } });
    assertEquals(s3.count("RestoreObject"), 3);
    assertEquals(again.report.files_pending, 3);

    // 5. One object thawed: the next run downloads it, the rest stay pending.
    objects["p/g1.jpg"]!.thaw = "thawed";
    const later = await runRestore(base);
    assertEquals(later.report.files_downloaded, 1);
    assertEquals(later.report.files_pending, 2);
    assertEquals(await Deno.readTextFile(join(dest, "g1.jpg")), "glacier one");
    assertEquals(later.exitCode, 3);

    // 6. Expedited is not offered for Deep Archive: that object is reported, GLACIER is not.
    objects["p/deep.mov"]!.thaw = "frozen";
    const exp = await runRestore({ ...base, requestThaw: { tier: "Expedited" } });
    assertEquals(exp.report.errors.map((e) => [e.key, e.code]), [["p/deep.mov", "UsageError"]]);

    // 7. All thawed: everything is restored, exit 0.
    for (const k of ["p/g2.jpg", "p/deep.mov"]) objects[k]!.thaw = "thawed";
    const done = await runRestore(base);
    assertEquals(done.exitCode, 0);
    assertEquals(done.report.files_downloaded, 2);
    assertEquals(await Deno.readTextFile(join(dest, "deep.mov")), "deep archive");
  } finally {
    await dir.cleanup();
  }
});
