import { assertEquals, assertOk, assertRejects } from "../../support/assert.ts";
import { BandwidthLimiter } from "../../../src/engine/core/bandwidth.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";

Deno.test("bandwidth limiter: holds the rate and keeps the event loop free", async () => {
  const rate = 512 * 1024;
  const limiter = new BandwidthLimiter(rate);
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 10);
  const started = performance.now();
  try {
    // 64 KiB pieces, 1 MiB in all: the first quarter second is the burst, the rest is paced.
    for (let i = 0; i < 16; i++) await limiter.take(64 * 1024);
  } finally {
    clearInterval(ticker);
  }
  const seconds = (performance.now() - started) / 1000;
  assertOk(
    seconds > 1.5 && seconds < 2.6,
    `1 MiB at 512 KiB/s after a 128 KiB burst took ${seconds.toFixed(2)} s`,
  );
  assertOk(
    ticks >= seconds * 100 * 0.6,
    `the event loop ran timers (${ticks} ticks in ${seconds.toFixed(2)} s)`,
  );
});

Deno.test("bandwidth limiter: a waiting take stops when the signal aborts", async () => {
  const limiter = new BandwidthLimiter(64 * 1024);
  await limiter.take(64 * 1024);
  const stop = new AbortController();
  const t = setTimeout(() => stop.abort(new EngineError("Interrupted", "stop")), 50);
  const started = performance.now();
  await assertRejects(() => limiter.take(10 * 1024 * 1024, stop.signal), Error);
  clearTimeout(t);
  assertOk(performance.now() - started < 500, "aborted promptly");
  assertEquals(stop.signal.aborted, true);
});
