/**
 * macOS keychain through `/usr/bin/security` (generic passwords, service `eigen-s3`,
 * account = profile).
 *
 * `security` has no stdin option for the password: a bare `-w` as the LAST argument makes it
 * prompt "password data for new item" and "retype password for new item" and read both answers
 * from stdin, so the secret is written twice, one line each, and never appears in argv. Because
 * that protocol is line-oriented, secrets containing a line break are refused, and every write is
 * checked by reading the item back.
 *
 * @module
 */

import { firstLine } from "./message_text.ts";
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

/** The keychain item's service (`-s`). */
export const KEYCHAIN_SERVICE = "eigen-s3";

const OR_FILE = "or use --secret-backend file";
/** errSecItemNotFound: "The specified item could not be found in the keychain." */
const NOT_FOUND_EXIT = 44;

/** Known failures (by message or OSStatus) that mean the keychain cannot be used here. */
const KNOWN_FAILURES: readonly { match: RegExp; reason: string; fix: string }[] = [
  {
    match: /User interaction is not allowed|-25308/,
    reason: "the login keychain is locked and cannot prompt (no GUI session)",
    fix: `run security unlock-keychain first ${OR_FILE}`,
  },
  {
    match: /A default keychain could not be found|-25307|No default keychain/i,
    reason: "no default keychain",
    fix: `create one in Keychain Access (or security create-keychain) ${OR_FILE}`,
  },
  {
    match: /The user name or passphrase you entered is not correct|-25293/,
    reason: "the keychain could not be unlocked",
    fix: `unlock the login keychain with its password and retry, ${OR_FILE}`,
  },
];

/** The macOS Keychain backend (`security`). */
export class MacosKeychainBackend implements SecretBackend {
  readonly name = "keychain" as const;
  readonly description = "macOS Keychain (security)";
  readonly #run: ToolRunner;
  readonly #env: Record<string, string | undefined> | undefined;
  readonly #timeoutMs: number;

  constructor(options: ToolBackendOptions = {}) {
    this.#run = options.run ?? runTool;
    this.#env = options.env;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  }

  /** `security` runs and a default keychain exists. */
  async probe(): Promise<Availability> {
    const result = await this.#tool(["default-keychain"]);
    if (result.status === "exited" && result.code === 0 && result.stdout.trim() !== "") {
      return { available: true };
    }
    const error = result.status === "exited" && result.code === 0
      ? new SecretStoreError(this.name, "no default keychain", `create one ${OR_FILE}`)
      : this.#failure("default-keychain", result);
    return { available: false, reason: error.reason, fix: error.fix };
  }

  async get(profile: string): Promise<string | null> {
    assertProfileName(this.name, profile);
    const result = await this.#tool([
      "find-generic-password",
      "-s",
      KEYCHAIN_SERVICE,
      "-a",
      profile,
      "-w",
    ]);
    if (result.status === "exited" && result.code === 0) return result.stdout.replace(/\n$/, "");
    if (isNotFound(result)) return null;
    throw this.#failure("find-generic-password", result);
  }

  async set(profile: string, secret: string): Promise<void> {
    assertProfileName(this.name, profile);
    if (/[\r\n]/.test(secret)) {
      throw new SecretStoreError(
        this.name,
        "the secret contains a line break, which security cannot read from stdin",
        "use --secret-backend file (or pass)",
      );
    }
    const result = await this.#tool(
      [
        "add-generic-password",
        "-U",
        "-s",
        KEYCHAIN_SERVICE,
        "-a",
        profile,
        "-l",
        `eigen-s3 (${profile})`,
        "-w", // bare and last: security prompts twice and reads both answers from stdin
      ],
      `${secret}\n${secret}\n`,
    );
    if (result.status !== "exited" || result.code !== 0) {
      throw this.#failure("add-generic-password", result);
    }
    if ((await this.get(profile)) !== secret) {
      throw new SecretStoreError(
        this.name,
        "the keychain item read back differs from the secret written",
        `report this to the eigen-s3 maintainers, ${OR_FILE}`,
      );
    }
  }

  async delete(profile: string): Promise<boolean> {
    assertProfileName(this.name, profile);
    const result = await this.#tool([
      "delete-generic-password",
      "-s",
      KEYCHAIN_SERVICE,
      "-a",
      profile,
    ]);
    if (result.status === "exited" && result.code === 0) return true;
    if (isNotFound(result)) return false;
    throw this.#failure("delete-generic-password", result);
  }

  #tool(args: string[], stdin?: string): Promise<ToolResult> {
    return this.#run({
      command: "security",
      args,
      stdin,
      env: this.#env,
      timeoutMs: this.#timeoutMs,
    });
  }

  #failure(action: string, result: ToolResult): SecretStoreError {
    if (result.status === "not-found") {
      return new SecretStoreError(
        this.name,
        "the security tool was not found",
        `check that /usr/bin is in PATH ${OR_FILE}`,
        { unavailable: true },
      );
    }
    if (result.status === "timeout") {
      return new SecretStoreError(
        this.name,
        `security ${action} did not answer within ${
          formatSeconds(this.#timeoutMs)
        } (a keychain prompt may be waiting)`,
        `answer the keychain prompt and retry, ${OR_FILE}`,
      );
    }
    for (const known of KNOWN_FAILURES) {
      if (known.match.test(result.stderr)) {
        return new SecretStoreError(this.name, known.reason, known.fix, { unavailable: true });
      }
    }
    if (/User canceled|-128\b/.test(result.stderr)) {
      return new SecretStoreError(
        this.name,
        "the keychain prompt was cancelled",
        `retry and allow access ${OR_FILE}`,
      );
    }
    const detail = firstLine(result.stderr);
    return new SecretStoreError(
      this.name,
      `security ${action} failed (exit ${result.code})${detail ? `: ${detail}` : ""}`,
      `check the login keychain in Keychain Access ${OR_FILE}`,
    );
  }
}

function isNotFound(result: ToolResult): boolean {
  return result.status === "exited" &&
    (result.code === NOT_FOUND_EXIT || /could not be found in the keychain/.test(result.stderr));
}
