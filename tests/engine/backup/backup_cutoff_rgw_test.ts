/**
 * Backup windows against the test server: runs cut off by --max-transfer (hard, soft, cautious)
 * and --max-duration (soft, hard; the clock is injected so the cut happens at a chosen moment)
 * delete nothing, leave a consistent manifest and resumable multipart uploads, report what was
 * left, and the next run finishes the job with every byte right.
 */

import { join } from "node:path";
import { ListMultipartUploadsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { assertBytes, assertEquals, assertOk } from "../../support/assert.ts";
import {
  createTestBucket,
  getObject,
  listKeys,
  randomBytes,
  rawClient,
  rgwOnly,
  tempDir,
  testSettings,
  writeFile,
} from "../../support/test_env.ts";
import { EventLog, ManualClock } from "../../support/manual_clock.ts";
import { createS3Client } from "../../../src/engine/s3/client.ts";
import { type BackupOptions, runBackup } from "../../../src/engine/backup/backup.ts";
import { openBackupState } from "../../../src/engine/backup/backup_state.ts";
import { reportExitCode, reportStatus } from "../../../src/engine/backup/backup_report.ts";
import type { EngineEvent } from "../../../src/engine/core/events.ts";
import { targetId } from "../../../src/engine/state/multipart_records.ts";
import type { Clock } from "../../../src/lib/clock.ts";

const MiB = 1024 * 1024;
const KiB = 1024;
const SMALL_PARTS = { multipartThreshold: 5 * MiB, minPartSize: 5 * MiB };
const FAST_RETRY = { attempts: 2, baseDelayMs: 20, maxDelayMs: 50 };

async function fixture(files: Record<string, number>) {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, "cut");
  const dir = await tempDir();
  const settings = testSettings(bucket.name);
  const s3 = createS3Client(settings);
  const src = join(dir.path, "src");
  const bytes: Record<string, Uint8Array> = {};
  for (const [name, size] of Object.entries(files)) {
    bytes[name] = randomBytes(size);
    await writeFile(join(src, name), bytes[name]!);
  }
  // An object whose file is gone: a deletion the cut-off run must not make.
  await raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: "p/gone.txt", Body: "old" }));
  return {
    raw,
    bucket: bucket.name,
    async backup(
      options: BackupOptions,
      extra: { clock?: Clock; sink?: (e: EngineEvent) => void } = {},
    ) {
      const state = await openBackupState({
        stateDir: join(dir.path, "state"),
        target: targetId(settings.endpoint, bucket.name),
        dryRun: false,
      });
      try {
        return await runBackup({
          client: s3.client,
          settings,
          localFolder: src,
          s3Prefix: "p",
          options: { retry: FAST_RETRY, delete: true, maxDelete: { percent: 100 }, ...options },
          state,
          ...(extra.clock ? { clock: extra.clock } : {}),
          events: (e) => extra.sink?.(e),
        });
      } finally {
        state.close();
      }
    },
    keys: () => listKeys(raw, bucket.name),
    async uploadsInProgress(): Promise<string[]> {
      const r = await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket.name }));
      return (r.Uploads ?? []).map((u) => u.Key!);
    },
    /** Every local file is stored with the same bytes, and the deleted one is gone. */
    async assertComplete(): Promise<void> {
      assertEquals(await this.keys(), Object.keys(files).map((n) => `p/${n}`).sort());
      for (const [name, b] of Object.entries(bytes)) {
        assertBytes((await getObject(raw, bucket.name, `p/${name}`)).bytes, b, name);
      }
      assertEquals(await this.uploadsInProgress(), []);
    },
    async done() {
      s3.destroy();
      await bucket.drop();
      raw.destroy();
      await dir.cleanup();
    },
  };
}

