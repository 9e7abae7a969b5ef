/**
 * Typed events the engine reports while it works. The engine never prints: the CLI renders
 * these as a progress line or NDJSON, the TUI feeds them to a reducer.
 *
 * @module
 */

/** The seed's progress payload (snake_case, as written in `--json` output). */
export interface ProgressPayload {
  /** Identifies one operation (a put, a get, a backup run). */
  operation_id: string;
  /** The file currently moving (relative path or key). */
  file_name: string;
  /** Bytes done so far in the whole operation. */
  bytes_transferred: number;
  /** Bytes the whole operation will move. */
  total_bytes: number;
  /** 0-100, one decimal. */
  percentage: number;
  /** Files finished so far (backup/restore). */
  files_done?: number;
  /** Files the operation will move (backup/restore). */
  files_total?: number;
  /**
   * The bandwidth limit in force, bytes per second (0: none at the moment); present when
   * `--bwlimit` is set (a timetable changes it mid-run).
   */
  bwlimit?: number;
}

/** Everything the engine can report. */
export type EngineEvent =
  | { type: "progress"; progress: ProgressPayload }
  /** A file's upload or download begins (once per file, not per retry). */
  | { type: "file-start"; operation_id: string; file_name: string; bytes: number }
  | { type: "file-done"; operation_id: string; file_name: string; bytes: number; action: string }
  | { type: "file-error"; operation_id: string; file_name: string; code: string; message: string }
  | { type: "retry"; operation_id: string; file_name: string; attempt: number; message: string }
  | { type: "notice"; message: string };

/** Receives engine events. Must not throw and must return quickly. */
export type EventSink = (event: EngineEvent) => void;

/** A sink that drops everything. */
export const NO_EVENTS: EventSink = () => {};

let opCounter = 0;

/** A short unique id for an operation, e.g. "put-lq2x3a-1". */
export function newOperationId(kind: string): string {
  opCounter += 1;
  return `${kind}-${Date.now().toString(36)}-${opCounter}`;
}

/** Builds a progress payload with a percentage rounded to one decimal. */
export function progressPayload(
  operationId: string,
  fileName: string,
  done: number,
  total: number,
  files?: { done: number; total: number },
): ProgressPayload {
  const percentage = total > 0 ? Math.min(100, Math.round((done / total) * 1000) / 10) : 100;
  const p: ProgressPayload = {
    operation_id: operationId,
    file_name: fileName,
    bytes_transferred: done,
    total_bytes: total,
    percentage,
  };
  if (files) {
    p.files_done = files.done;
    p.files_total = files.total;
  }
  return p;
}

/**
 * Wraps a sink so progress events are passed on at most once per `intervalMs` (the last one of
 * a burst is kept and flushed by `flush()`); other events pass straight through.
 */
export function throttleProgress(
  sink: EventSink,
  intervalMs = 100,
): { sink: EventSink; flush: () => void } {
  let last = 0;
  let pending: EngineEvent | undefined;
  return {
    sink(event) {
      if (event.type !== "progress") return sink(event);
      const now = performance.now();
      if (now - last >= intervalMs) {
        last = now;
        pending = undefined;
        sink(event);
      } else {
        pending = event;
      }
    },
    flush() {
      if (pending) sink(pending);
      pending = undefined;
    },
  };
}
