import { assertEquals, assertRejects } from "../support/assert.ts";
import { Semaphore } from "../../src/lib/semaphore.ts";

const tick = () => new Promise((r) => setTimeout(r, 0));

Deno.test("Semaphore: at most `slots` holders at once; waiters are served first in, first out", async () => {
  const s = new Semaphore(2);
  await s.acquire();
  await s.acquire();
  const order: string[] = [];
  const a = s.acquire().then(() => order.push("a"));
  const b = s.acquire().then(() => order.push("b"));
  await tick();
  assertEquals(order, [], "no third permit while two are held");
  s.release();
  await a;
  await tick();
  assertEquals(order, ["a"]);
  s.release();
  await b;
  assertEquals(order, ["a", "b"]);
  s.release();
  s.release();
});

Deno.test("Semaphore: run() holds a permit for the task and returns its value", async () => {
  const s = new Semaphore(3);
  let running = 0;
  let peak = 0;
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      s.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await tick();
        running -= 1;
        return i * 2;
      })),
  );
  assertEquals(results, Array.from({ length: 10 }, (_, i) => i * 2));
  assertEquals(peak, 3);
});

Deno.test("Semaphore: run() releases its permit when the task throws, and rethrows", async () => {
  const s = new Semaphore(1);
  const e = await assertRejects(() => s.run(() => Promise.reject(new Error("boom"))), Error);
  assertEquals(e.message, "boom");
  await s.run(() => Promise.resolve()); // the permit came back
});

Deno.test("Semaphore: an abort rejects a waiter, which then takes no permit", async () => {
  const s = new Semaphore(1);
  await s.acquire();
  const controller = new AbortController();
  const waiting = s.acquire(controller.signal);
  controller.abort();
  const e = await assertRejects(() => waiting, DOMException);
  assertEquals(e.name, "AbortError");
  s.release();
  // The aborted waiter did not take the permit: the next one gets it at once.
  await s.acquire();
  s.release();
  await assertRejects(() => s.acquire(controller.signal), DOMException);
});

Deno.test("Semaphore: fewer than 1 slot still grants one permit", async () => {
  const s = new Semaphore(0);
  await s.acquire();
  let second = false;
  const p = s.acquire().then(() => second = true);
  await tick();
  assertEquals(second, false);
  s.release();
  await p;
  s.release();
});
