import { type DaemonEvent, Scheduler } from "../../../src/engine/schedule/scheduler.ts";
import { configJobRef, type Job, validateJob } from "../../../src/engine/schedule/jobs.ts";
import { memorySlots, type SlotStore } from "../../../src/engine/state/job_slots.ts";
import type { JobRunOutcome, JobRunResult } from "../../../src/engine/schedule/job_run.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import { EventLog, ManualClock } from "../../support/manual_clock.ts";
import { assertEquals, assertRejects } from "../../support/assert.ts";

function job(fields: Record<string, unknown>): Job {
  return validateJob({ folder: "/data/x", timezone: "UTC", ...fields }, configJobRef("cfg", "x"));
}

function result(name: string, status: JobRunResult["status"], exit = 0): JobRunResult {
  return {
    job: name,
    trigger: "schedule",
    status,
    exit_code: exit,
    started_at: "",
    finished_at: "",
    folder: "/data/x",
    profile: "p",
    bucket: "b",
    prefix: "x/",
    report: null,
    error: null,
    error_code: null,
  };
}

/** A fake runner: each call waits until the test releases it (or the signal aborts it). */
class FakeRuns {
  calls: Array<{ name: string; signal: AbortSignal; release: (o?: JobRunOutcome) => void }> = [];
  auto = true;
  run = (name: string, _job: Job, signal: AbortSignal): Promise<JobRunOutcome> =>
    new Promise((resolve) => {
      const release = (o?: JobRunOutcome) =>
        resolve(o ?? { kind: "ran", result: result(name, "success"), notifications: [] });
      signal.addEventListener(
        "abort",
        () => resolve({ kind: "ran", result: result(name, "interrupted", 130), notifications: [] }),
      );
      this.calls.push({ name, signal, release });
      if (this.auto) release();
    });
}

interface Harness {
  clock: ManualClock;
  log: EventLog<DaemonEvent>;
  runs: FakeRuns;
  slots: SlotStore;
  stop(): Promise<void>;
  jobs: Map<string, Job>;
}

function start(
  jobs: Record<string, Job>,
  at: string,
  slots: SlotStore = memorySlots(),
  auto = true,
): Harness {
  const clock = new ManualClock(at);
  const log = new EventLog<DaemonEvent>();
  const runs = new FakeRuns();
  runs.auto = auto;
  const map = new Map(Object.entries(jobs));
  const controller = new AbortController();
  const scheduler = new Scheduler({
    loadJobs: () => Promise.resolve({ jobs: map, invalid: [] }),
    slots,
    runJob: runs.run,
    clock,
    log: log.push,
  });
  const done = scheduler.run(controller.signal);
  return {
    clock,
    log,
    runs,
    slots,
    jobs: map,
    async stop() {
      controller.abort();
      await done;
    },
  };
}

const finished = (name: string) => (e: DaemonEvent) => e.type === "run-finished" && e.job === name;
const iso = (d: Date | null | undefined) => d?.toISOString();
/** Lets the daemon loop settle (it awaits loadJobs, then sleeps). */
const settle = () => new Promise((r) => setTimeout(r, 20));

Deno.test("daemon: two jobs run at their times, each once", async () => {
  const h = start(
    { a: job({ cron: "0 3 * * *" }), b: job({ cron: "30 3 * * *" }) },
    "2025-01-01T02:00:00Z",
  );
  await h.log.waitFor((e) => e.type === "daemon-started");
  const next = h.log.events.filter((e) => e.type === "next-run").map((e) =>
    e.type === "next-run" ? [e.job, iso(e.at)] : []
  );
  assertEquals(next, [["a", "2025-01-01T03:00:00.000Z"], ["b", "2025-01-01T03:30:00.000Z"]]);
  await settle();
  h.clock.set("2025-01-01T03:00:00Z");
  await h.log.waitFor(finished("a"));
  await settle();
  assertEquals(h.runs.calls.map((c) => c.name), ["a"]);
  h.clock.set("2025-01-01T03:30:00Z");
  await h.log.waitFor(finished("b"));
  await settle();
  h.clock.set("2025-01-01T03:45:00Z");
  await settle();
  assertEquals(h.runs.calls.map((c) => c.name), ["a", "b"]);
  assertEquals(iso(h.slots.get("a")), "2025-01-01T03:00:00.000Z");
  assertEquals(iso(h.slots.get("b")), "2025-01-01T03:30:00.000Z");
  const started = h.log.events.find((e) => e.type === "run-started" && e.job === "a");
  assertEquals(started?.type === "run-started" && started.catch_up, false);
  await h.stop();
  assertEquals(h.log.events.at(-1)?.type, "daemon-stopped");
});

