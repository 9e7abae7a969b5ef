/**
 * End-to-end tests of `eigen-s3 backup` as a subprocess against the test server: JSON and human
 * output, history and last_sync_timestamp, request counts of a no-change rerun, rclone check,
 * usage errors and delete guards, unreadable files, Ctrl+C and SIGKILL in the middle of a
 * multipart upload (resumed by the next run).
 */
import { join } from "node:path";
import { ListMultipartUploadsCommand, ListPartsCommand } from "@aws-sdk/client-s3";
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
import { type S3Proxy, startS3Proxy } from "../support/s3_proxy.ts";
import { md5Bytes } from "../../src/engine/core/hashing.ts";

const MiB = 1024 * 1024;
const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** A sandbox with a saved profile pointing at `endpoint` (the proxy by default) and a bucket. */
async function configured(label: string, opts: { proxy?: boolean } = {}) {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, label);
  const box = await sandbox();
  const proxy: S3Proxy | undefined = opts.proxy === false
    ? undefined
    : await startS3Proxy(S3_ENDPOINT!);
  const src = join(box.home, "Photos");
  await Deno.mkdir(src);
  const runs: CliRun[] = [];
  const cli = async (args: string[], wrap?: string[]) => {
    const r = await runCli(args, box.env, undefined, box.home, wrap);
    runs.push(r);
    return r;
  };
  const conf = await runCli(
    configureArgs(bucket.name, proxy?.endpoint, ["--no-test"]),
    box.env,
    TEST_SECRET_KEY + "\n",
    box.home,
  );
  assertEquals(conf.code, 0, conf.stderr);
  return {
    raw,
    bucket: bucket.name,
    box,
    src,
    proxy,
    cli,
    keys: (prefix = "") => listKeys(raw, bucket.name, prefix),
    async done() {
      for (const r of runs) assertExcludes(r.stdout + r.stderr, TEST_SECRET_KEY);
      await proxy?.close();
      await bucket.drop();
      raw.destroy();
      await box.cleanup();
    },
  };
}

function result(run: CliRun): Record<string, unknown> {
  const lines = run.json();
  const last = lines[lines.length - 1];
  assertEquals(last?.event, "result", run.stdout + run.stderr);
  return last!.result as Record<string, unknown>;
}

function errorOf(run: CliRun): { code: string; message: string } {
  const lines = run.json();
  assertEquals(lines.length, 1, run.stdout);
  assertEquals(lines[0]!.event, "error");
  return lines[0]!.error as { code: string; message: string };
}

const FILES: Record<string, string> = {
  "2024/IMG 0001.jpg": "jpeg-1",
  "2024/IMG#2+%3.jpg": "jpeg-2",
  "2024/\u00e9t\u00e9.txt": "summer",
  "empty.txt": "",
  "notes.md": "# notes",
};

