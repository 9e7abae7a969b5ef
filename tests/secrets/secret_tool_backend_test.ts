import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runTool } from "../../src/lib/run_tool.ts";
import { SecretToolBackend } from "../../src/secrets/secret_tool_backend.ts";
import { storeError } from "./support/error_fields.ts";
import { exited, FakeRunner, onPath } from "./support/fake_runner.ts";
import { CHILD_SECRETS } from "./support/secret_tool_child.ts";

const WRAPPER = fileURLToPath(new URL("../support/with_keyring.sh", import.meta.url));
const CHILD = fileURLToPath(new URL("./support/secret_tool_child.ts", import.meta.url));
const TOOLS = ["secret-tool", "gnome-keyring-daemon", "dbus-run-session", "gdbus"];
const MISSING = TOOLS.filter((t) => !onPath(t));
const SKIP = MISSING.length > 0 ? ` (SKIPPED: ${MISSING.join(", ")} not installed)` : "";

const LOCKED = {
  error: {
    reason: "the Secret Service keyring is locked",
    fix:
      "unlock it (log in to the desktop, or gnome-keyring-daemon --unlock) and retry, or use --secret-backend file",
    unavailable: true,
  },
};
const NO_BUS_FIX =
  "run inside a desktop session (or dbus-run-session), or use --secret-backend pass|file";
const NO_BUS = { error: { reason: "no D-Bus session bus", fix: NO_BUS_FIX, unavailable: true } };

/** Runs the child scenario inside a fresh headless keyring and returns its JSON report. */
async function scenario(mode: string[], name: string): Promise<Record<string, unknown>> {
  const result = await runTool({
    command: WRAPPER,
    args: [...mode, Deno.execPath(), "run", "-A", "--no-config", CHILD, name],
    timeoutMs: 120_000,
  });
  if (result.status !== "exited" || result.code !== 0) {
    throw new Error(`child failed: ${JSON.stringify(result)}`);
  }
  return JSON.parse(result.stdout);
}

