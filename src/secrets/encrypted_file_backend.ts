/**
 * The last-resort backend: one encrypted file holding every profile's secret
 * (`<stateDir>/secrets.enc`, e.g. `~/.local/state/eigen/secrets.enc`), format in
 * secrets_file_format.ts.
 *
 * The passphrase comes from `EIGEN_S3_PASSPHRASE` or from the caller's masked prompt, and is
 * asked at most once per backend instance. The file is written 0600 through a temporary file
 * and a rename, and refused when group or others can read it.
 *
 * @module
 */

import { createHash, createHmac } from "node:crypto";
import { dirname, isAbsolute, join } from "node:path";
import { tildePath } from "./message_text.ts";
import { assertProfileName } from "./profile_name.ts";
import { type Availability, type SecretBackend, SecretStoreError } from "./secret_store.ts";
import { withFileLock } from "../lib/file_lock.ts";
import {
  decodeSecretsFile,
  DEFAULT_KDF,
  type DerivedKey,
  deriveKey,
  encodeSecretsFile,
  type KdfParams,
  KEY_MATERIAL_BYTES,
  keyFromMaterial,
  peekKdf,
  sameKdf,
  SecretsFileError,
} from "./secrets_file_format.ts";

/** File name inside the state directory. */
export const SECRETS_FILE_NAME = "secrets.enc";
/** Environment variable holding the passphrase for unattended runs. */
export const PASSPHRASE_ENV = "EIGEN_S3_PASSPHRASE";

/** Asks the user for a passphrase without echo; `confirm` asks twice (a new file). */
export type PassphrasePrompt = (message: string, confirm: boolean) => Promise<string>;

/** Options of {@link EncryptedFileBackend}. */
export interface EncryptedFileBackendOptions {
  /** Directory of the file, e.g. `$XDG_STATE_HOME/eigen`; created 0700 when missing. */
  stateDir: string;
  /** Environment for EIGEN_S3_PASSPHRASE and HOME (for messages); Deno.env by default. */
  env?: Record<string, string | undefined>;
  /** Masked prompt, given only when a terminal can answer. */
  promptPassphrase?: PassphrasePrompt;
  /** Argon2id cost for new files (tests use a cheap one). */
  kdf?: KdfParams;
  /** Deno.build.os by default; file modes are not checked on Windows. */
  os?: typeof Deno.build.os;
  /**
   * Keeps the derived key for a while (the kernel keyring of the login session), so the next
   * command in the same session neither derives it again (about 0.5 s) nor asks for the
   * passphrase. Absent: no cache.
   */
  keyCache?: KeyCache;
  /** How long a cached key lives, in seconds (default {@link KEY_CACHE_SECONDS}). */
  keyCacheSeconds?: number;
}

/** Where derived keys are kept for a while (see {@link EncryptedFileBackendOptions.keyCache}). */
export interface KeyCache {
  get(description: string): Uint8Array | null;
  set(description: string, bytes: Uint8Array, seconds: number): boolean;
  delete(description: string): void;
}

/** Default lifetime of a cached key: 10 minutes. */
export const KEY_CACHE_SECONDS = 600;

/** Bytes of the passphrase check kept beside a cached key. */
const CHECK_BYTES = 16;

/**
 * A check that `passphrase` is the one `material` was derived from, without deriving again:
 * HMAC-SHA-256 keyed by the derived key. Whoever can read it can read the key beside it.
 */
function passphraseCheck(material: Uint8Array, passphrase: string): Uint8Array {
  return new Uint8Array(
    createHmac("sha256", material).update("eigen-s3 passphrase check\0").update(passphrase)
      .digest(),
  ).slice(0, CHECK_BYTES);
}

/** Constant-time comparison of equal-length bytes. */
function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The encrypted-file backend. */
export class EncryptedFileBackend implements SecretBackend {
  readonly name = "file" as const;
  /** Absolute path of the secrets file. */
  readonly path: string;
  readonly description: string;
  readonly #env: Record<string, string | undefined>;
  readonly #prompt: PassphrasePrompt | undefined;
  readonly #kdf: KdfParams;
  readonly #checkModes: boolean;
  #passphrase: string | undefined;
  #key: DerivedKey | undefined;
  readonly #cache: KeyCache | undefined;
  readonly #cacheSeconds: number;

  constructor(options: EncryptedFileBackendOptions) {
    if (!isAbsolute(options.stateDir)) {
      throw new TypeError(
        `stateDir must be an absolute path, got ${JSON.stringify(options.stateDir)}`,
      );
    }
    this.path = join(options.stateDir, SECRETS_FILE_NAME);
    this.#env = options.env ?? Deno.env.toObject();
    this.#prompt = options.promptPassphrase;
    this.#kdf = options.kdf ?? DEFAULT_KDF;
    this.#checkModes = (options.os ?? Deno.build.os) !== "windows";
    this.description = `encrypted file ${tildePath(this.path, this.#env.HOME)}`;
    this.#cache = options.keyCache;
    this.#cacheSeconds = options.keyCacheSeconds ?? KEY_CACHE_SECONDS;
  }

