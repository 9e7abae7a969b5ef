/**
 * The live progress line on a terminal's stderr: bytes, percent, rate, ETA, current file.
 * Redrawn at most 10 times a second.
 *
 * @module
 */

import type { ProgressPayload } from "../engine/core/events.ts";
import { formatBytes, formatDuration, formatRate } from "../lib/format.ts";

/** Draws and clears one status line on a terminal. */
export class ProgressLine {
  #start = performance.now();
  #lastDraw = 0;
  #visible = false;
  #samples: Array<[number, number]> = [];

  constructor(
    private readonly write: (text: string) => void,
    private readonly columns: () => number,
  ) {}

  /** Updates the line (throttled unless `force`). */
  update(p: ProgressPayload, force = false): void {
    const now = performance.now();
    this.#samples.push([now, p.bytes_transferred]);
    while (this.#samples.length > 2 && now - this.#samples[0]![0] > 5000) this.#samples.shift();
    if (!force && now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    const first = this.#samples[0]!;
    const span = (now - first[0]) / 1000;
    const rate = span > 0.2
      ? (p.bytes_transferred - first[1]) / span
      : p.bytes_transferred / Math.max(0.001, (now - this.#start) / 1000);
    const left = p.total_bytes - p.bytes_transferred;
    const eta = rate > 0 && left > 0 ? formatDuration((left / rate) * 1000) : "-";
    const files = p.files_total !== undefined ? ` ${p.files_done ?? 0}/${p.files_total} files` : "";
    let text =
      `${p.percentage.toFixed(0)}% (${formatBytes(p.bytes_transferred)} / ${
        formatBytes(p.total_bytes)
      })` +
      `${files} ${formatRate(rate)}${
        p.bwlimit === undefined ? "" : ` (limit ${p.bwlimit > 0 ? formatRate(p.bwlimit) : "off"})`
      } ETA ${eta}  ${p.file_name}`;
    const width = Math.max(20, this.columns() - 1);
    if (text.length > width) text = text.slice(0, width - 1) + "…";
    this.write(`\r\x1b[2K${text}`);
    this.#visible = true;
  }

  /** Removes the line so normal output can follow. */
  clear(): void {
    if (this.#visible) this.write("\r\x1b[2K");
    this.#visible = false;
  }
}
