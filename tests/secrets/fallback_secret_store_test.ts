import assert from "node:assert/strict";
import { FallbackSecretStore } from "../../src/secrets/fallback_secret_store.ts";
import { SecretStoreError } from "../../src/secrets/secret_store.ts";
import { storeError } from "./support/error_fields.ts";
import { FakeBackend } from "./support/fake_backend.ts";

const FILE_DESCRIPTION = "encrypted file ~/.local/state/eigen/secrets.enc";

function setup() {
  const keychain = new FakeBackend("keychain", "Secret Service (secret-tool)");
  const pass = new FakeBackend("pass", "pass (password-store)");
  const file = new FakeBackend("file", FILE_DESCRIPTION);
  const store = new FallbackSecretStore({
    keychainLabel: "Secret Service",
    backends: { keychain, pass, file },
  });
  return { keychain, pass, file, store };
}

const NO_BUS = {
  available: false as const,
  reason: "no D-Bus session bus",
  fix: "run inside a desktop session (or dbus-run-session), or use --secret-backend pass|file",
};

Deno.test("save uses the keychain when it works, without a fallback line", async () => {
  const { keychain, pass, file, store } = setup();
  assert.deepEqual(await store.save("default", "s3cr3t"), {
    backend: "keychain",
    description: "Secret Service (secret-tool)",
  });
  assert.equal(keychain.secrets.get("default"), "s3cr3t");
  assert.deepEqual(keychain.log, ["probe", "set default"]);
  assert.deepEqual([pass.log, file.log], [[], []]);
});

Deno.test("keychain unavailable and pass not installed: encrypted file, one-line reason", async () => {
  const { keychain, pass, file, store } = setup();
  keychain.availability = NO_BUS;
  pass.availability = { available: false, reason: "pass is not installed", fix: "install pass" };
  assert.deepEqual(await store.save("default", "s3cr3t"), {
    backend: "file",
    description: FILE_DESCRIPTION,
    fallbackReason:
      "Secret Service unavailable (no D-Bus session bus): stored in the encrypted file ~/.local/state/eigen/secrets.enc",
  });
  assert.equal(file.secrets.get("default"), "s3cr3t");
  assert.deepEqual(keychain.log, ["probe"]);
});

Deno.test("keychain unavailable, pass installed but not initialised: both reasons", async () => {
  const { keychain, pass, store } = setup();
  keychain.availability = NO_BUS;
  pass.availability = {
    available: false,
    reason: "password store not initialised: no ~/.password-store/.gpg-id",
    fix: "run pass init GPG-KEY-ID or use --secret-backend file",
  };
  const saved = await store.save("default", "s3cr3t");
  assert.equal(
    saved.fallbackReason,
    "Secret Service unavailable (no D-Bus session bus); pass unavailable (password store not initialised: no ~/.password-store/.gpg-id): stored in the encrypted file ~/.local/state/eigen/secrets.enc",
  );
});

Deno.test("keychain set failing for a mapped reason (locked) falls back to pass", async () => {
  const { keychain, pass, file, store } = setup();
  keychain.setError = new SecretStoreError(
    "keychain",
    "the Secret Service keyring is locked",
    "unlock it",
    { unavailable: true },
  );
  assert.deepEqual(await store.save("work", "s3cr3t"), {
    backend: "pass",
    description: "pass (password-store)",
    fallbackReason:
      "Secret Service unavailable (the Secret Service keyring is locked): stored in pass (password-store)",
  });
  assert.equal(pass.secrets.get("work"), "s3cr3t");
  assert.deepEqual(file.log, []);
});

Deno.test("pass set failing for a mapped reason falls back to the file", async () => {
  const { keychain, pass, file, store } = setup();
  keychain.availability = NO_BUS;
  pass.setError = new SecretStoreError("pass", "pass is not installed", "install pass", {
    unavailable: true,
  });
  const saved = await store.save("work", "s3cr3t");
  assert.equal(saved.backend, "file");
  assert.equal(
    saved.fallbackReason,
    "Secret Service unavailable (no D-Bus session bus): stored in the encrypted file ~/.local/state/eigen/secrets.enc",
  );
  assert.deepEqual(file.log, ["probe", "set work"]);
});

