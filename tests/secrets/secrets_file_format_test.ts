import assert from "node:assert/strict";
import {
  decodeSecretsFile,
  deriveKey,
  encodeSecretsFile,
  HEADER_BYTES,
  type KdfParams,
} from "../../src/secrets/secrets_file_format.ts";

const FAST_KDF: KdfParams = { memoryKiB: 64, passes: 1, parallelism: 1 };

Deno.test("secrets file: the whole header is the AES-GCM associated data", async () => {
  const key = await deriveKey("pw", FAST_KDF);
  const file = await encodeSecretsFile({ default: "s3cr3t" }, key);
  const header = file.slice(0, HEADER_BYTES);
  const iv = header.slice(38, 50);
  const body = file.slice(HEADER_BYTES);
  const withAad = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv, additionalData: header },
    key.aesKey,
    body,
  );
  assert.equal(new TextDecoder().decode(withAad), '{"profiles":{"default":"s3cr3t"}}');
  await assert.rejects(crypto.subtle.decrypt({ name: "AES-GCM", iv }, key.aesKey, body));
  const shortAad = header.slice(0, HEADER_BYTES - 32);
  await assert.rejects(
    crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: shortAad }, key.aesKey, body),
  );
});

Deno.test("secrets file: every write has a fresh nonce; the salt is kept with the key", async () => {
  const key = await deriveKey("pw", FAST_KDF);
  const a = await encodeSecretsFile({ p: "s" }, key);
  const b = await encodeSecretsFile({ p: "s" }, key);
  assert.deepEqual(a.slice(22, 38), b.slice(22, 38));
  assert.notDeepEqual(a.slice(38, 50), b.slice(38, 50));
  const opened = await decodeSecretsFile(b, "pw");
  assert.deepEqual(opened.profiles, { p: "s" });
  assert.deepEqual(opened.key.params, FAST_KDF);
});

Deno.test("secrets file: a cached key is reused only for the same salt and cost", async () => {
  const key = await deriveKey("pw", FAST_KDF);
  const other = await deriveKey("pw", FAST_KDF);
  const file = await encodeSecretsFile({ p: "s" }, key);
  assert.equal((await decodeSecretsFile(file, "pw", key)).key, key);
  const reopened = await decodeSecretsFile(file, "pw", other);
  assert.notEqual(reopened.key, other);
  assert.deepEqual(reopened.key.salt, key.salt);
});
