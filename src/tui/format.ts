/**
 * Text helpers for the TUI: sizes and durations (shared with the CLI), the progress text, and
 * fitting text into a width.
 *
 * @module
 */

export { formatBytes, formatDate, formatDuration, formatRate } from "../lib/format.ts";
import { formatBytes, formatDate } from "../lib/format.ts";

/** "45% (234 MiB / 520 MiB)". */
export function percentText(percent: number, bytes: number, total: number): string {
  return `${Math.floor(percent)}% (${formatBytes(bytes)} / ${formatBytes(total)})`;
}

/** Cuts `text` to `width` characters, ending with "…" when cut. */
export function fit(text: string, width: number): string {
  const chars = [...text];
  if (width <= 0) return "";
  if (chars.length <= width) return text;
  return chars.slice(0, Math.max(0, width - 1)).join("") + "…";
}

/** Cuts from the left ("…/long/path"), for paths where the end matters. */
export function fitLeft(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return "…" + chars.slice(chars.length - width + 1).join("");
}

/** Pads (or cuts) to exactly `width` characters. */
export function cell(text: string, width: number, right = false): string {
  const t = fit(text, width);
  const pad = " ".repeat(Math.max(0, width - [...t].length));
  return right ? pad + t : t + pad;
}

/** "1 file" / "2 files". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Seconds -> "1m05s"-style ETA, or "-". */
export function etaText(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "-";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** "…/Pictures -> s3://bucket/Pictures/": both ends of a route kept, each cut from the left. */
export function fitRoute(route: string, width: number): string {
  if ([...route].length <= width) return route;
  const at = route.indexOf(" -> ");
  if (at < 0) return fitLeft(route, width);
  const half = Math.floor((width - 4) / 2);
  const from = route.slice(0, at);
  const to = route.slice(at + 4);
  const toW = Math.max(half, width - 4 - Math.min([...from].length, half));
  const fromW = width - 4 - Math.min([...to].length, toW);
  return `${fitLeft(from, fromW)} -> ${fitLeft(to, toW)}`;
}

/**
 * Packs `names` after `head` into at most `maxLines` lines of `width` characters, comma
 * separated; what does not fit is counted at the end ("+5 more"). A name longer than a line is
 * cut from the left (its end matters).
 */
export function packNames(
  head: string,
  names: readonly string[],
  width: number,
  maxLines: number,
): string[] {
  const len = (t: string) => [...t].length;
  const lines: string[] = [];
  let line = head;
  let count = 0;
  for (let i = 0; i < names.length; i++) {
    const last = lines.length >= maxLines - 1;
    const after = names.length - i - 1;
    // what must still fit behind this name: the count on the last line, a comma elsewhere
    const reserve = after === 0 ? 0 : last ? len(`, +${after} more`) : 1;
    const sep = count > 0 ? ", " : "";
    const room = width - len(line) - len(sep) - reserve;
    const name = names[i]!;
    if (len(name) <= room) {
      line += sep + name;
      count++;
    } else if (count > 0 && !last) {
      lines.push(line + ",");
      line = "  ";
      count = 0;
      i--;
    } else if (count === 0 && room >= 8) {
      line += fitLeft(name, room);
      count++;
    } else {
      lines.push(fit(`${line}${count > 0 ? "," : ""} +${names.length - i} more`, width));
      return lines;
    }
  }
  lines.push(line);
  return lines;
}

/** "2026-11-25 03:00" (with `weekday`: "Wed 2026-11-25 03:00") in time zone `tz`. */
export function formatZoned(iso: string, tz: string, weekday = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).formatToParts(d);
  } catch {
    return formatDate(iso);
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const date = `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}`;
  return weekday ? `${get("weekday")} ${date}` : date;
}

/**
 * "Wed 11-25 03:00 · Thu 11-26 03:00 · ..." in `tz`; with the year when a run is not in this
 * year.
 */
export function runsText(runs: readonly string[], tz: string, now = new Date()): string {
  const shown = runs.map((r) => formatZoned(r, tz, true));
  const year = formatZoned(now.toISOString(), tz).slice(0, 4);
  const thisYear = shown.every((r) => r.slice(4, 8) === year);
  return shown.map((r) => thisYear ? r.slice(0, 4) + r.slice(9) : r).join(" · ");
}
