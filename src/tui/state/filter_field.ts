/**
 * The Backup Manager's "Filters" field: the CLI's filter and window flags typed on one line,
 * e.g. `--include *.jpg --max-age 90d --max-duration 5h --bwlimit "08:00,512K 19:00,off"`.
 * Quotes ('…' or "…") keep spaces inside a value. Only the flags are read here; their values
 * are checked by the engine when the plan is made.
 *
 * @module
 */

/** The flags the field takes, as the backup request's camelCase names. */
const FLAGS: Readonly<Record<string, { key: string; list: boolean }>> = {
  "--include": { key: "include", list: true },
  "--exclude": { key: "exclude", list: true },
  "--include-from": { key: "includeFrom", list: true },
  "--exclude-from": { key: "excludeFrom", list: true },
  "--files-from": { key: "filesFrom", list: true },
  "--files-from0": { key: "filesFrom0", list: true },
  "--exclude-if-present": { key: "excludeIfPresent", list: true },
  "--min-size": { key: "minSize", list: false },
  "--max-size": { key: "maxSize", list: false },
  "--min-age": { key: "minAge", list: false },
  "--max-age": { key: "maxAge", list: false },
  "--max-duration": { key: "maxDuration", list: false },
  "--max-transfer": { key: "maxTransfer", list: false },
  "--cutoff-mode": { key: "cutoffMode", list: false },
  "--bwlimit": { key: "bwlimit", list: false },
};

/** What the field holds: values by option (lists for repeatable flags), or why it is wrong. */
export type FilterField =
  | { ok: true; options: Record<string, string | string[]> }
  | { ok: false; message: string };

/** Splits `text` into words; quotes group, and are removed. */
export function splitWords(text: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? "") + c;
  }
  if (quote) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * Reads the field. `--flag value` and `--flag=value` both work; a repeatable flag may be given
 * more than once.
 *
 * @example
 * ```ts
 * parseFilterField("--include '*.jpg' --max-age=90d");
 * // { ok: true, options: { include: ["*.jpg"], maxAge: "90d" } }
 * ```
 */
export function parseFilterField(text: string): FilterField {
  const words = splitWords(text);
  if (!words) return { ok: false, message: "Filters: a quote is not closed." };
  const options: Record<string, string | string[]> = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const eq = w.indexOf("=");
    const flag = w.startsWith("--") && eq > 0 ? w.slice(0, eq) : w;
    const spec = FLAGS[flag];
    if (!spec) {
      return {
        ok: false,
        message: `Filters: '${w}' is not a filter option (${Object.keys(FLAGS).join(", ")}).`,
      };
    }
    const value = flag !== w ? w.slice(eq + 1) : words[++i];
    if (value === undefined) return { ok: false, message: `Filters: ${flag} needs a value.` };
    if (value === "-") {
      return { ok: false, message: `Filters: ${flag} cannot read standard input here.` };
    }
    if (spec.list) options[spec.key] = [...((options[spec.key] as string[]) ?? []), value];
    else options[spec.key] = value;
  }
  return { ok: true, options };
}
