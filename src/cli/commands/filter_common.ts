/**
 * The filter flags of a command as the engine takes them, standard input for `-`, the
 * `--dump filters` output, and the human lines of a report's `files_excluded`.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import type { FilterInput, FilterOptions } from "../../engine/local/filter_options.ts";
import { formatBytes } from "../../lib/format.ts";

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.length > 0 ? v.map(String) : undefined;
const text = (v: unknown): string | undefined => (v === undefined ? undefined : String(v));

/** The filter options among commander's parsed `opts` (only those given). */
export function filterOptionsOf(opts: Record<string, unknown>): FilterOptions {
  const out: FilterOptions = {};
  const lists = {
    include: strings(opts.include),
    exclude: strings(opts.exclude),
    includeFrom: strings(opts.includeFrom),
    excludeFrom: strings(opts.excludeFrom),
    filesFrom: strings(opts.filesFrom),
    filesFrom0: strings(opts.filesFrom0),
    excludeIfPresent: strings(opts.excludeIfPresent),
  };
  for (const [k, v] of Object.entries(lists)) {
    if (v) (out as Record<string, unknown>)[k] = v;
  }
  const values = {
    minSize: text(opts.minSize),
    maxSize: text(opts.maxSize),
    minAge: text(opts.minAge),
    maxAge: text(opts.maxAge),
  };
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** Standard input for list files given as `-`, and `--dump filters` (or --verbose) on stderr. */
export function filterInput(ctx: CliContext, opts: Record<string, unknown>): FilterInput {
  const dump = opts.dump === "filters" || ctx.out.options.verbose;
  return {
    stdin: () => new Response(Deno.stdin.readable).bytes(),
    ...(dump
      ? {
        dump: (lines: string[]) =>
          ctx.out.notice(
            ["--- filters (first match wins) ---", ...lines, "--- end filters ---"].join("\n"),
          ),
      }
      : {}),
  };
}

/**
 * "Left out by filters:" lines from a report's `files_excluded`/`bytes_excluded` (nothing when
 * no filter was set).
 */
export function excludedLines(
  files?: Record<string, number>,
  bytes?: Record<string, number>,
): string[] {
  if (!files) return [];
  const entries = Object.entries(files);
  if (entries.length === 0) return [];
  const width = Math.max(...entries.map(([rule]) => rule.length));
  return [
    "Left out by filters:",
    ...entries.map(([rule, n]) =>
      `  ${rule.padEnd(width)}  ${n} file(s)${
        n > 0 ? `, ${formatBytes(bytes?.[rule] ?? 0)}` : " (matched nothing)"
      }`
    ),
  ];
}
