/**
 * Scenario 7: bad configuration, credentials and endpoints. Every malformed field of
 * s3-config.json, unsafe or unreadable config and secret files, wrong keys, an expired session
 * token, an endpoint that answers with an HTML page, TLS spoken to a plain-HTTP port, a name
 * that does not resolve: each gives one clear line naming the problem and its documented exit
 * code, never a stack trace, and nothing is written anywhere.
 */

import { join } from "node:path";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { assertEquals, assertExcludes, assertIncludes, assertOk } from "../support/assert.ts";
import {
  configureArgs,
  createTestBucket,
  rawClient,
  runCli,
  S3_ENDPOINT,
  s3Test,
  sandbox,
  TEST_ACCESS_KEY,
  TEST_SECRET_KEY,
  WITHOUT_ROOT_FILE_ACCESS,
  writeFile,
} from "../support/test_env.ts";
import { startS3Proxy } from "../support/s3_proxy.ts";
import { cliEnv, lastJson, snapshotTree, summary } from "../support/reliability.ts";

const GOOD_PROFILE = {
  endpoint: "http://127.0.0.1:7480",
  region: "us-east-1",
  bucket_name: "some-bucket",
  access_key_id: TEST_ACCESS_KEY,
  path_prefix: "",
  last_sync_timestamp: null,
  secret_backend: "file",
};

type Patch = (c: Record<string, unknown>) => unknown;
const profile = (patch: Record<string, unknown>): Patch => (c) => {
  const profiles = c.profiles as Record<string, Record<string, unknown>>;
  profiles.default = { ...profiles.default, ...patch };
  return c;
};

/** [what is malformed, how, the text the message must hold]. */
const MALFORMED: Array<[string, Patch | string, string]> = [
  ["JSON syntax", "{bad json", "is not valid JSON"],
  ["empty file", "", "is not valid JSON"],
  ["top level", "[]", "must hold a JSON object"],
  ["version", (c) => ({ ...c, version: 2 }), "version: 2 is not supported"],
  ["profiles", (c) => ({ ...c, profiles: [] }), "profiles must be an object"],
  ["profile", (c) => ({ ...c, profiles: { default: 5 } }), "profiles.default must be an object"],
  ["profile name", (c) => ({ ...c, profiles: { "bad name!": GOOD_PROFILE } }), "profile name"],
  ["endpoint", profile({ endpoint: "not a url" }), "profiles.default.endpoint: 'not a url'"],
  ["endpoint scheme", profile({ endpoint: "ftp://host" }), "must start with http:// or https://"],
  ["endpoint path", profile({ endpoint: "http://h/bucket" }), "must not have a path"],
  ["endpoint type", profile({ endpoint: 42 }), "profiles.default.endpoint: must be a URL"],
  ["region", profile({ region: "US East" }), "profiles.default.region: 'US East'"],
  ["region type", profile({ region: 5 }), "profiles.default.region: '5'"],
  ["bucket_name", profile({ bucket_name: "a" }), "profiles.default.bucket_name: 'a'"],
  ["bucket_name type", profile({ bucket_name: null }), "profiles.default.bucket_name"],
  ["access_key_id", profile({ access_key_id: "has space" }), "profiles.default.access_key_id"],
  ["path_prefix", profile({ path_prefix: "a/../b" }), "profiles.default.path_prefix: 'a/../b'"],
  [
    "last_sync_timestamp",
    profile({ last_sync_timestamp: "yesterday" }),
    "profiles.default.last_sync_timestamp",
  ],
  ["secret_backend", profile({ secret_backend: "vault" }), "profiles.default.secret_backend"],
  ["default_profile", (c) => ({ ...c, default_profile: "nope" }), "default_profile: 'nope'"],
  ["defaults", (c) => ({ ...c, defaults: "x" }), "defaults must be an object"],
  [
    "defaults.concurrency",
    (c) => ({ ...c, defaults: { concurrency: 0 } }),
    "defaults.concurrency: '0'",
  ],
  [
    "defaults.bwlimit",
    (c) => ({ ...c, defaults: { bwlimit: "fast" } }),
    "defaults.bwlimit: 'fast' is not a rate",
  ],
  [
    "defaults.storage_class",
    (c) => ({ ...c, defaults: { storage_class: "cold storage" } }),
    "defaults.storage_class: 'cold storage'",
  ],
  ["jobs", (c) => ({ ...c, jobs: [] }), "jobs must be an object"],
];

