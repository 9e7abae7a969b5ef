import assert from "node:assert/strict";
import { MacosKeychainBackend } from "../../src/secrets/macos_keychain_backend.ts";
import { storeError } from "./support/error_fields.ts";
import { exited, FakeRunner } from "./support/fake_runner.ts";

const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const ITEM_NOT_FOUND =
  "security: SecItemCopyMatching: The specified item could not be found in the keychain.\n";

function backend(answers: ReturnType<typeof exited>[]) {
  const runner = new FakeRunner(answers);
  return { runner, keychain: new MacosKeychainBackend({ run: runner.run }) };
}

Deno.test("macOS set: bare -w last, the secret twice on stdin, then a verifying read", async () => {
  const { runner, keychain } = backend([exited(0), exited(0, `${SECRET}\n`)]);
  await keychain.set("work", SECRET);
  assert.deepEqual(runner.calls, [
    {
      command: "security",
      args: [
        "add-generic-password",
        "-U",
        "-s",
        "eigen-s3",
        "-a",
        "work",
        "-l",
        "eigen-s3 (work)",
        "-w",
      ],
      stdin: `${SECRET}\n${SECRET}\n`,
      env: undefined,
      timeoutMs: 10_000,
    },
    {
      command: "security",
      args: ["find-generic-password", "-s", "eigen-s3", "-a", "work", "-w"],
      stdin: undefined,
      env: undefined,
      timeoutMs: 10_000,
    },
  ]);
  for (const call of runner.calls) {
    assert.ok(!call.args.some((a) => a.includes(SECRET)), "secret in argv");
  }
});

Deno.test("macOS set fails when the read-back differs", async () => {
  const { keychain } = backend([exited(0), exited(0, "\n")]);
  assert.deepEqual(await storeError(keychain.set("work", SECRET)), {
    backend: "keychain",
    reason: "the keychain item read back differs from the secret written",
    fix: "report this to the eigen-s3 maintainers, or use --secret-backend file",
    unavailable: false,
  });
});

Deno.test("macOS set refuses a secret with a line break without running security", async () => {
  const { runner, keychain } = backend([]);
  assert.deepEqual(await storeError(keychain.set("work", "a\nb")), {
    backend: "keychain",
    reason: "the secret contains a line break, which security cannot read from stdin",
    fix: "use --secret-backend file (or pass)",
    unavailable: false,
  });
  assert.equal(runner.calls.length, 0);
});

Deno.test("macOS get strips the one newline security prints, null when missing", async () => {
  const { keychain } = backend([exited(0, `${SECRET}\n`), exited(44, "", ITEM_NOT_FOUND)]);
  assert.equal(await keychain.get("work"), SECRET);
  assert.equal(await keychain.get("work"), null);
});

Deno.test("macOS delete: true when deleted, false when missing", async () => {
  const { runner, keychain } = backend([exited(0), exited(44, "", ITEM_NOT_FOUND)]);
  assert.equal(await keychain.delete("work"), true);
  assert.equal(await keychain.delete("work"), false);
  assert.deepEqual(runner.calls[0]?.args, [
    "delete-generic-password",
    "-s",
    "eigen-s3",
    "-a",
    "work",
  ]);
});

Deno.test("macOS error mapping", async (t) => {
  await t.step("locked keychain without a GUI is unavailable", async () => {
    const { keychain } = backend([
      exited(36, "", "security: SecKeychainItemCopyContent: User interaction is not allowed.\n"),
    ]);
    assert.deepEqual(await storeError(keychain.get("work")), {
      backend: "keychain",
      reason: "the login keychain is locked and cannot prompt (no GUI session)",
      fix: "run security unlock-keychain first or use --secret-backend file",
      unavailable: true,
    });
  });
  await t.step("no default keychain is unavailable", async () => {
    const { keychain } = backend([
      exited(1, "", "security: A default keychain could not be found.\n"),
    ]);
    assert.deepEqual(await keychain.probe(), {
      available: false,
      reason: "no default keychain",
      fix:
        "create one in Keychain Access (or security create-keychain) or use --secret-backend file",
    });
  });
  await t.step("timeout names the prompt and is not a fallback reason", async () => {
    const runner = new FakeRunner([{ status: "timeout", stdout: "", stderr: "" }]);
    const keychain = new MacosKeychainBackend({ run: runner.run, timeoutMs: 2500 });
    assert.deepEqual(await storeError(keychain.get("work")), {
      backend: "keychain",
      reason:
        "security find-generic-password did not answer within 2.5 s (a keychain prompt may be waiting)",
      fix: "answer the keychain prompt and retry, or use --secret-backend file",
      unavailable: false,
    });
    assert.equal(runner.calls[0]?.timeoutMs, 2500);
  });
  await t.step("missing security tool is unavailable", async () => {
    const runner = new FakeRunner([{ status: "not-found" }]);
    const keychain = new MacosKeychainBackend({ run: runner.run });
    assert.deepEqual(await keychain.probe(), {
      available: false,
      reason: "the security tool was not found",
      fix: "check that /usr/bin is in PATH or use --secret-backend file",
    });
  });
  await t.step("other failures quote security's first stderr line", async () => {
    const { keychain } = backend([
      exited(1, "", "\nsecurity: SecKeychainItemDelete: Weird thing.\n"),
    ]);
    assert.deepEqual(await storeError(keychain.delete("work")), {
      backend: "keychain",
      reason:
        "security delete-generic-password failed (exit 1): security: SecKeychainItemDelete: Weird thing.",
      fix: "check the login keychain in Keychain Access or use --secret-backend file",
      unavailable: false,
    });
  });
  await t.step("probe passes with a default keychain", async () => {
    const { keychain, runner } = backend([
      exited(0, '    "/Users/me/Library/Keychains/login.keychain-db"\n'),
    ]);
    assert.deepEqual(await keychain.probe(), { available: true });
    assert.deepEqual(runner.calls[0]?.args, ["default-keychain"]);
  });
});

Deno.test("macOS rejects a profile name that is not path- and argv-safe", async () => {
  const { runner, keychain } = backend([]);
  assert.deepEqual(await storeError(keychain.get("-w")), {
    backend: "keychain",
    reason: 'invalid profile name "-w"',
    fix: "use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
    unavailable: false,
  });
  assert.equal(runner.calls.length, 0);
});
