import { assertEquals } from "../support/assert.ts";
import type { EngineEvent } from "../../src/engine/core/events.ts";
import { progressPayload } from "../../src/engine/core/events.ts";
import {
  applyEvents,
  etaSeconds,
  finished,
  percentOf,
  planning,
  planReady,
  rateOf,
  started,
} from "../../src/tui/state/transfer.ts";
import { percentText } from "../../src/tui/format.ts";
import { barText } from "../../src/tui/components/progress_bar.tsx";
import { summary } from "./support/fake_services.ts";

const MiB = 1024 * 1024;
const prog = (
  file: string,
  done: number,
  total: number,
  files = { done: 0, total: 3 },
): EngineEvent => ({
  type: "progress",
  progress: progressPayload("op", file, done, total, files),
});

Deno.test("transfer: progress, rate over the last seconds, ETA, current files, errors", () => {
  let t = started(
    planReady(planning(false), 7, summary({ transfers: 3, transferBytes: 520 * MiB })),
    0,
  );
  assertEquals([t.phase, t.progress], ["running", {
    bytes: 0,
    total: 520 * MiB,
    filesDone: 0,
    filesTotal: 3,
  }]);
  t = applyEvents(
    t,
    [prog("a.jpg", 100 * MiB, 520 * MiB), prog("b.jpg", 234 * MiB, 520 * MiB)],
    2000,
  );
  assertEquals(t.current, ["b.jpg", "a.jpg"]);
  assertEquals(
    percentText(percentOf(t.progress), t.progress!.bytes, t.progress!.total),
    "45% (234 MiB / 520 MiB)",
  );
  assertEquals(Math.round(rateOf(t) / MiB), 117);
  assertEquals(Math.round(etaSeconds(t)!), 2);
  t = applyEvents(t, [
    { type: "file-done", operation_id: "op", file_name: "a.jpg", bytes: 1, action: "upload" },
    {
      type: "file-error",
      operation_id: "op",
      file_name: "b.jpg",
      code: "UploadFailed",
      message: "403",
    },
    { type: "retry", operation_id: "op", file_name: "c.jpg", attempt: 2, message: "SlowDown" },
  ], 2100);
  assertEquals(t.current, []);
  assertEquals(t.errors, [{ name: "b.jpg", message: "403" }]);
  assertEquals(t.notices, ["retrying c.jpg (attempt 2): SlowDown"]);
  // samples older than five seconds stop counting
  t = applyEvents(t, [prog("c.jpg", 300 * MiB, 520 * MiB)], 9000);
  t = applyEvents(t, [prog("c.jpg", 310 * MiB, 520 * MiB)], 10000);
  assertEquals(Math.round(rateOf(t) / MiB), 10);
});

Deno.test("transfer: an interrupted run without a report keeps what the events showed", () => {
  let t = started(planReady(planning(false), 1, summary()), 0);
  t = applyEvents(t, [prog("a", 500, 3000, { done: 1, total: 2 })], 100);
  t = finished(t, {
    status: "interrupted",
    transferred: 0,
    deleted: 0,
    skipped: 0,
    bytes: 0,
    durationMs: 5,
    errors: [],
  });
  assertEquals([t.phase, t.outcome?.transferred, t.outcome?.bytes], ["done", 1, 500]);
});

Deno.test("progress bar text", () => {
  assertEquals(barText(45, 20), "█████████░░░░░░░░░░░");
  assertEquals(barText(0, 4), "░░░░");
  assertEquals(barText(100, 4), "████");
  assertEquals(percentOf({ bytes: 0, total: 0, filesDone: 1, filesTotal: 4 }), 25);
});

Deno.test("transfer: file-start lists exactly the files in flight, in the order they started", () => {
  let t = started(planReady(planning(false), 1, summary({ transfers: 4 })), 0);
  const start = (f: string): EngineEvent => ({
    type: "file-start",
    operation_id: "op",
    file_name: f,
    bytes: 1,
  });
  t = applyEvents(t, [prog("x", 0, 10), start("a"), start("b"), start("c")], 10);
  assertEquals(t.current, ["a", "b", "c"], "a progress before any start is forgotten");
  // bytes of a file do not reorder the list once starts are known
  t = applyEvents(t, [prog("c", 5, 10, { done: 0, total: 4 })], 20);
  assertEquals(t.current, ["a", "b", "c"]);
  t = applyEvents(t, [
    { type: "file-done", operation_id: "op", file_name: "a", bytes: 1, action: "upload" },
    { type: "file-error", operation_id: "op", file_name: "b", code: "UploadFailed", message: "x" },
    start("d"),
  ], 30);
  assertEquals([t.current, t.lastDone], [["c", "d"], "a"]);
  // a file counted done without a file-done (it vanished) leaves the list too
  t = applyEvents(t, [prog("c", 5, 10, { done: 3, total: 4 })], 40);
  assertEquals(t.current, ["d"]);
});
