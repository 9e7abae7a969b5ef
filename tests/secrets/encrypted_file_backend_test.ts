import assert from "node:assert/strict";
import { join } from "node:path";
import {
  EncryptedFileBackend,
  type EncryptedFileBackendOptions,
} from "../../src/secrets/encrypted_file_backend.ts";
import {
  DEFAULT_KDF,
  HEADER_BYTES,
  type KdfParams,
} from "../../src/secrets/secrets_file_format.ts";
import { storeError } from "./support/error_fields.ts";

/** Cheap Argon2id cost so the suite stays fast; one test checks the real default. */
const FAST_KDF: KdfParams = { memoryKiB: 64, passes: 1, parallelism: 1 };

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "eigen-secrets-" });
  try {
    await fn(join(dir, "state", "eigen"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function fileBackend(stateDir: string, extra: Partial<EncryptedFileBackendOptions> = {}) {
  return new EncryptedFileBackend({
    stateDir,
    env: { EIGEN_S3_PASSPHRASE: "correct horse" },
    kdf: FAST_KDF,
    ...extra,
  });
}

Deno.test("encrypted file: round trip of several profiles, 0600 file in a 0700 directory", async () => {
  await withDir(async (dir) => {
    const backend = fileBackend(dir);
    assert.equal(await backend.get("default"), null);
    await backend.set("default", "secret-one");
    await backend.set("work", "secret two\nwith a newline ünï");
    await backend.set("default", "secret-one-replaced");
    const fresh = fileBackend(dir);
    assert.equal(await fresh.get("default"), "secret-one-replaced");
    assert.equal(await fresh.get("work"), "secret two\nwith a newline ünï");
    assert.equal(await fresh.get("other"), null);
    assert.equal((await Deno.stat(join(dir, "secrets.enc"))).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
    assert.equal(backend.path, join(dir, "secrets.enc"));
    assert.equal(backend.description, `encrypted file ${join(dir, "secrets.enc")}`);
  });
});

Deno.test("encrypted file: the secrets are not in the file in clear", async () => {
  await withDir(async (dir) => {
    await fileBackend(dir).set("default", "PLAINTEXT-MARKER-12345");
    const raw = new TextDecoder("latin1").decode(await Deno.readFile(join(dir, "secrets.enc")));
    assert.ok(!raw.includes("PLAINTEXT-MARKER"));
    assert.ok(!raw.includes("default"));
    assert.ok(raw.startsWith("EIGENSEC"));
  });
});

Deno.test("encrypted file: delete one profile, keep the others", async () => {
  await withDir(async (dir) => {
    const backend = fileBackend(dir);
    assert.equal(await backend.delete("default"), false);
    await backend.set("default", "a");
    await backend.set("work", "b");
    assert.equal(await backend.delete("default"), true);
    assert.equal(await backend.delete("default"), false);
    const fresh = fileBackend(dir);
    assert.equal(await fresh.get("default"), null);
    assert.equal(await fresh.get("work"), "b");
  });
});

Deno.test("encrypted file: atomic writes leave no temporary file behind", async () => {
  await withDir(async (dir) => {
    const backend = fileBackend(dir);
    for (let i = 0; i < 5; i++) await backend.set(`p${i}`, `s${i}`);
    await backend.delete("p0");
    const names = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    // No temporary file is left; the lock file stays (it is never replaced).
    assert.deepEqual(names.sort(), ["secrets.enc", "secrets.enc.lock"]);
  });
});

Deno.test("encrypted file: wrong passphrase says so", async () => {
  await withDir(async (dir) => {
    await fileBackend(dir).set("default", "a");
    const wrong = fileBackend(dir, { env: { EIGEN_S3_PASSPHRASE: "battery staple" } });
    const path = join(dir, "secrets.enc");
    assert.deepEqual(await storeError(wrong.get("default")), {
      backend: "file",
      reason: `wrong passphrase for ${path}`,
      fix:
        `check EIGEN_S3_PASSPHRASE or retype it; if it is lost, delete ${path} and run eigen-s3 configure again`,
      unavailable: false,
    });
    // and a write with the wrong passphrase does not replace the file
    await storeError(wrong.set("work", "b"));
    assert.equal(await fileBackend(dir).get("default"), "a");
  });
});

async function flipByte(path: string, offset: number): Promise<void> {
  const bytes = await Deno.readFile(path);
  const at = offset < 0 ? bytes.length + offset : offset;
  bytes[at] = bytes[at]! ^ 0x01;
  await Deno.writeFile(path, bytes, { mode: 0o600 });
}

Deno.test("encrypted file: tampering is reported as tampering", async (t) => {
  const cases: { name: string; offset: number; reason: (path: string) => string }[] = [
    {
      name: "a ciphertext byte",
      offset: HEADER_BYTES + 3,
      reason: (p) => `${p} is damaged or has been tampered with (authentication failed)`,
    },
    {
      name: "the GCM tag",
      offset: -1,
      reason: (p) => `${p} is damaged or has been tampered with (authentication failed)`,
    },
    {
      name: "a salt byte in the header",
      offset: 25,
      reason: (p) => `${p} is damaged or has been tampered with (header checksum mismatch)`,
    },
    {
      name: "the nonce in the header",
      offset: 40,
      reason: (p) => `${p} is damaged or has been tampered with (header checksum mismatch)`,
    },
    {
      name: "the magic",
      offset: 0,
      reason: (p) => `${p} is not an eigen-s3 secrets file (bad magic)`,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      await withDir(async (dir) => {
        await fileBackend(dir).set("default", "a");
        const path = join(dir, "secrets.enc");
        await flipByte(path, c.offset);
        const error = await storeError(fileBackend(dir).get("default"));
        assert.equal(error.reason, c.reason(path));
      });
    });
  }
  await t.step("a truncated file", async () => {
    await withDir(async (dir) => {
      await fileBackend(dir).set("default", "a");
      const path = join(dir, "secrets.enc");
      await Deno.truncate(path, HEADER_BYTES + 5);
      const error = await storeError(fileBackend(dir).get("default"));
      assert.equal(error.reason, `${path} is damaged or has been tampered with (file too short)`);
    });
  });
  await t.step("header edited with its checksum recomputed: KDF cost out of range", async () => {
    await withDir(async (dir) => {
      await fileBackend(dir).set("default", "a");
      const path = join(dir, "secrets.enc");
      const bytes = await Deno.readFile(path);
      new DataView(bytes.buffer).setUint32(10, 0xffffffff); // 4 TiB of memory
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes.slice(0, 66)));
      bytes.set(digest, 66);
      await Deno.writeFile(path, bytes, { mode: 0o600 });
      const error = await storeError(fileBackend(dir).get("default"));
      assert.equal(
        error.reason,
        `${path} is damaged or has been tampered with (KDF parameters out of range)`,
      );
    });
  });
});

Deno.test("encrypted file: a group/other-readable file is refused with the chmod fix", async () => {
  await withDir(async (dir) => {
    const backend = fileBackend(dir);
    await backend.set("default", "a");
    const path = join(dir, "secrets.enc");
    await Deno.chmod(path, 0o644);
    const expected = {
      backend: "file",
      reason: `${path} is accessible by group or others (mode 644)`,
      fix: `chmod 600 ${path}`,
      unavailable: false,
    };
    assert.deepEqual(await storeError(backend.get("default")), expected);
    assert.deepEqual(await storeError(backend.set("default", "b")), expected);
    assert.deepEqual(await backend.probe(), {
      available: false,
      reason: expected.reason,
      fix: expected.fix,
    });
    await Deno.chmod(path, 0o600);
    assert.equal(await backend.get("default"), "a");
  });
});

Deno.test("encrypted file: the prompt is used once, confirming for a new file", async () => {
  await withDir(async (dir) => {
    const asked: [string, boolean][] = [];
    const prompt = (message: string, confirm: boolean) => {
      asked.push([message, confirm]);
      return Promise.resolve("typed passphrase");
    };
    const env = { HOME: join(dir, "..", "..") };
    const first = fileBackend(dir, { env, promptPassphrase: prompt });
    assert.equal(await first.get("default"), null); // no file: nothing asked
    assert.deepEqual(asked, []);
    await first.set("default", "a");
    await first.set("work", "b");
    assert.deepEqual(asked, [["New passphrase for ~/state/eigen/secrets.enc", true]]);
    assert.equal(first.description, "encrypted file ~/state/eigen/secrets.enc");
    const second = fileBackend(dir, { env, promptPassphrase: prompt });
    assert.equal(await second.get("work"), "b");
    assert.deepEqual(asked[1], ["Passphrase for ~/state/eigen/secrets.enc", false]);
    assert.equal(asked.length, 2);
  });
});

Deno.test("encrypted file: after a wrong passphrase the prompt is asked again", async () => {
  await withDir(async (dir) => {
    await fileBackend(dir).set("default", "a");
    const answers = ["wrong", "correct horse"];
    const backend = fileBackend(dir, {
      env: {},
      promptPassphrase: () => Promise.resolve(answers.shift()!),
    });
    assert.equal(
      (await storeError(backend.get("default"))).reason,
      `wrong passphrase for ${join(dir, "secrets.enc")}`,
    );
    assert.equal(await backend.get("default"), "a");
  });
});

Deno.test("encrypted file: EIGEN_S3_PASSPHRASE wins over the prompt", async () => {
  await withDir(async (dir) => {
    const backend = fileBackend(dir, {
      promptPassphrase: () => Promise.reject(new Error("prompted")),
    });
    await backend.set("default", "a");
    assert.equal(await fileBackend(dir).get("default"), "a");
  });
});

Deno.test("encrypted file: no passphrase source is unavailable; an empty typed one is refused", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "secrets.enc");
    const none = fileBackend(dir, { env: {} });
    const reason =
      `no passphrase for ${path}: EIGEN_S3_PASSPHRASE is not set and there is no terminal to ask`;
    const fix = "set EIGEN_S3_PASSPHRASE or run eigen-s3 in a terminal";
    assert.deepEqual(await none.probe(), { available: false, reason, fix });
    assert.deepEqual(await storeError(none.set("default", "a")), {
      backend: "file",
      reason,
      fix,
      unavailable: false,
    });
    const empty = fileBackend(dir, { env: {}, promptPassphrase: () => Promise.resolve("") });
    assert.equal((await storeError(empty.set("default", "a"))).reason, "empty passphrase");
    assert.deepEqual(await fileBackend(dir).probe(), { available: true });
  });
});

