/**
 * The five fields of a standard cron expression expanded into value lists, for writing the
 * same schedule in other forms (systemd OnCalendar, launchd StartCalendarInterval). Only the
 * standard syntax is expanded (numbers, names, `*`, lists, ranges, steps, nicknames); croner's
 * extensions (L, W, #, ?) give null: those jobs run under the daemon instead.
 *
 * Day of month and day of week follow croner (and Vixie cron): when both fields are
 * restricted (neither is exactly `*`) a day matches either; otherwise both must match.
 *
 * @module
 */

/** The expanded fields. A star field holds every value of its range. */
export interface CronFields {
  minute: number[];
  hour: number[];
  /** Days of month 1-31. */
  dom: number[];
  /** Months 1-12. */
  month: number[];
  /** Days of week 0-6, Sunday 0. */
  dow: number[];
  domStar: boolean;
  dowStar: boolean;
  monthStar: boolean;
}

const NICKNAMES: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

function value(text: string, names: string[] | null, base: number): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  if (!names) return null;
  const i = names.indexOf(text.toLowerCase());
  return i < 0 ? null : i + base;
}

/** Expands one field; null for syntax outside the standard. */
function field(
  text: string,
  min: number,
  max: number,
  names: string[] | null,
  base: number,
): number[] | null {
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(part);
    if (!m) return null;
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) return null;
    let lo: number | null;
    let hi: number | null;
    if (m[1] === "*") {
      [lo, hi] = [min, max];
    } else if (m[1]!.includes("-")) {
      const [a, b, ...rest] = m[1]!.split("-");
      if (rest.length > 0) return null;
      [lo, hi] = [value(a!, names, base), value(b!, names, base)];
    } else {
      lo = value(m[1]!, names, base);
      hi = m[2] === undefined ? lo : max;
    }
    if (lo === null || hi === null || lo < min || hi > max || lo > hi) return null;
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** Expands a 5-field expression or nickname; null when it uses non-standard syntax. */
export function expandCron(expression: string): CronFields | null {
  const expr = NICKNAMES[expression.toLowerCase()] ?? expression;
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) return null;
  const [mi, h, dm, mo, dw] = parts as [string, string, string, string, string];
  const minute = field(mi, 0, 59, null, 0);
  const hour = field(h, 0, 23, null, 0);
  const dom = field(dm, 1, 31, null, 0);
  const month = field(mo, 1, 12, MONTHS, 1);
  const dowRaw = field(dw, 0, 7, DAYS, 0);
  if (!minute || !hour || !dom || !month || !dowRaw) return null;
  const dow = [...new Set(dowRaw.map((d) => d % 7))].sort((a, b) => a - b);
  return {
    minute,
    hour,
    dom: dm === "*" ? range(1, 31) : dom,
    month,
    dow,
    domStar: dm === "*",
    dowStar: dw === "*",
    monthStar: mo === "*",
  };
}
