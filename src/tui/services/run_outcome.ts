/**
 * How the TUI's transfer adapters turn the end of an engine run into a {@link RunOutcome}.
 *
 * @module
 */

import { isAbortError } from "../../engine/core/errors.ts";
import type { RunOutcome } from "./services.ts";

/** success, or partial when some files failed. */
export function outcomeStatus(errors: number): "success" | "partial" {
  return errors > 0 ? "partial" : "success";
}

/** The outcome of a run that threw: interrupted when it was stopped, failed otherwise. */
export function thrownOutcome(e: unknown, signal: AbortSignal, startedMs: number): RunOutcome {
  return {
    status: isAbortError(e) || signal.aborted ? "interrupted" : "failed",
    transferred: 0,
    deleted: 0,
    skipped: 0,
    bytes: 0,
    durationMs: Math.round(performance.now() - startedMs),
    errors: [],
    message: e instanceof Error ? e.message : String(e),
  };
}