Deno.test("encrypted file: new files use Argon2id m=64 MiB, t=3, p=4 by default", async () => {
  await withDir(async (dir) => {
    const backend = new EncryptedFileBackend({ stateDir: dir, env: { EIGEN_S3_PASSPHRASE: "pw" } });
    await backend.set("default", "a");
    const bytes = await Deno.readFile(join(dir, "secrets.enc"));
    const view = new DataView(bytes.buffer);
    assert.deepEqual(
      [bytes[8], bytes[9], view.getUint32(10), view.getUint32(14), view.getUint32(18)],
      [1, 2, DEFAULT_KDF.memoryKiB, DEFAULT_KDF.passes, DEFAULT_KDF.parallelism],
    );
    assert.deepEqual(DEFAULT_KDF, { memoryKiB: 65536, passes: 3, parallelism: 4 });
    assert.equal(await backend.get("default"), "a");
  });
});

Deno.test("WebCrypto Argon2id in this Deno matches the RFC 9106 test vector", async () => {
  const key = await crypto.subtle.importKey(
    "raw-secret",
    new Uint8Array(32).fill(1),
    "Argon2id",
    false,
    ["deriveBits"],
  );
  const params = {
    name: "Argon2id",
    nonce: new Uint8Array(16).fill(2),
    secretValue: new Uint8Array(8).fill(3),
    associatedData: new Uint8Array(12).fill(4),
    memory: 32,
    passes: 3,
    parallelism: 4,
  };
  const tag = new Uint8Array(await crypto.subtle.deriveBits(params as Algorithm, key, 256));
  assert.equal(
    Array.from(tag, (b) => b.toString(16).padStart(2, "0")).join(""),
    "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659",
  );
});
