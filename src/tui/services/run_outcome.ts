/**
 * Small helpers shared by the TUI's transfer adapters: combining outcomes and presenting
 * several engine runs as one progress bar.
 *
 * @module
 */

import { type EngineEvent, type EventSink, progressPayload } from "../../engine/core/events.ts";
import type { RunOutcome } from "./services.ts";

const ORDER: RunOutcome["status"][] = ["dry-run", "success", "partial", "interrupted", "failed"];

/** The worst of several statuses (failed > interrupted > partial > success > dry-run). */
export function worstStatus(statuses: RunOutcome["status"][]): RunOutcome["status"] {
  let worst: RunOutcome["status"] = "success";
  let at = -1;
  for (const s of statuses) {
    const i = ORDER.indexOf(s);
    if (i > at) {
      at = i;
      worst = s;
    }
  }
  return worst;
}

/** success, or partial when some files failed. */
export function outcomeStatus(errors: number): "success" | "partial" {
  return errors > 0 ? "partial" : "success";
}

/** Overall bytes and files of a multi-run transfer. */
export interface Totals {
  bytes: number;
  files: number;
}

/**
 * A sink that shifts each run's progress by what earlier runs did (`before`, read at every
 * event) so the bar covers the whole transfer (`totals`).
 */
export function offsetSink(sink: EventSink, before: Totals, totals: Totals): EventSink {
  const base = { ...before };
  return (e: EngineEvent) => {
    if (e.type !== "progress") return sink(e);
    const p = e.progress;
    const total = Math.max(totals.bytes, base.bytes + p.total_bytes);
    sink({
      type: "progress",
      progress: progressPayload(
        p.operation_id,
        p.file_name,
        base.bytes + p.bytes_transferred,
        total,
        {
          done: base.files + (p.files_done ?? 0),
          total: Math.max(totals.files, base.files + (p.files_total ?? 0)),
        },
      ),
    });
  };
}
