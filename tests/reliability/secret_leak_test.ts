/**
 * Scenario 9: the secret never leaks. The secret access key (the canary), a wrong secret and a
 * session token (two more canaries) go through backup, restore, verify, ls, rm, history, get,
 * put, test, config show and a scheduled job run, in human, --verbose and --json modes, on
 * success and on failure (network down, bucket missing, wrong secret, expired token, a refused
 * delete, differences found), with the secret coming from the encrypted-file profile, the
 * environment, the AWS shared credentials file and (when the tools exist) the Secret Service.
 * No output, no file under the sandbox HOME (config, state, history, secrets file, anything a
 * crash could leave) and no child process's argv contains any canary.
 *
 * tests/cli/secrets_cli_test.ts already covers configure, test, put, get and config show with
 * the Secret Service; this extends the same scan to every other command and failure.
 */

import { join } from "node:path";
import { assertEquals, assertOk } from "../support/assert.ts";
import {
  type CliRun,
  configureArgs,
  createTestBucket,
  needs,
  rawClient,
  runCli,
  S3_ENDPOINT,
  sandbox,
  TEST_ACCESS_KEY,
  TEST_SECRET_KEY,
  writeFile,
} from "../support/test_env.ts";
import { startS3Proxy } from "../support/s3_proxy.ts";
import { summary } from "../support/reliability.ts";

/** A wrong secret must be refused by the server (SigV4 checked). */
const SIGNED = needs("signatures");

const WRONG = "CanaryWrongSecret0000000000000000000000000";
const TOKEN = "CanarySessionToken000000000000000000000000";
const CANARIES = [TEST_SECRET_KEY, WRONG, TOKEN];
const WITH_KEYRING = new URL("../support/with_keyring.sh", import.meta.url).pathname;
const MAIN = new URL("../../main.ts", import.meta.url).pathname;

function which(tool: string): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      if (Deno.statSync(join(dir, tool)).isFile) return join(dir, tool);
    } catch { /* not here */ }
  }
  return null;
}

/** Shims for every tool eigen-s3 may start: each logs its argv, then runs the real one. */
async function argvShims(dir: string, log: string): Promise<string> {
  const bin = join(dir, "shim-bin");
  await Deno.mkdir(bin, { recursive: true });
  const tools = [
    "secret-tool",
    "pass",
    "gpg",
    "gpg2",
    "security",
    "powershell",
    "powershell.exe",
    "systemctl",
    "systemd-analyze",
    "crontab",
    "launchctl",
    "notify-send",
    "osascript",
    "gdbus",
    "dbus-send",
  ];
  for (const tool of tools) {
    const real = which(tool);
    const shim = join(bin, tool);
    await Deno.writeTextFile(
      shim,
      `#!/bin/sh\nprintf '%s\\n' "${tool} $*" >> '${log}'\n${
        real ? `exec '${real}' "$@"` : "exit 127"
      }\n`,
    );
    await Deno.chmod(shim, 0o755);
  }
  return bin;
}

/** Files under `root` whose bytes contain any canary (with which). */
async function filesContaining(root: string, skip: (path: string) => boolean) {
  const hits: string[] = [];
  const needles = CANARIES.map((c) => new TextEncoder().encode(c));
  let scanned = 0;
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(dir)) {
      const p = join(dir, e.name);
      if (e.isDirectory) await walk(p);
      else if (e.isFile && !skip(p)) {
        scanned += 1;
        const bytes = await Deno.readFile(p);
        for (const [i, want] of needles.entries()) {
          outer: for (let k = 0; k + want.length <= bytes.length; k++) {
            for (let j = 0; j < want.length; j++) if (bytes[k + j] !== want[j]) continue outer;
            hits.push(`${p} holds canary ${i}`);
            break;
          }
        }
      }
    }
  };
  await walk(root);
  return { hits, scanned };
}

