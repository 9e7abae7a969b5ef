/**
 * The derived key of the encrypted secrets file is kept for a while (the session keyring in
 * real runs; a map here), so the next command neither derives it again nor asks for the
 * passphrase; a passphrase given in the environment must still be the right one.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { EncryptedFileBackend, type KeyCache } from "../../src/secrets/encrypted_file_backend.ts";
import type { KdfParams } from "../../src/secrets/secrets_file_format.ts";
import { storeError } from "./support/error_fields.ts";

const FAST_KDF: KdfParams = { memoryKiB: 64, passes: 1, parallelism: 1 };

/** An in-memory cache that records what was asked of it. */
class MapCache implements KeyCache {
  entries = new Map<string, { bytes: Uint8Array; seconds: number }>();
  gets = 0;
  get(d: string) {
    this.gets++;
    const e = this.entries.get(d);
    return e ? new Uint8Array(e.bytes) : null;
  }
  set(d: string, bytes: Uint8Array, seconds: number) {
    this.entries.set(d, { bytes: new Uint8Array(bytes), seconds });
    return true;
  }
  delete(d: string) {
    this.entries.delete(d);
  }
}

/** Counts Argon2id derivations while `fn` runs. */
async function derivations(fn: () => Promise<void>): Promise<number> {
  const subtle = crypto.subtle as unknown as { deriveBits: (...a: unknown[]) => Promise<unknown> };
  const real = subtle.deriveBits;
  let n = 0;
  subtle.deriveBits = (...a: unknown[]) => {
    n++;
    return real.apply(crypto.subtle, a);
  };
  try {
    await fn();
  } finally {
    subtle.deriveBits = real;
  }
  return n;
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "eigen-keycache-" });
  try {
    await fn(join(dir, "state", "eigen"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const backend = (dir: string, cache: KeyCache | undefined, env: Record<string, string>) =>
  new EncryptedFileBackend({
    stateDir: dir,
    env,
    kdf: FAST_KDF,
    ...(cache ? { keyCache: cache } : {}),
  });

Deno.test("key cache: the next process reads the secret without deriving or asking", async () => {
  await withDir(async (dir) => {
    const cache = new MapCache();
    await backend(dir, cache, { EIGEN_S3_PASSPHRASE: "right" }).set("default", "s3cret");
    assert.equal(cache.entries.size, 1);
    assert.equal([...cache.entries.values()][0]!.seconds, 600);
    // No passphrase anywhere (no variable, no prompt): the cached key opens the file.
    let got: string | null = null;
    const n = await derivations(async () => {
      got = await backend(dir, cache, {}).get("default");
    });
    assert.equal(got, "s3cret");
    assert.equal(n, 0, "no Argon2id derivation with a cached key");
    // The right passphrase in the environment is checked against the entry, still no derivation.
    const m = await derivations(async () => {
      got = await backend(dir, cache, { EIGEN_S3_PASSPHRASE: "right" }).get("default");
    });
    assert.deepEqual([got, m], ["s3cret", 0]);
  });
});

Deno.test("key cache: a wrong passphrase in the environment is still refused", async () => {
  await withDir(async (dir) => {
    const cache = new MapCache();
    await backend(dir, cache, { EIGEN_S3_PASSPHRASE: "right" }).set("default", "s3cret");
    const err = await storeError(
      backend(dir, cache, { EIGEN_S3_PASSPHRASE: "wrong" }).get("default"),
    );
    assert.match(String(err.reason), /wrong passphrase/);
  });
});

Deno.test("key cache: without a cache every process derives, and needs a passphrase", async () => {
  await withDir(async (dir) => {
    await backend(dir, undefined, { EIGEN_S3_PASSPHRASE: "right" }).set("default", "s3cret");
    const err = await storeError(backend(dir, undefined, {}).get("default"));
    assert.match(String(err.reason), /no passphrase/);
    let n = 0;
    n = await derivations(async () => {
      await backend(dir, undefined, { EIGEN_S3_PASSPHRASE: "right" }).get("default");
    });
    assert.equal(n, 1);
  });
});

Deno.test("key cache: an entry for another key (the file was re-created) is dropped", async () => {
  await withDir(async (dir) => {
    const cache = new MapCache();
    await backend(dir, cache, { EIGEN_S3_PASSPHRASE: "one" }).set("default", "a");
    const [name, entry] = [...cache.entries][0]!;
    // Damage the cached key: as if it belonged to another file with the same salt.
    entry.bytes[0] = entry.bytes[0]! ^ 0xff;
    const err = await storeError(backend(dir, cache, {}).get("default"));
    assert.match(String(err.reason), /no passphrase/);
    assert.equal(cache.entries.has(name), false, "the stale entry is gone");
  });
});
