/**
 * The one run-history writer: a RunSummary becomes the record every front end reads back
 * (times as ISO strings, errors as their message, no job as null), through the real SQLite
 * table.
 */
import { assertEquals, assertOk } from "../../support/assert.ts";
import { tempDir } from "../../support/test_env.ts";
import { openStateDb } from "../../../src/engine/state/state_db.ts";
import {
  type History,
  historyRecord,
  type NewHistoryRecord,
  recordRun,
  type RunSummary,
  sqliteHistory,
} from "../../../src/engine/state/history.ts";

const RUN: RunSummary = {
  command: "verify",
  profile: "home",
  bucket: "archive",
  prefix: "photos/",
  localPath: "/data/photos",
  startedAt: new Date("2025-01-01T03:00:00Z"),
  finishedAt: "2025-01-01T03:05:00.000Z",
  status: "partial",
  exitCode: 3,
  report: { files_checked: 2 },
};

Deno.test("historyRecord: times as ISO strings, no job as null, report as given", () => {
  assertEquals(historyRecord(RUN), {
    command: "verify",
    job: null,
    profile: "home",
    bucket: "archive",
    prefix: "photos/",
    local_path: "/data/photos",
    started_at: "2025-01-01T03:00:00.000Z",
    finished_at: "2025-01-01T03:05:00.000Z",
    status: "partial",
    exit_code: 3,
    report: { files_checked: 2 },
    error: null,
  });
});

Deno.test("historyRecord: an Error keeps its message, text stays text, nothing is null", () => {
  const error = (e: unknown) => historyRecord({ ...RUN, error: e }).error;
  assertEquals(error(new Error("Bucket 'x' does not exist")), "Bucket 'x' does not exist");
  assertEquals(error("listing failed"), "listing failed");
  assertEquals(error(null), null);
  assertEquals(error(undefined), null);
  assertEquals(historyRecord({ ...RUN, job: "nightly", report: undefined }).job, "nightly");
  assertEquals(historyRecord({ ...RUN, report: undefined }).report, null);
});

Deno.test("historyRecord: the finish time defaults to now", () => {
  const before = Date.now();
  const { finished_at } = historyRecord({ ...RUN, finishedAt: undefined });
  const at = Date.parse(finished_at);
  assertOk(at >= before && at <= Date.now(), finished_at);
});

Deno.test("recordRun: nothing without a history; the store's failure reaches the caller", () => {
  assertEquals(recordRun(undefined, RUN), undefined);
  const broken: History = {
    add(_r: NewHistoryRecord): number {
      throw new Error("database is locked");
    },
    list: () => [],
  };
  let message = "";
  try {
    recordRun(broken, RUN);
  } catch (e) {
    message = (e as Error).message;
  }
  assertEquals(message, "database is locked");
});

Deno.test("recordRun: written to the SQLite history and read back newest first", async () => {
  const dir = await tempDir();
  const state = await openStateDb(dir.path);
  try {
    const history = sqliteHistory(state);
    const first = recordRun(history, { ...RUN, command: "backup", job: "nightly" });
    const second = recordRun(history, { ...RUN, command: "restore", error: new Error("boom") });
    assertOk(first !== undefined && second !== undefined && second > first);
    const rows = history.list(10);
    assertEquals(rows.map((r) => [r.command, r.job, r.error]), [
      ["restore", null, "boom"],
      ["backup", "nightly", null],
    ]);
    assertEquals(rows[1]!.report, { files_checked: 2 });
    assertEquals(history.list(10, { job: "nightly" }).length, 1);
  } finally {
    state.close();
    await dir.cleanup();
  }
});
