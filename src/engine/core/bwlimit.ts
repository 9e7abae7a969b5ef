/**
 * `--bwlimit` as rclone takes it: one rate ("10M", "off"), an upload:download pair ("10M:1M"),
 * or a timetable of space-separated `[WEEKDAY-]HH:MM,RATE` entries such as
 * `"08:00,512K 19:00,10M Sat-00:00,off"`. An entry without a weekday applies every day; a
 * weekday is written in full or by its first three letters (Mon, Tuesday). At any moment the
 * latest entry at or before it applies, wrapping round the week (before Monday's first entry,
 * Sunday's last one holds). Times are local to the machine (or to a job's time zone).
 *
 * {@link followTimetable} keeps a {@link BandwidthLimiter} on the timetable while a run goes on,
 * so one limit is shared by all transfers and changes mid-run.
 *
 * @module
 */

import { EngineError } from "./errors.ts";
import { type FieldRef, parseRate } from "./validate.ts";
import type { BandwidthLimiter } from "./bandwidth.ts";
import type { Clock } from "../../lib/clock.ts";

/** One entry of a timetable. */
export interface BwSlot {
  /** Minutes since Sunday 00:00 (0 ... 10079). */
  weekMinute: number;
  /** Upload limit in bytes per second (0: none). */
  up: number;
  /** Download limit in bytes per second (0: none). */
  down: number;
}

/** A parsed `--bwlimit`: one fixed rate pair, or a weekly timetable. */
export interface BwLimit {
  /** The text as given. */
  text: string;
  /** Sorted by `weekMinute`; one slot at minute 0 for a fixed rate. */
  slots: BwSlot[];
  /** True when the limit changes over time. */
  timetable: boolean;
}

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const WEEK = 7 * 1440;

function fail(ref: FieldRef, message: string): never {
  throw new EngineError(ref.code, `${ref.field}: ${message}`, { field: ref.field });
}

function ratePair(text: string, ref: FieldRef): { up: number; down: number } {
  const parts = text.split(":");
  if (parts.length > 2) fail(ref, `'${text}' must be a rate or UP:DOWN, e.g. 10M or 10M:1M.`);
  const up = parseRate(parts[0], ref);
  return { up, down: parts.length === 2 ? parseRate(parts[1], ref) : up };
}

/**
 * Parses a `--bwlimit` value.
 *
 * @example
 * ```ts
 * const tt = parseBwLimit("08:00,512K 19:00,10M Sat-00:00,off", {
 *   field: "--bwlimit",
 *   code: "UsageError",
 * });
 * bwRateAt(tt, new Date(2026, 5, 15, 9, 0), "up"); // 524288 (a Monday, 09:00)
 * ```
 */
export function parseBwLimit(value: unknown, ref: FieldRef): BwLimit {
  const text = String(value ?? "").trim();
  const tokens = text.split(/\s+/).filter((t) => t !== "");
  if (tokens.length === 1 && /^\d{1,2}:\d{2}$/.test(tokens[0]!)) {
    fail(
      ref,
      `'${text}' is not a timetable entry: give the rate after the time, e.g. ${text},512K.`,
    );
  }
  if (tokens.length === 1 && !tokens[0]!.includes(",")) {
    return { text, slots: [{ weekMinute: 0, ...ratePair(tokens[0]!, ref) }], timetable: false };
  }
  if (tokens.length === 0) fail(ref, "is empty: give a rate such as 10M, or a timetable.");
  const byMinute = new Map<number, BwSlot>();
  for (const token of tokens) {
    const m = /^(?:([A-Za-z]+)-)?(\d{1,2}):(\d{2}),(.+)$/.exec(token);
    if (!m) {
      fail(
        ref,
        `'${token}' is not a timetable entry: use [WEEKDAY-]HH:MM,RATE, e.g. 08:00,512K or Sat-00:00,off.`,
      );
    }
    const [, dayName, hh, mm, rate] = m;
    const hour = Number(hh);
    const minute = Number(mm);
    if (hour > 23 || minute > 59) fail(ref, `'${token}': ${hh}:${mm} is not a time of day.`);
    let days = [0, 1, 2, 3, 4, 5, 6];
    if (dayName !== undefined) {
      const d = DAYS.indexOf(dayName.slice(0, 3).toLowerCase());
      const full = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
      if (d < 0 || (dayName.length > 3 && full[d] !== dayName.toLowerCase())) {
        fail(ref, `'${token}': '${dayName}' is not a weekday (Mon, Tue, ... or Monday, ...).`);
      }
      days = [d];
    }
    const pair = ratePair(rate!, ref);
    for (const d of days) {
      const weekMinute = d * 1440 + hour * 60 + minute;
      byMinute.set(weekMinute, { weekMinute, ...pair });
    }
  }
  const slots = [...byMinute.values()].sort((a, b) => a.weekMinute - b.weekMinute);
  return { text, slots, timetable: true };
}