Deno.test(
  s3Test("backup CLI: JSON and human output, request counts, history, last sync, rclone check"),
  async () => {
    const t = await configured("bkcli");
    try {
      for (const [rel, text] of Object.entries(FILES)) await writeFile(join(t.src, rel), text);
      await writeFile(join(t.src, "Fe\u0301vrier", "nfd.txt"), "nfd");

      const first = await t.cli(["--json", "backup", "Photos"]);
      assertEquals(first.code, 0, first.stderr);
      const report = result(first);
      assertEquals(report.files_uploaded, 6);
      assertEquals(report.bytes_transferred, 28);
      assertEquals(report.prefix, "Photos/");
      assertEquals(report.errors, []);
      assertEquals(report.dry_run, false);
      assertOk(!("plan" in report));
      const expected = [...Object.keys(FILES), "F\u00e9vrier/nfd.txt"].map((k) => `Photos/${k}`);
      assertEquals(await t.keys(), expected.sort());
      for (const [rel, text] of Object.entries(FILES)) {
        assertBytes(
          (await getObject(t.raw, t.bucket, `Photos/${rel}`)).bytes,
          new TextEncoder().encode(text),
        );
      }

      const show = result(await t.cli(["--json", "config", "show"]));
      assertOk(typeof show.last_sync_timestamp === "string", "last_sync_timestamp set");
      const history = result(await t.cli(["--json", "history"])) as unknown as {
        records?: unknown;
      };
      assertIncludes(JSON.stringify(history), '"command":"backup"');

      t.proxy!.clear();
      const again = await t.cli(["backup", "Photos"]);
      assertEquals(again.code, 0, again.stderr);
      assertIncludes(again.stdout, "Backed up Photos to s3://");
      assertIncludes(again.stdout, "/Photos/: 0 uploaded (0 B), 0 deleted, 6 unchanged");
      const counts = Object.entries(t.proxy!.counts()).filter(([, n]) => n > 0);
      assertEquals(counts, [["ListObjectsV2", 1]], "no request per object on a no-change rerun");

      await writeFile(join(t.src, "new.txt"), "new");
      await Deno.remove(join(t.src, "notes.md"));
      const dry = await t.cli(["backup", "Photos", "--dry-run", "--delete"]);
      assertEquals(dry.code, 0, dry.stderr);
      assertIncludes(dry.stdout, "upload  Photos/new.txt  3 B  (new file)");
      assertIncludes(dry.stdout, "delete  Photos/notes.md  (not in the local folder)");
      assertIncludes(
        dry.stdout,
        "would upload 1 file(s) (3 B), delete 1; 5 unchanged. Nothing was changed.",
      );
      assertEquals(await t.keys(), expected.sort());

      if (RCLONE) {
        await Deno.remove(join(t.src, "new.txt"));
        await writeFile(join(t.src, "notes.md"), "# notes");
        const check = await rcloneCheck(t.src, `${t.bucket}/Photos`);
        assertEquals(check.code, 0, check.text);
        assertIncludes(check.text, "0 differences found");
        assertIncludes(check.text, "6 matching files");
      }
    } finally {
      await t.done();
    }
  },
);

const RCLONE = await hasRclone();

Deno.test(
  {
    name: RCLONE
      ? "backup CLI: rclone check finds no difference (multipart, odd names, a prefix)"
      : "backup CLI: rclone check [skipped: rclone is not installed]",
    ignore: !RCLONE || S3_ENDPOINT === null,
  },
  async () => {
    const t = await configured("bkrc", { proxy: false });
    try {
      await writeFile(join(t.src, "big.bin"), randomBytes(9 * MiB)); // multipart: md5chksum
      await writeFile(join(t.src, "a b/c#d%e+f.txt"), "x");
      const r = await t.cli(["--json", "backup", "Photos", "archive/photos"]);
      assertEquals(r.code, 0, r.stderr);
      const check = await rcloneCheck(t.src, `${t.bucket}/archive/photos`);
      assertEquals(check.code, 0, check.text);
      assertIncludes(check.text, "0 differences found");
      assertIncludes(check.text, "2 matching files");
    } finally {
      await t.done();
    }
  },
);

async function hasRclone(): Promise<boolean> {
  try {
    return (await new Deno.Command("rclone", { args: ["version"], stdout: "null" }).output())
      .success;
  } catch {
    return false;
  }
}