Deno.test(SIGNED("secret leak scan: no canary in any output, file or child argv"), async () => {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, "relleak");
  const box = await sandbox();
  const expiring = await startS3Proxy(S3_ENDPOINT!, {
    rules: [{
      action: "respond",
      match: (r) => r.headers["x-amz-security-token"] !== undefined,
      respond: { status: 400, code: "ExpiredToken", message: "The provided token has expired." },
    }],
  });
  const runs: Array<{ label: string; run: CliRun | { stdout: string; stderr: string } }> = [];
  try {
    const argvLog = join(box.home, "argv.log");
    const shims = await argvShims(box.home, argvLog);
    const env: Record<string, string> = {
      ...box.env,
      PATH: `${shims}:${box.env.PATH}`,
      PASSWORD_STORE_DIR: join(box.home, "no-password-store"),
    };
    const src = join(box.home, "Docs");
    for (let i = 0; i < 5; i++) await writeFile(join(src, `f${i}.txt`), `doc ${i}`);
    await writeFile(join(box.home, "one.txt"), "one");
    const run = async (label: string, args: string[], extra: Record<string, string> = {}) => {
      const r = await runCli(args, { ...env, ...extra }, undefined, box.home);
      runs.push({ label, run: r });
      return r;
    };
    const exits: Record<string, number> = {};
    const conf = await runCli(
      configureArgs(bucket.name),
      env,
      TEST_SECRET_KEY + "\n",
      box.home,
    );
    runs.push({ label: "configure", run: conf });
    assertEquals(conf.code, 0, conf.stderr);

    /** Every command, success and failure, for one way of giving the secret. */
    const everything = async (
      source: string,
      extra: Record<string, string>,
      b: string[],
      only?: string[],
    ) => {
      const all: Array<[string, string[]]> = [
        ["test", ["test"]],
        ["test json", ["--json", "test"]],
        ["put", ["put", join(box.home, "one.txt"), "k/one.txt"]],
        ["backup", ["backup", src, "Docs"]],
        ["backup json", ["--json", "backup", src, "Docs"]],
        ["backup dry", ["--json", "backup", src, "Docs", "--dry-run", "--delete"]],
        ["ls", ["ls", "--recursive"]],
        ["ls json versions", ["--json", "ls", "--versions"]],
        ["get", ["get", "k/one.txt", join(box.home, `got-${source}.txt`)]],
        ["restore", ["restore", "Docs", join(box.home, `r-${source}`)]],
        ["restore json dry", ["--json", "restore", "Docs", join(box.home, "rd"), "--dry-run"]],
        ["verify", ["verify", src, "Docs"]],
        ["verify json download", ["--json", "verify", src, "Docs", "--download"]],
        ["rm", ["rm", "k/one.txt"]],
        ["rm missing", ["--json", "rm", "k/none.txt"]],
        ["history", ["history"]],
        ["history json", ["--json", "history", "--limit", "50"]],
        ["config show", ["--json", "config", "show"]],
        // Failures.
        ["no bucket", ["--verbose", "--bucket", "no-such-bucket-leak", "backup", src, "Docs"]],
        ["no bucket json", ["--json", "--bucket", "no-such-bucket-leak", "ls"]],
        ["network", ["--verbose", "--endpoint", "http://127.0.0.1:1", "backup", src, "Docs"]],
        ["network json", ["--json", "--endpoint", "http://127.0.0.1:1", "restore", "Docs", "x"]],
        ["nothing to restore", ["--verbose", "restore", "Nope", join(box.home, "n")]],
      ];
      const cmds = only ? all.filter(([label]) => only.includes(label)) : all;
      for (const [label, args] of cmds) {
        const r = await run(`${source}: ${label}`, [...b, ...args], extra);
        exits[`${source}: ${label}`] = r.code;
      }
      // A refused delete (exit 8) and differences found by verify (exit 3).
      const empty = join(box.home, `empty-${source}`);
      await Deno.mkdir(empty, { recursive: true });
      const guard = await run(`${source}: refused delete`, [
        ...b,
        "--verbose",
        "backup",
        empty,
        "Docs",
        "--delete",
      ], extra);
      assertEquals(guard.code, 8, guard.stderr);
      await Deno.writeTextFile(join(src, "f0.txt"), "changed");
      const differ = await run(
        `${source}: verify differs`,
        [...b, "--json", "verify", src, "Docs"],
        extra,
      );
      assertEquals(differ.code, 3);
      await Deno.writeTextFile(join(src, "f0.txt"), "doc 0");
    };

    // 1. The profile, secret in the encrypted file.
    await everything("profile", {}, []);
    assertEquals(exits["profile: backup"], 0);
    assertEquals(exits["profile: no bucket json"], 6);
    assertEquals(exits["profile: network"], 7);
    const job = await run("schedule add", [
      "schedule",
      "add",
      "nightly",
      "--folder",
      src,
      "--cron",
      "0 3 * * *",
    ]);
    assertEquals(job.code, 0, job.stderr);
    const jobRun = await run("schedule run", ["--json", "schedule", "run", "nightly"]);
    assertEquals(jobRun.code, 0, jobRun.stdout + jobRun.stderr);
    await run("schedule show", ["schedule", "show", "nightly"]);

    // 2. The environment (credentials only; the bucket from the profile).
    const envCreds = {
      AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: TEST_SECRET_KEY,
    };
    await everything("env", envCreds, [], [
      "test json",
      "put",
      "backup json",
      "backup dry",
      "ls",
      "get",
      "restore",
      "verify json download",
      "rm",
      "history json",
      "no bucket",
      "network json",
      "nothing to restore",
    ]);
    // A wrong secret, and a session token: RGW accepts a bogus token; the proxy answers like AWS.
    for (const cmd of [["backup", src, "Docs"], ["ls"], ["test"], ["restore", "Docs", "w"]]) {
      const wrong = await run(`wrong secret: ${cmd[0]}`, ["--verbose", ...cmd], {
        ...envCreds,
        AWS_SECRET_ACCESS_KEY: WRONG,
      });
      assertEquals(wrong.code, 5, wrong.stderr);
      await run(`token: ${cmd[0]}`, ["--json", ...cmd], { ...envCreds, AWS_SESSION_TOKEN: TOKEN });
      const expired = await run(`expired token: ${cmd[0]}`, ["--verbose", ...cmd], {
        ...envCreds,
        AWS_SESSION_TOKEN: TOKEN,
        AWS_ENDPOINT_URL: expiring.endpoint,
      });
      assertEquals(expired.code, 5, expired.stderr);
    }

    // 3. The AWS shared credentials file (AWS_PROFILE).
    const awsDir = join(box.home, ".aws");
    await Deno.mkdir(awsDir, { recursive: true });
    const credentialsFile = join(awsDir, "credentials");
    await Deno.writeTextFile(
      credentialsFile,
      `[leak]\naws_access_key_id = ${TEST_ACCESS_KEY}\naws_secret_access_key = ${TEST_SECRET_KEY}\n`,
    );
    await everything("aws-profile", { AWS_PROFILE: "leak" }, [], [
      "backup json",
      "ls",
      "restore",
      "verify json download",
      "history",
      "no bucket",
      "network",
    ]);
    assertEquals(exits["aws-profile: backup json"], 0);

    // 4. The Secret Service, when its tools are here (as secrets_cli_test.ts does).
    let keyring = "skipped (no secret-tool/gnome-keyring)";
    if (["dbus-run-session", "gnome-keyring-daemon", "secret-tool"].every((t) => which(t))) {
      const eigen = `"${Deno.execPath()}" run -A --quiet "${MAIN}"`;
      const script = `
        export XDG_CONFIG_HOME="${box.home}/kr-config" XDG_STATE_HOME="${box.home}/kr-state"
        printf %s "$CANARY" | ${eigen} configure --endpoint "${S3_ENDPOINT}" --bucket "${bucket.name}" --access-key-id "${TEST_ACCESS_KEY}" --secret-stdin
        for a in "backup ${src} Docs" "--json backup ${src} Docs --dry-run" "ls --recursive" "--json verify ${src} Docs" "restore Docs ${box.home}/kr-restore" "--json history" "--verbose --bucket no-such-bucket-leak ls" "--verbose --endpoint http://127.0.0.1:1 backup ${src} Docs"; do
          ${eigen} $a; echo "### exit $?"
        done`;
      const out = await new Deno.Command(WITH_KEYRING, {
        args: ["sh", "-c", script],
        env: {
          PATH: env.PATH!,
          DENO_DIR: box.env.DENO_DIR!,
          CANARY: TEST_SECRET_KEY,
          NO_COLOR: "1",
        },
        clearEnv: true,
        stdin: "null",
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      runs.push({ label: "keyring", run: { stdout: text, stderr: "" } });
      const exitsKr = [...text.matchAll(/### exit (\d+)/g)].map((m) => Number(m[1]));
      assertEquals(exitsKr, [0, 0, 0, 0, 0, 0, 6, 7], text);
      keyring = "8 commands";
    }

    // The scan: outputs, every file under HOME, every child's argv.
    for (const { label, run } of runs) {
      for (const c of CANARIES) {
        assertOk(!(run.stdout + run.stderr).includes(c), `${label}: the output holds a canary`);
      }
    }
    const { hits, scanned } = await filesContaining(box.home, (p) => p === credentialsFile);
    assertEquals(hits, []);
    // The scan can fail: a planted copy of the canary is found.
    const planted = join(box.env.XDG_STATE_HOME!, "eigen", "planted.bin");
    await Deno.writeFile(planted, new TextEncoder().encode(`xx${TEST_SECRET_KEY}yy`));
    assertEquals((await filesContaining(box.home, (p) => p === credentialsFile)).hits, [
      `${planted} holds canary 0`,
    ]);
    await Deno.remove(planted);
    const argv = await Deno.readTextFile(argvLog).catch(() => "");
    for (const c of CANARIES) assertOk(!argv.includes(c), "a child got a canary in argv");
    const children = argv.split("\n").filter((l) => l.trim() !== "").length;
    assertOk(runs.length > 60, `${runs.length} runs`);
    await summary(
      "9 secret leak scan",
      `runs: ${runs.length} (backup, restore, verify, ls, rm, history, get, put, test, config show, schedule add/run/show; human, --verbose, --json; success and failures: network, bucket missing, wrong secret, expired token, refused delete, differences) with the secret from the encrypted-file profile, the environment, ~/.aws/credentials and the Secret Service (${keyring}); 3 canaries, found in 0 outputs, 0 of ${scanned} files under HOME, 0 of ${children} child argv lines`,
      { runs: runs.length, files: scanned },
    );
  } finally {
    await expiring.close();
    await bucket.drop();
    raw.destroy();
    await box.cleanup();
  }
});
