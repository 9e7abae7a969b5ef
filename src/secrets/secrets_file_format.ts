/**
 * The bytes of the encrypted secrets file: Argon2id (WebCrypto, Deno >= 2.9) derives a key from
 * the passphrase, AES-256-GCM encrypts a JSON map profile -> secret, and the whole header is the
 * GCM associated data.
 *
 * Layout, version 1 (integers big-endian):
 * ```
 *  0  8  magic "EIGENSEC"
 *  8  1  format version (1)
 *  9  1  KDF id (2 = Argon2id, as in RFC 9106)
 * 10  4  Argon2 memory in KiB
 * 14  4  Argon2 passes
 * 18  4  Argon2 parallelism
 * 22 16  salt
 * 38 12  AES-GCM nonce
 * 50 16  key check: bytes 32..48 of the 48-byte Argon2id output (bytes 0..32 are the AES key)
 * 66 32  SHA-256 of bytes 0..66
 * 98  -  ciphertext, then the 16-byte GCM tag
 * ```
 * The key check tells a wrong passphrase from a damaged file; the (unkeyed) header digest tells a
 * damaged header from a wrong passphrase. Neither weakens the file: testing a passphrase costs
 * one Argon2id run either way.
 *
 * @module
 */

/** Argon2id cost parameters. */
export interface KdfParams {
  /** Memory in KiB. */
  memoryKiB: number;
  /** Number of passes (iterations). */
  passes: number;
  /** Degree of parallelism (lanes). */
  parallelism: number;
}

/** RFC 9106's second recommended option: 64 MiB, 3 passes, 4 lanes (about 0.2-0.5 s). */
export const DEFAULT_KDF: KdfParams = { memoryKiB: 65536, passes: 3, parallelism: 4 };

/** Why a file could not be opened. */
export type SecretsFileProblem =
  | "not-a-secrets-file"
  | "unsupported-version"
  | "tampered"
  | "wrong-passphrase";

/** A decode failure; `detail` never contains secret material. */
export class SecretsFileError extends Error {
  constructor(readonly problem: SecretsFileProblem, readonly detail: string) {
    super(`${problem}: ${detail}`);
  }
}

/** An opened file: its profiles and what is needed to write it back under the same key. */
export interface OpenedSecrets {
  profiles: Record<string, string>;
  key: DerivedKey;
}

/** Argon2id output split into the AES key and the key check, with the salt and params used. */
export interface DerivedKey {
  aesKey: CryptoKey;
  check: Uint8Array<ArrayBuffer>;
  salt: Uint8Array<ArrayBuffer>;
  params: KdfParams;
  /** The Argon2id output (AES key + key check), for a bounded key cache; never written to disk. */
  material: Uint8Array<ArrayBuffer>;
}

const MAGIC = new TextEncoder().encode("EIGENSEC");
const VERSION = 1;
const KDF_ARGON2ID = 2;
const SALT_BYTES = 16;
const NONCE_BYTES = 12;
const CHECK_BYTES = 16;
const DIGEST_BYTES = 32;
const DIGESTED_BYTES = 66;
/** Length of the version 1 header. */
export const HEADER_BYTES = DIGESTED_BYTES + DIGEST_BYTES;
const TAG_BYTES = 16;
/** Refuse headers asking for more than 1 GiB, so a crafted file cannot exhaust memory. */
const MAX_MEMORY_KIB = 1024 * 1024;

/** WebCrypto's Argon2 parameters (not yet in Deno's lib.dom types). */
interface Argon2Params extends Algorithm {
  name: "Argon2id";
  nonce: BufferSource;
  memory: number;
  passes: number;
  parallelism: number;
}

/** Derives the AES key and key check from `passphrase`. A fresh salt when none is given. */
export async function deriveKey(
  passphrase: string,
  params: KdfParams,
  salt: Uint8Array<ArrayBuffer> = crypto.getRandomValues(new Uint8Array(SALT_BYTES)),
): Promise<DerivedKey> {
  const base = await crypto.subtle.importKey(
    "raw-secret",
    new TextEncoder().encode(passphrase),
    "Argon2id",
    false,
    ["deriveBits"],
  );
  const algorithm: Argon2Params = {
    name: "Argon2id",
    nonce: salt,
    memory: params.memoryKiB,
    passes: params.passes,
    parallelism: params.parallelism,
  };
  const bits = new Uint8Array(
    await crypto.subtle.deriveBits(algorithm, base, 8 * (32 + CHECK_BYTES)),
  );
  return await keyFromMaterial(bits, salt, params);
}

/** Length of {@link DerivedKey.material}. */
export const KEY_MATERIAL_BYTES = 32 + CHECK_BYTES;

/** The key whose Argon2id output is `material` (from {@link deriveKey} or a key cache). */
export async function keyFromMaterial(
  material: Uint8Array,
  salt: Uint8Array<ArrayBuffer>,
  params: KdfParams,
): Promise<DerivedKey> {
  if (material.length !== KEY_MATERIAL_BYTES) throw new Error("key material of the wrong size");
  const bits = new Uint8Array(material);
  const aesKey = await crypto.subtle.importKey("raw", bits.slice(0, 32), "AES-GCM", false, [
    "encrypt",
    "decrypt",
  ]);
  return { aesKey, check: bits.slice(32), salt, params, material: bits };
}

