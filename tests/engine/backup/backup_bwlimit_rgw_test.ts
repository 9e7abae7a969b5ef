/**
 * A --bwlimit timetable against the test server: the limit switches mid-run when the (injected)
 * clock reaches the next entry, one limit holds for all transfers together, and the measured
 * rate is within 15% of each limit. Rates are small so the test takes a few seconds.
 */

import { join } from "node:path";
import { assertEquals, assertOk } from "../../support/assert.ts";
import {
  createTestBucket,
  listKeys,
  randomBytes,
  rawClient,
  s3Test,
  tempDir,
  testSettings,
  writeFile,
} from "../../support/test_env.ts";
import { EventLog, ManualClock } from "../../support/manual_clock.ts";
import { createS3Client } from "../../../src/engine/s3/client.ts";
import { runBackup } from "../../../src/engine/backup/backup.ts";
import { openBackupState } from "../../../src/engine/backup/backup_state.ts";
import { parseBwLimit } from "../../../src/engine/core/bwlimit.ts";
import type { EngineEvent } from "../../../src/engine/core/events.ts";
import { targetId } from "../../../src/engine/state/multipart_records.ts";

const KiB = 1024;
const FILE = 128 * KiB;

Deno.test(
  s3Test("--bwlimit timetable: the limit switches mid-run and the measured rate follows it"),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "bw");
    const dir = await tempDir();
    const settings = testSettings(bucket.name);
    const s3 = createS3Client(settings);
    try {
      const src = join(dir.path, "src");
      const names = Array.from({ length: 32 }, (_, i) => `f${String(i).padStart(2, "0")}.bin`);
      for (const n of names) await writeFile(join(src, n), randomBytes(FILE));
      // Monday 11:00 local: 256 KiB/s until noon, then 1 MiB/s.
      const clock = new ManualClock(new Date(2026, 5, 15, 11, 0));
      const log = new EventLog<EngineEvent>();
      const done: number[] = [];
      const sink = (e: EngineEvent) => {
        if (e.type === "file-done") done.push(performance.now());
        log.push(e);
      };
      const state = await openBackupState({
        stateDir: join(dir.path, "state"),
        target: targetId(settings.endpoint, bucket.name),
        dryRun: false,
      });
      const ref = { field: "--bwlimit", code: "UsageError" as const };
      const running = runBackup({
        client: s3.client,
        settings,
        localFolder: src,
        s3Prefix: "p",
        // Two transfers at once share the one limit.
        options: { concurrency: 2, bwlimit: parseBwLimit("00:00,256K 12:00,1M", ref) },
        state,
        clock,
        events: sink,
      }).finally(() => state.close());

      const isDone = (n: number) => (e: EngineEvent) => e.type === "file-done" && done.length >= n;
      await log.waitFor(isDone(13), 20_000);
      clock.set(new Date(2026, 5, 15, 12, 0));
      const switchedAt = done.length;
      const report = await running;
      assertEquals(report.errors, []);
      assertEquals(report.files_uploaded, names.length);
      assertEquals((await listKeys(raw, bucket.name)).length, names.length);

      // Rate between two completions: the files finished in between, over the time taken.
      const rate = (from: number, to: number) =>
        ((to - from) * FILE) / ((done[to]! - done[from]!) / 1000);
      // Skip the first completions (the bucket starts full) and those around the switch.
      const before = rate(1, switchedAt - 1);
      const after = rate(switchedAt + 3, done.length - 1);
      const within = (measured: number, limit: number) =>
        Math.abs(measured - limit) / limit <= 0.15;
      assertOk(within(before, 256 * KiB), `before noon: ${(before / KiB).toFixed(0)} KiB/s`);
      assertOk(within(after, 1024 * KiB), `after noon: ${(after / KiB).toFixed(0)} KiB/s`);

      const limits = log.events.flatMap((e) => e.type === "progress" ? [e.progress.bwlimit] : []);
      assertEquals(limits[0], 256 * KiB);
      assertEquals(limits[limits.length - 1], 1024 * KiB);
      assertOk(
        log.events.some((e) =>
          e.type === "notice" &&
          e.message === "Bandwidth limit now 1.0 MiB/s (--bwlimit timetable)."
        ),
      );
      assertEquals(clock.sleepers, 0, "the timetable stopped with the run");
    } finally {
      s3.destroy();
      await bucket.drop();
      raw.destroy();
      await dir.cleanup();
    }
  },
);
