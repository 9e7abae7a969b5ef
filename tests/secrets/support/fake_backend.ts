/**
 * An in-memory SecretBackend whose availability and failures a test sets.
 *
 * @module
 */

import type {
  Availability,
  SecretBackend,
  SecretBackendName,
  SecretStoreError,
} from "../../../src/secrets/secret_store.ts";

/** A backend keeping secrets in a Map and logging calls as "probe", "set work", ... */
export class FakeBackend implements SecretBackend {
  readonly secrets = new Map<string, string>();
  readonly log: string[] = [];
  availability: Availability = { available: true };
  /** Thrown by the next set(), when given. */
  setError: SecretStoreError | undefined;

  constructor(readonly name: SecretBackendName, readonly description: string) {}

  probe(): Promise<Availability> {
    this.log.push("probe");
    return Promise.resolve(this.availability);
  }

  get(profile: string): Promise<string | null> {
    this.log.push(`get ${profile}`);
    return Promise.resolve(this.secrets.get(profile) ?? null);
  }

  set(profile: string, secret: string): Promise<void> {
    this.log.push(`set ${profile}`);
    if (this.setError) return Promise.reject(this.setError);
    this.secrets.set(profile, secret);
    return Promise.resolve();
  }

  delete(profile: string): Promise<boolean> {
    this.log.push(`delete ${profile}`);
    return Promise.resolve(this.secrets.delete(profile));
  }
}
