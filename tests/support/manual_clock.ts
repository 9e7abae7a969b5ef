/**
 * A clock that moves only when the test says so: `set()`/`advance()` wake the sleepers whose
 * time has come. For driving the scheduler through days in milliseconds.
 *
 * @module
 */

import type { Clock } from "../../src/lib/clock.ts";

interface Sleeper {
  until: number;
  resolve: () => void;
}

/** A controllable {@link Clock}. */
export class ManualClock implements Clock {
  #now: number;
  #sleepers: Sleeper[] = [];

  constructor(start: Date | string) {
    this.#now = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  /** How many sleeps are pending (the daemon is idle when it is 1). */
  get sleepers(): number {
    return this.#sleepers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted || ms <= 0) return setTimeout(resolve, 0);
      const sleeper: Sleeper = {
        until: this.#now + ms,
        resolve: () => {
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
          signal?.removeEventListener("abort", sleeper.resolve);
          resolve();
        },
      };
      signal?.addEventListener("abort", sleeper.resolve, { once: true });
      this.#sleepers.push(sleeper);
    });
  }

  /** Moves to `date` (forwards or backwards) and wakes sleepers that are due. */
  set(date: Date | string): void {
    this.#now = new Date(date).getTime();
    for (const s of [...this.#sleepers]) if (s.until <= this.#now) s.resolve();
  }

  /** Moves forward by `ms`. */
  advance(ms: number): void {
    this.set(new Date(this.#now + ms));
  }
}

/** Collects events and waits for one matching a predicate. */
export class EventLog<E> {
  readonly events: E[] = [];
  #waiters: { pred: (e: E) => boolean; resolve: (e: E) => void }[] = [];

  /** The sink to hand to the code under test. */
  readonly push = (e: E): void => {
    this.events.push(e);
    for (const w of [...this.#waiters]) {
      if (w.pred(e)) {
        this.#waiters = this.#waiters.filter((x) => x !== w);
        w.resolve(e);
      }
    }
  };

  /** Resolves with the first event (from now on, or already seen after `from`) matching `pred`. */
  waitFor(pred: (e: E) => boolean, timeoutMs = 10_000, from = 0): Promise<E> {
    const seen = this.events.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      // Register before anything else: the first setTimeout of a process can run pending
      // microtasks (lazy module evaluation), and an event pushed then must not be missed.
      const t: { id?: ReturnType<typeof setTimeout> } = {};
      const waiter = {
        pred,
        resolve: (e: E) => {
          clearTimeout(t.id);
          resolve(e);
        },
      };
      this.#waiters.push(waiter);
      t.id = setTimeout(() => {
        this.#waiters = this.#waiters.filter((x) => x !== waiter);
        reject(new Error(`timed out waiting for an event; got: ${JSON.stringify(this.events)}`));
      }, timeoutMs);
      if (!this.#waiters.includes(waiter)) clearTimeout(t.id);
    });
  }
}
