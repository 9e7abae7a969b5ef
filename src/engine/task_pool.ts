/**
 * A bounded pool of concurrent tasks with back-pressure: `submit` waits while the pool is full,
 * so a producer (the plan) never runs ahead of its workers by more than the pool size.
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
