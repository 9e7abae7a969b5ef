/**
 * Lets the secret store ask for the encrypted file's passphrase through the TUI: the store
 * calls {@link PassphraseBridge.ask}, the app shows a masked prompt and answers.
 *
 * @module
 */

import { EngineError } from "../../engine/core/errors.ts";

/** One pending question. */
export interface PassphraseQuestion {
  id: number;
  message: string;
  confirm: boolean;
}

/** Connects the secret store's passphrase prompt to the UI. */
export class PassphraseBridge {
  #next = 1;
  #pending = new Map<number, { resolve: (v: string) => void; reject: (e: Error) => void }>();
  #listener: ((q: PassphraseQuestion) => void) | null = null;
  #asked = new Map<string, Promise<string>>();

  /** The UI registers here; returns the function that unregisters it. */
  listen(listener: (q: PassphraseQuestion) => void): () => void {
    this.#listener = listener;
    return () => {
      if (this.#listener === listener) this.#listener = null;
    };
  }

  /** Asks the user (the secret store's `promptPassphrase`). */
  ask = (message: string, confirm: boolean): Promise<string> => {
    const listener = this.#listener;
    if (!listener) {
      return Promise.reject(
        new EngineError(
          "SecretStoreError",
          "The encrypted secrets file needs a passphrase: set EIGEN_S3_PASSPHRASE.",
        ),
      );
    }
    // The secret store may ask again before the first answer (concurrent requests waiting for
    // the same credentials): they share the one question on screen.
    const key = `${confirm}:${message}`;
    const asked = this.#asked.get(key);
    if (asked) return asked;
    const id = this.#next++;
    const answer = new Promise<string>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      listener({ id, message, confirm });
    }).finally(() => this.#asked.delete(key));
    this.#asked.set(key, answer);
    return answer;
  };

  /** The user's answer (null: cancelled). */
  answer(id: number, value: string | null): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    if (value === null) {
      p.reject(
        new EngineError("SecretStoreError", "No passphrase given: nothing was read or saved."),
      );
    } else p.resolve(value);
  }

  /** Rejects every pending question (the app is closing). */
  cancelAll(): void {
    for (const id of [...this.#pending.keys()]) this.answer(id, null);
  }
}