/**
 * What a run takes as its limit: the fixed rate for `direction` (0: none), or the timetable.
 *
 * @example
 * ```ts
 * const ref = { field: "--bwlimit", code: "UsageError" as const };
 * runLimit(parseBwLimit("10M:1M", ref), "down"); // 1048576
 * ```
 */
export function runLimit(limit: BwLimit, direction: "up" | "down"): number | BwLimit {
  return limit.timetable ? limit : limit.slots[0]![direction];
}

/** Minutes since Sunday 00:00 of `date`, in `timeZone` (undefined: the system's). */
export function weekMinuteOf(date: Date, timeZone?: string): number {
  if (!timeZone) return date.getDay() * 1440 + date.getHours() * 60 + date.getMinutes();
  const parts = new Intl.DateTimeFormat("en-US", {
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone,
  }).formatToParts(date);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  const day = DAYS.indexOf(get("weekday").slice(0, 3).toLowerCase());
  return day * 1440 + Number(get("hour")) * 60 + Number(get("minute"));
}

function slotAt(limit: BwLimit, weekMinute: number): BwSlot {
  let current = limit.slots[limit.slots.length - 1]!;
  for (const s of limit.slots) {
    if (s.weekMinute <= weekMinute) current = s;
    else break;
  }
  return current;
}

/** The limit in bytes per second at `date` for uploads or downloads (0: none). */
export function bwRateAt(
  limit: BwLimit,
  date: Date,
  direction: "up" | "down",
  timeZone?: string,
): number {
  return slotAt(limit, weekMinuteOf(date, timeZone))[direction];
}

/** When the limit next changes after `date` (undefined for a fixed rate). */
export function nextBwChange(limit: BwLimit, date: Date, timeZone?: string): Date | undefined {
  if (!limit.timetable) return undefined;
  const now = weekMinuteOf(date, timeZone);
  const next = limit.slots.find((s) => s.weekMinute > now) ?? limit.slots[0]!;
  const minutes = (next.weekMinute - now + WEEK) % WEEK || WEEK;
  const startOfMinute = date.getTime() - (date.getTime() % 60_000);
  return new Date(startOfMinute + minutes * 60_000);
}

/**
 * Sets `limiter` to the timetable's rate now, then again at every change until `signal`
 * aborts; `onChange` hears each new rate (bytes per second, 0: none).
 */
export function followTimetable(
  limiter: BandwidthLimiter,
  limit: BwLimit,
  direction: "up" | "down",
  clock: Clock,
  signal: AbortSignal,
  onChange: (rate: number) => void = () => {},
  timeZone?: string,
): void {
  const apply = () => {
    const rate = bwRateAt(limit, clock.now(), direction, timeZone);
    if (rate !== limiter.bytesPerSecond) {
      limiter.setRate(rate);
      onChange(rate);
    }
  };
  limiter.setRate(bwRateAt(limit, clock.now(), direction, timeZone));
  if (!limit.timetable) return;
  (async () => {
    while (!signal.aborted) {
      const now = clock.now();
      const next = nextBwChange(limit, now, timeZone)!;
      await clock.sleep(Math.max(1, next.getTime() - now.getTime()), signal);
      if (!signal.aborted) apply();
    }
  })();
}
