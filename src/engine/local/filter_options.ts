/**
 * The filter flags of `backup`, `restore` and `verify` (and the fields of a scheduled job), as
 * given, and how they become a {@link Filter}: rule files and `--files-from` lists are read
 * (`-` is standard input), sizes and ages parsed, and combinations rclone refuses are refused.
 *
 * File formats, as rclone's:
 * - `--include-from`/`--exclude-from`: one pattern per line; blank lines and lines starting
 *   with `#` or `;` are ignored; spaces at both ends are removed; CRLF line ends are fine.
 * - `--files-from`: one path per line, relative to the folder (a leading `/` is ignored), with
 *   the same comments and trimming.
 * - `--files-from0`: paths separated by NUL bytes, taken as they are (`find -print0`).
 *
 * @module
 */

import { EngineError } from "../core/errors.ts";
import { ageCutoff, parseAge, parseSize } from "../core/units.ts";
import type { FieldRef } from "../core/validate.ts";
import { compileGlob } from "./glob.ts";
import { type AgeLimit, Filter, type FilterSpec, type RuleSpec } from "./filter.ts";

/** The filter flags, as given (camelCase of the flag names). */
export interface FilterOptions {
  /** `--include GLOB` (repeatable). */
  include?: readonly string[];
  /** `--exclude GLOB` (repeatable). */
  exclude?: readonly string[];
  /** `--include-from FILE`: patterns, one per line. */
  includeFrom?: readonly string[];
  /** `--exclude-from FILE`: patterns, one per line. */
  excludeFrom?: readonly string[];
  /** `--files-from FILE`: the paths to take, one per line ('-': stdin). */
  filesFrom?: readonly string[];
  /** `--files-from0 FILE`: the same, NUL-separated. */
  filesFrom0?: readonly string[];
  /** `--exclude-if-present NAME`: leave out folders holding NAME. */
  excludeIfPresent?: readonly string[];
  /** `--min-size SIZE`, e.g. "500K". */
  minSize?: string;
  /** `--max-size SIZE`, e.g. "2G". */
  maxSize?: string;
  /** `--min-age AGE`, e.g. "2d" or a date. */
  minAge?: string;
  /** `--max-age AGE`, e.g. "90d" or a date. */
  maxAge?: string;
}

/** The flag name of each option, for messages. */
export const FILTER_FLAGS: Readonly<Record<keyof FilterOptions, string>> = {
  include: "--include",
  exclude: "--exclude",
  includeFrom: "--include-from",
  excludeFrom: "--exclude-from",
  filesFrom: "--files-from",
  filesFrom0: "--files-from0",
  excludeIfPresent: "--exclude-if-present",
  minSize: "--min-size",
  maxSize: "--max-size",
  minAge: "--min-age",
  maxAge: "--max-age",
};

/** Names a filter option in messages: a flag (default) or a config field. */
export type FilterFieldRef = (option: keyof FilterOptions) => FieldRef;

const flagRef: FilterFieldRef = (o) => ({ field: FILTER_FLAGS[o], code: "UsageError" });

const list = (v: readonly string[] | undefined) => v ?? [];

function fail(ref: FieldRef, message: string): never {
  throw new EngineError(ref.code, `${ref.field}: ${message}`, { field: ref.field });
}

/** True when any filter flag is given. */
export function hasFilters(o: FilterOptions): boolean {
  return (Object.keys(FILTER_FLAGS) as (keyof FilterOptions)[]).some((k) => {
    const v = o[k];
    return Array.isArray(v) ? v.length > 0 : v !== undefined && v !== "";
  });
}

/**
 * Checks everything that needs no file: patterns, sizes, ages, and that `--files-from` stands
 * alone and `--min-age` is not older than `--max-age`. Throws an EngineError naming the option.
 */
export function validateFilterOptions(o: FilterOptions, ref: FilterFieldRef = flagRef): void {
  for (const p of list(o.include)) compileGlob(p, ref("include").field);
  for (const p of list(o.exclude)) compileGlob(p, ref("exclude").field);
  const sizes = {
    min: o.minSize === undefined ? undefined : parseSize(o.minSize, ref("minSize")),
    max: o.maxSize === undefined ? undefined : parseSize(o.maxSize, ref("maxSize")),
  };
  if (sizes.min !== undefined && sizes.max !== undefined && sizes.min > sizes.max) {
    fail(ref("minSize"), `${o.minSize} is more than --max-size ${o.maxSize}: no file can pass.`);
  }
  const now = new Date();
  const minAge = o.minAge === undefined ? undefined : parseAge(o.minAge, ref("minAge"));
  const maxAge = o.maxAge === undefined ? undefined : parseAge(o.maxAge, ref("maxAge"));
  if (minAge && maxAge && ageCutoff(minAge, now) < ageCutoff(maxAge, now)) {
    fail(ref("minAge"), `${o.minAge} is older than --max-age ${o.maxAge}: no file can pass.`);
  }
  for (const n of list(o.excludeIfPresent)) {
    if (n === "" || n.includes("/") || n === "." || n === "..") {
      fail(ref("excludeIfPresent"), `'${n}' must be a file name such as .nobackup.`);
    }
  }
  const listed = list(o.filesFrom).length + list(o.filesFrom0).length > 0;
  if (listed) {
    const others = (Object.keys(FILTER_FLAGS) as (keyof FilterOptions)[]).filter((k) =>
      k !== "filesFrom" && k !== "filesFrom0" && hasFilters({ [k]: o[k] })
    );
    if (others.length > 0) {
      fail(
        ref(list(o.filesFrom).length > 0 ? "filesFrom" : "filesFrom0"),
        `takes exactly the files it lists and cannot be combined with ${
          others.map((k) => ref(k).field.split(": ").pop()).join(", ")
        } (as in rclone): filter the list itself instead.`,
      );
    }
  }
  const stdin = [...list(o.includeFrom), ...list(o.excludeFrom), ...list(o.filesFrom)]
    .concat(list(o.filesFrom0)).filter((f) => f === "-").length;
  if (stdin > 1) {
    throw new EngineError("UsageError", "Only one of the list files can be '-' (standard input).");
  }
}

