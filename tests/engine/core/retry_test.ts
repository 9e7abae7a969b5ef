import { assertEquals, assertOk, assertRejects } from "../../support/assert.ts";
import {
  backoffDelay,
  DOWNLOAD_RETRY,
  retryAfterMs,
  retryDelay,
  type RetryPolicy,
  UPLOAD_RETRY,
  waitBeforeRetry,
  WEBHOOK_RETRY,
} from "../../../src/engine/core/retry.ts";

const P: RetryPolicy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };

Deno.test("backoffDelay: doubles from the base, between half and all of the step, capped", () => {
  const low = () => 0;
  const high = () => 1;
  assertEquals([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, P, low)), [
    50,
    100,
    200,
    400,
    500,
    500,
  ]);
  assertEquals([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, P, high)), [
    100,
    200,
    400,
    800,
    1000,
    1000,
  ]);
  for (let i = 0; i < 100; i++) {
    const d = backoffDelay(2, P);
    assertOk(d >= 100 && d <= 200, `attempt 2 waited ${d}`);
  }
});

Deno.test("retryDelay: a server's hint wins over the backoff, but never beyond the cap", () => {
  assertEquals(retryDelay(1, P, 0), 0);
  assertEquals(retryDelay(1, P, 700), 700);
  assertEquals(retryDelay(1, P, 60_000), 1000);
  const d = retryDelay(3, P, null);
  assertOk(d >= 200 && d <= 400, `no hint: backoff ${d}`);
});

Deno.test("retryAfterMs: seconds or an HTTP date; past dates are 0; junk and absence are null", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  assertEquals(retryAfterMs("3", now), 3000);
  assertEquals(retryAfterMs("0", now), 0);
  assertEquals(retryAfterMs("Wed, 01 Jan 2025 00:00:10 GMT", now), 10_000);
  assertEquals(retryAfterMs("Tue, 31 Dec 2024 23:00:00 GMT", now), 0);
  assertEquals(retryAfterMs("soon", now), null);
  assertEquals(retryAfterMs(null, now), null);
  assertEquals(retryAfterMs("", now), null);
});

Deno.test("named policies differ in numbers only", () => {
  assertEquals(UPLOAD_RETRY, { attempts: 3, baseDelayMs: 1000, maxDelayMs: 15_000 });
  assertEquals(DOWNLOAD_RETRY, { attempts: 3, baseDelayMs: 800, maxDelayMs: 15_000 });
  assertEquals(WEBHOOK_RETRY, { attempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000 });
});

Deno.test("waitBeforeRetry: waits, and rejects at once when aborted", async () => {
  const started = performance.now();
  await waitBeforeRetry(1, { attempts: 2, baseDelayMs: 20, maxDelayMs: 20 });
  assertOk(performance.now() - started >= 9, "waited at least half the step");
  const controller = new AbortController();
  const wait = waitBeforeRetry(
    1,
    { attempts: 2, baseDelayMs: 60_000, maxDelayMs: 60_000 },
    controller.signal,
  );
  controller.abort();
  await assertRejects(() => wait, Error);
});
