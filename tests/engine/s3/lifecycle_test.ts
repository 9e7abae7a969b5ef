import {
  GetBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  PutBucketLifecycleConfigurationCommand,
} from "@aws-sdk/client-s3";
import {
  describeRule,
  getLifecycleRules,
  mergeRules,
  putLifecycleRules,
  ruleId,
} from "../../../src/engine/s3/lifecycle.ts";
import { createS3Client } from "../../../src/engine/s3/client.ts";
import { assertEquals, assertOk } from "../../support/assert.ts";
import { createTestBucket, rawClient, s3Test, testSettings } from "../../support/test_env.ts";

const other: LifecycleRule = {
  ID: "keep-logs-90",
  Status: "Enabled",
  Filter: { Prefix: "logs/" },
  Expiration: { Days: 90 },
};
const otherPrefixOurs: LifecycleRule = {
  ID: "eigen-s3-abort-multipart:team/",
  Status: "Enabled",
  Filter: { Prefix: "team/" },
  AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 },
};

Deno.test("rule IDs are per kind and prefix; long prefixes are hashed to fit 255 chars", () => {
  assertEquals(ruleId("transition", "photos/"), "eigen-s3-transition:photos/");
  assertEquals(ruleId("abort-multipart", ""), "eigen-s3-abort-multipart");
  const long = ruleId("noncurrent-expiration", "a/".repeat(200));
  assertEquals(long.length <= 255, true);
  assertEquals(long.startsWith("eigen-s3-noncurrent-expiration:sha256-"), true);
});

Deno.test("mergeRules: merge updates ours, replace rewrites ours, others stay in place", () => {
  const p = "photos/";
  const first = mergeRules([other, otherPrefixOurs], p, {
    transition: { days: 30, storage_class: "GLACIER" },
    abort_multipart_days: 7,
  }, false);
  assertEquals(first.map((r) => r.ID), [
    "keep-logs-90",
    "eigen-s3-abort-multipart:team/",
    "eigen-s3-transition:photos/",
    "eigen-s3-abort-multipart:photos/",
  ]);
  assertEquals(first[2], {
    ID: "eigen-s3-transition:photos/",
    Status: "Enabled",
    Filter: { Prefix: "photos/" },
    Transitions: [{ Days: 30, StorageClass: "GLACIER" }],
  });
  // Merge: only the named rule changes; null removes.
  const second = mergeRules(first, p, {
    noncurrent_expiration_days: 90,
    abort_multipart_days: null,
  }, false);
  assertEquals(second.map((r) => r.ID), [
    "keep-logs-90",
    "eigen-s3-abort-multipart:team/",
    "eigen-s3-transition:photos/",
    "eigen-s3-noncurrent-expiration:photos/",
  ]);
  assertEquals(second[3]!.NoncurrentVersionExpiration, { NoncurrentDays: 90 });
  // Replace: ours for this prefix become exactly what was asked.
  const third = mergeRules(second, p, { abort_multipart_days: 3 }, true);
  assertEquals(third.map((r) => r.ID), [
    "keep-logs-90",
    "eigen-s3-abort-multipart:team/",
    "eigen-s3-abort-multipart:photos/",
  ]);
  assertEquals(mergeRules(third, p, {}, true).map((r) => r.ID), [
    "keep-logs-90",
    "eigen-s3-abort-multipart:team/",
  ]);
  assertEquals(describeRule(third[2]!, p), {
    id: "eigen-s3-abort-multipart:photos/",
    status: "Enabled",
    prefix: "photos/",
    owner: "eigen-s3",
    actions: ["abort incomplete multipart uploads after 3 days"],
    transition_days: null,
    storage_class: null,
    noncurrent_expiration_days: null,
    abort_multipart_days: 3,
    expiration_days: null,
  });
  assertEquals(describeRule(otherPrefixOurs, p).owner, "other");
  assertEquals(describeRule(other, p).actions, ["expire after 90 days"]);
});

Deno.test(
  s3Test("lifecycle rules round-trip, other rules kept, Content-MD5 sent", "lifecycle"),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "lifecycle");
    const s3 = createS3Client(testSettings(bucket.name));
    const sent: Record<string, string>[] = [];
    s3.client.middlewareStack.add(
      (next) => (args) => {
        const req = args.request as {
          method?: string;
          query?: Record<string, unknown>;
          headers: Record<string, string>;
        };
        if (req.method === "PUT" && req.query && "lifecycle" in req.query) {
          sent.push({
            ...req.headers,
          });
        }
        return next(args);
      },
      { step: "finalizeRequest", name: "capture" },
    );
    try {
      assertEquals(await getLifecycleRules(s3.client, bucket.name), []);
      await raw.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: bucket.name,
          LifecycleConfiguration: { Rules: [other] },
        }),
      );
      const p = "photos/";
      const before = await getLifecycleRules(s3.client, bucket.name);
      const rules = mergeRules(before, p, {
        transition: { days: 30, storage_class: "STANDARD_IA" },
        noncurrent_expiration_days: 60,
        abort_multipart_days: 7,
      }, false);
      await putLifecycleRules(s3.client, bucket.name, rules);
      assertEquals(sent.length, 1);
      assertOk(/^[A-Za-z0-9+/]{22}==$/.test(sent[0]!["content-md5"] ?? ""), "Content-MD5 header");

      const stored = await raw.send(
        new GetBucketLifecycleConfigurationCommand({ Bucket: bucket.name }),
      );
      const views = (stored.Rules ?? []).map((r) => describeRule(r, p));
      const byId = Object.fromEntries(views.map((v) => [v.id, v]));
      assertEquals(Object.keys(byId).sort(), [
        "eigen-s3-abort-multipart:photos/",
        "eigen-s3-noncurrent-expiration:photos/",
        "eigen-s3-transition:photos/",
        "keep-logs-90",
      ]);
      assertEquals(byId["eigen-s3-transition:photos/"]!.actions, [
        "transition to STANDARD_IA after 30 days",
      ]);
      assertEquals(byId["eigen-s3-transition:photos/"]!.prefix, "photos/");
      assertEquals(byId["eigen-s3-noncurrent-expiration:photos/"]!.noncurrent_expiration_days, 60);
      assertEquals(byId["eigen-s3-abort-multipart:photos/"]!.abort_multipart_days, 7);
      assertEquals(byId["keep-logs-90"]!.owner, "other");
      assertEquals(byId["keep-logs-90"]!.expiration_days, 90);

      // Replace with one rule: the other two of ours go, the foreign one stays.
      const now = await getLifecycleRules(s3.client, bucket.name);
      await putLifecycleRules(
        s3.client,
        bucket.name,
        mergeRules(now, p, { abort_multipart_days: 2 }, true),
      );
      const after = (await getLifecycleRules(s3.client, bucket.name)).map((r) =>
        describeRule(r, p)
      );
      assertEquals(after.map((v) => [v.id, v.actions]).sort(), [
        ["eigen-s3-abort-multipart:photos/", ["abort incomplete multipart uploads after 2 days"]],
        ["keep-logs-90", ["expire after 90 days"]],
      ]);

      // Removing everything deletes the configuration.
      await putLifecycleRules(s3.client, bucket.name, []);
      assertEquals(await getLifecycleRules(s3.client, bucket.name), []);
    } finally {
      s3.destroy();
      await bucket.drop();
      raw.destroy();
    }
  },
);