Deno.test({
  name:
    `secret-tool against a real gnome-keyring: store, read, overwrite, delete, locked, no bus${SKIP}`,
  ignore: MISSING.length > 0,
  fn: async (t) => {
    const r = await scenario([], "unlocked");
    await t.step("probe, missing item", () => {
      assert.deepEqual(r.probe, { ok: { available: true } });
      assert.deepEqual(r.getMissing, { ok: null });
      assert.deepEqual(r.deleteMissing, { ok: false });
    });
    await t.step("store and read back verbatim, one labelled item", () => {
      assert.deepEqual(r.set, { ok: "done" });
      assert.deepEqual(r.get, { ok: CHILD_SECRETS[0] });
      const search = r.searchAfterSet as { stdout: string; stderr: string };
      assert.match(search.stdout, /^label = eigen-s3 \(default\)$/m);
      assert.match(search.stderr, /^attribute\.service = eigen-s3$/m);
      assert.match(search.stderr, /^attribute\.account = default$/m);
    });
    await t.step("overwrite keeps one item, trailing newline kept", () => {
      assert.deepEqual(r.overwrite, { ok: "done" });
      assert.deepEqual(r.getOverwritten, { ok: CHILD_SECRETS[1] });
      const items = (r.searchAfterOverwrite as { stdout: string }).stdout.match(/^\[\//gm);
      assert.equal(items?.length, 1);
    });
    await t.step("delete, then missing; other profiles untouched", () => {
      assert.deepEqual(r.delete, { ok: true });
      assert.deepEqual(r.getDeleted, { ok: null });
      assert.deepEqual(r.deleteAgain, { ok: false });
      assert.deepEqual(r.getOther, { ok: "other-secret" });
    });
    await t.step("locked collection: read, write and delete say locked", () => {
      assert.equal(
        r.lock,
        "([objectpath '/org/freedesktop/secrets/collection/login'], objectpath '/')",
      );
      assert.deepEqual(r.lockedGet, LOCKED);
      assert.deepEqual(r.lockedSet, LOCKED);
      assert.deepEqual(r.lockedDelete, LOCKED);
      assert.deepEqual(r.lockedGetMissing, { ok: null });
      // search never prompts, so the probe cannot see the lock; set() reports it instead
      assert.deepEqual(r.lockedProbe, { ok: { available: true } });
    });
    await t.step("no session bus / unreachable bus", () => {
      assert.deepEqual(r.noBusProbe, {
        ok: { available: false, reason: "no D-Bus session bus", fix: NO_BUS_FIX },
      });
      assert.deepEqual(r.noBusSet, NO_BUS);
      assert.deepEqual(r.deadBusGet, NO_BUS);
    });
    await t.step("the secret never reached argv", () => {
      const argv = JSON.stringify(r.argv);
      assert.ok((r.argv as string[][]).length >= 20);
      for (const secret of CHILD_SECRETS) {
        assert.ok(!argv.includes(JSON.stringify(secret).slice(1, -1)));
      }
      assert.ok(!argv.includes("other-secret"));
    });
  },
});

const CHAIN_FILE = "~/state/eigen/secrets.enc";
/** What the real chain reports; pass is mentioned only when it is installed (but has no store). */
function chainResult(keychainReason: string) {
  const passPart = onPath("pass")
    ? "; pass unavailable (password store not initialised: no ~/.password-store/.gpg-id)"
    : "";
  return {
    ok: {
      saved: {
        backend: "file",
        description: `encrypted file ${CHAIN_FILE}`,
        fallbackReason: `Secret Service unavailable (${keychainReason})${passPart}: ` +
          `stored in the encrypted file ${CHAIN_FILE}`,
      },
      loaded: "chain-secret",
    },
  };
}

Deno.test({
  name: `secret-tool with a session bus but no login keyring${SKIP}`,
  ignore: MISSING.length > 0,
  fn: async () => {
    const r = await scenario(["--no-login-keyring"], "no-login-keyring");
    const reason = "the Secret Service has no default keyring";
    assert.deepEqual(r.set, {
      error: {
        reason,
        fix:
          "create and unlock a login keyring (log in to the desktop, or gnome-keyring-daemon --unlock) or use --secret-backend file",
        unavailable: true,
      },
    });
    assert.deepEqual(r.get, { ok: null });
    assert.deepEqual(r.chain, chainResult(reason));
  },
});

Deno.test({
  name: `secret-tool with a session bus but no Secret Service provider${SKIP}`,
  ignore: MISSING.length > 0,
  fn: async () => {
    const r = await scenario(["--no-provider"], "no-provider");
    const reason = "no Secret Service on this session";
    const fix =
      "install gnome-keyring (or enable KeePassXC's Secret Service) or use --secret-backend file";
    assert.deepEqual(r.probe, { ok: { available: false, reason, fix } });
    assert.deepEqual(r.set, { error: { reason, fix, unavailable: true } });
    assert.deepEqual(r.get, { error: { reason, fix, unavailable: true } });
    assert.deepEqual(r.chain, chainResult(reason));
  },
});

Deno.test("secret-tool unit: argv, stdin and timeout of a store", async () => {
  const runner = new FakeRunner([exited(0)]);
  const backend = new SecretToolBackend({
    run: runner.run,
    timeoutMs: 1234,
    env: { PATH: "/bin" },
  });
  await backend.set("work", "s3cr3t");
  assert.deepEqual(runner.calls, [{
    command: "secret-tool",
    args: ["store", "--label=eigen-s3 (work)", "service", "eigen-s3", "account", "work"],
    stdin: "s3cr3t",
    env: { PATH: "/bin" },
    timeoutMs: 1234,
  }]);
});

Deno.test("secret-tool unit: error mapping", async (t) => {
  await t.step("not installed", async () => {
    const backend = new SecretToolBackend({ run: new FakeRunner([{ status: "not-found" }]).run });
    assert.deepEqual(await backend.probe(), {
      available: false,
      reason: "secret-tool is not installed",
      fix:
        "install libsecret-tools (Debian, Ubuntu) or libsecret (Fedora, Arch), or use --secret-backend pass|file",
    });
  });
  await t.step("a hanging unlock prompt times out, not a fallback reason", async () => {
    const runner = new FakeRunner([{ status: "timeout", stdout: "", stderr: "" }]);
    const backend = new SecretToolBackend({ run: runner.run });
    assert.deepEqual(await storeError(backend.get("work")), {
      backend: "keychain",
      reason: "secret-tool lookup did not answer within 10 s (an unlock prompt may be waiting)",
      fix: "answer or dismiss the keyring prompt and retry, or use --secret-backend file",
      unavailable: false,
    });
  });
  await t.step("X11 autolaunch message means no bus", async () => {
    const runner = new FakeRunner([
      exited(1, "", "secret-tool: Cannot autolaunch D-Bus without X11 $DISPLAY\n"),
    ]);
    assert.deepEqual(await storeError(new SecretToolBackend({ run: runner.run }).set("w", "s")), {
      backend: "keychain",
      reason: "no D-Bus session bus",
      fix: NO_BUS_FIX,
      unavailable: true,
    });
  });
  await t.step("an unknown failure quotes stderr and does not fall back", async () => {
    const runner = new FakeRunner([exited(1, "", "secret-tool: Something odd\n")]);
    assert.deepEqual(await storeError(new SecretToolBackend({ run: runner.run }).set("w", "s")), {
      backend: "keychain",
      reason: "secret-tool store failed (exit 1): secret-tool: Something odd",
      fix:
        "check the Secret Service (secret-tool search service eigen-s3) or use --secret-backend file",
      unavailable: false,
    });
  });
  await t.step("a profile named 'locked' is not mistaken for a locked keyring", async () => {
    const runner = new FakeRunner([
      exited(1),
      exited(0, "", "attribute.account = locked\nattribute.service = eigen-s3\n"),
    ]);
    assert.equal(await new SecretToolBackend({ run: runner.run }).get("locked"), null);
  });
});
