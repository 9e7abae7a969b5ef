/**
 * Per-file retries on top of the SDK's per-request retries: a file that changed while it was
 * read, or a transfer that failed in a retryable way after the SDK gave up, is tried again a
 * few times with exponential backoff and jitter.
 *
 * @module
 */

import { sleep } from "../../lib/delay.ts";

/** How often and how patiently to retry one file. */
export interface RetryPolicy {
  /** Total attempts including the first (default 3). */
  attempts: number;
  /** Delay before the second attempt; doubles each time (default 1000 ms). */
  baseDelayMs: number;
  /** Upper bound of one delay (default 15000 ms). */
  maxDelayMs: number;
}

/** The default per-file policy. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 1000, maxDelayMs: 15_000 };

/**
 * Delay before attempt `attempt + 1` (attempt counts from 1): exponential, capped, with
 * "equal jitter" (between half and all of the step) so parallel retries spread out.
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** Waits the backoff delay of `attempt`; rejects when `signal` aborts. */
export function waitBeforeRetry(
  attempt: number,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<void> {
  return sleep(backoffDelay(attempt, policy), signal);
}
