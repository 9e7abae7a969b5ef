/**
 * Secrets through the real CLI: configure + test + put with the secret in a headless Secret
 * Service, the fallback (and the line saying so) when there is no session bus, and a leak scan:
 * a canary secret through configure, test, put, failures and --json never appears in any output,
 * any file under the config/state folders, or any child process's argv.
 */
import { join } from "node:path";
import { assertEquals, assertExcludes, assertIncludes } from "../support/assert.ts";
import {
  createTestBucket,
  rawClient,
  runCli,
  S3_ENDPOINT,
  s3Test,
  sandbox,
  tempDir,
  TEST_ACCESS_KEY,
  TEST_SECRET_KEY,
  writeFile,
} from "../support/test_env.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const WITH_KEYRING = new URL("../support/with_keyring.sh", import.meta.url).pathname;

function which(tool: string): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      const p = join(dir, tool);
      if (Deno.statSync(p).isFile) return p;
    } catch { /* not here */ }
  }
  return null;
}

const KEYRING_TOOLS = ["dbus-run-session", "gnome-keyring-daemon", "secret-tool", "gdbus"].every((
  t,
) => which(t) !== null);
const keyringTest = (name: string) => ({
  name: KEYRING_TOOLS && S3_ENDPOINT
    ? name
    : `${name} [skipped: needs gnome-keyring, secret-tool and an S3 server]`,
  ignore: !(KEYRING_TOOLS && S3_ENDPOINT),
});

/** Writes shims for the secret tools that log their argv, then exec the real tool. */
async function argvShims(dir: string, log: string): Promise<string> {
  const bin = join(dir, "shim-bin");
  await Deno.mkdir(bin, { recursive: true });
  for (const tool of ["secret-tool", "pass", "gpg", "gpg2", "security", "powershell"]) {
    const real = which(tool);
    if (!real) continue;
    const shim = join(bin, tool);
    await Deno.writeTextFile(
      shim,
      `#!/bin/sh\nprintf '%s\\n' "${tool} $*" >> '${log}'\nexec '${real}' "$@"\n`,
    );
    await Deno.chmod(shim, 0o755);
  }
  return bin;
}

/** Every file under `root` whose bytes contain `needle`. */
async function filesContaining(root: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  const want = new TextEncoder().encode(needle);
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(dir)) {
      const p = join(dir, e.name);
      if (e.isDirectory) await walk(p);
      else if (e.isFile) {
        const bytes = await Deno.readFile(p);
        outer: for (let i = 0; i + want.length <= bytes.length; i++) {
          for (let j = 0; j < want.length; j++) if (bytes[i + j] !== want[j]) continue outer;
          hits.push(p);
          break;
        }
      }
    }
  };
  await walk(root).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  return hits;
}