Deno.test(
  rgwOnly(
    "--max-transfer hard: cut off inside a multipart upload, exit 9, nothing deleted; the next run resumes and completes",
  ),
  async () => {
    // The big file sorts last: it is hashed before it is queued, so a file after it could
    // overtake it in the queue.
    const f = await fixture({ "a.bin": MiB, "b.bin": MiB, "c.bin": MiB, "z-big.bin": 12 * MiB });
    try {
      const events: EngineEvent[] = [];
      const cut = await f.backup(
        { concurrency: 1, upload: SMALL_PARTS, maxTransfer: 9 * MiB },
        { sink: (e) => events.push(e) },
      );
      assertEquals(cut.errors, []);
      assertOk(cut.cut_off, "the report says the run was cut off");
      assertEquals(cut.cut_off.by, "max-transfer");
      assertEquals(cut.cut_off.mode, "hard");
      assertEquals(cut.cut_off.files_left, 1);
      assertEquals(cut.cut_off.bytes_left, 12 * MiB);
      assertEquals(cut.cut_off.deletions_skipped, 1);
      assertEquals(cut.files_uploaded, 3);
      assertEquals(cut.files_deleted, 0);
      assertEquals(reportExitCode(cut), 9);
      assertEquals(reportStatus(cut), "cut-off");
      assertEquals(await f.keys(), ["p/a.bin", "p/b.bin", "p/c.bin", "p/gone.txt"]);
      assertEquals(await f.uploadsInProgress(), ["p/z-big.bin"], "the multipart upload is kept");
      assertOk(
        events.some((e) =>
          e.type === "notice" && e.message.includes("--max-transfer 9.0 MiB reached")
        ),
        JSON.stringify(events.filter((e) => e.type === "notice")),
      );

      const next = await f.backup({ concurrency: 1, upload: SMALL_PARTS });
      assertEquals(next.cut_off, undefined);
      assertEquals(next.errors, []);
      assertEquals(next.files_skipped, 3);
      assertEquals(next.files_uploaded, 1);
      assertOk(next.resumed_parts >= 1, `resumed ${next.resumed_parts} part(s)`);
      assertEquals(next.files_deleted, 1);
      assertEquals(reportExitCode(next), 0);
      await f.assertComplete();
    } finally {
      await f.done();
    }
  },
);

Deno.test(
  rgwOnly(
    "--max-transfer soft lets the upload in flight finish; cautious never starts one that would pass the limit",
  ),
  async () => {
    const files = { "a.bin": 1 * MiB, "b.bin": 1 * MiB, "c.bin": 1 * MiB, "d.bin": 1 * MiB };
    const f = await fixture(files);
    try {
      const soft = await f.backup({ concurrency: 1, maxTransfer: 1.5 * MiB, cutoffMode: "soft" });
      assertEquals(soft.cut_off?.mode, "soft");
      assertEquals(soft.files_uploaded, 2, "b.bin crossed the limit and was finished");
      assertEquals(soft.cut_off?.files_left, 2);
      assertEquals(await f.keys(), ["p/a.bin", "p/b.bin", "p/gone.txt"]);

      const cautious = await f.backup({
        concurrency: 1,
        maxTransfer: 1.5 * MiB,
        cutoffMode: "cautious",
      });
      assertEquals(cautious.cut_off?.mode, "cautious");
      assertEquals(cautious.files_uploaded, 1, "c.bin fits, d.bin would pass 1.5 MiB");
      assertEquals(cautious.cut_off?.files_left, 1);
      assertEquals(cautious.cut_off?.bytes_left, 1 * MiB);
      assertEquals(await f.keys(), ["p/a.bin", "p/b.bin", "p/c.bin", "p/gone.txt"]);

      const rest = await f.backup({ concurrency: 1 });
      assertEquals([rest.files_uploaded, rest.files_skipped, rest.files_deleted], [1, 3, 1]);
      await f.assertComplete();
    } finally {
      await f.done();
    }
  },
);

for (const mode of ["soft", "hard"] as const) {
  Deno.test(
    rgwOnly(
      `--max-duration ${mode}: cut off while the second file uploads, then completed by the next run`,
    ),
    async () => {
      const files = { "a.bin": 256 * KiB, "b.bin": 256 * KiB, "c.bin": 256 * KiB };
      const f = await fixture(files);
      try {
        const clock = new ManualClock(new Date());
        const log = new EventLog<EngineEvent>();
        const running = f.backup(
          { concurrency: 1, bwlimit: 256 * KiB, maxDuration: 60 * 60_000, cutoffMode: mode },
          { clock, sink: log.push },
        );
        // The hour passes while b.bin is on its way.
        await log.waitFor((e) => e.type === "file-start" && e.file_name === "b.bin");
        clock.advance(60 * 60_000);
        const report = await running;
        assertEquals(report.errors, []);
        assertEquals(report.cut_off?.by, "max-duration");
        assertEquals(report.cut_off?.mode, mode);
        assertEquals(report.files_deleted, 0);
        assertEquals(report.cut_off?.deletions_skipped, 1);
        if (mode === "soft") {
          assertEquals(report.files_uploaded, 2);
          assertEquals(report.cut_off?.files_left, 1);
          assertEquals(await f.keys(), ["p/a.bin", "p/b.bin", "p/gone.txt"]);
        } else {
          assertEquals(report.files_uploaded, 1);
          assertEquals(report.cut_off?.files_left, 2);
          assertEquals(await f.keys(), ["p/a.bin", "p/gone.txt"]);
        }
        assertEquals(reportExitCode(report), 9);

        const next = await f.backup({ concurrency: 1 });
        assertEquals(next.cut_off, undefined);
        assertEquals(next.files_uploaded + next.files_skipped, 3);
        assertEquals(next.files_deleted, 1);
        await f.assertComplete();
      } finally {
        await f.done();
      }
    },
  );
}
