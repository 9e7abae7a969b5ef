/**
 * Where command output goes. Human mode: text on stdout, messages and the progress line on
 * stderr. `--json` mode: stdout is NDJSON and nothing else (progress lines, then exactly one
 * result or error line).
 *
 * @module
 */

import type { EngineEvent, ProgressPayload } from "../engine/core/events.ts";
import type { EngineError } from "../engine/core/errors.ts";
import { ProgressLine } from "./progress_line.ts";

const encoder = new TextEncoder();

/**
 * Human text with terminal control characters shown as `\xNN` (tab and newline kept): object
 * keys and file names may hold ESC or CR, which must never reach a terminal raw.
 */
export function terminalSafe(text: string): string {
  return text.replace(
    // deno-lint-ignore no-control-regex
    /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

function writeSync(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  let off = 0;
  while (off < bytes.length) off += stream.writeSync(bytes.subarray(off));
}

/** Output modes chosen by global flags. */
export interface OutputOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  color: boolean;
}

/** Writes results, errors, notices and progress in the chosen mode. */
export class Output {
  readonly #line: ProgressLine | undefined;
  #lastJsonProgress = 0;

  constructor(readonly options: OutputOptions) {
    const tty = Deno.stderr.isTerminal();
    this.#line = !options.json && !options.quiet && tty
      ? new ProgressLine((t) => writeSync(Deno.stderr, t), () => {
        try {
          return Deno.consoleSize().columns;
        } catch {
          return 80;
        }
      })
      : undefined;
  }

  /** Human text to stdout (ignored in JSON mode). */
  print(text: string): void {
    if (this.options.json) return;
    this.#line?.clear();
    writeSync(Deno.stdout, terminalSafe(text.endsWith("\n") ? text : text + "\n"));
  }

  /** A one-line message to stderr (suppressed by --quiet). */
  notice(text: string): void {
    if (this.options.quiet) return;
    this.#line?.clear();
    writeSync(Deno.stderr, terminalSafe(text) + "\n");
  }

  /** A detail shown only with --verbose. */
  debug(text: string): void {
    if (this.options.verbose) this.notice(text);
  }

  /** Progress: the live line on a TTY, or NDJSON progress events (at most 10 per second). */
  progress(p: ProgressPayload, final = false): void {
    if (this.options.json) {
      const now = performance.now();
      if (!final && now - this.#lastJsonProgress < 100) return;
      this.#lastJsonProgress = now;
      writeSync(Deno.stdout, JSON.stringify({ event: "progress", ...p }) + "\n");
      return;
    }
    this.#line?.update({ ...p, file_name: terminalSafe(p.file_name) }, final);
  }

  /** Routes engine events: progress to {@link progress}, the rest to messages. */
  event(e: EngineEvent): void {
    switch (e.type) {
      case "progress":
        return this.progress(e.progress);
      case "file-error":
        return this.notice(`error: ${e.file_name}: ${e.message}`);
      case "retry":
        return this.debug(`retry ${e.attempt}: ${e.file_name}: ${e.message}`);
      case "notice":
        return this.notice(e.message);
      case "file-done":
        return this.debug(`${e.action}: ${e.file_name}`);
      case "file-start": // files in flight are for the TUI; the progress line names one
        return;
    }
  }

  /** The command's one result: NDJSON result line, or `human()` text on stdout. */
  result(command: string, result: unknown, human: () => string): void {
    this.#line?.clear();
    if (this.options.json) {
      writeSync(Deno.stdout, JSON.stringify({ event: "result", command, result }) + "\n");
      return;
    }
    const text = human();
    if (text !== "") writeSync(Deno.stdout, terminalSafe(text.endsWith("\n") ? text : text + "\n"));
  }

  /** The command's error: NDJSON error line, or "eigen-s3: message" on stderr. */
  error(err: EngineError): void {
    this.#line?.clear();
    if (this.options.json) {
      writeSync(
        Deno.stdout,
        JSON.stringify({ event: "error", error: { code: err.code, message: err.message } }) + "\n",
      );
      return;
    }
    writeSync(Deno.stderr, `eigen-s3: ${terminalSafe(err.message)}\n`);
  }

  /** Clears the progress line (before exiting). */
  finish(): void {
    this.#line?.clear();
  }
}
