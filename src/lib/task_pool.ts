/**
 * Bounded concurrency: a pool of tasks with back-pressure (`submit` waits while the pool is
 * full, so a producer such as the backup plan never runs ahead of its workers by more than the
 * pool size), and `boundedEach` over an array on top of it. This is the one pool of eigen-s3:
 * backup's hashing and uploads, restore's evidence, thaws and downloads, and verify's checks
 * run in it. (The Semaphore of semaphore.ts is something else: permits that the requests of
 * several tasks share, such as the parts of the files a backup uploads at once.)
 *
 * @example
 * ```ts
 * import { TaskPool } from "./task_pool.ts";
 *
 * const pool = new TaskPool(2);
 * for (const name of ["a", "b", "c"]) {
 *   await pool.submit(async () => {
 *     await Promise.resolve(name); // at most two of these run at once
 *   });
 * }
 * await pool.drain();
 * ```
 *
 * @module
 */

/** Runs at most `size` tasks at once. Tasks must handle their own errors. */
export class TaskPool {
  readonly #running = new Set<Promise<void>>();
  readonly size: number;

  /** A pool of `size` (at least 1) concurrent tasks. */
  constructor(size: number) {
    this.size = Math.max(1, Math.floor(size));
  }

  /** Tasks running now. */
  get active(): number {
    return this.#running.size;
  }

  /**
   * Waits for a free place, then starts `task` without waiting for it to finish. When `signal`
   * aborts first, `task` is not started and this rejects with the signal's reason.
   */
  async submit(task: () => Promise<void>, signal?: AbortSignal): Promise<void> {
    while (this.#running.size >= this.size) {
      throwIfAborted(signal);
      await untilAborted(Promise.race(this.#running), signal);
    }
    throwIfAborted(signal);
    const p: Promise<void> = Promise.resolve()
      .then(task)
      .catch(() => {})
      .finally(() => this.#running.delete(p));
    this.#running.add(p);
  }

  /** Waits until every submitted task has finished. */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }
}

/**
 * Runs `fn` over `items` with at most `limit` in flight. Stops taking new items when `signal`
 * aborts or `fn` throws; waits for the ones in flight (nothing keeps running in the
 * background), then rethrows the first error. An abort alone is not an error here: the caller
 * looks at its signal.
 */
export async function boundedEach<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const pool = new TaskPool(limit);
  let failure: { error: unknown } | undefined;
  for (const item of items) {
    if (signal?.aborted || failure) break;
    try {
      await pool.submit(async () => {
        try {
          await fn(item);
        } catch (e) {
          failure ??= { error: e };
        }
      }, signal);
    } catch {
      break; // aborted while waiting for a place
    }
  }
  await pool.drain();
  if (failure) throw failure.error;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("Aborted", "AbortError");
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

/** Resolves with `p`, or rejects as soon as `signal` aborts (removing its listener either way). */
function untilAborted(p: Promise<unknown>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return p.then(() => {});
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}
