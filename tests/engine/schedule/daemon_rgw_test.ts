/**
 * The daemon's core with the real backup runner against RGW, driven by a manual clock: two
 * jobs (two folders, two profiles, two buckets) run at their times, then after three "days"
 * of downtime each catches up once.
 */

import { join } from "node:path";
import { emptyConfig, saveConfig } from "../../../src/engine/config/config.ts";
import { openStateDb } from "../../../src/engine/state/state_db.ts";
import { sqliteHistory } from "../../../src/engine/state/history.ts";
import { sqliteSlots } from "../../../src/engine/state/job_slots.ts";
import { addJob } from "../../../src/engine/schedule/job_service.ts";
import { readJobs } from "../../../src/engine/schedule/jobs.ts";
import { runJob } from "../../../src/engine/schedule/job_run.ts";
import { createJobBackupRunner } from "../../../src/engine/schedule/job_backup.ts";
import { type DaemonEvent, Scheduler } from "../../../src/engine/schedule/scheduler.ts";
import { loadConfig } from "../../../src/engine/config/config.ts";
import { EventLog, ManualClock } from "../../support/manual_clock.ts";
import { assertEquals } from "../../support/assert.ts";
import {
  createTestBucket,
  listKeys,
  rawClient,
  S3_ENDPOINT,
  s3Test,
  tempDir,
  TEST_ACCESS_KEY,
  TEST_SECRET_KEY,
  writeFile,
} from "../../support/test_env.ts";

Deno.test(
  s3Test("daemon: two jobs, two profiles and buckets, on a manual clock, with catch-up"),
  async () => {
    const raw = rawClient();
    const b1 = await createTestBucket(raw, "daemon-a");
    const b2 = await createTestBucket(raw, "daemon-b");
    const dir = await tempDir();
    const state = await openStateDb(join(dir.path, "state"));
    const controller = new AbortController();
    let running: Promise<void> | undefined;
    try {
      const configPath = join(dir.path, "config", "s3-config.json");
      const profile = (bucket: string) => ({
        endpoint: S3_ENDPOINT!,
        region: "us-east-1",
        bucket_name: bucket,
        access_key_id: TEST_ACCESS_KEY,
        path_prefix: "",
        last_sync_timestamp: null,
        secret_backend: "file" as const,
      });
      await saveConfig(configPath, {
        ...emptyConfig(),
        default_profile: "one",
        profiles: { one: profile(b1.name), two: profile(b2.name) },
      });
      const photos = join(dir.path, "Photos");
      const docs = join(dir.path, "Docs");
      await writeFile(join(photos, "a.jpg"), 1000);
      await writeFile(join(photos, "2025/b.jpg"), 2000);
      await writeFile(join(docs, "notes.txt"), "hello");
      const clock = new ManualClock("2025-01-01T02:00:00Z");
      const slots = sqliteSlots(state);
      await addJob(configPath, "photos", { folder: photos, cron: "0 3 * * *", timezone: "UTC" }, {
        slots,
        now: clock.now(),
      });
      await addJob(
        configPath,
        "docs",
        { folder: docs, cron: "30 3 * * *", timezone: "UTC", profile: "two", prefix: "office" },
        { slots, now: clock.now() },
      );
      const history = sqliteHistory(state);
      const runner = createJobBackupRunner({
        config: () => loadConfig(configPath),
        configPath,
        env: () => undefined,
        loadSecret: () => Promise.resolve(TEST_SECRET_KEY),
        stateDir: join(dir.path, "state"),
        state,
      });
      const log = new EventLog<DaemonEvent>();
      const scheduler = new Scheduler({
        loadJobs: async () => readJobs(await loadConfig(configPath), configPath),
        slots,
        runJob: (name, job, signal) =>
          runJob(name, job, "schedule", signal, {
            lockDir: join(dir.path, "state", "locks"),
            runner,
            history,
            clock,
          }),
        clock,
        log: log.push,
      });
      running = scheduler.run(controller.signal);
      await log.waitFor((e) => e.type === "daemon-started");
      const finished = (job: string, n: number) => (e: DaemonEvent) =>
        e.type === "run-finished" && e.job === job &&
        log.events.filter((x) => x.type === "run-finished" && x.job === job).length >= n;
      const settle = () => new Promise((r) => setTimeout(r, 30));

      await settle();
      clock.set("2025-01-01T03:00:00Z");
      const first = await log.waitFor(finished("photos", 1), 30_000);
      assertEquals(
        first.type === "run-finished" && [first.result.status, first.result.report?.files_uploaded],
        [
          "success",
          2,
        ],
      );
      assertEquals(await listKeys(raw, b1.name), ["Photos/2025/b.jpg", "Photos/a.jpg"]);
      assertEquals(await listKeys(raw, b2.name), []);
      await settle();
      clock.set("2025-01-01T03:30:00Z");
      await log.waitFor(finished("docs", 1), 30_000);
      assertEquals(await listKeys(raw, b2.name), ["office/notes.txt"]);

      // Three days of downtime, a new photo meanwhile: each job catches up once.
      await writeFile(join(photos, "c.jpg"), 3000);
      await settle();
      const before = log.events.length;
      clock.set("2025-01-04T12:00:00Z");
      await log.waitFor(finished("photos", 2), 30_000);
      await log.waitFor(finished("docs", 2), 30_000);
      await settle();
      const started = log.events.slice(before).filter((e) => e.type === "run-started");
      assertEquals(
        started.map((e) => e.type === "run-started" && [e.job, e.slot.toISOString(), e.catch_up]),
        [["photos", "2025-01-04T03:00:00.000Z", true], ["docs", "2025-01-04T03:30:00.000Z", true]],
      );
      assertEquals(await listKeys(raw, b1.name), [
        "Photos/2025/b.jpg",
        "Photos/a.jpg",
        "Photos/c.jpg",
      ]);
      assertEquals(
        history.list(10, { job: "photos" }).map((
          r,
        ) => [r.status, r.bucket, (r.report as { files_uploaded: number }).files_uploaded]),
        [["success", b1.name, 1], ["success", b1.name, 2]],
      );
      assertEquals(history.list(10, { job: "docs" }).map((r) => [r.profile, r.bucket]), [[
        "two",
        b2.name,
      ], ["two", b2.name]]);
      assertEquals(slots.get("photos")?.toISOString(), "2025-01-04T03:00:00.000Z");
    } finally {
      controller.abort();
      await running;
      state.close();
      await dir.cleanup();
      await b1.drop();
      await b2.drop();
      raw.destroy();
    }
  },
);
