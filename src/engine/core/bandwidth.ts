/**
 * A token-bucket bandwidth limiter shared by all transfers of a run (`--bwlimit`). Its rate can
 * change while transfers run (a `--bwlimit` timetable): 0 means no limit. Every byte taken is
 * reported to `onTake` (how `--max-transfer` counts what really went out).
 *
 * @module
 */

import { Readable } from "node:stream";
import { throwIfAborted } from "./errors.ts";
import { sleep } from "../../lib/delay.ts";

/** Limits the combined rate of every transfer that takes bytes from it. */
export class BandwidthLimiter {
  #rate = 0;
  #tokens = 0;
  #last = performance.now();
  #burst = 64 * 1024;
  #queue: Promise<void> = Promise.resolve();
  /** Called with the size of every piece taken (bytes about to be sent). */
  onTake?: (bytes: number) => void;

  /**
   * `bytesPerSecond` >= 0 (0: no limit); the bucket holds at most a quarter second of traffic
   * (min 64 KiB).
   */
  constructor(bytesPerSecond: number) {
    this.setRate(bytesPerSecond);
    this.#tokens = this.#burst;
  }

  /** The current limit in bytes per second (0: none). */
  get bytesPerSecond(): number {
    return this.#rate;
  }

  /** Changes the limit from now on (0: none); transfers waiting pick it up within 250 ms. */
  setRate(bytesPerSecond: number): void {
    this.#refill(performance.now());
    this.#rate = Math.max(0, bytesPerSecond);
    this.#burst = Math.max(64 * 1024, this.#rate / 4);
    this.#tokens = Math.min(this.#tokens, this.#burst);
  }

  /** Waits until `bytes` may be sent. Callers are served in order. */
  take(bytes: number, signal?: AbortSignal): Promise<void> {
    const turn = this.#queue.then(() => this.#wait(bytes, signal));
    this.#queue = turn.catch(() => {});
    return turn;
  }

  #refill(now: number): void {
    if (this.#rate > 0) {
      this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#rate);
    }
    this.#last = now;
  }

  async #wait(bytes: number, signal?: AbortSignal): Promise<void> {
    let need = bytes;
    while (need > 0) {
      throwIfAborted(signal);
      this.#refill(performance.now());
      if (this.#rate === 0) {
        this.#tokens = this.#burst;
        this.onTake?.(need);
        return;
      }
      // Grant whole pieces (up to a burst) and sleep until one is earned: granting the few bytes
      // earned since the last pass would spin the event loop without ever yielding.
      const want = Math.min(need, this.#burst);
      if (this.#tokens >= want) {
        this.#tokens -= want;
        need -= want;
        this.onTake?.(want);
        continue;
      }
      const waitMs = ((want - this.#tokens) / this.#rate) * 1000;
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
