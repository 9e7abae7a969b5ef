/**
 * Linux (and BSD) keychain: the freedesktop Secret Service through `secret-tool` (libsecret).
 *
 * Items carry the attributes `service=eigen-s3 account=<profile>` and the label
 * `eigen-s3 (<profile>)`. The secret goes over stdin, which `secret-tool store` keeps verbatim.
 * `secret-tool lookup` and `clear` exit 1 with an empty stderr both for a missing item and for a
 * locked keyring; `secret-tool search` (which never prompts) tells the two apart.
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

/** The `service` attribute of every eigen-s3 item. */
export const SECRET_TOOL_SERVICE = "eigen-s3";

const TOOL = "secret-tool";
/** "Cannot create an item in a locked collection", "Cannot get secret of a locked object". */
const LOCKED = /\ba locked (collection|object|item)\b|\bis locked\b/i;
const OR_FILE = "or use --secret-backend file";

/** Known failures: stderr fragment -> reason and fix. All mean "this backend is unavailable". */
const KNOWN_FAILURES: readonly { match: RegExp; reason: string; fix: string }[] = [
  {
    match: /Cannot autolaunch D-Bus|Could not connect|The given address is empty|dbus-launch/,
    reason: "no D-Bus session bus",
    fix: "run inside a desktop session (or dbus-run-session), or use --secret-backend pass|file",
  },
  {
    match: /was not provided by any \.service files|ServiceUnknown/,
    reason: "no Secret Service on this session",
    fix: `install gnome-keyring (or enable KeePassXC's Secret Service) ${OR_FILE}`,
  },
  {
    match: /Object does not exist at path .*\/collection\//,
    reason: "the Secret Service has no default keyring",
    fix:
      `create and unlock a login keyring (log in to the desktop, or gnome-keyring-daemon --unlock) ${OR_FILE}`,
  },
  {
    match: LOCKED,
    reason: "the Secret Service keyring is locked",
    fix:
      `unlock it (log in to the desktop, or gnome-keyring-daemon --unlock) and retry, ${OR_FILE}`,
  },
];

/** The Secret Service backend (`secret-tool`). */
export class SecretToolBackend implements SecretBackend {
  readonly name = "keychain" as const;
  readonly description = "Secret Service (secret-tool)";
  readonly #run: ToolRunner;
  readonly #env: Record<string, string | undefined> | undefined;
  readonly #timeoutMs: number;

  constructor(options: ToolBackendOptions = {}) {
    this.#run = options.run ?? runTool;
    this.#env = options.env;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  }

  /** Installed, a session bus, a Secret Service provider (a no-match search, never prompts). */
  async probe(): Promise<Availability> {
    const result = await this.#tool([
      "search",
      "service",
      SECRET_TOOL_SERVICE,
      "account",
      "eigen-s3-probe",
    ]);
    if (result.status === "exited" && result.code === 0) return { available: true };
    const error = this.#failure("search", result);
    return { available: false, reason: error.reason, fix: error.fix };
  }

  async get(profile: string): Promise<string | null> {
    assertProfileName(this.name, profile);
    const result = await this.#tool(["lookup", ...this.#attributes(profile)]);
    if (result.status === "exited" && result.code === 0) return result.stdout;
    if (isBareExit1(result)) {
      await this.#explainBareExit1(profile, "lookup");
      return null;
    }
    throw this.#failure("lookup", result);
  }

  async set(profile: string, secret: string): Promise<void> {
    assertProfileName(this.name, profile);
    const result = await this.#tool(
      ["store", `--label=eigen-s3 (${profile})`, ...this.#attributes(profile)],
      secret,
    );
    if (result.status === "exited" && result.code === 0) return;
    throw this.#failure("store", result);
  }

  async delete(profile: string): Promise<boolean> {
    assertProfileName(this.name, profile);
    const result = await this.#tool(["clear", ...this.#attributes(profile)]);
    if (result.status === "exited" && result.code === 0) return true;
    if (isBareExit1(result)) {
      await this.#explainBareExit1(profile, "clear");
      return false;
    }
    throw this.#failure("clear", result);
  }

  #attributes(profile: string): string[] {
    return ["service", SECRET_TOOL_SERVICE, "account", profile];
  }

  #tool(args: string[], stdin?: string): Promise<ToolResult> {
    return this.#run({
      command: TOOL,
      args,
      stdin,
      env: this.#env,
      timeoutMs: this.#timeoutMs,
    });
  }

  /**
   * After `lookup`/`clear` exited 1 with nothing on stderr: returns when the item is missing,
   * throws when it exists but is locked (or cannot be read for another reason).
   */
  async #explainBareExit1(profile: string, action: string): Promise<void> {
    const search = await this.#tool(["search", ...this.#attributes(profile)]);
    if (search.status !== "exited" || search.code !== 0) throw this.#failure("search", search);
    if (LOCKED.test(search.stderr)) throw this.#failure(action, search);
    if (search.stdout.trim() === "") return;
    throw new SecretStoreError(
      this.name,
      `secret-tool ${action} failed for an existing item`,
      `check it with: secret-tool search service ${SECRET_TOOL_SERVICE} account ${profile}`,
    );
  }

  #failure(action: string, result: ToolResult): SecretStoreError {
    if (result.status === "not-found") {
      return new SecretStoreError(
        this.name,
        "secret-tool is not installed",
        "install libsecret-tools (Debian, Ubuntu) or libsecret (Fedora, Arch), or use --secret-backend pass|file",
        { unavailable: true },
      );
    }
    if (result.status === "timeout") {
      return new SecretStoreError(
        this.name,
        `secret-tool ${action} did not answer within ${
          formatSeconds(this.#timeoutMs)
        } (an unlock prompt may be waiting)`,
        `answer or dismiss the keyring prompt and retry, ${OR_FILE}`,
      );
    }
    for (const known of KNOWN_FAILURES) {
      if (known.match.test(result.stderr)) {
        return new SecretStoreError(this.name, known.reason, known.fix, { unavailable: true });
      }
    }
    const detail = firstLine(result.stderr);
    return new SecretStoreError(
      this.name,
      `secret-tool ${action} failed (exit ${result.code})${detail ? `: ${detail}` : ""}`,
      `check the Secret Service (secret-tool search service ${SECRET_TOOL_SERVICE}) ${OR_FILE}`,
    );
  }
}

function isBareExit1(result: ToolResult): boolean {
  return result.status === "exited" && result.code === 1 && result.stderr.trim() === "";
}
