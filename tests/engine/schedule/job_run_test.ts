import {
  type JobBackupRunner,
  type JobRunResult,
  runJob,
} from "../../../src/engine/schedule/job_run.ts";
import { tryLockJob } from "../../../src/engine/schedule/job_lock.ts";
import { configJobRef, type Job, validateJob } from "../../../src/engine/schedule/jobs.ts";
import { openStateDb } from "../../../src/engine/state/state_db.ts";
import { sqliteHistory } from "../../../src/engine/state/history.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import { emptyReport } from "../../../src/engine/backup/backup_report.ts";
import { ManualClock } from "../../support/manual_clock.ts";
import { assertEquals, assertOk } from "../../support/assert.ts";
import { tempDir } from "../../support/test_env.ts";

const job = (notify: Record<string, unknown> = {}): Job =>
  validateJob({ folder: "/data/p", cron: "@daily", notify }, configJobRef("c", "p"));

const target = { profile: "home", bucket: "b", prefix: "p/" };

async function setup() {
  const dir = await tempDir();
  const state = await openStateDb(dir.path);
  const history = sqliteHistory(state);
  return {
    lockDir: `${dir.path}/locks`,
    history,
    async cleanup() {
      state.close();
      await dir.cleanup();
    },
  };
}

Deno.test("runJob: runs under the lock, notifies, returns the result", async () => {
  const s = await setup();
  try {
    const clock = new ManualClock("2025-01-01T03:00:00Z");
    let lockedDuringRun = false;
    const runner: JobBackupRunner = async (name) => {
      const other = await tryLockJob(s.lockDir, name);
      lockedDuringRun = "busy" in other;
      if ("lock" in other) other.lock.release();
      clock.advance(60_000);
      const report = { ...emptyReport("p/", false), files_uploaded: 3 };
      return { status: "success", exitCode: 0, report, error: null, target, recorded: true };
    };
    const notified: JobRunResult[] = [];
    const out = await runJob("p", job({ desktop: true }), "manual", new AbortController().signal, {
      lockDir: s.lockDir,
      runner,
      history: s.history,
      clock,
      notifier: (r) => {
        notified.push(r);
        return Promise.resolve([{ channel: "desktop", ok: true, detail: "sent" }]);
      },
    });
    assertOk(out.kind === "ran");
    assertEquals(lockedDuringRun, true);
    assertEquals(out.result.status, "success");
    assertEquals(out.result.started_at, "2025-01-01T03:00:00.000Z");
    assertEquals(out.result.finished_at, "2025-01-01T03:01:00.000Z");
    assertEquals(out.result.report?.files_uploaded, 3);
    assertEquals([out.result.trigger, out.result.profile, out.result.prefix], [
      "manual",
      "home",
      "p/",
    ]);
    assertEquals(out.notifications, [{ channel: "desktop", ok: true, detail: "sent" }]);
    assertEquals(notified.length, 1);
    // recorded: true means the backup engine wrote history; runJob does not add a second row.
    assertEquals(s.history.list(10).length, 0);
    const again = await tryLockJob(s.lockDir, "p");
    assertOk("lock" in again, "the lock is released after the run");
    again.lock.release();
  } finally {
    await s.cleanup();
  }
});

Deno.test("runJob: busy when another run holds the job; the runner is not called", async () => {
  const s = await setup();
  try {
    const held = await tryLockJob(s.lockDir, "p");
    assertOk("lock" in held);
    let called = false;
    const out = await runJob("p", job(), "manual", new AbortController().signal, {
      lockDir: s.lockDir,
      runner: () => {
        called = true;
        throw new Error("no");
      },
    });
    held.lock.release();
    assertOk(out.kind === "busy");
    assertEquals(out.holder.pid, Deno.pid);
    assertEquals(out.message.startsWith(`Job 'p' is already running by process ${Deno.pid}`), true);
    assertEquals(called, false);
  } finally {
    await s.cleanup();
  }
});

Deno.test("runJob: a runner that throws is recorded as failed with its exit code", async () => {
  const s = await setup();
  try {
    const out = await runJob(
      "p",
      job({ on: "failure", desktop: true }),
      "schedule",
      new AbortController().signal,
      {
        lockDir: s.lockDir,
        history: s.history,
        runner: () =>
          Promise.reject(new EngineError("NotConfigured", "Profile 'home' does not exist")),
        notifier: () => Promise.resolve([{ channel: "desktop", ok: true, detail: "sent" }]),
      },
    );
    assertOk(out.kind === "ran");
    assertEquals([out.result.status, out.result.exit_code, out.result.error_code], [
      "failed",
      4,
      "NotConfigured",
    ]);
    assertEquals(out.result.error, "Profile 'home' does not exist");
    assertEquals(out.notifications.length, 1);
    const rows = s.history.list(10);
    assertEquals(rows.length, 1);
    assertEquals(
      [rows[0]!.command, rows[0]!.job, rows[0]!.status, rows[0]!.exit_code, rows[0]!.error],
      ["backup", "p", "failed", 4, "Profile 'home' does not exist"],
    );

    const c = new AbortController();
    const stopped = await runJob("p", job({ on: "failure" }), "schedule", c.signal, {
      lockDir: s.lockDir,
      history: s.history,
      runner: (_n, _j, signal) =>
        new Promise((_, reject) => {
          signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
          c.abort();
        }),
    });
    assertOk(stopped.kind === "ran");
    assertEquals([stopped.result.status, stopped.result.exit_code, stopped.result.error_code], [
      "interrupted",
      130,
      "Interrupted",
    ]);
    assertEquals(s.history.list(1)[0]!.status, "interrupted");
  } finally {
    await s.cleanup();
  }
});

Deno.test("runJob: notify on 'failure' stays quiet after a success", async () => {
  const s = await setup();
  try {
    let notified = 0;
    const out = await runJob(
      "p",
      job({ on: "failure", desktop: true }),
      "manual",
      new AbortController().signal,
      {
        lockDir: s.lockDir,
        runner: () =>
          Promise.resolve({
            status: "success",
            exitCode: 0,
            report: emptyReport("p/", false),
            error: null,
            target,
            recorded: false,
          }),
        history: s.history,
        notifier: () => {
          notified++;
          return Promise.resolve([]);
        },
      },
    );
    assertOk(out.kind === "ran");
    assertEquals(notified, 0);
    assertEquals(s.history.list(10).map((r) => [r.status, r.profile, r.bucket]), [[
      "success",
      "home",
      "b",
    ]]);
  } finally {
    await s.cleanup();
  }
});
