/**
 * A counting semaphore: bounds how many transfers (or parts) are in flight at once, which in
 * turn bounds memory to about slots x part size.
 *
 * @module
 */

/** A counting semaphore with FIFO waiters. */
export class Semaphore {
  #free: number;
  #waiters: Array<() => void> = [];

  /** Creates a semaphore with `slots` permits (at least 1). */
  constructor(readonly slots: number) {
    this.#free = Math.max(1, slots);
  }

  /** Waits for a permit; rejects when `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) {
      return Promise.reject(signal.reason ?? new DOMException("Aborted", "AbortError"));
    }
    if (this.#free > 0) {
      this.#free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const i = this.#waiters.indexOf(grant);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(signal?.reason ?? new DOMException("Aborted", "AbortError"));
      };
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      this.#waiters.push(grant);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Returns a permit. */
  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#free += 1;
  }

  /** Runs `fn` holding one permit. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}
