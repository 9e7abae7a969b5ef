/**
 * The window of a backup run (`--max-duration`, `--max-transfer`, `--cutoff-mode`, as rclone's):
 * when the run has lasted long enough or sent enough bytes, it is cut off.
 *
 * - `hard` (rclone's default): uploads in flight stop at once; multipart uploads keep their
 *   finished parts on the server and resume on the next run.
 * - `soft`: no new upload starts; those in flight finish.
 * - `cautious`: an upload that would take the run past `--max-transfer` does not start, and the
 *   run is cut off there (for `--max-duration` it acts as `soft`).
 *
 * A cut-off run still compares the rest of the folder (nothing is hashed or sent) so its report
 * can say what was left; it deletes nothing, aborts no upload of an earlier run, writes the
 * manifest only for what completed, and exits 9 (EXIT_CUT_OFF).
 *
 * @module
 */

import type { Clock } from "../../lib/clock.ts";
import { EngineError } from "../core/errors.ts";
import { parseDuration, parseSize } from "../core/units.ts";
import type { FieldRef } from "../core/validate.ts";

/** How a run stops when a limit is reached. */
export type CutoffMode = "hard" | "soft" | "cautious";

/** The cut-off modes. */
export const CUTOFF_MODES: readonly CutoffMode[] = ["hard", "soft", "cautious"];

/** The limits of a run. */
export interface CutoffOptions {
  /** Milliseconds after the start of the run. */
  maxDuration?: number;
  /** Bytes sent (retries count: they went out too). */
  maxTransfer?: number;
  /** Default "hard", as in rclone. */
  mode?: CutoffMode;
}

/** The limits as given: `--max-duration 5h`, `--max-transfer 10G`, `--cutoff-mode soft`. */
export interface CutoffText {
  maxDuration?: string;
  maxTransfer?: string;
  cutoffMode?: string;
}

/**
 * Parses the limits ("off" or 0: no limit); throws an EngineError naming the field (`ref`
 * names "maxDuration", "maxTransfer" or "cutoffMode" as a flag or a config field).
 *
 * @example
 * ```ts
 * const flags = (f: string) => ({ field: `--${f}`, code: "UsageError" as const });
 * parseCutoff({ maxDuration: "5h", cutoffMode: "SOFT" }, flags);
 * // { maxDuration: 18000000, mode: "soft" }
 * ```
 */
export function parseCutoff(
  text: CutoffText,
  ref: (field: keyof CutoffText) => FieldRef,
): CutoffOptions {
  const out: CutoffOptions = {};
  const off = (v: string | undefined) => v === undefined || /^\s*(off|0)\s*$/i.test(v);
  if (!off(text.maxDuration)) {
    out.maxDuration = parseDuration(text.maxDuration, ref("maxDuration"));
  }
  if (!off(text.maxTransfer)) out.maxTransfer = parseSize(text.maxTransfer, ref("maxTransfer"));
  if (text.cutoffMode !== undefined) {
    const mode = text.cutoffMode.trim().toLowerCase() as CutoffMode;
    if (!CUTOFF_MODES.includes(mode)) {
      const r = ref("cutoffMode");
      throw new EngineError(
        r.code,
        `${r.field}: '${text.cutoffMode}' must be hard, soft or cautious.`,
        { field: r.field },
      );
    }
    out.mode = mode;
  }
  return out;
}

/** What a cut-off run reports (`cut_off` in the report). */
export interface CutOffReport {
  /** The limit that was reached. */
  by: "max-duration" | "max-transfer";
  mode: CutoffMode;
  /** When, in ms after the start of the run. */
  after_ms: number;
  /** Files that needed an upload (or a check) and were not uploaded in this run. */
  files_left: number;
  /** Their bytes (files still in doubt count whole). */
  bytes_left: number;
  /** Deletions the plan held and this run did not make. */
  deletions_skipped: number;
}

/** Tracks a run's limits; see the module description. */
export class Cutoff {
  readonly mode: CutoffMode;
  readonly #hard = new AbortController();
  readonly #timer = new AbortController();
  readonly #started: number;
  #sent = 0;
  #reserved = 0;
  #by?: CutOffReport["by"];
  #at = 0;
  filesLeft = 0;
  bytesLeft = 0;

  constructor(
    readonly options: CutoffOptions,
    readonly clock: Clock,
    /** Told once, when the run is cut off. */
    readonly onCutOff: (by: CutOffReport["by"], mode: CutoffMode) => void,
  ) {
    this.mode = options.mode ?? "hard";
    this.#started = clock.now().getTime();
    const ms = options.maxDuration;
    if (ms !== undefined && ms > 0) {
      clock.sleep(ms, this.#timer.signal).then(() => {
        if (!this.#timer.signal.aborted) this.#cut("max-duration");
      });
    }
  }

  /** True when a limit is set. */
  get active(): boolean {
    return (this.options.maxDuration ?? 0) > 0 || (this.options.maxTransfer ?? 0) > 0;
  }

  /** Aborted when a hard cut-off stops the uploads in flight. */
  get signal(): AbortSignal {
    return this.#hard.signal;
  }

  /** The limit that cut the run off, once it has. */
  get reached(): CutOffReport["by"] | undefined {
    return this.#by;
  }

  /** Bytes sent so far. */
  get sent(): number {
    return this.#sent;
  }

  /** Counts bytes about to be sent; reaching --max-transfer cuts the run off. */
  onSent(bytes: number): void {
    this.#sent += bytes;
    const max = this.options.maxTransfer ?? 0;
    if (max > 0 && this.#sent >= max) this.#cut("max-transfer");
  }

  /**
   * May an upload of `size` bytes start now? False once the run is cut off; in cautious mode,
   * an upload that would pass --max-transfer cuts the run off and is refused. An admitted
   * upload must be {@link release}d when it ends.
   */
  admit(size: number): boolean {
    if (this.#by) return false;
    const max = this.options.maxTransfer ?? 0;
    if (this.mode === "cautious" && max > 0 && this.#sent + this.#reserved + size > max) {
      this.#cut("max-transfer");
      return false;
    }
    this.#reserved += size;
    return true;
  }

  /** An admitted upload of `size` bytes ended (whatever the outcome). */
  release(size: number): void {
    this.#reserved = Math.max(0, this.#reserved - size);
  }

  /** A file of `size` bytes that this run leaves for the next one. */
  left(size: number): void {
    this.filesLeft += 1;
    this.bytesLeft += size;
  }

  /** Stops the duration timer (the run is over). */
  stop(): void {
    this.#timer.abort();
  }

  /** The report's `cut_off`, when the run was cut off. */
  report(deletionsSkipped: number): CutOffReport | undefined {
    if (!this.#by) return undefined;
    return {
      by: this.#by,
      mode: this.mode,
      after_ms: this.#at,
      files_left: this.filesLeft,
      bytes_left: this.bytesLeft,
      deletions_skipped: deletionsSkipped,
    };
  }

  #cut(by: CutOffReport["by"]): void {
    if (this.#by) return;
    this.#by = by;
    this.#at = this.clock.now().getTime() - this.#started;
    this.onCutOff(by, this.mode);
    if (this.mode === "hard") this.#hard.abort();
  }
}