/** Where list files come from (the file system, and standard input for `-`), and a reader. */
export interface FilterInput {
  /** Reads standard input to its end (only the CLI has one). */
  stdin?: () => Promise<Uint8Array>;
  /** Receives the compiled rules, one per line, when a filter is set (`--dump filters`). */
  dump?: (lines: string[]) => void;
}

async function readList(
  file: string,
  ref: FieldRef,
  input: FilterInput,
): Promise<Uint8Array> {
  try {
    if (file === "-") {
      if (!input.stdin) fail(ref, "'-' (standard input) is not available here: give a file.");
      return await input.stdin();
    }
    return await Deno.readFile(file);
  } catch (e) {
    if (e instanceof EngineError) throw e;
    const why = e instanceof Deno.errors.NotFound
      ? "no such file"
      : e instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : (e as Error).message;
    fail(ref, `cannot read '${file}': ${why}.`);
  }
}

/** The lines of a rule or list file that count: trimmed, no blanks, no `#`/`;` comments. */
export function listLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/).forEach((raw, i) => {
    const t = raw.trim();
    if (t !== "" && !t.startsWith("#") && !t.startsWith(";")) out.push({ line: i + 1, text: t });
  });
  return out;
}

/** A listed path as a relative key part: NFC, no leading/trailing '/', no '.' or empty parts. */
export function listedPath(raw: string): string {
  return raw.normalize("NFC").split("/").filter((p) => p !== "" && p !== ".").join("/");
}

const decoder = new TextDecoder();

/**
 * Reads the list files and compiles the filter (ages measured back from `now`). Throws a
 * UsageError (or the code `ref` gives) naming the option at fault.
 */
export async function loadFilter(
  o: FilterOptions,
  now: Date,
  input: FilterInput = {},
  ref: FilterFieldRef = flagRef,
): Promise<Filter> {
  validateFilterOptions(o, ref);
  const rules: RuleSpec[] = [];
  const fromFiles = async (files: readonly string[], kind: "include" | "exclude") => {
    const option = kind === "include" ? "includeFrom" : "excludeFrom";
    for (const file of files) {
      const text = decoder.decode(await readList(file, ref(option), input));
      for (const l of listLines(text)) {
        const origin = `${ref(option).field} ${file}:${l.line}`;
        compileGlob(l.text, origin);
        rules.push({ kind, pattern: l.text, origin });
      }
    }
  };
  for (const pattern of list(o.include)) {
    rules.push({ kind: "include", pattern, origin: ref("include").field });
  }
  await fromFiles(list(o.includeFrom), "include");
  for (const pattern of list(o.exclude)) {
    rules.push({ kind: "exclude", pattern, origin: ref("exclude").field });
  }
  await fromFiles(list(o.excludeFrom), "exclude");
  const spec: FilterSpec = { rules };
  const listFiles = [
    ...list(o.filesFrom).map((f) => ({ f, nul: false })),
    ...list(o.filesFrom0).map((f) => ({ f, nul: true })),
  ];
  if (listFiles.length > 0) {
    const paths: string[] = [];
    for (const { f, nul } of listFiles) {
      const bytes = await readList(f, ref(nul ? "filesFrom0" : "filesFrom"), input);
      const text = decoder.decode(bytes);
      const entries = nul ? text.split("\0") : listLines(text).map((l) => l.text);
      for (const e of entries) {
        const p = listedPath(e);
        if (p !== "") paths.push(p);
      }
    }
    spec.filesFrom = {
      origin: listFiles.map(({ f, nul }) => `${ref(nul ? "filesFrom0" : "filesFrom").field} ${f}`)
        .join(", "),
      paths,
    };
  }
  if (list(o.excludeIfPresent).length > 0) spec.excludeIfPresent = list(o.excludeIfPresent);
  if (o.minSize !== undefined) {
    spec.minSize = { bytes: parseSize(o.minSize, ref("minSize")), text: o.minSize.trim() };
  }
  if (o.maxSize !== undefined) {
    spec.maxSize = { bytes: parseSize(o.maxSize, ref("maxSize")), text: o.maxSize.trim() };
  }
  const age = (v: string, k: "minAge" | "maxAge"): AgeLimit => ({
    age: parseAge(v, ref(k)),
    text: v.trim(),
  });
  if (o.minAge !== undefined) spec.minAge = age(o.minAge, "minAge");
  if (o.maxAge !== undefined) spec.maxAge = age(o.maxAge, "maxAge");
  const filter = new Filter(spec, now);
  if (input.dump && filter.active) input.dump(filter.describe());
  return filter;
}
