/**
 * One filter pattern (`--include`, `--exclude`, a line of `--exclude-from`) compiled to a
 * regular expression and matched against relative paths (POSIX separators, NFC), with rclone's
 * glob syntax: `*` and `?` stay inside one path segment, `**` crosses segments, `[a-z]` and
 * `[!a-z]` are character classes, `{jpg,png}` are alternatives (which may hold patterns), and
 * `\` escapes the next character (`\*`, `\[`). A pattern without a slash matches a name at any
 * depth (`*.tmp`, `node_modules`); a pattern with a slash, or starting with `/`, is anchored at
 * the top of the folder (`/photos/**`, `photos/raw`). A pattern that names a folder applies to
 * everything under it (`node_modules` leaves out the whole folder, as `node_modules/**` does);
 * a trailing `/` is dropped.
 *
 * @module
 */

import { EngineError } from "../core/errors.ts";

/** A compiled pattern. */
export interface Glob {
  /** The pattern as given. */
  readonly pattern: string;
  /** What is matched: anchored, without slashes at the ends (`**` + `/` added for a bare name). */
  readonly body: string;
  /** Regular expressions; a path (or folder) matches when one of them does. */
  readonly regexes: readonly RegExp[];
}

/** Characters that make a path segment a pattern rather than a literal name. */
const GLOB_CHARS = /[*?[\]{}\\]/;

class BadPattern extends Error {}

/** `\d`, `\s`, `\w` and their negations: character classes, as in rclone. */
const PERL_CLASSES = "dDsSwW";

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** The regular expression source for `glob` (a whole anchored path pattern, or a part of one). */
function translate(glob: string): string {
  let out = "";
  let i = 0;
  while (i < glob.length) {
    const c = glob[i]!;
    if (c === "\\") {
      const next = glob[i + 1];
      if (next === undefined) throw new BadPattern("a trailing '\\' escapes nothing");
      out += PERL_CLASSES.includes(next) ? `\\${next}` : escapeRegex(next);
      i += 2;
    } else if (c === "*") {
      if (glob[i + 1] === "*") {
        const segmentStart = i === 0 || glob[i - 1] === "/";
        const next = glob[i + 2];
        if (segmentStart && next === "/") {
          out += "(?:.*/)?"; // "**/": zero or more whole folders
          i += 3;
        } else {
          out += ".*";
          i += 2;
        }
      } else {
        out += "[^/]*";
        i += 1;
      }
    } else if (c === "?") {
      out += "[^/]";
      i += 1;
    } else if (c === "[") {
      const end = classEnd(glob, i);
      let body = glob.slice(i + 1, end);
      let negate = false;
      if (body.startsWith("!") || body.startsWith("^")) {
        negate = true;
        body = body.slice(1);
      }
      if (body === "") throw new BadPattern("an empty character class");
      let inner = "";
      for (let k = 0; k < body.length; k++) {
        const ch = body[k]!;
        if (ch === "\\") {
          const next = body[++k];
          if (next === undefined) throw new BadPattern("a trailing '\\' in a class");
          inner += PERL_CLASSES.includes(next) || !/[A-Za-z0-9]/.test(next) ? `\\${next}` : next;
        } else if (ch === "[" || ch === "]" || ch === "^") inner += `\\${ch}`;
        else inner += ch;
      }
      out += negate ? `[^/${inner}]` : `[${inner}]`;
      i = end + 1;
    } else if (c === "{") {
      const { alternatives, end } = splitBraces(glob, i);
      out += `(?:${alternatives.map(translate).join("|")})`;
      i = end + 1;
    } else {
      out += escapeRegex(c);
      i += 1;
    }
  }
  return out;
}

/** Index of the `]` closing the class opened at `start`. */
function classEnd(glob: string, start: number): number {
  let i = start + 1;
  if (glob[i] === "!" || glob[i] === "^") i += 1;
  if (glob[i] === "]") i += 1; // "[]a]": a leading "]" is a member
  for (; i < glob.length; i++) {
    if (glob[i] === "\\") i += 1;
    else if (glob[i] === "]") return i;
  }
  throw new BadPattern("an unclosed '['");
}

/** The comma-separated alternatives of the `{...}` opened at `start`, and its closing index. */
function splitBraces(glob: string, start: number): { alternatives: string[]; end: number } {
  const alternatives: string[] = [];
  let depth = 0;
  let from = start + 1;
  for (let i = start + 1; i < glob.length; i++) {
    const c = glob[i];
    if (c === "\\") i += 1;
    else if (c === "[") i = classEnd(glob, i);
    else if (c === "{") depth += 1;
    else if (c === "}" && depth > 0) depth -= 1;
    else if (c === "," && depth === 0) {
      alternatives.push(glob.slice(from, i));
      from = i + 1;
    } else if (c === "}") {
      alternatives.push(glob.slice(from, i));
      return { alternatives, end: i };
    }
  }
  throw new BadPattern("an unclosed '{'");
}

/**
 * Compiles `pattern`; a bad or empty pattern is a UsageError naming `flag`.
 *
 * @example
 * ```ts
 * const g = compileGlob("*.jpg", "--include");
 * globMatches(g, "2024/a.jpg"); // true
 * ```
 */
export function compileGlob(pattern: string, flag: string): Glob {
  let p = pattern.trim().normalize("NFC");
  if (p.replace(/\/+/g, "") === "") {
    throw new EngineError("UsageError", `${flag}: an empty pattern matches nothing: remove it.`);
  }
  const anchored = p.startsWith("/");
  p = p.replace(/^\/+/, "").replace(/(?<!\\)\/+$/, "");
  const body = anchored || p.includes("/") ? p : `**/${p}`;
  try {
    const own = new RegExp(`^${translate(body)}$`);
    // "dir/**" also names the folder itself, so the walk can skip it whole.
    const regexes = body.endsWith("/**") && !body.endsWith("\\/**")
      ? [own, new RegExp(`^${translate(body.slice(0, -3))}$`)]
      : [own];
    return { pattern, body, regexes };
  } catch (e) {
    const why = e instanceof BadPattern || e instanceof SyntaxError ? e.message : String(e);
    throw new EngineError("UsageError", `${flag}: '${pattern}' is not a valid pattern: ${why}.`);
  }
}

/** True when `glob` matches `path` itself (a file or folder path, no ancestors). */
export function globMatches(glob: Glob, path: string): boolean {
  return glob.regexes.some((r) => r.test(path));
}

/**
 * False only when `glob` cannot match anything inside folder `dir` (or `dir` itself): its
 * literal leading segments differ from `dir`'s. Conservative: any wildcard segment, or a
 * leading `**`, answers true. Lets the walk skip folders no `--include` rule can reach.
 */
export function mayMatchUnder(glob: Glob, dir: string): boolean {
  const segments = glob.body.split("/");
  const dirSegments = dir.split("/");
  for (let i = 0; i < dirSegments.length; i++) {
    const s = segments[i];
    if (s === undefined || GLOB_CHARS.test(s)) return true;
    if (s !== dirSegments[i]) return false;
  }
  return true;
}
