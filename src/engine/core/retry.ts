/**
 * The one retry policy of eigen-s3: exponential backoff with "equal jitter" (between half and
 * all of the step, so parallel retries spread out), capped, for a bounded number of attempts,
 * honouring a server's Retry-After when it sends one. What differs between uses is numbers
 * only, as named policies:
 *
 * - {@link UPLOAD_RETRY}: one file of a backup, on top of the SDK's per-request retries (a file
 *   that changed while it was read, a transfer the SDK gave up on);
 * - {@link DOWNLOAD_RETRY}: one object of a restore, the same way;
 * - {@link WEBHOOK_RETRY}: one notification POST (network errors, timeouts, 408, 429, 5xx);
 * - {@link S3_REQUEST_ATTEMPTS}: each S3 request, retried by the SDK's own standard strategy.
 *
 * @module
 */

import { sleep } from "../../lib/delay.ts";

/** How often and how patiently to retry. */
export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  /** Delay step before the second attempt; doubles each time. */
  baseDelayMs: number;
  /** Upper bound of one delay. */
  maxDelayMs: number;
}

/** One file of a backup: 3 attempts, 1 s doubling, at most 15 s. */
export const UPLOAD_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 1000, maxDelayMs: 15_000 };

/** One object of a restore: 3 attempts, 0.8 s doubling (0.4-0.8 s, then 0.8-1.6 s). */
export const DOWNLOAD_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 800, maxDelayMs: 15_000 };

/** One webhook POST: 5 attempts, 1 s doubling, at most 30 s (a Retry-After is capped too). */
export const WEBHOOK_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000 };

/** Attempts per S3 request, including the first (the SDK's standard retry strategy). */
export const S3_REQUEST_ATTEMPTS = 5;

/**
 * Delay before attempt `attempt + 1` (attempt counts from 1): exponential, capped, with
 * equal jitter.
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * Delay before attempt `attempt + 1`: the server's hint (Retry-After, in ms) when it gave one,
 * else the backoff; never more than the policy's cap.
 */
export function retryDelay(attempt: number, policy: RetryPolicy, hintMs?: number | null): number {
  return Math.min(policy.maxDelayMs, hintMs ?? backoffDelay(attempt, policy));
}

/**
 * A Retry-After header in ms: delta-seconds or an HTTP date (in the past: 0); null when absent
 * or unreadable.
 */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Waits the backoff delay of `attempt`; rejects when `signal` aborts. */
export function waitBeforeRetry(
  attempt: number,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<void> {
  return sleep(backoffDelay(attempt, policy), signal);
}
