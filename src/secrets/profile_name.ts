/**
 * Profile names as the secret backends accept them. They become Secret Service attributes,
 * keychain accounts, Credential Manager targets, `pass` entry paths and JSON keys, so they are
 * kept to a portable, path-safe alphabet.
 *
 * @module
 */

import { type SecretBackendName, SecretStoreError } from "./secret_store.ts";

/** 1-64 characters: letters, digits, `.`, `_`, `-`; the first one a letter or digit. */
export const PROFILE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Throws a {@link SecretStoreError} for `backend` unless `profile` matches {@link PROFILE_NAME_PATTERN}. */
export function assertProfileName(backend: SecretBackendName, profile: string): void {
  if (!PROFILE_NAME_PATTERN.test(profile)) {
    throw new SecretStoreError(
      backend,
      `invalid profile name ${JSON.stringify(profile)}`,
      "use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
    );
  }
}