Deno.test("daemon: missed runs during downtime are caught up once, not N times", async () => {
  const slots = memorySlots({ a: new Date("2025-01-01T03:00:00Z") });
  const h = start({ a: job({ cron: "0 3 * * *" }) }, "2025-01-05T10:00:00Z", slots);
  const ev = await h.log.waitFor((e) => e.type === "run-started");
  assertEquals(ev.type === "run-started" && [iso(ev.slot), ev.catch_up], [
    "2025-01-05T03:00:00.000Z",
    true,
  ]);
  await h.log.waitFor(finished("a"));
  await settle();
  h.clock.set("2025-01-05T12:00:00Z");
  await settle();
  assertEquals(h.runs.calls.length, 1);
  h.clock.set("2025-01-06T03:00:00Z");
  await h.log.waitFor((e) =>
    finished("a")(e) && iso((e as { slot: Date }).slot) === "2025-01-06T03:00:00.000Z"
  );
  assertEquals(h.runs.calls.length, 2);
  await h.stop();
});

Deno.test("daemon: a job never overlaps itself; slots missed while it ran run once after", async () => {
  const h = start({ m: job({ cron: "* * * * *" }) }, "2025-01-01T00:00:30Z", memorySlots(), false);
  await h.log.waitFor((e) => e.type === "daemon-started");
  await settle();
  h.clock.set("2025-01-01T00:01:00Z");
  await h.log.waitFor((e) => e.type === "run-started");
  for (let i = 2; i <= 6; i++) {
    h.clock.set(`2025-01-01T00:0${i}:00Z`);
    await settle();
  }
  assertEquals(h.runs.calls.length, 1);
  h.runs.auto = true;
  h.runs.calls[0]!.release();
  await h.log.waitFor((e) =>
    e.type === "run-started" && iso(e.slot) === "2025-01-01T00:06:00.000Z"
  );
  await h.log.waitFor((e) =>
    finished("m")(e) && iso((e as { slot: Date }).slot) === "2025-01-01T00:06:00.000Z"
  );
  assertEquals(h.runs.calls.length, 2);
  await h.stop();
});

Deno.test("daemon: a time window delays a due run and stops one that outlasts it", async () => {
  const slots = memorySlots({ w: new Date("2024-12-31T23:00:00Z") });
  const h = start(
    { w: job({ cron: "0 * * * *", window: { start: "01:00", end: "03:00" } }) },
    "2025-01-01T00:10:00Z",
    slots,
    false,
  );
  const wait = await h.log.waitFor((e) => e.type === "waiting-for-window");
  assertEquals(wait.type === "waiting-for-window" && [iso(wait.slot), iso(wait.opens)], [
    "2025-01-01T00:00:00.000Z",
    "2025-01-01T01:00:00.000Z",
  ]);
  await settle();
  assertEquals(h.runs.calls.length, 0);
  h.clock.set("2025-01-01T01:00:00Z");
  const started = await h.log.waitFor((e) => e.type === "run-started");
  assertEquals(started.type === "run-started" && iso(started.slot), "2025-01-01T01:00:00.000Z");
  h.clock.set("2025-01-01T03:00:00Z");
  await h.log.waitFor((e) => e.type === "window-closed");
  const fin = await h.log.waitFor(finished("w"));
  assertEquals(fin.type === "run-finished" && fin.result.status, "interrupted");
  assertEquals(h.runs.calls[0]!.signal.aborted, true);
  // Interrupted: the slot stays due and waits for the next window.
  assertEquals(iso(slots.get("w")), "2024-12-31T23:00:00.000Z");
  const again = await h.log.waitFor((e) => e.type === "waiting-for-window", 5000, 3);
  assertEquals(again.type === "waiting-for-window" && iso(again.opens), "2025-01-02T01:00:00.000Z");
  await settle();
  h.runs.auto = true;
  h.clock.set("2025-01-02T01:00:00Z");
  await h.log.waitFor((e) =>
    finished("w")(e) && (e as { result: JobRunResult }).result.status === "success"
  );
  assertEquals(iso(slots.get("w")), "2025-01-02T01:00:00.000Z");
  assertEquals(h.runs.calls.length, 2);
  await h.stop();
});