/** Asserts a --json run failed with one error line: `code`, `exit`, message holding `text`. */
function assertError(
  run: { code: number; stdout: string; stderr: string },
  exit: number,
  code: string,
  text: string,
): string {
  assertEquals(run.code, exit, `${text}: ${run.stdout}${run.stderr}`);
  const lines = run.stdout.trim().split("\n").filter((l) => !l.includes('"event":"progress"'));
  assertEquals(lines.length, 1, run.stdout);
  const e = JSON.parse(lines[0]!);
  assertEquals(e.event, "error", run.stdout);
  assertEquals(e.error.code, code, run.stdout);
  assertIncludes(e.error.message, text);
  assertExcludes(run.stdout + run.stderr, "    at ", "no stack trace");
  assertExcludes(run.stdout + run.stderr, TEST_SECRET_KEY);
  return e.error.message;
}

Deno.test("bad config: every malformed field and unsafe file mode, one message, exit 4", async () => {
  const box = await sandbox();
  try {
    const dir = join(box.env.XDG_CONFIG_HOME!, "eigen");
    const file = join(dir, "s3-config.json");
    await Deno.mkdir(dir, { recursive: true });
    const good = () => ({
      version: 1,
      default_profile: "default",
      profiles: { default: { ...GOOD_PROFILE } },
    });
    const write = async (text: string, mode = 0o600) => {
      await Deno.writeTextFile(file, text);
      await Deno.chmod(file, mode);
    };
    for (const [what, patch, text] of MALFORMED) {
      await write(typeof patch === "string" ? patch : JSON.stringify(patch(good())));
      const r = await runCli(["--json", "ls"], box.env);
      const message = assertError(r, 4, "ConfigError", text);
      assertIncludes(message, file, `${what}: the message names the file`);
    }
    // Human mode: the same, as one line on stderr.
    await write(JSON.stringify(profile({ region: "US East" })(good())));
    const human = await runCli(["ls"], box.env);
    assertEquals(human.code, 4);
    assertEquals(human.stdout, "");
    assertEquals(human.stderr.trim().split("\n").length, 1, human.stderr);
    assertOk(human.stderr.startsWith(`eigen-s3: ${file}: profiles.default.region`), human.stderr);

    // Unsafe or unreadable files.
    const modes: Array<[string, number, string]> = [
      ["writable by others", 0o666, "is writable by other users (mode 666): run 'chmod 600"],
      ["writable by the group", 0o620, "is writable by other users (mode 620)"],
    ];
    for (const [, mode, text] of modes) {
      await write(JSON.stringify(good()), mode);
      assertError(await runCli(["--json", "ls"], box.env), 4, "ConfigError", text);
    }
    await write(JSON.stringify(good()), 0o000);
    const unreadable = await runCli(["--json", "ls"], box.env, undefined, undefined, [
      ...WITHOUT_ROOT_FILE_ACCESS,
    ]);
    assertError(unreadable, 4, "ConfigError", `Cannot read ${file}: Permission denied`);
    await Deno.remove(file);
    await Deno.mkdir(file);
    assertError(await runCli(["--json", "ls"], box.env), 4, "ConfigError", "is a directory");
    const cases = MALFORMED.length + 1 + modes.length + 2;
    await summary(
      "7a bad config",
      `malformed config inputs tried: ${cases} (${MALFORMED.length} fields/syntax, ${
        modes.length + 2
      } unsafe or unreadable files, 1 human-mode); each: exit 4, ConfigError, one line naming the field and the file`,
      { hostile: cases },
    );
  } finally {
    await box.cleanup();
  }
});

