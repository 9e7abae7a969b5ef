/**
 * A token-bucket bandwidth limiter shared by all transfers of a run (`--bwlimit`).
 *
 * @module
 */

import { throwIfAborted } from "./errors.ts";

/** Limits the combined rate of every transfer that takes bytes from it. */
export class BandwidthLimiter {
  #tokens: number;
  #last = performance.now();
  readonly #burst: number;
  #queue: Promise<void> = Promise.resolve();

  /** `bytesPerSecond` > 0; the bucket holds at most a quarter second of traffic (min 64 KiB). */
  constructor(readonly bytesPerSecond: number) {
    this.#burst = Math.max(64 * 1024, bytesPerSecond / 4);
    this.#tokens = this.#burst;
  }

  /** Waits until `bytes` may be sent. Callers are served in order. */
  take(bytes: number, signal?: AbortSignal): Promise<void> {
    const turn = this.#queue.then(() => this.#wait(bytes, signal));
    this.#queue = turn.catch(() => {});
    return turn;
  }

  async #wait(bytes: number, signal?: AbortSignal): Promise<void> {
    let need = bytes;
    while (need > 0) {
      throwIfAborted(signal);
      const now = performance.now();
      this.#tokens = Math.min(
        this.#burst,
        this.#tokens + ((now - this.#last) / 1000) * this.bytesPerSecond,
      );
      this.#last = now;
      const grant = Math.min(need, this.#tokens);
      if (grant > 0) {
        this.#tokens -= grant;
        need -= grant;
        continue;
      }
      const waitMs = Math.min(250, (Math.min(need, this.#burst) / this.bytesPerSecond) * 1000);
      await sleep(Math.max(1, waitMs), signal);
    }
  }
}

/** Sleeps `ms`, rejecting early with an abort error when `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new DOMException("Aborted", "AbortError"));
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason ?? new DOMException("Aborted", "AbortError"));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Splits `bytes` into chunks paced by `limiter` (for paced request bodies). */
export async function* paced(
  bytes: Uint8Array,
  limiter: BandwidthLimiter,
  signal?: AbortSignal,
  chunk = 64 * 1024,
): AsyncGenerator<Uint8Array> {
  for (let off = 0; off < bytes.length; off += chunk) {
    const piece = bytes.subarray(off, Math.min(bytes.length, off + chunk));
    await limiter.take(piece.length, signal);
    yield piece;
  }
}
