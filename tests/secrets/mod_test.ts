import assert from "node:assert/strict";
import { join } from "node:path";
import { createSecretStore } from "../../src/secrets/mod.ts";
import { exited, FakeRunner } from "./support/fake_runner.ts";

const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

Deno.test("createSecretStore picks the keychain tool for the OS", () => {
  const common = { stateDir: "/home/me/.local/state/eigen", env: { HOME: "/home/me" } };
  const describe = (os: typeof Deno.build.os) =>
    ["keychain", "pass", "file"].map((b) =>
      createSecretStore({ ...common, os }).describe(b as "keychain" | "pass" | "file")
    );
  const rest = ["pass (password-store)", "encrypted file ~/.local/state/eigen/secrets.enc"];
  assert.deepEqual(describe("linux"), ["Secret Service (secret-tool)", ...rest]);
  assert.deepEqual(describe("freebsd"), ["Secret Service (secret-tool)", ...rest]);
  assert.deepEqual(describe("darwin"), ["macOS Keychain (security)", ...rest]);
  assert.deepEqual(describe("windows"), ["Windows Credential Manager", ...rest]);
});

Deno.test("createSecretStore on macOS saves through security with the injected runner", async () => {
  const runner = new FakeRunner([
    exited(0, '    "/Users/me/Library/Keychains/login.keychain-db"\n'),
    exited(0),
    exited(0, `${SECRET}\n`),
  ]);
  const store = createSecretStore({
    os: "darwin",
    stateDir: "/Users/me/.local/state/eigen",
    env: { HOME: "/Users/me" },
    run: runner.run,
    timeoutMs: 5000,
  });
  assert.deepEqual(await store.save("default", SECRET), {
    backend: "keychain",
    description: "macOS Keychain (security)",
  });
  assert.deepEqual(runner.calls.map((c) => [c.command, c.args[0], c.timeoutMs]), [
    ["security", "default-keychain", 5000],
    ["security", "add-generic-password", 5000],
    ["security", "find-generic-password", 5000],
  ]);
  assert.deepEqual(runner.calls[1]?.env, { HOME: "/Users/me" });
});

Deno.test("createSecretStore on Linux without a bus or pass falls back to the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eigen-mod-" });
  try {
    const runner = new FakeRunner([
      exited(1, "", "secret-tool: Cannot autolaunch D-Bus without X11 $DISPLAY\n"),
      { status: "not-found" },
    ]);
    const store = createSecretStore({
      os: "linux",
      stateDir: join(dir, ".local", "state", "eigen"),
      env: { HOME: dir, EIGEN_S3_PASSPHRASE: "pw" },
      run: runner.run,
    });
    assert.deepEqual(await store.save("default", SECRET), {
      backend: "file",
      description: "encrypted file ~/.local/state/eigen/secrets.enc",
      fallbackReason:
        "Secret Service unavailable (no D-Bus session bus): stored in the encrypted file ~/.local/state/eigen/secrets.enc",
    });
    assert.equal(await store.load("default", "file"), SECRET);
    assert.deepEqual(runner.calls.map((c) => [c.command, ...c.args].join(" ")), [
      "secret-tool search service eigen-s3 account eigen-s3-probe",
      "pass version",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("createSecretStore refuses a relative stateDir", () => {
  assert.throws(
    () => createSecretStore({ stateDir: "eigen", env: {} }),
    new TypeError('stateDir must be an absolute path, got "eigen"'),
  );
});