/** Runs a shell script inside the headless Secret Service wrapper; returns its output. */
async function inKeyring(script: string, env: Record<string, string>) {
  const out = await new Deno.Command(WITH_KEYRING, {
    args: ["sh", "-c", script],
    env,
    clearEnv: true,
    stdin: "null",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test(
  keyringTest("configure, test and put with the secret in the Secret Service; canary never leaks"),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "keyring");
    const box = await sandbox();
    const work = await tempDir("eigen-leak-");
    try {
      const argvLog = join(work.path, "argv.log");
      const shims = await argvShims(work.path, argvLog);
      await writeFile(join(work.path, "photo.jpg"), 5000);
      const out = join(work.path, "out");
      await Deno.mkdir(out);
      const eigen = `"${Deno.execPath()}" run -A --quiet "${MAIN}"`;
      // The wrapper makes its own HOME; the config and state folders are pointed at WORK so the
      // test can scan them afterwards.
      const script = `
      export XDG_CONFIG_HOME="${work.path}/config" XDG_STATE_HOME="${work.path}/state"
      run() { echo "### $*" ; "$@"; echo "### exit $?"; }
      printf %s "$CANARY" | run ${eigen} configure --endpoint "${S3_ENDPOINT}" --bucket "${bucket.name}" --access-key-id "${TEST_ACCESS_KEY}" --secret-stdin
      run ${eigen} test
      run ${eigen} --json test
      run ${eigen} put "${work.path}/photo.jpg" p/photo.jpg
      run ${eigen} --json put "${work.path}/photo.jpg" p/photo2.jpg
      run ${eigen} get p/missing.jpg "${out}/"
      run ${eigen} --json get p/missing.jpg "${out}/"
      run ${eigen} --json config show
      run ${eigen} --verbose --bucket no-such-bucket-xyz ls
      printf %s "$CANARY" | run ${eigen} configure --endpoint http://127.0.0.1:1 --bucket "${bucket.name}" --access-key-id "${TEST_ACCESS_KEY}" --secret-stdin
      secret-tool lookup service eigen-s3 account default > "${work.path}/lookup.txt"
    `;
      const r = await inKeyring(script, {
        PATH: `${shims}:${Deno.env.get("PATH")}`,
        DENO_DIR: box.env.DENO_DIR!,
        CANARY: TEST_SECRET_KEY,
        NO_COLOR: "1",
      });
      const all = r.stdout + r.stderr;
      assertEquals(r.code, 0, all);
      assertIncludes(all, "Secret access key stored in Secret Service (secret-tool).");
      const exits = [...all.matchAll(/### exit (\d+)/g)].map((m) => Number(m[1]));
      assertEquals(exits, [0, 0, 0, 0, 0, 6, 6, 0, 6, 7], all);
      assertIncludes(all, `"secret_backend":"keychain"`);
      assertEquals(
        await Deno.readTextFile(join(work.path, "lookup.txt")),
        TEST_SECRET_KEY,
        "stored verbatim, no newline",
      );

      assertExcludes(all, TEST_SECRET_KEY, "no output contains the secret");
      assertEquals(await filesContaining(join(work.path, "config"), TEST_SECRET_KEY), []);
      assertEquals(await filesContaining(join(work.path, "state"), TEST_SECRET_KEY), []);
      const argv = await Deno.readTextFile(argvLog);
      assertIncludes(
        argv,
        "secret-tool store --label=eigen-s3 (default) service eigen-s3 account default",
      );
      assertIncludes(argv, "secret-tool lookup service eigen-s3 account default");
      assertExcludes(argv, TEST_SECRET_KEY, "no child process got the secret in argv");
    } finally {
      await bucket.drop();
      raw.destroy();
      await box.cleanup();
      await work.cleanup();
    }
  },
);

Deno.test(
  s3Test("no session bus: configure falls back to the encrypted file and says why"),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "nobus");
    const box = await sandbox({ PASSWORD_STORE_DIR: "/nonexistent-password-store" });
    try {
      const conf = await runCli(
        [
          "configure",
          "--endpoint",
          S3_ENDPOINT!,
          "--bucket",
          bucket.name,
          "--access-key-id",
          TEST_ACCESS_KEY,
          "--secret-stdin",
        ],
        box.env,
        TEST_SECRET_KEY,
      );
      assertEquals(conf.code, 0, conf.stderr);
      assertIncludes(conf.stderr, "Secret Service unavailable (");
      assertIncludes(conf.stderr, "stored in the encrypted file ~/state/eigen/secrets.enc");
      assertEquals(conf.stderr.trim().split("\n").length, 1, conf.stderr);
      const cfg = JSON.parse(
        await Deno.readTextFile(join(box.env.XDG_CONFIG_HOME!, "eigen", "s3-config.json")),
      );
      assertEquals(cfg.profiles.default.secret_backend, "file");
      const test = await runCli(["test"], box.env);
      assertEquals(test.code, 0, test.stderr);
      // Without the passphrase (and with the key cache off: the kernel keyring would otherwise
      // still hold the key of the run before) the file cannot be opened: a clear error, not a
      // prompt or a hang.
      const { EIGEN_S3_PASSPHRASE: _, ...noPass } = box.env;
      const locked = await runCli(["--no-key-cache", "test"], noPass);
      assertEquals(locked.code, 1, locked.stderr);
      assertIncludes(locked.stdout + locked.stderr, "EIGEN_S3_PASSPHRASE");
      for (const r of [conf, test, locked]) assertExcludes(r.stdout + r.stderr, TEST_SECRET_KEY);
    } finally {
      await bucket.drop();
      raw.destroy();
      await box.cleanup();
    }
  },
);
