import assert from "node:assert/strict";
import { join } from "node:path";
import { PassBackend } from "../../src/secrets/pass_backend.ts";
import { runTool } from "../../src/lib/run_tool.ts";
import { storeError } from "./support/error_fields.ts";
import { exited, FakeRunner, onPath, recording } from "./support/fake_runner.ts";

const MISSING = ["pass", "gpg", "gpgconf"].filter((t) => !onPath(t));
const SKIP = MISSING.length > 0 ? ` (SKIPPED: ${MISSING.join(", ")} not installed)` : "";

/** Runs a setup tool in the throw-away GnuPG environment; fails the test on error. */
async function must(env: Record<string, string | undefined>, command: string, args: string[]) {
  const result = await runTool({ command, args, env, timeoutMs: 60_000 });
  if (result.status !== "exited" || result.code !== 0) {
    throw new Error(`${command} ${args.join(" ")}: ${JSON.stringify(result)}`);
  }
  return result.stdout;
}

Deno.test({
  name: `pass against a real throw-away GNUPGHOME and password store${SKIP}`,
  ignore: MISSING.length > 0,
  fn: async (t) => {
    const home = await Deno.makeTempDir({ prefix: "eigen-pass-" });
    const env: Record<string, string | undefined> = {
      PATH: Deno.env.get("PATH"),
      HOME: home,
      GNUPGHOME: join(home, "gnupg"),
      PASSWORD_STORE_DIR: join(home, "store"),
    };
    await Deno.mkdir(env.GNUPGHOME!, { mode: 0o700 });
    const rec = recording(runTool);
    const pass = new PassBackend({ env, run: rec.run });
    const secrets = ["wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "line one\nline two\n"];
    try {
      await t.step("not initialised: unavailable with the .gpg-id path", async () => {
        assert.deepEqual(await pass.probe(), {
          available: false,
          reason: "password store not initialised: no ~/store/.gpg-id",
          fix: "run pass init GPG-KEY-ID or use --secret-backend file",
        });
      });

      await must(env, "gpg", [
        "--batch",
        "--pinentry-mode",
        "loopback",
        "--passphrase",
        "",
        "--quick-gen-key",
        "eigen-s3 test <test@example.invalid>",
        "default",
        "default",
        "never",
      ]);
      const colons = await must(env, "gpg", ["--list-keys", "--with-colons"]);
      const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(colons)?.[1];
      assert.ok(fingerprint, "no fingerprint");
      await must(env, "pass", ["init", fingerprint]);

      await t.step("initialised: available", async () => {
        assert.deepEqual(await pass.probe(), { available: true });
      });
      await t.step("missing entry", async () => {
        assert.equal(await pass.get("default"), null);
        assert.equal(await pass.delete("default"), false);
      });
      await t.step("insert, show verbatim, overwrite", async () => {
        await pass.set("default", secrets[0]!);
        assert.equal(await pass.get("default"), secrets[0]);
        await Deno.stat(join(env.PASSWORD_STORE_DIR!, "eigen-s3", "default.gpg"));
        await pass.set("default", secrets[1]!);
        assert.equal(await pass.get("default"), secrets[1]);
      });
      await t.step("rm, then missing", async () => {
        await pass.set("work", "other");
        assert.equal(await pass.delete("default"), true);
        assert.equal(await pass.get("default"), null);
        assert.equal(await pass.delete("default"), false);
        assert.equal(await pass.get("work"), "other");
      });
      await t.step("argv is exactly the documented commands, never a secret", () => {
        const argv = rec.calls.map((c) => [c.command, ...c.args].join(" "));
        assert.deepEqual([...new Set(argv)].sort(), [
          "pass insert -m -f eigen-s3/default",
          "pass insert -m -f eigen-s3/work",
          "pass rm -f eigen-s3/default",
          "pass show eigen-s3/default",
          "pass show eigen-s3/work",
          "pass version",
        ]);
      });
      await t.step("secret key gone: the decryption error is named", async () => {
        await must(env, "gpg", ["--batch", "--yes", "--delete-secret-keys", fingerprint]);
        assert.deepEqual(await storeError(pass.get("work")), {
          backend: "pass",
          reason: "gpg cannot decrypt eigen-s3/work: no secret key",
          fix:
            "import the GPG secret key the password store is encrypted to, or use --secret-backend file",
          unavailable: false,
        });
      });
      await t.step("public key gone: the encryption error is named", async () => {
        await must(env, "gpg", ["--batch", "--yes", "--delete-keys", fingerprint]);
        const error = await storeError(pass.set("work", "x"));
        assert.equal(
          error.reason,
          `gpg cannot encrypt eigen-s3/work: gpg: ${fingerprint}: skipped: No public key`,
        );
        assert.equal(error.unavailable, false);
      });
    } finally {
      await runTool({ command: "gpgconf", args: ["--kill", "gpg-agent"], env, timeoutMs: 10_000 });
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test("pass unit: not installed is unavailable", async () => {
  const pass = new PassBackend({ run: new FakeRunner([{ status: "not-found" }]).run, env: {} });
  assert.deepEqual(await pass.probe(), {
    available: false,
    reason: "pass is not installed",
    fix: "install pass (passwordstore.org) or use --secret-backend file",
  });
});

Deno.test("pass unit: a pinentry that never answers times out with a useful fix", async () => {
  const runner = new FakeRunner([{ status: "timeout", stdout: "", stderr: "" }]);
  const pass = new PassBackend({ run: runner.run, env: {}, timeoutMs: 10_000 });
  assert.deepEqual(await storeError(pass.get("work")), {
    backend: "pass",
    reason: "pass show did not answer within 10 s (gpg may be waiting for a passphrase prompt)",
    fix:
      "unlock your GPG key first (run pass show eigen-s3/work in a terminal) and retry, or use --secret-backend file",
    unavailable: false,
  });
});

Deno.test("pass unit: PASSWORD_STORE_DIR defaults to ~/.password-store", () => {
  assert.equal(new PassBackend({ env: { HOME: "/home/me" } }).storeDir, "/home/me/.password-store");
  assert.equal(
    new PassBackend({ env: { HOME: "/home/me", PASSWORD_STORE_DIR: "/srv/pw" } }).storeDir,
    "/srv/pw",
  );
});

Deno.test("pass unit: secret on stdin, entry path from the profile", async () => {
  const runner = new FakeRunner([exited(0)]);
  await new PassBackend({ run: runner.run, env: {} }).set("work", "s3cr3t");
  assert.deepEqual(runner.calls[0], {
    command: "pass",
    args: ["insert", "-m", "-f", "eigen-s3/work"],
    stdin: "s3cr3t",
    env: {},
    timeoutMs: 10_000,
  });
});