Deno.test("daemon: a run another process holds is skipped and its slot counted", async () => {
  const slots = memorySlots({ a: new Date("2025-01-01T02:00:00Z") });
  const h = start({ a: job({ cron: "0 3 * * *" }) }, "2025-01-01T03:00:00Z", slots, false);
  await h.log.waitFor((e) => e.type === "run-started");
  h.runs.calls[0]!.release({
    kind: "busy",
    holder: { pid: 42, host: "h", since: null },
    message: "Job 'a' is already running",
  });
  const skip = await h.log.waitFor((e) => e.type === "run-skipped-busy");
  assertEquals(skip.type === "run-skipped-busy" && skip.message, "Job 'a' is already running");
  assertEquals(iso(slots.get("a")), "2025-01-01T03:00:00.000Z");
  await h.stop();
});

Deno.test("daemon: stopping aborts the run in flight and waits for it", async () => {
  const slots = memorySlots({ a: new Date("2025-01-01T02:00:00Z") });
  const h = start({ a: job({ cron: "0 3 * * *" }) }, "2025-01-01T03:00:00Z", slots, false);
  await h.log.waitFor((e) => e.type === "run-started");
  await h.stop();
  const types = h.log.events.map((e) => e.type);
  assertEquals(types.slice(-3), ["stopping", "run-finished", "daemon-stopped"]);
  assertEquals(h.runs.calls[0]!.signal.aborted, true);
  // The interrupted slot stays due: the next start catches it up.
  assertEquals(iso(slots.get("a")), "2025-01-01T02:00:00.000Z");
});

Deno.test("daemon: config changes are picked up; invalid jobs are reported and skipped", async () => {
  const h = start({ a: job({ cron: "0 3 * * *" }) }, "2025-01-01T02:00:00Z");
  await h.log.waitFor((e) => e.type === "daemon-started");
  h.jobs.set("b", job({ cron: "0 4 * * *" }));
  h.clock.set("2025-01-01T02:01:00Z");
  const reloaded = await h.log.waitFor((e) => e.type === "jobs-reloaded");
  assertEquals(reloaded.type === "jobs-reloaded" && reloaded.jobs, ["a", "b"]);
  await settle();
  h.clock.set("2025-01-01T04:00:00Z");
  await h.log.waitFor(finished("b"));
  // b was first seen at 02:01, so 03:00 is not a slot of its: only a's 03:00 slot and b's 04:00.
  assertEquals(h.runs.calls.map((c) => c.name).sort(), ["a", "b"]);
  await h.stop();

  const bad = new Scheduler({
    loadJobs: () =>
      Promise.resolve({
        jobs: new Map(),
        invalid: [{ name: "z", error: new EngineError("ConfigError", "cfg: jobs.z.cron: bad") }],
      }),
    slots: memorySlots(),
    runJob: () => Promise.reject(new Error("not called")),
    clock: new ManualClock("2025-01-01T00:00:00Z"),
    log: h.log.push,
  });
  const c = new AbortController();
  const running = bad.run(c.signal);
  const inv = await h.log.waitFor((e) => e.type === "job-invalid");
  assertEquals(inv.type === "job-invalid" && inv.message, "cfg: jobs.z.cron: bad");
  c.abort();
  await running;

  const broken = new Scheduler({
    loadJobs: () => Promise.reject(new EngineError("ConfigError", "cfg is not valid JSON")),
    slots: memorySlots(),
    runJob: () => Promise.reject(new Error("not called")),
    clock: new ManualClock("2025-01-01T00:00:00Z"),
    log: () => {},
  });
  const err = await assertRejects(() => broken.run(new AbortController().signal), EngineError);
  assertEquals(err.message, "cfg is not valid JSON");
});

Deno.test("daemon: a config that breaks while running is reported once; the jobs loaded stay", async () => {
  const clock = new ManualClock("2025-01-01T02:00:00Z");
  const log = new EventLog<DaemonEvent>();
  const runs = new FakeRuns();
  let broken = false;
  const jobs = new Map([["a", job({ cron: "0 3 * * *" })]]);
  const controller = new AbortController();
  const done = new Scheduler({
    loadJobs: () =>
      broken
        ? Promise.reject(new EngineError("ConfigError", "cfg is not valid JSON"))
        : Promise.resolve({ jobs, invalid: [] }),
    slots: memorySlots(),
    runJob: runs.run,
    clock,
    log: log.push,
  }).run(controller.signal);
  await log.waitFor((e) => e.type === "daemon-started");
  broken = true;
  await settle();
  clock.set("2025-01-01T02:01:00Z");
  const err = await log.waitFor((e) => e.type === "config-error");
  assertEquals(
    err.type === "config-error" && err.message,
    "cfg is not valid JSON (keeping the jobs loaded before)",
  );
  await settle();
  clock.set("2025-01-01T03:00:00Z");
  await log.waitFor(finished("a"));
  assertEquals(log.events.filter((e) => e.type === "config-error").length, 1);
  controller.abort();
  await done;
});
