/**
 * Windows Credential Manager through PowerShell (`powershell.exe`, present on every Windows),
 * generic credentials with target `eigen-s3:<profile>` and user name = profile.
 *
 * argv carries only the constant program (`-EncodedCommand`); the operation, target and the
 * secret (base64 of its UTF-8 bytes) go over stdin. See windows_credential_script.ts.
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
import {
  base64ToBytes,
  bytesToBase64,
  CRED_ERROR_MARKER,
  CRED_NOT_FOUND_EXIT,
  CRED_WIN32_ERROR_EXIT,
  CREDENTIAL_SCRIPT,
  encodePowerShellCommand,
} from "./windows_credential_script.ts";

/** Prefix of every credential target. */
export const CREDENTIAL_TARGET_PREFIX = "eigen-s3:";
/** CRED_MAX_CREDENTIAL_BLOB_SIZE (5 * 512 bytes). */
export const MAX_CREDENTIAL_BLOB_BYTES = 2560;
/** The PowerShell arguments: constant, never a secret. */
export const POWERSHELL_ARGS: readonly string[] = [
  "-NoLogo",
  "-NoProfile",
  "-NonInteractive",
  "-EncodedCommand",
  encodePowerShellCommand(CREDENTIAL_SCRIPT),
];

const OR_FILE = "or use --secret-backend file";
const ERROR_NO_SUCH_LOGON_SESSION = 1312;

type Operation = "probe" | "read" | "write" | "delete";

/** The Windows Credential Manager backend. */
export class WindowsCredentialBackend implements SecretBackend {
  readonly name = "keychain" as const;
  readonly description = "Windows Credential Manager";
  readonly #run: ToolRunner;
  readonly #env: Record<string, string | undefined> | undefined;
  readonly #timeoutMs: number;

  constructor(options: ToolBackendOptions = {}) {
    this.#run = options.run ?? runTool;
    this.#env = options.env;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  }

  /** PowerShell runs, Add-Type works and CredReadW answers (found or not found). */
  async probe(): Promise<Availability> {
    const result = await this.#call("probe", `${CREDENTIAL_TARGET_PREFIX}eigen-s3-probe`, "", "");
    if (result.status === "exited" && result.code === 0) return { available: true };
    const error = this.#failure("probe", result);
    return { available: false, reason: error.reason, fix: error.fix };
  }

  async get(profile: string): Promise<string | null> {
    const result = await this.#call("read", this.#target(profile), "", "");
    if (result.status === "exited" && result.code === 0) {
      try {
        return new TextDecoder("utf-8", { fatal: true }).decode(base64ToBytes(result.stdout));
      } catch (cause) {
        throw new SecretStoreError(
          this.name,
          `the credential ${this.#target(profile)} is not UTF-8 text`,
          `store the secret again with eigen-s3 configure ${OR_FILE}`,
          { cause },
        );
      }
    }
    if (isNotFound(result)) return null;
    throw this.#failure("read", result);
  }

  async set(profile: string, secret: string): Promise<void> {
    const target = this.#target(profile);
    const bytes = new TextEncoder().encode(secret);
    if (bytes.length > MAX_CREDENTIAL_BLOB_BYTES) {
      throw new SecretStoreError(
        this.name,
        `the secret is longer than ${MAX_CREDENTIAL_BLOB_BYTES} bytes`,
        "use --secret-backend file",
      );
    }
    const result = await this.#call("write", target, profile, bytesToBase64(bytes));
    if (result.status === "exited" && result.code === 0) return;
    throw this.#failure("write", result);
  }

  async delete(profile: string): Promise<boolean> {
    const result = await this.#call("delete", this.#target(profile), "", "");
    if (result.status === "exited" && result.code === 0) return true;
    if (isNotFound(result)) return false;
    throw this.#failure("delete", result);
  }

  #target(profile: string): string {
    assertProfileName(this.name, profile);
    return `${CREDENTIAL_TARGET_PREFIX}${profile}`;
  }

  #call(op: Operation, target: string, user: string, secret64: string): Promise<ToolResult> {
    return this.#run({
      command: "powershell.exe",
      args: POWERSHELL_ARGS,
      stdin: `${op}\n${target}\n${user}\n${secret64}\n`,
      env: this.#env,
      timeoutMs: this.#timeoutMs,
    });
  }

  #failure(op: Operation, result: ToolResult): SecretStoreError {
    const api =
      { probe: "CredReadW", read: "CredReadW", write: "CredWriteW", delete: "CredDeleteW" }[op];
    if (result.status === "not-found") {
      return new SecretStoreError(
        this.name,
        "powershell.exe was not found",
        `check that Windows PowerShell is in PATH ${OR_FILE}`,
        { unavailable: true },
      );
    }
    if (result.status === "timeout") {
      return new SecretStoreError(
        this.name,
        `PowerShell did not answer within ${formatSeconds(this.#timeoutMs)}`,
        `retry, ${OR_FILE}`,
      );
    }
    const win32 = new RegExp(`${CRED_ERROR_MARKER} (\\d+)`).exec(result.stderr);
    if (result.code === CRED_WIN32_ERROR_EXIT && win32) {
      const code = Number(win32[1]);
      if (code === ERROR_NO_SUCH_LOGON_SESSION) {
        return new SecretStoreError(
          this.name,
          "Credential Manager is not available in this logon session (e.g. SSH or a service)",
          `run eigen-s3 from an interactive logon ${OR_FILE}`,
          { unavailable: true },
        );
      }
      return new SecretStoreError(
        this.name,
        `${api} failed with Windows error ${code}`,
        `check Credential Manager (Windows Credentials) ${OR_FILE}`,
      );
    }
    if (/language mode|Add-Type|Cannot add type/i.test(result.stderr)) {
      return new SecretStoreError(
        this.name,
        "PowerShell cannot load the Credential Manager helper (Add-Type blocked, e.g. Constrained Language Mode)",
        `ask your administrator to allow Add-Type ${OR_FILE}`,
        { unavailable: true },
      );
    }
    const detail = firstLine(result.stderr);
    return new SecretStoreError(
      this.name,
      `PowerShell ${op} failed (exit ${result.code})${detail ? `: ${detail}` : ""}`,
      `check that Windows PowerShell works ${OR_FILE}`,
    );
  }
}

function isNotFound(result: ToolResult): boolean {
  return result.status === "exited" && result.code === CRED_NOT_FOUND_EXIT;
}