/** A tiny web server that answers every request with an HTML page and `status`. */
function htmlServer(status: number) {
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    async (req) => {
      await req.body?.cancel();
      return new Response(
        "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Wi-Fi login</body></html>",
        { status, headers: { "content-type": "text/html; charset=utf-8" } },
      );
    },
  );
  return { endpoint: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

Deno.test(
  s3Test("bad credentials and endpoints: wrong keys, expired token, HTML, TLS, DNS", "signatures"),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "relcred");
    const box = await sandbox();
    const html200 = htmlServer(200);
    const html404 = htmlServer(404);
    // RGW accepts a bogus session token for a plain user; AWS answers 400 ExpiredToken. The proxy
    // answers like AWS for any request that carries a token.
    const expiring = await startS3Proxy(S3_ENDPOINT!, {
      rules: [{
        action: "respond",
        match: (r) => r.headers["x-amz-security-token"] !== undefined,
        respond: { status: 400, code: "ExpiredToken", message: "The provided token has expired." },
      }],
    });
    try {
      const src = join(box.home, "src");
      await writeFile(join(src, "a.txt"), "a");
      await writeFile(join(box.home, "one.txt"), "one");
      const out = join(box.home, "out");
      await Deno.mkdir(out);
      const env = cliEnv(box, S3_ENDPOINT!);
      const b = ["--json", "--bucket", bucket.name];
      const commands: string[][] = [
        ["ls"],
        ["test"],
        ["backup", src, "p"],
        ["put", join(box.home, "one.txt"), "k"],
        ["get", "k", join(out, "k")],
        ["restore", "p", join(out, "r")],
        ["verify", src, "p"],
        ["rm", "k"],
      ];
      // Every command for the wrong secret and the HTML page; a representative few for the rest.
      const some = commands.filter((c) =>
        ["ls", "test", "backup", "get", "restore"].includes(c[0]!)
      );
      let tried = 0;
      const each = async (
        label: string,
        extraEnv: Record<string, string>,
        exit: number,
        code: string,
        text: string,
        /**
         * For commands that start with HeadBucket/HeadObject: those answers have no body, so a
         * 403 cannot say which key is wrong (AccessDenied, exit 5 too, "the keys are wrong or
         * lack permission") and a 400 cannot say the token expired (it says it may have).
         */
        head: { code: string; text: string } = { code, text },
        which = commands,
      ) => {
        for (const c of which) {
          const r = await runCli([...b, ...c], { ...env, ...extraEnv });
          const headFirst = ["test", "get", "rm"].includes(c[0]!);
          const expected = headFirst ? head.text : text;
          const expectedCode = headFirst ? head.code : code;
          if (c[0] === "test") {
            // `test` prints its status as the result and sets the exit code from it.
            assertEquals(r.code, exit, `${label} test: ${r.stdout}${r.stderr}`);
            const status = lastJson(r.stdout).result as { error_message: string };
            assertIncludes(status.error_message, expected);
          } else {
            assertError(r, exit, expectedCode, expected);
          }
          tried += 1;
        }
      };
      await each(
        "wrong secret",
        { AWS_SECRET_ACCESS_KEY: "wrong-secret-0000000000000000000000000000" },
        5,
        "InvalidCredentials",
        "The secret access key does not match the access key id",
        { code: "AccessDenied", text: "(HTTP 403) during " },
      );
      await each(
        "unknown key id",
        { AWS_ACCESS_KEY_ID: "NOSUCHKEY00000000000" },
        5,
        "InvalidCredentials",
        "The access key id is not known",
        { code: "AccessDenied", text: "(HTTP 403) during " },
      );
      const direct = await runCli([...b, "ls"], { ...env, AWS_SESSION_TOKEN: "bogus-token" });
      const rgwTakesToken = direct.code === 0;
      await each(
        "expired session token",
        { AWS_SESSION_TOKEN: "expired-token", AWS_ENDPOINT_URL: expiring.endpoint },
        5,
        "InvalidCredentials",
        "The session token is expired or invalid: refresh AWS_SESSION_TOKEN",
        {
          code: "InvalidCredentials",
          text: "(HTTP 400, no details) during ",
        },
        some,
      );
      await each(
        "HTML page with 200",
        { AWS_ENDPOINT_URL: html200.endpoint },
        1,
        "SdkError",
        `${html200.endpoint} did not answer like an S3 server (HTTP 200: `,
      );
      await each(
        "HTML page with 404",
        { AWS_ENDPOINT_URL: html404.endpoint },
        1,
        "SdkError",
        `${html404.endpoint} did not answer like an S3 server (HTTP 404: an HTML page)`,
        undefined,
        some,
      );
      const tls = S3_ENDPOINT!.replace(/^http:/, "https:");
      await each(
        "TLS to plain HTTP",
        { AWS_ENDPOINT_URL: tls },
        7,
        "NetworkError",
        `Cannot reach ${tls} (TLS handshake failed (is it plain HTTP? use http://))`,
        undefined,
        some,
      );
      await each(
        "unresolvable host",
        { AWS_ENDPOINT_URL: "http://no-such-host.invalid" },
        7,
        "NetworkError",
        "(host name not found (DNS))",
        undefined,
        some,
      );
      // Nothing reached the bucket, and nothing was written locally by get or restore.
      assertEquals([...(await snapshotTree(out)).keys()], []);
      assertEquals(
        (await raw.send(new ListObjectsV2Command({ Bucket: bucket.name }))).KeyCount ?? 0,
        0,
      );
      await summary(
        "7b bad credentials and endpoints",
        `hostile inputs tried: ${tried} (wrong secret, unknown key id, expired session token, HTML 200, HTML 404, TLS to plain HTTP, unresolvable host, through ${commands.length} or ${some.length} commands): exit 5/5/5/1/1/7/7, one line each; nothing stored or written; RGW itself ${
          rgwTakesToken
            ? "accepts a bogus session token (AWS's ExpiredToken answer simulated)"
            : "refuses a bogus session token"
        }`,
        { hostile: tried },
      );
    } finally {
      await expiring.close();
      await html200.close();
      await html404.close();
      await bucket.drop();
      raw.destroy();
      await box.cleanup();
    }
  },
);

