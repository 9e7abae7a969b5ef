/**
 * S3 clients never follow redirects blindly: a 307 to another host must not carry file bodies
 * and the session token there, and a host that "accepts" them (echoing the MD5 as ETag) must not
 * make a backup report uploads that never reached the bucket.
 *
 * @module
 */

import { join } from "node:path";
import { assertEquals, assertOk } from "../../support/assert.ts";
import { startS3Proxy } from "../../support/s3_proxy.ts";
import {
  createTestBucket,
  listKeys,
  rawClient,
  runCli,
  S3_ENDPOINT,
  s3Test,
  sandbox,
  tempDir,
  TEST_ACCESS_KEY,
  TEST_SECRET_KEY,
} from "../../support/test_env.ts";

Deno.test(
  s3Test(
    "a 307 to another host is an error: no body or token goes there, nothing is reported uploaded",
  ),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "redir");
    // The other host: records what reaches it and answers 200 with the MD5 of the body as ETag.
    const seen: { method: string; token: string | null }[] = [];
    const evil = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
      const body = new Uint8Array(await req.arrayBuffer());
      seen.push({ method: req.method, token: req.headers.get("x-amz-security-token") });
      const md5 = await import("node:crypto").then((c) =>
        c.createHash("md5").update(body).digest("hex")
      );
      return new Response(null, { status: 200, headers: { etag: `"${md5}"` } });
    });
    const proxy = await startS3Proxy(S3_ENDPOINT!, {
      rules: [{
        action: "respond",
        match: (r) => r.method === "PUT" && r.key !== "",
        respond: {
          status: 307,
          code: "TemporaryRedirect",
          headers: { location: `http://127.0.0.1:${evil.addr.port}/${bucket.name}/moved` },
        },
      }],
    });
    const box = await sandbox({
      AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: TEST_SECRET_KEY,
      AWS_SESSION_TOKEN: "session-token-must-stay-home",
      AWS_REGION: "us-east-1",
    });
    const dir = await tempDir();
    try {
      for (const n of ["a", "b", "c", "d"]) await Deno.writeTextFile(join(dir.path, `${n}.txt`), n);
      const r = await runCli(
        ["--endpoint", proxy.endpoint, "--bucket", bucket.name, "--json", "backup", dir.path, "p"],
        box.env,
      );
      assertEquals(seen, [], "nothing reached the other host");
      assertOk(r.code !== 0, `the backup did not report success: ${r.stdout}`);
      const result = r.json().find((e) => e.event === "result")?.result as
        | { files_uploaded: number }
        | undefined;
      assertEquals(result?.files_uploaded ?? 0, 0);
      assertEquals(await listKeys(raw, bucket.name), []);
    } finally {
      await dir.cleanup();
      await box.cleanup();
      await proxy.close();
      await evil.shutdown();
      await bucket.drop();
      raw.destroy();
    }
  },
);