  /** The cache entry of the key for this file's salt and KDF cost. */
  #cacheName(salt: Uint8Array, params: KdfParams): string {
    const id = createHash("sha256").update(this.path).update("\0").update(salt)
      .update(`${params.memoryKiB}/${params.passes}/${params.parallelism}`).digest("hex");
    return `eigen-s3:secrets-key:${id.slice(0, 32)}`;
  }

  /**
   * The cached key for `file`, if any. A passphrase given in the environment must be the one
   * the key was derived from (a check stored beside it); without one, the cached key is used
   * as an agent's would be, and nobody is asked.
   */
  async #cachedKey(file: Uint8Array): Promise<DerivedKey | undefined> {
    if (!this.#cache) return undefined;
    const kdf = peekKdf(file);
    if (!kdf) return undefined;
    const entry = this.#cache.get(this.#cacheName(kdf.salt, kdf.params));
    if (!entry || entry.length !== KEY_MATERIAL_BYTES + CHECK_BYTES) return undefined;
    const material = entry.slice(0, KEY_MATERIAL_BYTES);
    try {
      const given = this.#env[PASSPHRASE_ENV];
      if (given && !equal(entry.subarray(KEY_MATERIAL_BYTES), passphraseCheck(material, given))) {
        return undefined;
      }
      return await keyFromMaterial(material, kdf.salt, kdf.params);
    } finally {
      material.fill(0);
      entry.fill(0);
    }
  }

  /** Keeps `key` (and a check of the passphrase it came from) in the cache. */
  #remember(key: DerivedKey, passphrase: string | undefined): void {
    if (!this.#cache || passphrase === undefined) return;
    const entry = new Uint8Array(KEY_MATERIAL_BYTES + CHECK_BYTES);
    entry.set(key.material);
    entry.set(passphraseCheck(key.material, passphrase), KEY_MATERIAL_BYTES);
    this.#cache.set(this.#cacheName(key.salt, key.params), entry, this.#cacheSeconds);
    entry.fill(0);
  }

  /** A passphrase source exists and the file, if present, is private. Never prompts. */
  async probe(): Promise<Availability> {
    try {
      await this.#readFile();
    } catch (error) {
      if (error instanceof SecretStoreError) {
        return { available: false, reason: error.reason, fix: error.fix };
      }
      throw error;
    }
    if (!this.#env[PASSPHRASE_ENV] && !this.#prompt) {
      return {
        available: false,
        reason:
          `no passphrase for ${this.path}: ${PASSPHRASE_ENV} is not set and there is no terminal to ask`,
        fix: `set ${PASSPHRASE_ENV} or run eigen-s3 in a terminal`,
      };
    }
    return { available: true };
  }

  async get(profile: string): Promise<string | null> {
    assertProfileName(this.name, profile);
    const file = await this.#readFile();
    if (!file) return null;
    const profiles = await this.#open(file);
    return Object.hasOwn(profiles, profile) ? profiles[profile]! : null;
  }

  set(profile: string, secret: string): Promise<void> {
    assertProfileName(this.name, profile);
    // Locked from read to rename: a concurrent set or delete of another profile is kept.
    return withFileLock(this.path, () => this.#set(profile, secret));
  }

  async #set(profile: string, secret: string): Promise<void> {
    const file = await this.#readFile();
    let profiles: Record<string, string> = {};
    if (file) {
      profiles = await this.#open(file);
    } else {
      const passphrase = await this.#getPassphrase(true);
      this.#key = await deriveKey(passphrase, this.#kdf);
    }
    profiles[profile] = secret;
    await this.#write(profiles);
    this.#remember(this.#key!, this.#passphrase);
  }

  delete(profile: string): Promise<boolean> {
    assertProfileName(this.name, profile);
    return withFileLock(this.path, () => this.#delete(profile));
  }

  async #delete(profile: string): Promise<boolean> {
    const file = await this.#readFile();
    if (!file) return false;
    const profiles = await this.#open(file);
    if (!Object.hasOwn(profiles, profile)) return false;
    delete profiles[profile];
    await this.#write(profiles);
    return true;
  }

  /** The file's bytes, null when it does not exist; refuses a group/other-accessible file. */
  async #readFile(): Promise<Uint8Array<ArrayBuffer> | null> {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(this.path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return null;
      throw this.#ioError("cannot read", error);
    }
    if (this.#checkModes && info.mode !== null && (info.mode & 0o077) !== 0) {
      throw new SecretStoreError(
        this.name,
        `${this.path} is accessible by group or others (mode ${(info.mode & 0o777).toString(8)})`,
        `chmod 600 ${this.path}`,
      );
    }
    try {
      return await Deno.readFile(this.path);
    } catch (error) {
      throw this.#ioError("cannot read", error);
    }
  }

  async #open(file: Uint8Array<ArrayBuffer>): Promise<Record<string, string>> {
    // A key this process already holds, or one the cache kept: no passphrase, no derivation.
    const kdf = peekKdf(file);
    const held = this.#key && kdf && sameKdf(this.#key, kdf.salt, kdf.params)
      ? this.#key
      : undefined;
    const cached = held ?? await this.#cachedKey(file);
    if (cached) {
      try {
        const opened = await decodeSecretsFile(file, "", cached);
        this.#key = opened.key;
        return opened.profiles;
      } catch (error) {
        if (!(error instanceof SecretsFileError)) throw error;
        // A stale or damaged entry: forget it and open the file the usual way (which reports
        // a damaged file as such).
        this.#cache?.delete(this.#cacheName(cached.salt, cached.params));
        this.#key = undefined;
      }
    }
    const passphrase = await this.#getPassphrase(false);
    try {
      const opened = await decodeSecretsFile(file, passphrase, this.#key);
      this.#key = opened.key;
      this.#remember(opened.key, passphrase);
      return opened.profiles;
    } catch (error) {
      if (!(error instanceof SecretsFileError)) throw error;
      if (error.problem === "wrong-passphrase") {
        // let a later call (e.g. the TUI retrying) ask again
        this.#passphrase = undefined;
        this.#key = undefined;
      }
      throw this.#formatError(error);
    }
  }

  #formatError(error: SecretsFileError): SecretStoreError {
    const recreate = `delete ${this.path} and run eigen-s3 configure again`;
    switch (error.problem) {
      case "wrong-passphrase":
        return new SecretStoreError(
          this.name,
          `wrong passphrase for ${this.path}`,
          `check ${PASSPHRASE_ENV} or retype it; if it is lost, ${recreate}`,
        );
      case "tampered":
        return new SecretStoreError(
          this.name,
          `${this.path} is damaged or has been tampered with (${error.detail})`,
          `restore it from a backup, or ${recreate}`,
        );
      case "unsupported-version":
        return new SecretStoreError(
          this.name,
          `${this.path} has an unsupported ${error.detail}`,
          "upgrade eigen-s3",
        );
      case "not-a-secrets-file":
        return new SecretStoreError(
          this.name,
          `${this.path} is not an eigen-s3 secrets file (${error.detail})`,
          `move it away, or ${recreate}`,
        );
    }
  }

  async #getPassphrase(confirm: boolean): Promise<string> {
    if (this.#passphrase !== undefined) return this.#passphrase;
    let passphrase = this.#env[PASSPHRASE_ENV];
    if (!passphrase && this.#prompt) {
      const shown = tildePath(this.path, this.#env.HOME);
      passphrase = await this.#prompt(
        confirm ? `New passphrase for ${shown}` : `Passphrase for ${shown}`,
        confirm,
      );
      if (passphrase === "") {
        throw new SecretStoreError(this.name, "empty passphrase", "type a passphrase");
      }
    }
    if (!passphrase) {
      throw new SecretStoreError(
        this.name,
        `no passphrase for ${this.path}: ${PASSPHRASE_ENV} is not set and there is no terminal to ask`,
        `set ${PASSPHRASE_ENV} or run eigen-s3 in a terminal`,
      );
    }
    this.#passphrase = passphrase;
    return passphrase;
  }

  /** Writes 0600 to a temporary file in the same directory, syncs, renames over the file. */
  async #write(profiles: Record<string, string>): Promise<void> {
    const key = this.#key;
    if (!key) throw new Error("encrypted file: no key before write");
    const bytes = await encodeSecretsFile(profiles, key);
    const dir = dirname(this.path);
    const temp = join(dir, `.${SECRETS_FILE_NAME}.${crypto.randomUUID()}.tmp`);
    try {
      await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
      const handle = await Deno.open(temp, { write: true, createNew: true, mode: 0o600 });
      try {
        for (let at = 0; at < bytes.length;) at += await handle.write(bytes.subarray(at));
        await handle.sync();
      } finally {
        handle.close();
      }
      if (this.#checkModes) await Deno.chmod(temp, 0o600);
      await Deno.rename(temp, this.path);
    } catch (error) {
      await Deno.remove(temp).catch(() => {});
      throw this.#ioError("cannot write", error);
    }
  }

  #ioError(what: string, error: unknown): SecretStoreError {
    const detail = error instanceof Error ? error.message : String(error);
    return new SecretStoreError(
      this.name,
      `${what} ${this.path}: ${detail}`,
      "check the permissions of the file and its directory",
      { cause: error },
    );
  }
}
