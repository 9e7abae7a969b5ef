/**
 * Sizes, durations and ages as users type them, with rclone's units: `--min-size 500K`,
 * `--max-transfer 10G`, `--max-duration 5h30m`, `--max-age 90d` or `--max-age 2026-01-31`.
 *
 * - A size is a number with a binary suffix: B (bytes), K, M, G, T, P (KiB ... PiB); `Ki`, `KiB`
 *   and lower case are accepted too; fractions are allowed (`1.5G`).
 * - A duration is one or more numbers with a unit: ms, s, m, h, d, w, M (30 days), y (365 days),
 *   e.g. `90d`, `2w`, `36h`, `1h30m`.
 * - An age is a duration back from now, or a date: `2026-01-31`, `2026-01-31T08:00:00` or
 *   `2026-01-31 08:00:00` (local time), or RFC 3339 with a zone (`2026-01-31T08:00:00Z`).
 *
 * Unlike rclone, a bare number other than 0 is refused: rclone reads `100` as 100 KiB for a size
 * and 100 seconds for a duration, other tools read bytes and days, and a wrong guess silently
 * changes what a backup sends.
 *
 * @module
 */

import { EngineError } from "./errors.ts";
import type { FieldRef } from "./validate.ts";

function fail(ref: FieldRef, message: string): never {
  throw new EngineError(ref.code, `${ref.field}: ${message}`, { field: ref.field });
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

/**
 * A size in bytes from text such as `500K`, `1.5G`, `10MiB` or `0`.
 *
 * @example
 * ```ts
 * parseSize("1.5M", { field: "--min-size", code: "UsageError" }); // 1572864
 * ```
 */
export function parseSize(value: unknown, ref: FieldRef): number {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value : "";
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([bBkKmMgGtTpP])(?:i?[bB]?)?)?\s*$/.exec(text);
  if (!m) {
    fail(
      ref,
      `'${String(value)}' is not a size: use a number with B, K, M, G or T, e.g. 500K or 2G.`,
    );
  }
  const n = Number(m[1]);
  if (m[2] === undefined) {
    if (n === 0) return 0;
    fail(
      ref,
      `'${text.trim()}' needs a unit: ${text.trim()}B for bytes, or K, M, G, T (e.g. ${text.trim()}K).`,
    );
  }
  return Math.floor(n * SIZE_UNITS[m[2].toLowerCase()]!);
}

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  M: 30 * 86_400_000,
  y: 365 * 86_400_000,
};

/**
 * A duration in milliseconds from text such as `90d`, `2w`, `36h`, `1h30m` or `0`.
 *
 * @example
 * ```ts
 * parseDuration("1h30m", { field: "--max-duration", code: "UsageError" }); // 5400000
 * ```
 */
export function parseDuration(value: unknown, ref: FieldRef): number {
  const text = typeof value === "string" ? value.trim() : String(value ?? "");
  if (/^0+(?:\.0+)?$/.test(text)) return 0;
  const part = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w|M|y)/y;
  let total = 0;
  let at = 0;
  let parts = 0;
  while (at < text.length) {
    part.lastIndex = at;
    const m = part.exec(text);
    if (!m) break;
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    at = part.lastIndex;
    parts += 1;
    while (text[at] === " ") at += 1;
  }
  if (parts === 0 || at !== text.length) {
    const bare = /^\d+(?:\.\d+)?$/.test(text);
    fail(
      ref,
      bare
        ? `'${text}' needs a unit: s, m, h, d (days), w (weeks), M (months) or y, e.g. ${text}d.`
        : `'${text}' is not a duration: use a number with a unit (ms, s, m, h, d, w, M, y), e.g. 90d, 36h or 1h30m.`,
    );
  }
  return Math.round(total);
}

/** An age limit: a duration back from the time of the run, or a fixed time. */
export type Age = { kind: "duration"; ms: number } | { kind: "date"; at: number };

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * An age from text: a duration (`90d`, `2w`, `36h`) or a date (`2026-01-31`,
 * `2026-01-31 08:00:00` in local time, or RFC 3339 with a zone).
 */
export function parseAge(value: unknown, ref: FieldRef): Age {
  const text = typeof value === "string" ? value.trim() : String(value ?? "");
  const local = LOCAL_DATE.exec(text);
  if (local) {
    const [, y, mo, d, h, mi, s] = local;
    const date = new Date(
      Number(y),
      Number(mo) - 1,
      Number(d),
      Number(h ?? 0),
      Number(mi ?? 0),
      Number(s ?? 0),
    );
    if (Number.isNaN(date.getTime()) || date.getMonth() !== Number(mo) - 1) {
      fail(ref, `'${text}' is not a valid date.`);
    }
    return { kind: "date", at: date.getTime() };
  }
  if (/^\d{4}-\d{2}-\d{2}T.*(?:Z|[+-]\d{2}:?\d{2})$/i.test(text)) {
    const at = Date.parse(text);
    if (Number.isNaN(at)) fail(ref, `'${text}' is not a valid date.`);
    return { kind: "date", at };
  }
  try {
    return { kind: "duration", ms: parseDuration(text, ref) };
  } catch (e) {
    if (/^\d+(?:\.\d+)?$/.test(text)) throw e;
    fail(
      ref,
      `'${text}' is not an age: use a duration such as 90d, 2w or 36h, or a date such as 2026-01-31.`,
    );
  }
}

/** The time (ms since the epoch) an age stands for, seen at `now`. */
export function ageCutoff(age: Age, now: Date): number {
  return age.kind === "date" ? age.at : now.getTime() - age.ms;
}
