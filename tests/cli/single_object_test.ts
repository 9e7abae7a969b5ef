/**
 * End-to-end CLI tests of the foundation commands against the test server: configure, config,
 * test, buckets, ls, put, get, rm, in human and JSON modes, and every documented bad input.
 */
import { join } from "node:path";
import {
  assertBytes,
  assertEquals,
  assertExcludes,
  assertIncludes,
  assertOk,
} from "../support/assert.ts";
import {
  type CliRun,
  configureArgs,
  createTestBucket,
  getObject,
  has,
  HAS_S3,
  listKeys,
  randomBytes,
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
import { md5Bytes } from "../../src/engine/core/hashing.ts";

const MiB = 1024 * 1024;

/** A sandbox with a configured profile (secret in the encrypted file) and a fresh bucket. */
async function configured(label: string) {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, label);
  const box = await sandbox();
  const runs: CliRun[] = [];
  const cli = async (
    args: string[],
    opts: { stdin?: string; env?: Record<string, string>; wrap?: string[] } = {},
  ) => {
    const r = await runCli(args, { ...box.env, ...opts.env }, opts.stdin, box.home, opts.wrap);
    runs.push(r);
    return r;
  };
  const conf = await cli(configureArgs(bucket.name), { stdin: TEST_SECRET_KEY + "\n" });
  assertEquals(conf.code, 0, conf.stderr);
  return {
    raw,
    bucket: bucket.name,
    box,
    cli,
    runs,
    async done() {
      for (const r of runs) {
        assertExcludes(r.stdout + r.stderr, TEST_SECRET_KEY, "the secret must never be printed");
      }
      await bucket.drop();
      raw.destroy();
      await box.cleanup();
    },
  };
}

Deno.test("--help lists the commands; --version prints the version", async () => {
  const box = await sandbox();
  try {
    const help = await runCli(["--help"], box.env);
    assertEquals(help.code, 0);
    for (
      const c of ["configure", "config", "test", "buckets", "ls", "put", "get", "rm", "history"]
    ) {
      assertIncludes(help.stdout, `\n  ${c}`);
    }
    assertIncludes(help.stdout, "Exit codes:");
    const v = await runCli(["--version"], box.env);
    assertEquals([v.code, v.stdout.trim()], [0, "0.1.0"]);
    const bad = await runCli(["--json", "--bogus"], box.env);
    assertEquals(bad.code, 2);
    assertEquals(bad.json(), [{
      event: "error",
      error: { code: "UsageError", message: "unknown option '--bogus'" },
    }]);
    const none = await runCli([], box.env);
    assertEquals(none.code, 2, "no command and no terminal: help on stderr, exit 2");
    assertIncludes(none.stderr, "Usage: eigen-s3");
  } finally {
    await box.cleanup();
  }
});

