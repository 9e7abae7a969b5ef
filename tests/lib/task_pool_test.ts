import { assertEquals, assertOk, assertRejects } from "../support/assert.ts";
import { boundedEach, TaskPool } from "../../src/lib/task_pool.ts";

/** A task that can be finished from outside, counting how many run at once. */
function gate() {
  const state = { running: 0, peak: 0, started: [] as number[] };
  const releases = new Map<number, () => void>();
  const task = (n: number) => async () => {
    state.running += 1;
    state.peak = Math.max(state.peak, state.running);
    state.started.push(n);
    await new Promise<void>((resolve) => releases.set(n, resolve));
    state.running -= 1;
  };
  const release = (n: number) => releases.get(n)?.();
  return { state, task, release, releases };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

Deno.test("TaskPool: at most `size` tasks run at once; submit waits for a place", async () => {
  const pool = new TaskPool(2);
  const g = gate();
  await pool.submit(g.task(1));
  await pool.submit(g.task(2));
  let third = false;
  const submitting = pool.submit(g.task(3)).then(() => third = true);
  await tick();
  assertEquals([pool.active, third, g.state.started], [2, false, [1, 2]]);
  g.release(1);
  await submitting;
  await tick();
  assertEquals([pool.active, g.state.started], [2, [1, 2, 3]]);
  g.release(2);
  g.release(3);
  await pool.drain();
  assertEquals([pool.active, g.state.peak], [0, 2]);
});

Deno.test("TaskPool: a size below 1 still runs one task at a time", async () => {
  const pool = new TaskPool(0);
  assertEquals(pool.size, 1);
  let running = 0;
  let peak = 0;
  for (let i = 0; i < 5; i++) {
    await pool.submit(async () => {
      running += 1;
      peak = Math.max(peak, running);
      await tick();
      running -= 1;
    });
  }
  await pool.drain();
  assertEquals(peak, 1);
});

Deno.test("TaskPool: a failing task neither stops the pool nor escapes it", async () => {
  const pool = new TaskPool(2);
  const done: number[] = [];
  await pool.submit(() => Promise.reject(new Error("boom")));
  await pool.submit(async () => {
    await tick();
    done.push(2);
  });
  await pool.drain();
  assertEquals(done, [2]);
});

Deno.test("TaskPool: an abort while waiting for a place rejects and starts nothing", async () => {
  const pool = new TaskPool(1);
  const g = gate();
  await pool.submit(g.task(1));
  const controller = new AbortController();
  const waiting = pool.submit(g.task(2), controller.signal);
  controller.abort();
  const e = await assertRejects(() => waiting, DOMException);
  assertEquals(e.name, "AbortError");
  g.release(1);
  await pool.drain();
  assertEquals(g.state.started, [1]);
  // Already aborted: nothing starts even with room.
  await assertRejects(() => pool.submit(g.task(3), controller.signal), DOMException);
  await pool.drain();
  assertEquals(g.state.started, [1]);
});

Deno.test("boundedEach: every item once, at most `limit` at once", async () => {
  let running = 0;
  let peak = 0;
  const seen: number[] = [];
  await boundedEach([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
    running += 1;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, (n % 3) * 2));
    seen.push(n);
    running -= 1;
  });
  assertEquals([seen.sort(), peak], [[1, 2, 3, 4, 5, 6, 7], 3]);
});

Deno.test("boundedEach: the first error propagates after the items in flight finish", async () => {
  const finished: number[] = [];
  const e = await assertRejects(
    () =>
      boundedEach([1, 2, 3, 4, 5], 2, async (n) => {
        if (n === 1) throw new Error("item 1 failed");
        await tick();
        finished.push(n);
      }),
    Error,
  );
  assertEquals(e.message, "item 1 failed");
  // Item 2 was in flight and finished; no item started after the failure was seen.
  assertOk(finished.includes(2), `finished ${finished}`);
  assertOk(!finished.includes(4) && !finished.includes(5), `finished ${finished}`);
});

Deno.test("boundedEach: an abort stops new starts, waits for the running ones, is no error", async () => {
  const controller = new AbortController();
  const g = gate();
  const run = boundedEach([1, 2, 3, 4], 2, (n) => g.task(n)(), controller.signal);
  await tick();
  assertEquals(g.state.started, [1, 2]);
  controller.abort(); // item 3 is waiting for a place: it must never start
  let settled = false;
  const done = run.then(() => settled = true);
  await tick();
  assertEquals(settled, false, "waits for the items in flight");
  g.release(1);
  g.release(2);
  await done;
  assertEquals(g.state.started, [1, 2]);
});
