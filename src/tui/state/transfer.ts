/**
 * The state of one backup or restore as the screen shows it: planning, the plan summary,
 * progress (bytes, files, rate over the last seconds, ETA), the files moving now, errors as
 * they happen, and the outcome. Fed by batches of engine events; pure.
 *
 * @module
 */

import type { EngineEvent } from "../../engine/core/events.ts";
import type { PlanSummary, RunOutcome } from "../services/services.ts";

/** Where a transfer is. */
export type TransferPhase =
  | "idle"
  | "planning"
  | "ready"
  | "running"
  | "stopping"
  | "done"
  | "failed";

/** Progress numbers. */
export interface TransferProgress {
  bytes: number;
  total: number;
  filesDone: number;
  filesTotal: number;
}

/** The state of one transfer panel. */
export interface TransferState {
  phase: TransferPhase;
  dryRun: boolean;
  planId: number | null;
  summary: PlanSummary | null;
  startedAt: number | null;
  progress: TransferProgress | null;
  /** (time ms, bytes) samples of the last few seconds, for the rate. */
  samples: Array<[number, number]>;
  /**
   * Files moving now: in the order they started when the engine reports starts (file-start),
   * else the few that sent bytes last (most recent first).
   */
  current: string[];
  /** True once the engine reported a file-start (then `current` is exactly what is in flight). */
  startsSeen: boolean;
  /** The file finished last (shown when nothing is known to be moving). */
  lastDone: string | null;
  errors: { name: string; message: string }[];
  /** Retries and notices, most recent last (a few). */
  notices: string[];
  outcome: RunOutcome | null;
  /** Why planning or the run failed as a whole. */
  message: string | null;
}

/** Nothing planned yet. */
export const IDLE_TRANSFER: TransferState = {
  phase: "idle",
  dryRun: false,
  planId: null,
  summary: null,
  startedAt: null,
  progress: null,
  samples: [],
  current: [],
  startsSeen: false,
  lastDone: null,
  errors: [],
  notices: [],
  outcome: null,
  message: null,
};

const RATE_WINDOW_MS = 5000;
const MAX_CURRENT = 3;
/** Files in flight kept (the highest concurrency a run takes). */
const MAX_IN_FLIGHT = 256;
const MAX_NOTICES = 3;
const MAX_ERRORS = 500;

/** True while something is planned or moving (the app must not quit silently). */
export function isBusy(t: TransferState): boolean {
  return t.phase === "planning" || t.phase === "running" || t.phase === "stopping";
}

/** Planning started. */
export function planning(dryRun: boolean): TransferState {
  return { ...IDLE_TRANSFER, phase: "planning", dryRun };
}

/** The plan is ready. */
export function planReady(t: TransferState, planId: number, summary: PlanSummary): TransferState {
  return { ...t, phase: "ready", planId, summary };
}

/** The run started at `at`. */
export function started(t: TransferState, at: number): TransferState {
  const total = t.summary?.transferBytes ?? 0;
  return {
    ...t,
    phase: "running",
    startedAt: at,
    progress: { bytes: 0, total, filesDone: 0, filesTotal: t.summary?.transfers ?? 0 },
    samples: [[at, 0]],
  };
}

/** A failure before or around the run. */
export function failed(t: TransferState, message: string): TransferState {
  return { ...t, phase: "failed", message };
}

function pushCurrent(current: string[], name: string): string[] {
  if (current[0] === name) return current;
  return [name, ...current.filter((c) => c !== name)].slice(0, MAX_CURRENT);
}

/** Applies a batch of engine events received at time `at`. */
export function applyEvents(
  t: TransferState,
  events: readonly EngineEvent[],
  at: number,
): TransferState {
  if (events.length === 0) return t;
  let progress = t.progress;
  let current = t.current;
  let errors = t.errors;
  let notices = t.notices;
  let lastDone = t.lastDone;
  let startsSeen = t.startsSeen;
  for (const e of events) {
    switch (e.type) {
      case "file-start":
        if (!startsSeen) current = [];
        startsSeen = true;
        if (!current.includes(e.file_name) && current.length < MAX_IN_FLIGHT) {
          current = [...current, e.file_name];
        }
        break;
      case "progress": {
        const p = e.progress;
        const before = progress?.filesDone ?? 0;
        // The plan's totals are the floor: a streamed engine run discovers its work as it goes.
        progress = {
          bytes: p.bytes_transferred,
          total: Math.max(p.total_bytes, t.summary?.transferBytes ?? 0),
          filesDone: p.files_done ?? progress?.filesDone ?? 0,
          filesTotal: Math.max(
            p.files_total ?? progress?.filesTotal ?? 0,
            t.summary?.transfers ?? 0,
          ),
        };
        if (!startsSeen && p.file_name && p.bytes_transferred < p.total_bytes) {
          current = pushCurrent(current, p.file_name);
        }
        // A file counted as finished without a file-done (it vanished before its upload).
        if (startsSeen && (p.files_done ?? 0) > before && p.file_name) {
          current = current.filter((c) => c !== p.file_name);
        }
        break;
      }
      case "file-done":
        current = current.filter((c) => c !== e.file_name);
        lastDone = e.file_name;
        break;
      case "file-error":
        current = current.filter((c) => c !== e.file_name);
        if (errors.length < MAX_ERRORS) {
          errors = [...errors, { name: e.file_name, message: e.message }];
        }
        break;
      case "retry":
        notices = [...notices, `retrying ${e.file_name} (attempt ${e.attempt}): ${e.message}`]
          .slice(-MAX_NOTICES);
        break;
      case "notice":
        notices = [...notices, e.message].slice(-MAX_NOTICES);
        break;
    }
  }
  let samples = t.samples;
  if (progress && progress !== t.progress) {
    samples = [...t.samples, [at, progress.bytes] as [number, number]];
    while (samples.length > 2 && at - samples[0]![0] > RATE_WINDOW_MS) samples = samples.slice(1);
  }
  return { ...t, progress, current, startsSeen, errors, notices, samples, lastDone };
}

/** The run ended. */
export function finished(t: TransferState, given: RunOutcome): TransferState {
  // An interrupted run may end without a report: count what the events showed.
  const outcome = given.status === "interrupted" && given.transferred === 0 && t.progress
    ? { ...given, transferred: t.progress.filesDone, bytes: t.progress.bytes }
    : given;
  const errors = t.errors.length >= outcome.errors.length ? t.errors : outcome.errors;
  return {
    ...t,
    phase: "done",
    outcome,
    errors,
    current: [],
    message: outcome.message ?? null,
  };
}

/** Bytes per second over the last few seconds (0 when unknown). */
export function rateOf(t: TransferState): number {
  const s = t.samples;
  if (s.length < 2) return 0;
  const first = s[0]!;
  const last = s[s.length - 1]!;
  const secs = (last[0] - first[0]) / 1000;
  return secs > 0 ? Math.max(0, (last[1] - first[1]) / secs) : 0;
}

/** Seconds left at the current rate, or null when unknown. */
export function etaSeconds(t: TransferState): number | null {
  const rate = rateOf(t);
  if (!t.progress || rate <= 0) return null;
  return Math.max(0, (t.progress.total - t.progress.bytes) / rate);
}

/** 0-100 (one decimal). */
export function percentOf(p: TransferProgress | null): number {
  if (!p) return 0;
  if (p.total <= 0) return p.filesTotal > 0 ? Math.floor((p.filesDone / p.filesTotal) * 100) : 0;
  return Math.min(100, Math.floor((p.bytes / p.total) * 1000) / 10);
}
