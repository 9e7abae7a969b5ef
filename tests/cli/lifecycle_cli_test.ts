/** `lifecycle show|set` end to end against RGW: merge, replace, other rules kept, bad input. */

import { PutBucketLifecycleConfigurationCommand } from "@aws-sdk/client-s3";
import {
  createTestBucket,
  rawClient,
  runCli,
  s3EnvFor,
  s3Test,
  sandbox,
} from "../support/test_env.ts";
import { assertEquals, assertIncludes } from "../support/assert.ts";

Deno.test(
  s3Test(
    "lifecycle: set merges and replaces eigen-s3's rules, others stay; show lists all",
    "lifecycle",
  ),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "lifecycle-cli");
    const sb = await sandbox();
    const env = { ...sb.env, ...s3EnvFor(bucket.name) };
    const run = (...args: string[]) =>
      runCli([...args, "--bucket", bucket.name, "--path-prefix", "photos/"], env);
    try {
      let r = await run("lifecycle", "show");
      assertEquals([r.code, r.stdout], [0, `Bucket '${bucket.name}' has no lifecycle rules.\n`]);
      await raw.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: bucket.name,
          LifecycleConfiguration: {
            Rules: [{
              ID: "logs-90",
              Status: "Enabled",
              Filter: { Prefix: "logs/" },
              Expiration: { Days: 90 },
            }],
          },
        }),
      );
      r = await run(
        "lifecycle",
        "set",
        "--transition-days",
        "30",
        "--storage-class",
        "STANDARD_IA",
        "--abort-multipart-days",
        "7",
      );
      assertEquals(r.code, 0, r.stderr);
      assertIncludes(
        r.stdout,
        `Saved 2 eigen-s3 rule(s) for prefix 'photos/' on bucket '${bucket.name}'.`,
      );
      r = await run("lifecycle", "set", "--noncurrent-days", "60", "--json");
      assertEquals(r.code, 0, r.stderr);
      r = await run("lifecycle", "show", "--json");
      const result = r.json()[0]!.result as {
        bucket: string;
        path_prefix: string;
        rules: Array<Record<string, unknown>>;
      };
      assertEquals([result.bucket, result.path_prefix], [bucket.name, "photos/"]);
      assertEquals(
        result.rules.map((v) => [v.id, v.owner, v.prefix, v.actions]).sort(),
        [
          ["eigen-s3-abort-multipart:photos/", "eigen-s3", "photos/", [
            "abort incomplete multipart uploads after 7 days",
          ]],
          ["eigen-s3-noncurrent-expiration:photos/", "eigen-s3", "photos/", [
            "expire noncurrent versions after 60 days",
          ]],
          ["eigen-s3-transition:photos/", "eigen-s3", "photos/", [
            "transition to STANDARD_IA after 30 days",
          ]],
          ["logs-90", "other", "logs/", ["expire after 90 days"]],
        ],
      );
      r = await run("lifecycle", "show");
      assertIncludes(
        r.stdout,
        "id                                      status   prefix   owner     actions\n",
      );
      assertIncludes(
        r.stdout,
        "logs-90                                 Enabled  logs/    other     expire after 90 days\n",
      );

      // Dry run changes nothing; 'off' removes one rule; --replace keeps only what is named.
      r = await run("lifecycle", "set", "--replace", "--abort-multipart-days", "3", "--dry-run");
      assertIncludes(r.stdout, "Dry run: the bucket's rules were not changed.");
      r = await run("lifecycle", "show", "--json");
      assertEquals((r.json()[0]!.result as { rules: unknown[] }).rules.length, 4);
      r = await run("lifecycle", "set", "--transition-days", "off");
      assertEquals(r.code, 0, r.stderr);
      r = await run("lifecycle", "show", "--json");
      assertEquals((r.json()[0]!.result as { rules: unknown[] }).rules.length, 3);
      r = await run("lifecycle", "set", "--replace");
      assertEquals(r.code, 0, r.stderr);
      r = await run("lifecycle", "show", "--json");
      assertEquals(
        (r.json()[0]!.result as { rules: Array<{ id: string }> }).rules.map((x) => x.id),
        ["logs-90"],
      );

      const bad: Array<[string[], string]> = [
        [["--transition-days", "30"], "--transition-days needs --storage-class (e.g. GLACIER)."],
        [["--storage-class", "GLACIER"], "--storage-class only applies with --transition-days N."],
        [
          ["--noncurrent-days", "0"],
          "--noncurrent-days: '0' must be a whole number from 1 to 36500.",
        ],
        [
          ["--transition-days", "5", "--storage-class", "FOO"],
          "--storage-class: 'FOO' is not a storage class here: use one of STANDARD_IA,",
        ],
        [[], "Nothing to set: give --transition-days N --storage-class C"],
      ];
      for (const [args, message] of bad) {
        r = await run("lifecycle", "set", ...args);
        assertEquals(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
        assertIncludes(r.stderr, `eigen-s3: ${message}`);
      }
      r = await runCli(["lifecycle", "show", "--bucket", "no-such-bucket-eigen-lc"], env);
      assertEquals(r.code, 6, r.stderr);
    } finally {
      await sb.cleanup();
      await bucket.drop();
      raw.destroy();
    }
  },
);