Deno.test(s3Test("bad secret store: wrong passphrase, readable secrets file"), async () => {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, "relstore");
  const box = await sandbox();
  try {
    const conf = await runCli(configureArgs(bucket.name), box.env, TEST_SECRET_KEY);
    assertEquals(conf.code, 0, conf.stderr);
    const enc = join(box.env.XDG_STATE_HOME!, "eigen", "secrets.enc");
    const wrong = await runCli(["--json", "ls"], { ...box.env, EIGEN_S3_PASSPHRASE: "nope" });
    assertError(
      wrong,
      1,
      "SecretStoreError",
      `wrong passphrase for ${enc}: check EIGEN_S3_PASSPHRASE`,
    );
    // `test` says the same in its status: a run that never reached the server is not connected.
    const tested = await runCli(["--json", "test"], { ...box.env, EIGEN_S3_PASSPHRASE: "nope" });
    assertEquals(tested.code, 1, tested.stderr);
    const status = tested.json().at(-1)!.result as Record<string, unknown>;
    assertEquals(status.connected, false);
    assertEquals(status.bucket_accessible, false);
    assertIncludes(String(status.error_message), "wrong passphrase");
    await Deno.chmod(enc, 0o644);
    const open = await runCli(["--json", "ls"], box.env);
    assertError(open, 1, "SecretStoreError", `${enc} is accessible by group or others (mode 644)`);
    await Deno.chmod(enc, 0o600);
    assertEquals((await runCli(["--json", "ls"], box.env)).code, 0);
    await summary(
      "7c bad secret store",
      "hostile inputs tried: 2 (wrong passphrase, secrets file readable by others): exit 1, SecretStoreError naming the file and the fix",
      { hostile: 2 },
    );
  } finally {
    await bucket.drop();
    raw.destroy();
    await box.cleanup();
  }
});