Deno.test(
  s3Test("configure, config show/list, test, buckets in human and JSON modes"),
  async () => {
    const t = await configured("cfg");
    try {
      const cfgFile = join(t.box.env.XDG_CONFIG_HOME!, "eigen", "s3-config.json");
      assertEquals((await Deno.stat(cfgFile)).mode! & 0o777, 0o600);
      assertExcludes(await Deno.readTextFile(cfgFile), TEST_SECRET_KEY);

      const show = await t.cli(["config", "show", "--json"]);
      assertEquals(show.code, 0, show.stderr);
      const [shown] = show.json();
      assertEquals(shown, {
        event: "result",
        command: "config show",
        result: {
          profile: "default",
          endpoint: S3_ENDPOINT,
          region: "us-east-1",
          bucket_name: t.bucket,
          access_key_id: TEST_ACCESS_KEY,
          path_prefix: "",
          is_configured: true,
          secret_backend: "file",
          secret_location: "encrypted file ~/state/eigen/secrets.enc",
          credential_source: "eigen-s3 profile 'default' (secret in file)",
          last_sync_timestamp: null,
        },
      });
      const human = await t.cli(["config", "show"]);
      assertIncludes(human.stdout, "secret            encrypted file ~/state/eigen/secrets.enc");

      const list = await t.cli(["config", "list", "--json"]);
      const rows = list.json()[0]!.result as Array<Record<string, unknown>>;
      assertEquals(rows.map((r) => [r.profile, r.is_default, r.bucket_name]), [[
        "default",
        true,
        t.bucket,
      ]]);

      const test = await t.cli(["test", "--json"]);
      assertEquals(test.code, 0, test.stderr);
      assertEquals(test.json(), [{
        event: "result",
        command: "test",
        result: { connected: true, bucket_accessible: true, error_message: null },
      }]);
      const testHuman = await t.cli(["test"]);
      assertIncludes(
        testHuman.stdout,
        `OK: connected to ${S3_ENDPOINT}; bucket '${t.bucket}' is accessible`,
      );

      const buckets = await t.cli(["buckets", "--json"]);
      assertEquals(buckets.code, 0, buckets.stderr);
      const names = (buckets.json()[0]!.result as Array<{ name: string; creation_date: string }>)
        .map((b) => b.name);
      assertOk(names.includes(t.bucket));

      // A second profile, then remove it: its secret goes with it.
      const second = await t.cli(
        ["--profile", "work", ...configureArgs(t.bucket, undefined, ["--no-test", "--json"])],
        { stdin: TEST_SECRET_KEY },
      );
      assertEquals(second.code, 0, second.stderr);
      assertEquals((second.json()[0]!.result as Record<string, unknown>).profile, "work");
      const rm = await t.cli(["config", "remove", "work", "--json"]);
      assertEquals(rm.json()[0]!.result, {
        profile: "work",
        removed: true,
        secret_deleted: true,
        secret_backend: "file",
      });
      const gone = await t.cli(["--profile", "work", "test"]);
      assertEquals(gone.code, 4);
      assertIncludes(gone.stderr, "Profile 'work' does not exist (profiles: default)");
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("put, ls, get, rm: bytes, names, metadata and mtimes survive the round trip"),
  async () => {
    const t = await configured("obj");
    try {
      const dir = join(t.box.home, "files");
      const files: Array<[string, Uint8Array]> = [
        ["small.bin", await writeFile(join(dir, "small.bin"), 1024)],
        ["empty.txt", await writeFile(join(dir, "empty.txt"), 0)],
        ["big.bin", await writeFile(join(dir, "big.bin"), randomBytes(20 * MiB))],
        ["my photo ü #1+%.jpg", await writeFile(join(dir, "my photo ü #1+%.jpg"), 3000)],
      ];
      for (const [name] of files) {
        await Deno.utime(
          join(dir, name),
          new Date(),
          new Date(1_700_000_000_000),
        );
      }

      for (const [name, bytes] of files) {
        const put = await t.cli([
          "put",
          join(dir, name),
          `in/${name}`,
          "--json",
          "--meta",
          "camera=x100",
        ]);
        assertEquals(put.code, 0, put.stderr);
        const result = put.json().at(-1)!;
        assertEquals(result.event, "result");
        const r = result.result as Record<string, unknown>;
        assertEquals(Object.keys(r).sort(), [
          "bytes_uploaded",
          "duration_ms",
          "e_tag",
          "key",
          "success",
        ]);
        assertEquals([r.success, r.bytes_uploaded, r.key], [true, bytes.length, `in/${name}`]);
        const got = await getObject(t.raw, t.bucket, `in/${name}`);
        assertBytes(got.bytes, bytes, name);
        assertEquals(got.metadata, {
          camera: "x100",
          mtime: "1700000000",
          md5chksum: md5Bytes(bytes).base64,
        });
      }
      const human = await t.cli(["put", join(dir, "small.bin"), "copies/"]);
      assertIncludes(
        human.stdout,
        `Uploaded ${join(dir, "small.bin")} to s3://${t.bucket}/copies/small.bin`,
      );

      const ls = await t.cli(["ls", "--json"]);
      assertEquals(ls.json()[0]!.result, [
        {
          key: "copies/",
          size: 0,
          last_modified: null,
          e_tag: null,
          storage_class: null,
          is_prefix: true,
        },
        {
          key: "in/",
          size: 0,
          last_modified: null,
          e_tag: null,
          storage_class: null,
          is_prefix: true,
        },
      ]);
      const lsr = await t.cli(["ls", "in/", "--recursive", "--json"]);
      const listed = lsr.json()[0]!.result as Array<Record<string, unknown>>;
      assertEquals(listed.map((o) => [o.key, o.size]), [
        ["in/big.bin", 20 * MiB],
        ["in/empty.txt", 0],
        ["in/my photo ü #1+%.jpg", 3000],
        ["in/small.bin", 1024],
      ]);
      assertEquals(Object.keys(listed[0]!).sort(), [
        "e_tag",
        "key",
        "last_modified",
        "size",
        "storage_class",
      ]);
      const lsHuman = await t.cli(["ls", "-r", "in/"]);
      assertIncludes(lsHuman.stdout, "20.0 MiB  STANDARD  in/big.bin");

      const out = join(t.box.home, "out");
      await Deno.mkdir(out);
      for (const [name, bytes] of files) {
        const get = await t.cli(["get", `in/${name}`, out + "/", "--json"]);
        assertEquals(get.code, 0, get.stderr);
        const r = get.json().at(-1)!.result as Record<string, unknown>;
        assertEquals(Object.keys(r).sort(), [
          "bytes_downloaded",
          "duration_ms",
          "key",
          "md5_verified",
          "path",
          "success",
        ]);
        assertEquals([r.success, r.bytes_downloaded, r.md5_verified], [true, bytes.length, true]);
        assertBytes(await Deno.readFile(join(out, name)), bytes, name);
        assertEquals((await Deno.stat(join(out, name))).mtime!.getTime(), 1_700_000_000_000);
      }
      assertEquals([...Deno.readDirSync(out)].filter((e) => e.name.endsWith(".eigen-part")), []);

      if (HAS_S3 && (await Deno.stat("/usr/bin/aws").catch(() => null))) {
        const head = await new Deno.Command("/usr/bin/aws", {
          args: [
            "--endpoint-url",
            S3_ENDPOINT!,
            "--region",
            "us-east-1",
            "s3api",
            "head-object",
            "--bucket",
            t.bucket,
            "--key",
            "in/big.bin",
          ],
          env: {
            AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY,
            AWS_SECRET_ACCESS_KEY: TEST_SECRET_KEY,
            HOME: t.box.home,
          },
          clearEnv: true,
        }).output();
        const meta = JSON.parse(new TextDecoder().decode(head.stdout)).Metadata;
        assertEquals(meta, {
          camera: "x100",
          mtime: "1700000000",
          md5chksum: md5Bytes(files[2]![1]).base64,
        });
      }

      const rm = await t.cli(["rm", "in/small.bin", "in/empty.txt", "--json"]);
      assertEquals(rm.code, 0, rm.stderr);
      assertEquals(rm.json()[0]!.result, { deleted: ["in/empty.txt", "in/small.bin"], errors: [] });
      assertEquals(await listKeys(t.raw, t.bucket, "in/"), [
        "in/big.bin",
        "in/my photo ü #1+%.jpg",
      ]);
      const partial = await t.cli(["rm", "in/big.bin", "in/nope"]);
      assertEquals(partial.code, 3);
      assertIncludes(partial.stdout, "deleted: in/big.bin");
      assertIncludes(partial.stdout, "not deleted: in/nope: Key 'in/nope' does not exist");
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("bad inputs: documented exit codes, one-line messages, no stack traces"),
  async () => {
    const t = await configured("bad");
    try {
      const file = await writeFile(join(t.box.home, "f.txt"), "x");
      void file;
      const cases: Array<
        {
          args: string[];
          code: number;
          message: string;
          env?: Record<string, string>;
          wrap?: string[];
        }
      > = [
        {
          args: ["--endpoint", "notaurl", "ls"],
          code: 2,
          message: "eigen-s3: --endpoint: 'notaurl' is not a URL",
        },
        {
          args: ["--endpoint", "http://127.0.0.1:1", "ls"],
          code: 7,
          message: "Cannot reach http://127.0.0.1:1 (connection refused)",
        },
        {
          args: ["--bucket", "no-such-bucket-here", "ls"],
          code: 6,
          message: "Bucket 'no-such-bucket-here' does not exist at",
        },
        {
          args: ["get", "missing/key.txt"],
          code: 6,
          message: "Key 'missing/key.txt' does not exist in bucket",
        },
        { args: ["put", t.box.home], code: 2, message: "is a folder: use 'eigen-s3 backup" },
        {
          args: ["put", join(t.box.home, "nope.txt")],
          code: 2,
          message: "nope.txt' does not exist: check the path.",
        },
        {
          args: ["--profile", "ghost", "ls"],
          code: 4,
          message: "Profile 'ghost' does not exist (profiles: default)",
        },
        {
          args: ["ls", "--max-keys", "zero"],
          code: 2,
          message: "--max-keys: 'zero' must be a whole number",
        },
        {
          args: ["put", join(t.box.home, "f.txt"), "--meta", "bad key=1"],
          code: 2,
          message: "--meta: 'bad key=1' must be KEY=VALUE",
        },
      ];
      if (
        WITHOUT_ROOT_FILE_ACCESS.length === 0 ||
        (await Deno.stat("/usr/bin/setpriv").catch(() => null))
      ) {
        const locked = join(t.box.home, "locked.txt");
        await writeFile(locked, "secret photo");
        await Deno.chmod(locked, 0o000);
        cases.push({
          args: ["put", locked],
          code: 1,
          message: "cannot be read (permission denied)",
          wrap: WITHOUT_ROOT_FILE_ACCESS,
        });
      }
      if (has("signatures")) {
        cases.push({
          args: ["ls"],
          code: 5,
          message: "The secret access key does not match the access key id",
          env: {
            AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY,
            AWS_SECRET_ACCESS_KEY: "WRONG-canary-secret-0123456789",
          },
        });
      }
      for (const c of cases) {
        const started = performance.now();
        const r = await t.cli(c.args, { env: c.env, wrap: c.wrap });
        const label = c.args.join(" ");
        assertEquals(r.code, c.code, `${label}: ${r.stderr}`);
        assertIncludes(r.stderr, c.message, label);
        assertEquals(r.stderr.trim().split("\n").length, 1, `${label}: one line, got ${r.stderr}`);
        assertExcludes(r.stderr, "    at ", `${label}: no stack trace`);
        assertExcludes(r.stdout + r.stderr, "WRONG-canary-secret", label);
        if (c.code === 7) {
          assertOk(
            performance.now() - started < 8000,
            "an unreachable endpoint fails within seconds",
          );
        }
      }
      // The same errors in --json: exactly one error line on stdout.
      const j = await t.cli(["--json", "get", "missing/key.txt"]);
      assertEquals(j.code, 6);
      assertEquals(j.json(), [{
        event: "error",
        error: {
          code: "KeyNotFound",
          message:
            `Key 'missing/key.txt' does not exist in bucket '${t.bucket}': check it with 'eigen-s3 ls'.`,
        },
      }]);
    } finally {
      await t.done();
    }
  },
);

Deno.test(s3Test("no profile, or a secret passed nowhere: exit 4 / 2 with the fix"), async () => {
  const box = await sandbox();
  try {
    const none = await runCli(["ls"], box.env);
    assertEquals(none.code, 4);
    assertIncludes(none.stderr, "No eigen-s3 profile is configured");
    assertIncludes(none.stderr, "run 'eigen-s3 configure'");
    const noSecret = await runCli([
      "configure",
      "--endpoint",
      S3_ENDPOINT!,
      "--bucket",
      "b-x",
      "--access-key-id",
      TEST_ACCESS_KEY,
    ], box.env);
    assertEquals(noSecret.code, 2);
    assertIncludes(noSecret.stderr, "No secret access key given: pipe it with --secret-stdin");
    assertEquals(
      await Deno.stat(join(box.env.XDG_CONFIG_HOME!, "eigen", "s3-config.json")).catch(() => null),
      null,
      "nothing written",
    );
    const badEndpoint = await runCli(
      [
        "configure",
        "--endpoint",
        "http//oops",
        "--bucket",
        "b-x",
        "--access-key-id",
        "K",
        "--secret-stdin",
      ],
      box.env,
      "s",
    );
    assertEquals(badEndpoint.code, 2);
    assertIncludes(badEndpoint.stderr, "--endpoint: 'http//oops' is not a URL");
  } finally {
    await box.cleanup();
  }
});

Deno.test(s3Test("configure refuses a wrong secret and saves nothing", "signatures"), async () => {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, "wrong");
  const box = await sandbox();
  try {
    const r = await runCli(configureArgs(bucket.name), box.env, "not-the-right-canary-secret");
    assertEquals(r.code, 5, r.stderr);
    assertIncludes(r.stderr, "Nothing was saved");
    assertExcludes(r.stdout + r.stderr, "not-the-right-canary-secret");
    assertEquals(
      await Deno.stat(join(box.env.XDG_CONFIG_HOME!, "eigen", "s3-config.json")).catch(() => null),
      null,
    );
  } finally {
    await bucket.drop();
    raw.destroy();
    await box.cleanup();
  }
});
