import assert from "node:assert/strict";
import {
  POWERSHELL_ARGS,
  WindowsCredentialBackend,
} from "../../src/secrets/windows_credential_backend.ts";
import {
  base64ToBytes,
  bytesToBase64,
  CREDENTIAL_SCRIPT,
} from "../../src/secrets/windows_credential_script.ts";
import { storeError } from "./support/error_fields.ts";
import { exited, FakeRunner } from "./support/fake_runner.ts";

const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY-päss";
const SECRET_B64 = bytesToBase64(new TextEncoder().encode(SECRET));

function backend(answers: ReturnType<typeof exited>[]) {
  const runner = new FakeRunner(answers);
  return { runner, credentials: new WindowsCredentialBackend({ run: runner.run }) };
}

function decodeUtf16Le(b64: string): string {
  const bytes = base64ToBytes(b64);
  let text = "";
  for (let i = 0; i < bytes.length; i += 2) {
    text += String.fromCharCode(bytes[i]! | (bytes[i + 1]! << 8));
  }
  return text;
}

Deno.test("Windows argv is the constant encoded program, never the secret", () => {
  assert.deepEqual(POWERSHELL_ARGS.slice(0, 4), [
    "-NoLogo",
    "-NoProfile",
    "-NonInteractive",
    "-EncodedCommand",
  ]);
  assert.equal(POWERSHELL_ARGS.length, 5);
  const program = decodeUtf16Le(POWERSHELL_ARGS[4]!);
  assert.equal(program, CREDENTIAL_SCRIPT);
  for (
    const api of ["CredWriteW", "CredReadW", "CredDeleteW", "Add-Type", "[Console]::In.ReadLine()"]
  ) {
    assert.ok(program.includes(api), `program lacks ${api}`);
  }
  // Exit codes the TypeScript side relies on.
  assert.ok(program.includes("if ($rc -eq 1168) { exit 3 }"));
  assert.ok(program.includes('[Console]::Error.WriteLine("EIGEN_S3_CRED_ERROR $rc")'));
  assert.ok(program.includes("exit 4"));
});

Deno.test("Windows set sends op, target, user and the base64 secret over stdin", async () => {
  const { runner, credentials } = backend([exited(0)]);
  await credentials.set("work", SECRET);
  assert.deepEqual(runner.calls, [{
    command: "powershell.exe",
    args: POWERSHELL_ARGS,
    stdin: `write\neigen-s3:work\nwork\n${SECRET_B64}\n`,
    env: undefined,
    timeoutMs: 10_000,
  }]);
  const argv = runner.calls[0]!.args.join(" ");
  assert.ok(!argv.includes(SECRET) && !argv.includes(SECRET_B64), "secret in argv");
});

Deno.test("Windows get decodes the base64 UTF-8 blob; exit 3 means missing", async () => {
  const { runner, credentials } = backend([exited(0, SECRET_B64), exited(3)]);
  assert.equal(await credentials.get("work"), SECRET);
  assert.equal(await credentials.get("other"), null);
  assert.equal(runner.calls[0]?.stdin, "read\neigen-s3:work\n\n\n");
  assert.equal(runner.calls[1]?.stdin, "read\neigen-s3:other\n\n\n");
});

Deno.test("Windows delete: true when deleted, false when missing", async () => {
  const { runner, credentials } = backend([exited(0), exited(3)]);
  assert.equal(await credentials.delete("work"), true);
  assert.equal(await credentials.delete("work"), false);
  assert.equal(runner.calls[0]?.stdin, "delete\neigen-s3:work\n\n\n");
});

Deno.test("Windows error mapping", async (t) => {
  await t.step("no logon session (1312) is unavailable", async () => {
    const { credentials } = backend([exited(4, "", "EIGEN_S3_CRED_ERROR 1312\r\n")]);
    assert.deepEqual(await storeError(credentials.set("work", SECRET)), {
      backend: "keychain",
      reason: "Credential Manager is not available in this logon session (e.g. SSH or a service)",
      fix: "run eigen-s3 from an interactive logon or use --secret-backend file",
      unavailable: true,
    });
  });
  await t.step("another Win32 error names the API and the code", async () => {
    const { credentials } = backend([exited(4, "", "EIGEN_S3_CRED_ERROR 5\r\n")]);
    assert.deepEqual(await storeError(credentials.set("work", SECRET)), {
      backend: "keychain",
      reason: "CredWriteW failed with Windows error 5",
      fix: "check Credential Manager (Windows Credentials) or use --secret-backend file",
      unavailable: false,
    });
  });
  await t.step("Add-Type blocked by Constrained Language Mode is unavailable", async () => {
    const { credentials } = backend([
      exited(
        1,
        "",
        "Add-Type : Cannot add type. Definition of new types is not supported in this language mode.\r\n",
      ),
    ]);
    assert.deepEqual(await credentials.probe(), {
      available: false,
      reason:
        "PowerShell cannot load the Credential Manager helper (Add-Type blocked, e.g. Constrained Language Mode)",
      fix: "ask your administrator to allow Add-Type or use --secret-backend file",
    });
  });
  await t.step("powershell.exe missing is unavailable", async () => {
    const runner = new FakeRunner([{ status: "not-found" }]);
    const credentials = new WindowsCredentialBackend({ run: runner.run });
    assert.deepEqual(await storeError(credentials.get("work")), {
      backend: "keychain",
      reason: "powershell.exe was not found",
      fix: "check that Windows PowerShell is in PATH or use --secret-backend file",
      unavailable: true,
    });
  });
  await t.step("timeout", async () => {
    const runner = new FakeRunner([{ status: "timeout", stdout: "", stderr: "" }]);
    const credentials = new WindowsCredentialBackend({ run: runner.run });
    assert.deepEqual(await storeError(credentials.delete("work")), {
      backend: "keychain",
      reason: "PowerShell did not answer within 10 s",
      fix: "retry, or use --secret-backend file",
      unavailable: false,
    });
  });
  await t.step("a blob that is not UTF-8", async () => {
    const { credentials } = backend([exited(0, bytesToBase64(new Uint8Array([0xff, 0xfe, 0x41])))]);
    assert.deepEqual(await storeError(credentials.get("work")), {
      backend: "keychain",
      reason: "the credential eigen-s3:work is not UTF-8 text",
      fix: "store the secret again with eigen-s3 configure or use --secret-backend file",
      unavailable: false,
    });
  });
  await t.step("probe: not found (exit 0 from the probe op) is available", async () => {
    const { credentials, runner } = backend([exited(0)]);
    assert.deepEqual(await credentials.probe(), { available: true });
    assert.equal(runner.calls[0]?.stdin, "probe\neigen-s3:eigen-s3-probe\n\n\n");
  });
});

Deno.test("Windows refuses secrets over the 2560-byte blob limit without running PowerShell", async () => {
  const { runner, credentials } = backend([]);
  assert.deepEqual(await storeError(credentials.set("work", "x".repeat(2561))), {
    backend: "keychain",
    reason: "the secret is longer than 2560 bytes",
    fix: "use --secret-backend file",
    unavailable: false,
  });
  assert.equal(runner.calls.length, 0);
});
