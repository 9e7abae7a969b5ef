/**
 * The `pass` (password-store) backend, used when the store is initialised, i.e.
 * `$PASSWORD_STORE_DIR/.gpg-id` (default `~/.password-store/.gpg-id`) exists.
 *
 * Entries are `eigen-s3/<profile>`. `pass insert -m -f` takes the secret verbatim on stdin and
 * `pass show` prints it back verbatim; neither puts it in argv.
 *
 * @module
 */

import { join } from "node:path";
import { firstLine, tildePath } from "./message_text.ts";
import { assertProfileName } from "./profile_name.ts";
import {
  DEFAULT_TOOL_TIMEOUT_MS,
  formatSeconds,
  runTool,
  type ToolBackendOptions,
  type ToolResult,
  type ToolRunner,
} from "../lib/run_tool.ts";
import { type Availability, type SecretBackend, SecretStoreError } from "./secret_store.ts";

/** Folder of eigen-s3 entries inside the password store. */
export const PASS_FOLDER = "eigen-s3";

const OR_FILE = "or use --secret-backend file";
/** Reason given when the `pass` program is missing (the store's fallback line omits it). */
export const PASS_NOT_INSTALLED = "pass is not installed";

/** The `pass` backend. */
export class PassBackend implements SecretBackend {
  readonly name = "pass" as const;
  readonly description = "pass (password-store)";
  readonly #run: ToolRunner;
  readonly #env: Record<string, string | undefined> | undefined;
  readonly #timeoutMs: number;

  constructor(options: ToolBackendOptions = {}) {
    this.#run = options.run ?? runTool;
    this.#env = options.env;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  }

  /** The password-store directory this backend uses. */
  get storeDir(): string {
    const env = this.#env ?? Deno.env.toObject();
    return env.PASSWORD_STORE_DIR || join(env.HOME ?? "", ".password-store");
  }

  /** `pass` installed and the store initialised (`.gpg-id` present). Never runs gpg. */
  async probe(): Promise<Availability> {
    const version = await this.#tool(["version"]);
    if (version.status !== "exited" || version.code !== 0) {
      const error = this.#failure("version", version, "");
      return { available: false, reason: error.reason, fix: error.fix };
    }
    const gpgId = join(this.storeDir, ".gpg-id");
    try {
      await Deno.stat(gpgId);
      return { available: true };
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      const home = (this.#env ?? Deno.env.toObject()).HOME;
      return {
        available: false,
        reason: `password store not initialised: no ${tildePath(gpgId, home)}`,
        fix: `run pass init GPG-KEY-ID ${OR_FILE}`,
      };
    }
  }

  async get(profile: string): Promise<string | null> {
    const entry = this.#entry(profile);
    const result = await this.#tool(["show", entry]);
    if (result.status === "exited" && result.code === 0) return result.stdout;
    if (isNotInStore(result)) return null;
    throw this.#failure("show", result, entry);
  }

  async set(profile: string, secret: string): Promise<void> {
    const entry = this.#entry(profile);
    const result = await this.#tool(["insert", "-m", "-f", entry], secret);
    if (result.status === "exited" && result.code === 0) return;
    throw this.#failure("insert", result, entry);
  }

  async delete(profile: string): Promise<boolean> {
    const entry = this.#entry(profile);
    const result = await this.#tool(["rm", "-f", entry]);
    if (result.status === "exited" && result.code === 0) return true;
    if (isNotInStore(result)) return false;
    throw this.#failure("rm", result, entry);
  }

  #entry(profile: string): string {
    assertProfileName(this.name, profile);
    return `${PASS_FOLDER}/${profile}`;
  }

  #tool(args: string[], stdin?: string): Promise<ToolResult> {
    return this.#run({ command: "pass", args, stdin, env: this.#env, timeoutMs: this.#timeoutMs });
  }

  #failure(action: string, result: ToolResult, entry: string): SecretStoreError {
    if (result.status === "not-found") {
      return new SecretStoreError(
        this.name,
        PASS_NOT_INSTALLED,
        `install pass (passwordstore.org) ${OR_FILE}`,
        { unavailable: true },
      );
    }
    if (result.status === "timeout") {
      return new SecretStoreError(
        this.name,
        `pass ${action} did not answer within ${
          formatSeconds(this.#timeoutMs)
        } (gpg may be waiting for a passphrase prompt)`,
        `unlock your GPG key first (run pass show ${entry} in a terminal) and retry, ${OR_FILE}`,
      );
    }
    if (/decryption failed: No secret key/.test(result.stderr)) {
      return new SecretStoreError(
        this.name,
        `gpg cannot decrypt ${entry}: no secret key`,
        `import the GPG secret key the password store is encrypted to, ${OR_FILE}`,
      );
    }
    const detail = firstLine(result.stderr);
    if (/encryption failed|No public key|Unusable public key/.test(result.stderr)) {
      return new SecretStoreError(
        this.name,
        `gpg cannot encrypt ${entry}: ${detail}`,
        `check the key ids in ${join(this.storeDir, ".gpg-id")} (gpg --list-keys) ${OR_FILE}`,
      );
    }
    return new SecretStoreError(
      this.name,
      `pass ${action} failed (exit ${result.code})${detail ? `: ${detail}` : ""}`,
      `check the password store (pass ls ${PASS_FOLDER}) ${OR_FILE}`,
    );
  }
}

function isNotInStore(result: ToolResult): boolean {
  return result.status === "exited" && result.code === 1 &&
    /is not in the password store\./.test(result.stderr);
}
