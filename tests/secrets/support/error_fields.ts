/**
 * Turns a thrown SecretStoreError into plain data tests can compare exactly.
 *
 * @module
 */

import { SecretStoreError } from "../../../src/secrets/secret_store.ts";

/** The comparable fields of a SecretStoreError. */
export interface ErrorFields {
  backend: string;
  reason: string;
  fix: string;
  unavailable: boolean;
}

/** Awaits `promise`, expecting a SecretStoreError; returns its fields. */
export async function storeError(promise: Promise<unknown>): Promise<ErrorFields> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SecretStoreError) return fields(error);
    throw error;
  }
  throw new Error("expected a SecretStoreError, got success");
}

/** The comparable fields of `error`. */
export function fields(error: SecretStoreError): ErrorFields {
  return {
    backend: error.backend,
    reason: error.reason,
    fix: error.fix,
    unavailable: error.unavailable,
  };
}
