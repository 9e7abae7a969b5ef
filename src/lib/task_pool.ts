/**
 * Bounded concurrency: a pool of tasks with back-pressure (`submit` waits while the pool is
 * full, so a producer such as the backup plan never runs ahead of its workers by more than the
 * pool size), and `boundedEach` over an array on top of it.
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

  /** Waits for a free place, then starts `task` without waiting for it to finish. */
  async submit(task: () => Promise<void>): Promise<void> {
    while (this.#running.size >= this.size) await Promise.race(this.#running);
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
 * background), then rethrows the first error.
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
    await pool.submit(async () => {
      try {
        await fn(item);
      } catch (e) {
        failure ??= { error: e };
      }
    });
  }
  await pool.drain();
  if (failure) throw failure.error;
}
