/**
 * A job's optional time window ("HH:MM" to "HH:MM" in the job's time zone, may cross
 * midnight): scheduled runs start only inside it, and a run still going when it closes is
 * stopped cleanly (the next window resumes it). Manual runs (`schedule run NAME`) ignore it.
 *
 * @module
 */

import { Cron } from "croner";
import { EngineError } from "../core/errors.ts";
import type { FieldRef } from "../core/validate.ts";

/** Start and end as "HH:MM" (24 h) in the job's time zone. */
export interface TimeWindow {
  start: string;
  end: string;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function fail(ref: FieldRef, message: string): never {
  throw new EngineError(ref.code, `${ref.field}: ${message}`, { field: ref.field });
}

/** Parses "HH:MM-HH:MM" (a flag) or {start, end} (the config file). */
export function parseWindow(value: unknown, ref: FieldRef): TimeWindow {
  let start: unknown;
  let end: unknown;
  if (typeof value === "string") {
    const m = /^\s*(\S+)\s*-\s*(\S+)\s*$/.exec(value);
    if (!m) fail(ref, `'${value}' must look like 22:00-06:00 (start-end, 24-hour HH:MM).`);
    [start, end] = [m[1], m[2]];
  } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    ({ start, end } = value as Record<string, unknown>);
  } else {
    fail(ref, `must be an object {"start": "HH:MM", "end": "HH:MM"}.`);
  }
  for (const [name, v] of [["start", start], ["end", end]] as const) {
    if (typeof v !== "string" || !HHMM.test(v)) {
      fail(ref, `${name} '${String(v)}' must be a 24-hour time HH:MM such as 01:30.`);
    }
  }
  if (start === end) {
    fail(ref, `start and end are both ${String(start)}: the window would be empty.`);
  }
  return { start: start as string, end: end as string };
}

function minutes(hhmm: string): number {
  const m = HHMM.exec(hhmm)!;
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Minutes since local midnight of `date` in `timezone` (undefined: the system's). */
export function localMinutes(date: Date, timezone: string | undefined): number {
  const parts = new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    ...(timezone ? { timeZone: timezone } : {}),
  }).formatToParts(date);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get("hour") * 60 + get("minute");
}

/** True when `date` falls inside the window (start inclusive, end exclusive). */
export function inWindow(date: Date, w: TimeWindow, timezone: string | undefined): boolean {
  const now = localMinutes(date, timezone);
  const s = minutes(w.start);
  const e = minutes(w.end);
  return s < e ? now >= s && now < e : now >= s || now < e;
}

function nextAt(hhmm: string, after: Date, timezone: string | undefined): Date {
  const [h, m] = hhmm.split(":").map(Number);
  const cron = new Cron(`${m} ${h} * * *`, { paused: true, ...(timezone ? { timezone } : {}) });
  return cron.nextRun(after) ?? new Date(after.getTime() + 86_400_000);
}

/** When the window next opens after `date` (croner handles the DST days). */
export function nextWindowStart(date: Date, w: TimeWindow, timezone: string | undefined): Date {
  return nextAt(w.start, date, timezone);
}

/** When the window next closes after `date`. */
export function nextWindowEnd(date: Date, w: TimeWindow, timezone: string | undefined): Date {
  return nextAt(w.end, date, timezone);
}
