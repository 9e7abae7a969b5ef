/**
 * Webhook delivery: a JSON POST retried by core/retry.ts's {@link WEBHOOK_RETRY} policy
 * (exponential backoff with jitter) on network errors, timeouts, 408, 429 and 5xx (honouring
 * Retry-After); other answers are final. The URL may hold a
 * token: every message shows it redacted ({@link redactUrl}). The body never holds a secret:
 * callers send the job's run result (no credentials exist in it).
 *
 * @module
 */

import { redactUrl } from "./jobs.ts";
import { systemClock } from "../../lib/clock.ts";
import { retryAfterMs, retryDelay, type RetryPolicy, WEBHOOK_RETRY } from "../core/retry.ts";

/** Tuning and injection points of {@link postWebhook}. */
export interface WebhookOptions {
  /** Attempts including the first (default 5). */
  attempts?: number;
  /** First backoff in ms (default 1000), doubled each retry, with jitter. */
  baseDelayMs?: number;
  /** Largest backoff in ms (default 30000). */
  maxDelayMs?: number;
  /** Per-attempt timeout in ms (default 10000). */
  timeoutMs?: number;
  /** Stops retrying (the attempt in flight finishes or times out). */
  signal?: AbortSignal;
  /** Injected for tests. */
  fetch?: typeof fetch;
  /** Injected for tests (default: real timers). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called before each retry with the reason and the delay. */
  onRetry?: (attempt: number, reason: string, delayMs: number) => void;
  /** Sent as `Authorization: Bearer <token>` (never shown in any message). */
  token?: string;
}

/** How a delivery ended. */
export interface WebhookOutcome {
  delivered: boolean;
  attempts: number;
  /** HTTP status of the last answer, or null when none came. */
  status: number | null;
  /** Why it was not delivered (URL redacted), or null. */
  error: string | null;
}

/** Replaces every URL in `text` by its redacted form. */
export function redactUrlsIn(text: string): string {
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)]+/gi, (m) => redactUrl(m));
}

/** POSTs `body` as JSON to `url`, retrying what may succeed later. Never throws. */
export async function postWebhook(
  url: string,
  body: unknown,
  options: WebhookOptions = {},
): Promise<WebhookOutcome> {
  const policy: RetryPolicy = {
    attempts: Math.max(1, options.attempts ?? WEBHOOK_RETRY.attempts),
    baseDelayMs: options.baseDelayMs ?? WEBHOOK_RETRY.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? WEBHOOK_RETRY.maxDelayMs,
  };
  const attempts = policy.attempts;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? systemClock.sleep;
  const payload = JSON.stringify(body);
  const shown = redactUrl(url);
  let status: number | null = null;
  let error = "";
  let made = 0;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let retryable = false;
    let hint: number | null = null;
    made = attempt;
    try {
      const res = await doFetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "eigen-s3",
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        // A redirect would carry the token to another host: with a token, a 3xx is an answer.
        ...(options.token ? { redirect: "manual" as const } : {}),
        body: payload,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await res.body?.cancel().catch(() => {});
      status = res.status;
      if (res.ok) return { delivered: true, attempts: attempt, status, error: null };
      error = `${shown} answered HTTP ${res.status}`;
      retryable = res.status >= 500 || res.status === 429 || res.status === 408;
      hint = retryAfterMs(res.headers.get("retry-after"));
    } catch (e) {
      status = null;
      const name = (e as Error).name;
      error = name === "TimeoutError"
        ? `${shown} did not answer within ${options.timeoutMs ?? 10_000} ms`
        : `cannot reach ${shown}: ${redactUrlsIn((e as Error).message)}`;
      retryable = true;
    }
    if (!retryable || attempt === attempts || options.signal?.aborted) break;
    const delay = retryDelay(attempt, policy, hint);
    options.onRetry?.(attempt, error, delay);
    await sleep(delay, options.signal);
    if (options.signal?.aborted) {
      return { delivered: false, attempts: attempt, status, error: `${error} (stopped retrying)` };
    }
  }
  return { delivered: false, attempts: made, status, error };
}
