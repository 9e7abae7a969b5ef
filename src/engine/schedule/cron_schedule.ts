/**
 * Cron expressions of scheduled jobs, parsed and evaluated by croner (npm:croner): five fields
 * `minute hour day-of-month month day-of-week` (day of month and day of week are OR-ed, as in
 * Vixie cron) or a nickname (@hourly, @daily, @weekly, @monthly, @yearly, @annually), in an
 * IANA time zone (default: the system's).
 *
 * Daylight saving time is croner's: a time that does not exist on the spring-forward day runs
 * once, shifted by the gap (02:30 -> 03:30 in America/New_York); a time that occurs twice on
 * the fall-back day runs once, at its first occurrence.
 *
 * @module
 */

import { Cron } from "croner";
import { EngineError } from "../core/errors.ts";
import type { FieldRef } from "../core/validate.ts";

const NICKNAMES = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@hourly"]);

/** Windows of growing size searched backwards from `now` by {@link CronSchedule.latestDue}. */
const LOOKBACK_MS = [
  60_000,
  3_600_000,
  86_400_000,
  8 * 86_400_000,
  32 * 86_400_000,
  400 * 86_400_000,
  5 * 366 * 86_400_000,
];

/** A parsed cron schedule. */
export interface CronSchedule {
  /** The expression as given (whitespace collapsed). */
  readonly expression: string;
  /** The IANA time zone, or undefined for the system's. */
  readonly timezone: string | undefined;
  /** The first run strictly after `after`, or null when there is none. */
  next(after: Date): Date | null;
  /** The next `n` runs strictly after `after`. */
  nextRuns(n: number, after: Date): Date[];
  /**
   * The latest run time `s` with `after < s <= now`, or null: the one slot to run now, however
   * many were missed (catch-up runs once, not N times).
   */
  latestDue(after: Date, now: Date): Date | null;
}

function fail(ref: FieldRef, message: string): never {
  throw new EngineError(ref.code, `${ref.field}: ${message}`, { field: ref.field });
}

/** An IANA time zone name (e.g. Europe/Berlin, UTC); throws with the field's name otherwise. */
export function validateTimezone(value: unknown, ref: FieldRef): string {
  if (typeof value !== "string" || value.trim() === "") {
    fail(ref, "must be an IANA time zone name such as Europe/Berlin or UTC.");
  }
  const tz = value.trim();
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
  } catch {
    fail(
      ref,
      `'${tz}' is not a time zone: use an IANA name such as Europe/Berlin, America/New_York or UTC.`,
    );
  }
  return tz;
}

/** The system's time zone name (for display). */
export function systemTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** Normalises whitespace and checks the field count; returns the expression to give croner. */
function normalise(value: unknown, ref: FieldRef): string {
  const usage =
    "use five fields 'minute hour day-of-month month day-of-week' (e.g. '0 3 * * *' for 03:00 every day, '*/30 * * * *' every 30 minutes) or @hourly, @daily, @weekly, @monthly, @yearly.";
  if (typeof value !== "string" || value.trim() === "") fail(ref, `is empty: ${usage}`);
  const expr = value.trim().split(/\s+/).join(" ");
  if (expr.startsWith("@")) {
    if (!NICKNAMES.has(expr.toLowerCase())) {
      fail(ref, `'${expr}' is not a known nickname: ${usage}`);
    }
    return expr.toLowerCase();
  }
  const fields = expr.split(" ").length;
  if (fields !== 5) {
    fail(ref, `'${expr}' has ${fields} field${fields === 1 ? "" : "s"}, not 5: ${usage}`);
  }
  return expr;
}

/**
 * Parses and validates a cron expression in `timezone` (undefined: the system's). Throws an
 * EngineError naming `ref` when the expression is malformed or never matches a date.
 */
export function parseCron(
  value: unknown,
  timezone: string | undefined,
  ref: FieldRef,
): CronSchedule {
  const expression = normalise(value, ref);
  let cron: Cron;
  try {
    cron = new Cron(expression, { paused: true, ...(timezone ? { timezone } : {}) });
  } catch (e) {
    const why = (e as Error).message.replace(/^CronPattern: /, "").replace(/\.$/, "");
    fail(
      ref,
      `'${expression}' is not a valid cron expression (${why}): fields are minute 0-59, hour 0-23, day 1-31, month 1-12 or JAN-DEC, weekday 0-7 or SUN-SAT.`,
    );
  }
  // 2000-01-01 is before anything a backup schedule could mean; a null next run means never.
  if (cron.nextRun(new Date("2000-01-01T00:00:00Z")) === null) {
    fail(ref, `'${expression}' never matches a date: check the day-of-month and month fields.`);
  }
  const next = (after: Date): Date | null => cron.nextRun(after);
  return {
    expression,
    timezone,
    next,
    nextRuns: (n, after) => cron.nextRuns(n, after),
    latestDue(after, now) {
      if (now.getTime() <= after.getTime()) return null;
      for (const span of [...LOOKBACK_MS, Infinity]) {
        const from = new Date(Math.max(after.getTime(), now.getTime() - span));
        let s = next(from);
        if (s === null || s.getTime() > now.getTime()) {
          if (from.getTime() === after.getTime()) return null;
          continue;
        }
        // At least one slot in (from, now]: walk to the last one (few steps: the window is the
        // smallest that holds a slot).
        for (;;) {
          const n = next(s);
          if (n === null || n.getTime() > now.getTime()) return s;
          s = n;
        }
      }
      return null;
    },
  };
}