/** The salt and KDF parameters in a file's header (null when it is not a secrets file). */
export function peekKdf(
  file: Uint8Array,
): { salt: Uint8Array<ArrayBuffer>; params: KdfParams } | null {
  if (file.length < HEADER_BYTES || !startsWithMagic(file) || file[8] !== VERSION) return null;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  return {
    salt: file.slice(22, 38),
    params: {
      memoryKiB: view.getUint32(10),
      passes: view.getUint32(14),
      parallelism: view.getUint32(18),
    },
  };
}

/** Encrypts `profiles` under `key` with a fresh nonce. */
export async function encodeSecretsFile(
  profiles: Record<string, string>,
  key: DerivedKey,
): Promise<Uint8Array<ArrayBuffer>> {
  const header = new Uint8Array(HEADER_BYTES);
  const view = new DataView(header.buffer);
  header.set(MAGIC, 0);
  header[8] = VERSION;
  header[9] = KDF_ARGON2ID;
  view.setUint32(10, key.params.memoryKiB);
  view.setUint32(14, key.params.passes);
  view.setUint32(18, key.params.parallelism);
  header.set(key.salt, 22);
  header.set(crypto.getRandomValues(new Uint8Array(NONCE_BYTES)), 38);
  header.set(key.check, 50);
  header.set(await sha256(header.subarray(0, DIGESTED_BYTES)), DIGESTED_BYTES);
  const plaintext = new TextEncoder().encode(JSON.stringify({ profiles }));
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: header.slice(38, 50), additionalData: header },
      key.aesKey,
      plaintext,
    ),
  );
  plaintext.fill(0);
  const file = new Uint8Array(HEADER_BYTES + ciphertext.length);
  file.set(header, 0);
  file.set(ciphertext, HEADER_BYTES);
  return file;
}

/**
 * Checks the header, derives the key (reusing `cached` when its salt and params match) and
 * decrypts. Throws {@link SecretsFileError}.
 */
export async function decodeSecretsFile(
  file: Uint8Array<ArrayBuffer>,
  passphrase: string,
  cached?: DerivedKey,
): Promise<OpenedSecrets> {
  if (file.length < HEADER_BYTES + TAG_BYTES) {
    throw new SecretsFileError(
      startsWithMagic(file) ? "tampered" : "not-a-secrets-file",
      "file too short",
    );
  }
  const header = file.slice(0, HEADER_BYTES);
  const digestOk = equalBytes(
    await sha256(header.subarray(0, DIGESTED_BYTES)),
    header.subarray(DIGESTED_BYTES),
  );
  if (!startsWithMagic(header)) {
    throw new SecretsFileError("not-a-secrets-file", "bad magic");
  }
  if (!digestOk) throw new SecretsFileError("tampered", "header checksum mismatch");
  if (header[8] !== VERSION) {
    throw new SecretsFileError("unsupported-version", `format version ${header[8]}`);
  }
  const view = new DataView(header.buffer);
  const params: KdfParams = {
    memoryKiB: view.getUint32(10),
    passes: view.getUint32(14),
    parallelism: view.getUint32(18),
  };
  if (
    header[9] !== KDF_ARGON2ID || params.passes < 1 || params.passes > 64 ||
    params.parallelism < 1 || params.parallelism > 255 ||
    params.memoryKiB < 8 * params.parallelism || params.memoryKiB > MAX_MEMORY_KIB
  ) {
    throw new SecretsFileError("tampered", "KDF parameters out of range");
  }
  const salt = header.slice(22, 38);
  const key = cached && sameKdf(cached, salt, params)
    ? cached
    : await deriveKey(passphrase, params, salt);
  if (!equalBytes(key.check, header.subarray(50, 66))) {
    throw new SecretsFileError("wrong-passphrase", "key check mismatch");
  }
  let plaintext: Uint8Array;
  try {
    plaintext = new Uint8Array(
      await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: header.slice(38, 50), additionalData: header },
        key.aesKey,
        file.subarray(HEADER_BYTES),
      ),
    );
  } catch {
    throw new SecretsFileError("tampered", "authentication failed");
  }
  const profiles = parseProfiles(plaintext);
  plaintext.fill(0);
  return { profiles, key };
}

function parseProfiles(plaintext: Uint8Array): Record<string, string> {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plaintext));
  } catch {
    throw new SecretsFileError("tampered", "content is not JSON");
  }
  const profiles = (doc as { profiles?: unknown } | null)?.profiles;
  if (typeof profiles !== "object" || profiles === null || Array.isArray(profiles)) {
    throw new SecretsFileError("tampered", "content has no profiles map");
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(profiles)) {
    if (typeof value !== "string") {
      throw new SecretsFileError("tampered", "a secret is not a string");
    }
    out[name] = value;
  }
  return out;
}

/** True when `key` was derived with this salt and cost (so it opens a file that has them). */
export function sameKdf(key: DerivedKey, salt: Uint8Array, params: KdfParams): boolean {
  return equalBytes(key.salt, salt) && key.params.memoryKiB === params.memoryKiB &&
    key.params.passes === params.passes && key.params.parallelism === params.parallelism;
}

function startsWithMagic(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && equalBytes(bytes.subarray(0, MAGIC.length), MAGIC);
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

/** Constant-time for equal lengths. */
function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
