/**
 * Entry point of src/secrets: {@link createSecretStore} picks the backends for this OS.
 *
 * ```ts
 * const store = createSecretStore({ stateDir: "/home/me/.local/state/eigen" });
 * const saved = await store.save("default", secret);
 * if (saved.fallbackReason) console.error(saved.fallbackReason); // the CLI prints it
 * const again = await store.load("default", saved.backend);
 * ```
 *
 * @module
 */

import {
  EncryptedFileBackend,
  type KeyCache,
  type PassphrasePrompt,
} from "./encrypted_file_backend.ts";
import { FallbackSecretStore } from "./fallback_secret_store.ts";
import { MacosKeychainBackend } from "./macos_keychain_backend.ts";
import { PassBackend } from "./pass_backend.ts";
import type { ToolBackendOptions, ToolRunner } from "../lib/run_tool.ts";
import type { SecretBackend, SecretStore } from "./secret_store.ts";
import { SecretToolBackend } from "./secret_tool_backend.ts";
import { WindowsCredentialBackend } from "./windows_credential_backend.ts";

export {
  type Availability,
  type SavedSecret,
  SECRET_BACKEND_NAMES,
  type SecretBackend,
  type SecretBackendName,
  type SecretStore,
  SecretStoreError,
} from "./secret_store.ts";
export {
  KEY_CACHE_SECONDS,
  type KeyCache,
  PASSPHRASE_ENV,
  type PassphrasePrompt,
  SECRETS_FILE_NAME,
} from "./encrypted_file_backend.ts";
export { PROFILE_NAME_PATTERN } from "./profile_name.ts";
export {
  DEFAULT_TOOL_TIMEOUT_MS,
  type ToolRequest,
  type ToolResult,
  type ToolRunner,
} from "../lib/run_tool.ts";

/** Options of {@link createSecretStore}. */
export interface CreateSecretStoreOptions {
  /** Chooses the keychain backend; Deno.build.os by default. */
  os?: typeof Deno.build.os;
  /**
   * The environment: EIGEN_S3_PASSPHRASE, HOME, PASSWORD_STORE_DIR, DBUS_SESSION_BUS_ADDRESS...
   * When given it is also the tools' complete environment; by default they inherit this
   * process's environment.
   */
  env?: Record<string, string | undefined>;
  /** Directory of the encrypted file, e.g. `$XDG_STATE_HOME/eigen` (`~/.local/state/eigen`). */
  stateDir: string;
  /** Masked prompt for the encrypted file's passphrase; pass it only when stdin is a terminal. */
  promptPassphrase?: PassphrasePrompt;
  /** Timeout of each keychain/pass tool call in milliseconds (default 10000). */
  timeoutMs?: number;
  /** Runs the tools; the real Deno.Command runner by default (tests inject a fake). */
  run?: ToolRunner;
  /** Keeps the encrypted file's derived key for a while (see {@link KeyCache}); none by default. */
  keyCache?: KeyCache;
}

/** Keychain label used in the fallback line, per OS. */
function keychainFor(os: typeof Deno.build.os, tools: ToolBackendOptions): {
  backend: SecretBackend;
  label: string;
} {
  if (os === "darwin") return { backend: new MacosKeychainBackend(tools), label: "macOS Keychain" };
  if (os === "windows") {
    return { backend: new WindowsCredentialBackend(tools), label: "Windows Credential Manager" };
  }
  return { backend: new SecretToolBackend(tools), label: "Secret Service" };
}

/**
 * The secret store for this machine: the OS keychain (`secret-tool` on Linux and the BSDs,
 * `security` on macOS, Credential Manager via PowerShell on Windows), `pass`, and the encrypted
 * file `<stateDir>/secrets.enc`. Creating it runs nothing; tools run on first use.
 */
export function createSecretStore(options: CreateSecretStoreOptions): SecretStore {
  const os = options.os ?? Deno.build.os;
  const tools: ToolBackendOptions = {
    run: options.run,
    env: options.env,
    timeoutMs: options.timeoutMs,
  };
  const keychain = keychainFor(os, tools);
  return new FallbackSecretStore({
    keychainLabel: keychain.label,
    backends: {
      keychain: keychain.backend,
      pass: new PassBackend(tools),
      file: new EncryptedFileBackend({
        stateDir: options.stateDir,
        env: options.env,
        promptPassphrase: options.promptPassphrase,
        os,
        ...(options.keyCache ? { keyCache: options.keyCache } : {}),
      }),
    },
  });
}