Deno.test("a keychain error that is not a mapped unavailability stops the chain", async () => {
  const { keychain, pass, file, store } = setup();
  keychain.setError = new SecretStoreError(
    "keychain",
    "secret-tool store did not answer within 10 s (an unlock prompt may be waiting)",
    "answer or dismiss the keyring prompt and retry, or use --secret-backend file",
  );
  assert.deepEqual(await storeError(store.save("work", "s3cr3t")), {
    backend: "keychain",
    reason: "secret-tool store did not answer within 10 s (an unlock prompt may be waiting)",
    fix: "answer or dismiss the keyring prompt and retry, or use --secret-backend file",
    unavailable: false,
  });
  assert.deepEqual([pass.log, file.log], [[], []]);
});

Deno.test("a forced backend that is unavailable is an error, not a fallback", async () => {
  const { keychain, pass, file, store } = setup();
  keychain.availability = NO_BUS;
  assert.deepEqual(await storeError(store.save("work", "s3cr3t", "keychain")), {
    backend: "keychain",
    reason: "no D-Bus session bus",
    fix: "run inside a desktop session (or dbus-run-session), or use --secret-backend pass|file",
    unavailable: true,
  });
  assert.deepEqual([pass.log, file.log], [[], []]);
});

Deno.test("a forced backend whose set fails for a mapped reason is an error too", async () => {
  const { keychain, file, store } = setup();
  keychain.setError = new SecretStoreError(
    "keychain",
    "the Secret Service keyring is locked",
    "unlock it",
    {
      unavailable: true,
    },
  );
  const error = await storeError(store.save("work", "s3cr3t", "keychain"));
  assert.equal(error.reason, "the Secret Service keyring is locked");
  assert.deepEqual(file.log, []);
});

Deno.test("a forced backend is used as is, without a fallback line", async () => {
  const { keychain, file, store } = setup();
  assert.deepEqual(await store.save("work", "s3cr3t", "file"), {
    backend: "file",
    description: FILE_DESCRIPTION,
  });
  assert.deepEqual(keychain.log, []);
  assert.deepEqual(file.log, ["probe", "set work"]);
});

Deno.test("nothing usable: one error naming every reason", async () => {
  const { keychain, pass, file, store } = setup();
  keychain.availability = NO_BUS;
  pass.availability = { available: false, reason: "pass is not installed", fix: "install pass" };
  file.availability = {
    available: false,
    reason:
      "no passphrase for /h/.local/state/eigen/secrets.enc: EIGEN_S3_PASSPHRASE is not set and there is no terminal to ask",
    fix: "set EIGEN_S3_PASSPHRASE or run eigen-s3 in a terminal",
  };
  assert.deepEqual(await storeError(store.save("work", "s3cr3t")), {
    backend: "file",
    reason:
      "no secret backend can be used here (Secret Service unavailable (no D-Bus session bus); pass unavailable (pass is not installed); encrypted file: no passphrase for /h/.local/state/eigen/secrets.enc: EIGEN_S3_PASSPHRASE is not set and there is no terminal to ask)",
    fix: "set EIGEN_S3_PASSPHRASE or run eigen-s3 in a terminal",
    unavailable: true,
  });
});

Deno.test("load, remove and describe go to the named backend", async () => {
  const { pass, store } = setup();
  pass.secrets.set("work", "s3cr3t");
  assert.equal(await store.load("work", "pass"), "s3cr3t");
  assert.equal(await store.load("other", "pass"), null);
  assert.equal(await store.remove("work", "pass"), true);
  assert.equal(await store.remove("work", "pass"), false);
  assert.deepEqual(pass.log, ["get work", "get other", "delete work", "delete work"]);
  assert.equal(store.describe("keychain"), "Secret Service (secret-tool)");
  assert.equal(store.describe("pass"), "pass (password-store)");
  assert.equal(store.describe("file"), FILE_DESCRIPTION);
});

Deno.test("save refuses an empty secret and a bad profile name before touching a backend", async () => {
  const { keychain, store } = setup();
  assert.deepEqual(await storeError(store.save("work", "")), {
    backend: "keychain",
    reason: "empty secret",
    fix: "give the secret access key",
    unavailable: false,
  });
  assert.equal(
    (await storeError(store.save("../etc", "x", "pass"))).reason,
    'invalid profile name "../etc"',
  );
  assert.deepEqual(keychain.log, []);
});
