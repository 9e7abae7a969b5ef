/**
 * The {@link SecretStore} over the three backends: an explicitly chosen backend is used as is;
 * otherwise the OS keychain, then `pass` when initialised, then the encrypted file, with a
 * one-line `fallbackReason` whenever the keychain was skipped.
 *
 * @module
 */

import { PASS_NOT_INSTALLED } from "./pass_backend.ts";
import { assertProfileName } from "./profile_name.ts";
import {
  type SavedSecret,
  type SecretBackend,
  type SecretBackendName,
  type SecretStore,
  SecretStoreError,
} from "./secret_store.ts";

/** One backend per name. */
export type SecretBackends = Readonly<Record<SecretBackendName, SecretBackend>>;

/** Options of {@link FallbackSecretStore}. */
export interface FallbackSecretStoreOptions {
  backends: SecretBackends;
  /** Short name of this OS's keychain for the fallback line, e.g. "Secret Service". */
  keychainLabel: string;
}

interface Skipped {
  label: string;
  reason: string;
}

/** Keychain, then pass, then the encrypted file. */
export class FallbackSecretStore implements SecretStore {
  readonly #backends: SecretBackends;
  readonly #keychainLabel: string;

  constructor(options: FallbackSecretStoreOptions) {
    this.#backends = options.backends;
    this.#keychainLabel = options.keychainLabel;
  }

  async save(profile: string, secret: string, backend?: SecretBackendName): Promise<SavedSecret> {
    assertProfileName(backend ?? "keychain", profile);
    if (secret === "") {
      throw new SecretStoreError(
        backend ?? "keychain",
        "empty secret",
        "give the secret access key",
      );
    }
    if (backend) return await this.#saveExactly(profile, secret, this.#backends[backend]);

    const skipped: Skipped[] = [];
    for (const name of ["keychain", "pass"] as const) {
      const candidate = this.#backends[name];
      const label = name === "keychain" ? this.#keychainLabel : "pass";
      const availability = await candidate.probe();
      if (!availability.available) {
        skipped.push({ label, reason: availability.reason });
        continue;
      }
      try {
        await candidate.set(profile, secret);
        return this.#saved(candidate, skipped);
      } catch (error) {
        if (!(error instanceof SecretStoreError && error.unavailable)) throw error;
        skipped.push({ label, reason: error.reason });
      }
    }
    const file = this.#backends.file;
    const availability = await file.probe();
    if (!availability.available) {
      const tried = skipped.map(describeSkip).join("; ");
      throw new SecretStoreError(
        "file",
        `no secret backend can be used here (${tried}; encrypted file: ${availability.reason})`,
        availability.fix,
        { unavailable: true },
      );
    }
    await file.set(profile, secret);
    return this.#saved(file, skipped);
  }

  async load(profile: string, backend: SecretBackendName): Promise<string | null> {
    return await this.#backends[backend].get(profile);
  }

  async remove(profile: string, backend: SecretBackendName): Promise<boolean> {
    return await this.#backends[backend].delete(profile);
  }

  describe(backend: SecretBackendName): string {
    return this.#backends[backend].description;
  }

  async #saveExactly(
    profile: string,
    secret: string,
    backend: SecretBackend,
  ): Promise<SavedSecret> {
    const availability = await backend.probe();
    if (!availability.available) {
      throw new SecretStoreError(backend.name, availability.reason, availability.fix, {
        unavailable: true,
      });
    }
    await backend.set(profile, secret);
    return { backend: backend.name, description: backend.description };
  }

  #saved(backend: SecretBackend, skipped: Skipped[]): SavedSecret {
    const saved: SavedSecret = { backend: backend.name, description: backend.description };
    // A tool the user never installed is not news; everything else is said.
    const told = skipped.filter((s, i) => i === 0 || s.reason !== PASS_NOT_INSTALLED);
    if (told.length > 0) {
      saved.fallbackReason = `${told.map(describeSkip).join("; ")}: stored in ${
        backend.name === "file" ? "the " : ""
      }${backend.description}`;
    }
    return saved;
  }
}

function describeSkip(skip: Skipped): string {
  return `${skip.label} unavailable (${skip.reason})`;
}
