/**
 * The one interface between eigen-s3 and wherever a profile's secret access key is kept.
 *
 * The engine and the CLI only use {@link SecretStore}; each OS tool (secret-tool, security,
 * PowerShell Credential Manager, pass) and the encrypted-file fallback is one
 * {@link SecretBackend} in its own file. Secrets never travel through argv, logs or errors.
 *
 * @module
 */

/** Names a user can pass to `configure --secret-backend`, also stored in the profile. */
export type SecretBackendName = "keychain" | "pass" | "file";

/** All backend names, in fallback order. */
export const SECRET_BACKEND_NAMES: readonly SecretBackendName[] = ["keychain", "pass", "file"];

/** Whether a backend can be used on this machine right now, and if not, why and what to do. */
export type Availability =
  | { available: true }
  | { available: false; reason: string; fix: string };

/** One place secrets can be kept. Implementations never print and never put a secret in argv. */
export interface SecretBackend {
  /** The name stored in the profile (`secret_backend`). */
  readonly name: SecretBackendName;
  /** Human description, e.g. "Secret Service (secret-tool)" or "encrypted file ~/.local/state/eigen/secrets.enc". */
  readonly description: string;
  /** Checks that the backend works here (tool installed, bus present, store initialised...). */
  probe(): Promise<Availability>;
  /** The secret of `profile`, or null when this backend holds none for it. */
  get(profile: string): Promise<string | null>;
  /** Stores (or replaces) the secret of `profile`. */
  set(profile: string, secret: string): Promise<void>;
  /** Deletes the secret of `profile`; false when there was none. */
  delete(profile: string): Promise<boolean>;
}

/** Where a secret ended up after {@link SecretStore.save}. */
export interface SavedSecret {
  backend: SecretBackendName;
  /** e.g. "Secret Service (secret-tool)". */
  description: string;
  /** Set when the preferred backend was skipped: one line saying why this one was used. */
  fallbackReason?: string;
}

/** Facade used by configure, settings resolution and `config show/remove`. */
export interface SecretStore {
  /**
   * Stores `secret` for `profile`. With `backend` given, uses exactly that backend (or fails with
   * a SecretStoreError); otherwise keychain, then pass, then the encrypted file.
   */
  save(profile: string, secret: string, backend?: SecretBackendName): Promise<SavedSecret>;
  /** Reads the secret of `profile` from `backend`; throws SecretStoreError when it cannot. */
  load(profile: string, backend: SecretBackendName): Promise<string | null>;
  /** Deletes the secret of `profile` from `backend`. */
  remove(profile: string, backend: SecretBackendName): Promise<boolean>;
  /** Human description of `backend` on this OS, for `config show`. */
  describe(backend: SecretBackendName): string;
}

/**
 * A secret store failure. Names the backend, the reason and the fix, never the secret.
 * The engine maps it to the `SecretStoreError` engine code (exit 1).
 */
export class SecretStoreError extends Error {
  override readonly name = "SecretStoreError";
  /**
   * True when the backend cannot be used on this machine at all (tool missing, no session bus,
   * no keyring, keyring locked...). The automatic choice in {@link SecretStore.save} then moves
   * on to the next backend; any other error stops it.
   */
  readonly unavailable: boolean;
  constructor(
    /** Backend that failed. */
    readonly backend: SecretBackendName,
    /** What happened, e.g. "no Secret Service on this session". */
    readonly reason: string,
    /** What to do, e.g. "install gnome-keyring or use --secret-backend file". */
    readonly fix: string,
    options?: { cause?: unknown; unavailable?: boolean },
  ) {
    super(`${backend}: ${reason}: ${fix}`, { cause: options?.cause });
    this.unavailable = options?.unavailable ?? false;
  }
}
