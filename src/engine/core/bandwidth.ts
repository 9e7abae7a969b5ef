/**
 * A token-bucket bandwidth limiter shared by all transfers of a run (`--bwlimit`).
 *
 * @module
 */

import { Readable } from "node:stream";
import { throwIfAborted } from "./errors.ts";
import { sleep } from "../../lib/delay.ts";

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
      // Grant whole pieces (up to a burst) and sleep until one is earned: granting the few bytes
      // earned since the last pass would spin the event loop without ever yielding.
      const want = Math.min(need, this.#burst);
      if (this.#tokens >= want) {
        this.#tokens -= want;
        need -= want;
        continue;
      }
      const waitMs = ((want - this.#tokens) / this.bytesPerSecond) * 1000;
      await sleep(Math.min(250, Math.max(1, waitMs)), signal);
    }
  }
}

/** Splits `bytes` into chunks paced by `limiter`; ends early (without throwing) on abort. */
export async function* paced(
  bytes: Uint8Array,
  limiter: BandwidthLimiter,
  signal?: AbortSignal,
  chunk = 64 * 1024,
): AsyncGenerator<Uint8Array> {
  for (let off = 0; off < bytes.length; off += chunk) {
    const piece = bytes.subarray(off, Math.min(bytes.length, off + chunk));
    try {
      await limiter.take(piece.length, signal);
    } catch (e) {
      // The request is being aborted by the same signal: the short body never completes it.
      if (signal?.aborted) return;
      throw e;
    }
    yield piece;
  }
}

/**
 * A request body that sends `bytes` at the limiter's pace. Once the request is aborted nobody
 * reads the stream any more, so it must not raise an unhandled error then.
 */
export function pacedBody(
  bytes: Uint8Array,
  limiter: BandwidthLimiter,
  signal?: AbortSignal,
): Readable {
  const body = Readable.from(paced(bytes, limiter, signal), { objectMode: false });
  body.on("error", () => {});
  return body;
}
