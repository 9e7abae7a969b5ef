/**
 * An object that is gone when backup asks for its checksum (a HEAD answered 404, no body) is
 * an object to upload again, not "the bucket does not exist": the run goes on.
 *
 * @module
 */

import { join } from "node:path";
import { assertEquals } from "../../support/assert.ts";
import { startS3Proxy } from "../../support/s3_proxy.ts";
import {
  createTestBucket,
  randomBytes,
  rawClient,
  runCli,
  S3_ENDPOINT,
  s3EnvFor,
  s3Test,
  sandbox,
  tempDir,
} from "../../support/test_env.ts";

Deno.test(
  s3Test("backup: a 404 to the checksum HEAD re-uploads the file; the run goes on"),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "headgone");
    const proxy = await startS3Proxy(S3_ENDPOINT!);
    const dir = await tempDir();
    const first = await sandbox(s3EnvFor(bucket.name));
    const second = await sandbox(s3EnvFor(bucket.name));
    try {
      // Multipart (over 8 MiB): its ETag is no MD5, so without a manifest row backup asks HEAD.
      await Deno.writeFile(join(dir.path, "big.bin"), randomBytes(9 * 1024 * 1024));
      await Deno.writeTextFile(join(dir.path, "small.txt"), "s");
      const env = { ...first.env, AWS_ENDPOINT_URL: proxy.endpoint };
      const one = await runCli(["--bucket", bucket.name, "--json", "backup", dir.path, "p"], env);
      assertEquals(one.code, 0, one.stderr);
      proxy.setRules([{
        action: "respond",
        match: (r) => r.method === "HEAD" && r.key.endsWith("big.bin"),
        respond: { status: 404, body: "" },
      }]);
      // A second machine (no manifest) backs up the same folder.
      const two = await runCli(
        ["--bucket", bucket.name, "--json", "backup", dir.path, "p"],
        { ...second.env, AWS_ENDPOINT_URL: proxy.endpoint },
      );
      assertEquals(two.code, 0, two.stdout + two.stderr);
      const result = two.json().find((e) => e.event === "result")!.result as {
        files_uploaded: number;
        errors: unknown[];
      };
      assertEquals(result.errors, []);
      assertEquals(result.files_uploaded, 1);
    } finally {
      await first.cleanup();
      await second.cleanup();
      await dir.cleanup();
      await proxy.close();
      await bucket.drop();
      raw.destroy();
    }
  },
);