async function rcloneCheck(local: string, remote: string): Promise<{ code: number; text: string }> {
  const env: Record<string, string> = {
    RCLONE_CONFIG_EIGEN_TYPE: "s3",
    RCLONE_CONFIG_EIGEN_PROVIDER: "Other",
    RCLONE_CONFIG_EIGEN_ENDPOINT: S3_ENDPOINT!,
    RCLONE_CONFIG_EIGEN_ACCESS_KEY_ID: TEST_ACCESS_KEY,
    RCLONE_CONFIG_EIGEN_SECRET_ACCESS_KEY: TEST_SECRET_KEY,
    RCLONE_CONFIG_EIGEN_REGION: "us-east-1",
    RCLONE_CONFIG_EIGEN_FORCE_PATH_STYLE: "true",
    RCLONE_CONFIG: "/dev/null",
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "/tmp",
  };
  const out = await new Deno.Command("rclone", {
    args: ["check", local, `eigen:${remote}`],
    env,
    clearEnv: true, // drops AWS_CA_BUNDLE, which rclone cannot use here
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, text: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

Deno.test(
  s3Test("backup CLI: usage errors exit 2; delete guards exit 8 and delete nothing"),
  async () => {
    const t = await configured("bkguard", { proxy: false });
    try {
      const usage: Array<[string[], string]> = [
        [["backup", "Photos", "--max-delete", "3"], "--max-delete only applies with --delete."],
        [["backup", "Photos", "--bwlimit", "fast"], "--bwlimit: 'fast' is not a rate"],
        [["backup", "Photos", "--concurrency", "0"], "--concurrency: '0' must be a whole number"],
        [
          ["backup", "Photos", "--delete", "--max-delete", "x"],
          "--max-delete: 'x' must be a number",
        ],
        [
          ["backup", "Photos", "--sse", "AES256", "--sse-kms-key-id", "k"],
          "--sse-kms-key-id needs --sse aws:kms",
        ],
        [["backup", "Photos", "a/../b"], "S3_PREFIX 'a/../b' must not contain '.' or '..' parts"],
        [["backup", "Missing"], "The local folder 'Missing' does not exist: check the path."],
      ];
      await writeFile(join(t.box.home, "file.txt"), "x");
      usage.push([["backup", "file.txt"], "'file.txt' is not a folder"]);
      for (const [args, message] of usage) {
        const r = await t.cli(["--json", ...args]);
        assertEquals(r.code, 2, `${args.join(" ")}: ${r.stdout}`);
        const err = errorOf(r);
        assertEquals(err.code, "UsageError");
        assertIncludes(err.message, message);
      }
      const sse = await t.cli(["--json", "backup", "Photos", "--sse", "none"]);
      assertEquals(sse.code, 2);

      await writeFile(join(t.src, "a.txt"), "a");
      await writeFile(join(t.src, "b.txt"), "b");
      assertEquals((await t.cli(["--json", "backup", "Photos"])).code, 0);
      const keys = await t.keys();
      assertEquals(keys, ["Photos/a.txt", "Photos/b.txt"]);

      await Deno.remove(join(t.src, "a.txt"));
      await Deno.remove(join(t.src, "b.txt"));
      const empty = await t.cli(["--json", "backup", "Photos", "--delete", "--max-delete", "100%"]);
      assertEquals(empty.code, 8, empty.stdout);
      const e1 = errorOf(empty);
      assertEquals(e1.code, "UnsafeOperation");
      assertIncludes(e1.message, "is empty while s3://");
      assertIncludes(e1.message, "(guard: empty source folder)");
      assertEquals(await t.keys(), keys);

      await Deno.remove(t.src);
      const missing = await t.cli(["backup", "Photos", "Photos", "--delete"]);
      assertEquals(missing.code, 8);
      assertIncludes(
        missing.stderr,
        "eigen-s3: Refusing to back up with --delete: the local folder 'Photos' does not exist (guard: missing source folder)",
      );
      assertEquals(await t.keys(), keys);
      const history = result(await t.cli(["--json", "history"]));
      assertIncludes(JSON.stringify(history), '"exit_code":8');
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("backup CLI: unreadable files and folders are reported (exit 3) and their objects kept"),
  async () => {
    const t = await configured("bkperm", { proxy: false });
    try {
      for (const n of ["ok.txt", "secret.txt", "locked/inner.txt", "z.txt"]) {
        await writeFile(join(t.src, n), n);
      }
      assertEquals((await t.cli(["--json", "backup", "Photos"])).code, 0);
      await Deno.chmod(join(t.src, "secret.txt"), 0o000);
      await Deno.chmod(join(t.src, "locked"), 0o000);
      await writeFile(join(t.src, "secret.txt"), "changed!").catch(() => {});
      await Deno.remove(join(t.src, "z.txt"));
      await Deno.utime(join(t.src, "secret.txt"), new Date(), new Date(Date.now() + 60_000));
      const r = await t.cli(["--json", "backup", "Photos", "--delete"], WITHOUT_ROOT_FILE_ACCESS);
      await Deno.chmod(join(t.src, "locked"), 0o755);
      await Deno.chmod(join(t.src, "secret.txt"), 0o644);
      assertEquals(r.code, 3, r.stdout + r.stderr);
      const report = result(r);
      const errors = report.errors as Array<
        { key: string; code: string; message: string; path: string }
      >;
      assertEquals(errors.map((e) => [e.key, e.code]), [
        ["Photos/locked/", "UploadFailed"],
        ["Photos/secret.txt", "UploadFailed"],
      ]);
      assertIncludes(errors[0]!.message, "cannot read the folder (permission denied)");
      assertIncludes(errors[1]!.message, "permission denied");
      assertEquals(errors[1]!.path, join("Photos", "secret.txt"), "paths as the user gave them");
      assertEquals(report.files_deleted, 0, "a run with failures deletes nothing");
      assertEquals(await t.keys(), [
        "Photos/locked/inner.txt",
        "Photos/ok.txt",
        "Photos/secret.txt",
        "Photos/z.txt",
      ]);
    } finally {
      await t.done();
    }
  },
);

/** Spawns the CLI without waiting (for signals). */
function spawnCli(args: string[], env: Record<string, string>, cwd: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN, ...args],
    env,
    clearEnv: true,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

Deno.test(
  s3Test("backup CLI: SIGKILL during a 40 MiB multipart upload; the rerun resumes and converges"),
  async () => {
    const t = await configured("bkkill", { proxy: false });
    try {
      const big = await writeFile(join(t.src, "video.bin"), randomBytes(40 * MiB));
      await writeFile(join(t.src, "a.txt"), "a");
      const child = spawnCli(
        ["--json", "backup", "Photos", "--concurrency", "1", "--bwlimit", "16M"],
        t.box.env,
        t.box.home,
      );
      let parts = 0;
      await waitFor("a stored part", async () => {
        const ups = await t.raw.send(new ListMultipartUploadsCommand({ Bucket: t.bucket }));
        const up = ups.Uploads?.[0];
        if (!up) return false;
        const listed = await t.raw.send(
          new ListPartsCommand({ Bucket: t.bucket, Key: up.Key!, UploadId: up.UploadId! }),
        );
        parts = listed.Parts?.length ?? 0;
        return parts >= 1;
      });
      child.kill("SIGKILL");
      const status = await child.output();
      assertEquals(status.signal, "SIGKILL");
      assertOk(parts >= 1 && parts < 5, `killed after ${parts} part(s)`);
      assertOk(!(await t.keys()).includes("Photos/video.bin"), "completed before the kill");

      const rerun = await t.cli(["--json", "backup", "Photos"]);
      assertEquals(rerun.code, 0, rerun.stdout + rerun.stderr);
      const report = result(rerun);
      assertOk((report.resumed_parts as number) >= 1, `resumed ${report.resumed_parts}`);
      assertEquals(await t.keys(), ["Photos/a.txt", "Photos/video.bin"]);
      const stored = await getObject(t.raw, t.bucket, "Photos/video.bin");
      assertBytes(stored.bytes, big);
      assertEquals(stored.metadata.md5chksum, md5Bytes(big).base64);
      assertOk(stored.etag.endsWith("-5"), `5 parts of 8 MiB, got ${stored.etag}`);
      const left = await t.raw.send(new ListMultipartUploadsCommand({ Bucket: t.bucket }));
      assertEquals(left.Uploads ?? [], [], "no multipart upload left behind");
      const third = result(await t.cli(["--json", "backup", "Photos"]));
      assertEquals([third.files_uploaded, third.files_skipped], [0, 2]);
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("backup CLI: Ctrl+C (SIGINT) stops cleanly with exit 130; the rerun finishes"),
  async () => {
    const t = await configured("bkint", { proxy: false });
    try {
      for (let i = 0; i < 8; i++) {
        await writeFile(
          join(t.src, `f${i}.bin`),
          randomBytes(256 * 1024),
        );
      }
      const child = spawnCli(
        ["--json", "backup", "Photos", "--concurrency", "2", "--bwlimit", "1M"],
        t.box.env,
        t.box.home,
      );
      await waitFor("a first object", async () => (await t.keys()).length >= 1);
      child.kill("SIGINT");
      const out = await child.output();
      assertEquals(out.code, 130);
      const lines = new TextDecoder().decode(out.stdout).trim().split("\n").map((l) =>
        JSON.parse(l)
      );
      assertEquals(lines.at(-1)!.event, "error");
      assertEquals(lines.at(-1)!.error.code, "Interrupted");
      const stored = (await t.keys()).length;
      assertOk(stored < 8, `stored ${stored} before stopping`);
      const rerun = result(await t.cli(["--json", "backup", "Photos"]));
      assertEquals((rerun.files_uploaded as number) + (rerun.files_skipped as number), 8);
      assertEquals((await t.keys()).length, 8);
    } finally {
      await t.done();
    }
  },
);
