/**
 * The filter of a run: every rule that decides which files a backup, a restore or a verify takes
 * part in, compiled once into one matcher with one counter per rule. Rules and their meaning
 * follow rclone (rclone.org/filtering):
 *
 * - Name rules (`--include`, `--include-from`, `--exclude`, `--exclude-from`) form one list in
 *   that order (each flag's patterns left to right, a file's from top to bottom); the first rule
 *   that matches a path (or a folder above it, see glob.ts) decides. When any include rule is
 *   given, a path no rule matches is left out (rclone's implied `- **`).
 * - `--files-from` (and `--files-from0`) lists the paths to take, and nothing else; it cannot be
 *   combined with the other filters. A listed folder takes everything under it.
 * - `--exclude-if-present NAME` leaves out every folder (below the top) that holds NAME.
 * - `--min-size`/`--max-size` and `--min-age`/`--max-age` test a file's size and modification
 *   time (files only, never folders).
 *
 * The walk asks {@link Filter.folder} before it enters a folder (a folder is skipped whole only
 * when no include rule could match anything inside it) and {@link Filter.file} for each file; a
 * listed key is tested with {@link Filter.key}, which gives the same answer for the same path.
 * What each rule left out is counted in {@link Filter.counts} (a report's `files_excluded`).
 *
 * @module
 */

import { type Age, ageCutoff } from "../core/units.ts";
import { compileGlob, type Glob, globMatches, mayMatchUnder } from "./glob.ts";

/** Include or exclude. */
export type RuleKind = "include" | "exclude";

/** One name rule as given. */
export interface RuleSpec {
  kind: RuleKind;
  pattern: string;
  /** Where it came from, for `--dump filters`: "--exclude", "--exclude-from list.txt:3". */
  origin: string;
}

/** A size limit: bytes, and the text the user gave (its label). */
export interface SizeLimit {
  bytes: number;
  text: string;
}

/** An age limit, and the text the user gave (its label). */
export interface AgeLimit {
  age: Age;
  text: string;
}

/** Everything a filter is made of, files already read (see filter_options.ts). */
export interface FilterSpec {
  /** Name rules in rclone's order: includes, include-from, excludes, exclude-from. */
  rules?: readonly RuleSpec[];
  /** `--files-from`: the listed paths (relative, "/"-separated), and the flag and file. */
  filesFrom?: { origin: string; paths: readonly string[] };
  /** `--exclude-if-present` names. */
  excludeIfPresent?: readonly string[];
  minSize?: SizeLimit;
  maxSize?: SizeLimit;
  minAge?: AgeLimit;
  maxAge?: AgeLimit;
}

/** Why a path was left out: the rule, under the name reports count it by. */
export interface Exclusion {
  /** The key in `files_excluded`: the pattern of an exclude rule, else the flag and value. */
  readonly label: string;
  /** The rule in words, after "excluded by": "--exclude '*.tmp'", "--max-size 2G". */
  readonly reason: string;
  /** A folder this rule leaves out whole has its files counted (explicit exclusions only). */
  readonly countsFolders: boolean;
}

/** What the filter knows about a folder the walk entered (from the folders above it). */
export interface FolderState {
  /** Index of the first name rule matching the folder or one above it (Infinity: none). */
  readonly first: number;
  /** The folder is, or is under, a path listed by --files-from. */
  readonly listed: boolean;
}

interface Rule {
  kind: RuleKind;
  glob: Glob;
  origin: string;
  exclusion: Exclusion;
}

/** Files and bytes left out, per rule label. */
export class ExclusionCounts {
  readonly #files = new Map<string, number>();
  readonly #bytes = new Map<string, number>();

  /** Starts every label at 0, so a rule that matched nothing shows as 0. */
  constructor(labels: readonly string[]) {
    for (const l of labels) {
      this.#files.set(l, 0);
      this.#bytes.set(l, 0);
    }
  }

  /** Adds `files` files of `bytes` bytes left out by `rule`. */
  add(rule: Exclusion, files: number, bytes: number): void {
    this.#files.set(rule.label, (this.#files.get(rule.label) ?? 0) + files);
    this.#bytes.set(rule.label, (this.#bytes.get(rule.label) ?? 0) + bytes);
  }

  /** True when there is at least one rule to report. */
  get size(): number {
    return this.#files.size;
  }

  /** Files left out by rule label, in rule order (`files_excluded`). */
  files(): Record<string, number> {
    return Object.fromEntries(this.#files);
  }

  /** Bytes left out by rule label (`bytes_excluded`). */
  bytes(): Record<string, number> {
    return Object.fromEntries(this.#bytes);
  }
}

const ROOT: FolderState = { first: Infinity, listed: false };
const KEY_CACHE_LIMIT = 4096;

/** A compiled filter; see the module description. */
export class Filter {
  readonly #rules: Rule[];
  readonly #implicit?: Exclusion;
  readonly #files?: Set<string>;
  readonly #dirs?: Set<string>;
  readonly #filesFrom?: { origin: string; exclusion: Exclusion; count: number };
  readonly #markers: ReadonlyMap<string, Exclusion>;
  readonly #minSize?: { bytes: number; exclusion: Exclusion };
  readonly #maxSize?: { bytes: number; exclusion: Exclusion };
  /** Files modified before this are left out (--max-age). */
  readonly #notBefore?: { at: number; exclusion: Exclusion };
  /** Files modified after this are left out (--min-age). */
  readonly #notAfter?: { at: number; exclusion: Exclusion };
  readonly #keyFolders = new Map<string, FolderState | Exclusion>();
  /** Files and bytes left out per rule. */
  readonly counts: ExclusionCounts;

  /** Compiles `spec`; ages are measured back from `now`. Throws a UsageError on a bad pattern. */
  constructor(spec: FilterSpec, now: Date = new Date()) {
    const labels: string[] = [];
    const exclusion = (label: string, countsFolders: boolean, reason = label): Exclusion => {
      if (!labels.includes(label)) labels.push(label);
      return { label, countsFolders, reason };
    };
    this.#rules = (spec.rules ?? []).map((r) => {
      const glob = compileGlob(r.pattern, r.origin.split(" ")[0]!);
      return {
        kind: r.kind,
        glob,
        origin: r.origin,
        exclusion: r.kind === "exclude"
          ? exclusion(r.pattern.trim(), true, `${r.origin} '${r.pattern.trim()}'`)
          : { label: r.pattern.trim(), countsFolders: false, reason: r.origin },
      };
    });
    if (this.#rules.some((r) => r.kind === "include")) {
      this.#implicit = exclusion(
        "(not matched by --include)",
        false,
        "--include (no pattern matches it)",
      );
    }
    if (spec.filesFrom) {
      this.#files = new Set();
      this.#dirs = new Set();
      for (const p of spec.filesFrom.paths) {
        this.#files.add(p);
        for (let at = p.lastIndexOf("/"); at > 0; at = p.lastIndexOf("/", at - 1)) {
          this.#dirs.add(p.slice(0, at));
        }
      }
      this.#filesFrom = {
        origin: spec.filesFrom.origin,
        exclusion: exclusion("(not in --files-from)", false, "--files-from (not listed)"),
        count: this.#files.size,
      };
    }
    this.#markers = new Map(
      (spec.excludeIfPresent ?? []).map((n) => [n, exclusion(`--exclude-if-present ${n}`, true)]),
    );
    if (spec.minSize) {
      this.#minSize = {
        bytes: spec.minSize.bytes,
        exclusion: exclusion(`--min-size ${spec.minSize.text}`, false),
      };
    }
    if (spec.maxSize) {
      this.#maxSize = {
        bytes: spec.maxSize.bytes,
        exclusion: exclusion(`--max-size ${spec.maxSize.text}`, false),
      };
    }
    if (spec.maxAge) {
      this.#notBefore = {
        at: ageCutoff(spec.maxAge.age, now),
        exclusion: exclusion(`--max-age ${spec.maxAge.text}`, false),
      };
    }
    if (spec.minAge) {
      this.#notAfter = {
        at: ageCutoff(spec.minAge.age, now),
        exclusion: exclusion(`--min-age ${spec.minAge.text}`, false),
      };
    }
    this.counts = new ExclusionCounts(labels);
  }

  /** True when any rule is set. */
  get active(): boolean {
    return this.counts.size > 0 || this.#rules.length > 0;
  }

  /** The exclude patterns, as given (what `--exclude` alone used to be). */
  get patterns(): readonly string[] {
    return this.#rules.filter((r) => r.kind === "exclude").map((r) => r.glob.pattern);
  }

  /** Names whose presence leaves a folder out (`--exclude-if-present`). */
  get markers(): ReadonlyMap<string, Exclusion> {
    return this.#markers;
  }

  /** The state of the top folder. */
  root(): FolderState {
    return ROOT;
  }

  /**
   * Before entering folder `relPath` (below `parent`): the rule that leaves it out whole, or the
   * folder's state to enter it with.
   */
  folder(relPath: string, parent: FolderState): { excluded: Exclusion } | { state: FolderState } {
    if (this.#files) {
      const listed = parent.listed || this.#files.has(relPath);
      if (listed || this.#dirs!.has(relPath)) return { state: { first: Infinity, listed } };
      return { excluded: this.#filesFrom!.exclusion };
    }
    if (this.#rules.length === 0) return { state: parent };
    const first = this.#firstMatch(relPath, parent.first);
    const rule = this.#rules[first];
    if (rule?.kind === "include") return { state: { first, listed: false } };
    // Left out, unless an include rule before the deciding one could match inside.
    const limit = rule ? first : this.#rules.length;
    const reachable = this.#rules.some((r, i) =>
      i < limit && r.kind === "include" && mayMatchUnder(r.glob, relPath)
    );
    if (!reachable) {
      if (rule) return { excluded: rule.exclusion };
      if (this.#implicit) return { excluded: this.#implicit };
    }
    return { state: { first, listed: false } };
  }

  /** The name rule (or --files-from) that leaves out file `relPath` in `folder`, if any. */
  file(relPath: string, folder: FolderState): Exclusion | undefined {
    if (this.#files) {
      return folder.listed || this.#files.has(relPath) ? undefined : this.#filesFrom!.exclusion;
    }
    const first = this.#firstMatch(relPath, folder.first);
    const rule = this.#rules[first];
    if (rule) return rule.kind === "exclude" ? rule.exclusion : undefined;
    return this.#implicit;
  }

  /** The size or age rule that leaves out a file of `size` bytes modified at `mtimeMs`. */
  attributes(size: number, mtimeMs?: number): Exclusion | undefined {
    if (this.#minSize && size < this.#minSize.bytes) return this.#minSize.exclusion;
    if (this.#maxSize && size > this.#maxSize.bytes) return this.#maxSize.exclusion;
    if (mtimeMs === undefined) return undefined;
    if (this.#notBefore && mtimeMs < this.#notBefore.at) return this.#notBefore.exclusion;
    if (this.#notAfter && mtimeMs > this.#notAfter.at) return this.#notAfter.exclusion;
    return undefined;
  }

  /**
   * The name rule that leaves out the file at `relPath` (a listed key below the prefix), with
   * the folders above it decided as the walk decides them.
   */
  key(relPath: string): Exclusion | undefined {
    if (this.#rules.length === 0 && !this.#files) return undefined;
    const path = relPath.normalize("NFC");
    const at = path.lastIndexOf("/");
    const folder = at < 0 ? ROOT : this.#folderOfKey(path.slice(0, at));
    return "label" in folder ? folder : this.file(path, folder);
  }

  /** True when `relPath` (a file or folder) is left out by name: {@link key} as a yes/no. */
  excludes(relPath: string): boolean {
    return this.key(relPath) !== undefined;
  }

  /** True when `relPath` is, or is under, a path --files-from lists (hidden or not). */
  listed(relPath: string): boolean {
    if (!this.#files) return false;
    for (let end = relPath.length; end > 0; end = relPath.lastIndexOf("/", end - 1)) {
      if (this.#files.has(relPath.slice(0, end))) return true;
    }
    return this.#dirs!.has(relPath);
  }

  #firstMatch(path: string, before: number): number {
    const end = Math.min(before, this.#rules.length);
    for (let i = 0; i < end; i++) if (globMatches(this.#rules[i]!.glob, path)) return i;
    return before;
  }

  #folderOfKey(dir: string): FolderState | Exclusion {
    const known = this.#keyFolders.get(dir);
    if (known) return known;
    const at = dir.lastIndexOf("/");
    const parent = at < 0 ? ROOT : this.#folderOfKey(dir.slice(0, at));
    let out: FolderState | Exclusion;
    if ("label" in parent) out = parent;
    else {
      const d = this.folder(dir, parent);
      out = "excluded" in d ? d.excluded : d.state;
    }
    if (this.#keyFolders.size >= KEY_CACHE_LIMIT) this.#keyFolders.clear();
    this.#keyFolders.set(dir, out);
    return out;
  }

  /** The compiled rules, one per line, in the order they apply (`--dump filters`). */
  describe(): string[] {
    const lines: string[] = [];
    if (this.#filesFrom) {
      lines.push(
        `only the ${this.#filesFrom.count} path(s) of ${this.#filesFrom.origin} (and what is under listed folders)`,
      );
    }
    for (const [name] of this.#markers) {
      lines.push(`- folders holding '${name}' (--exclude-if-present)`);
    }
    for (const r of this.#rules) {
      const sign = r.kind === "include" ? "+" : "-";
      lines.push(`${sign} ${r.glob.pattern}  (${r.origin})  ${r.glob.regexes[0]!.source}`);
    }
    if (this.#implicit) lines.push("- **  (implied by --include: everything else)");
    const size = (s: { bytes: number; exclusion: Exclusion }, what: string) =>
      `- files ${what} ${s.bytes} bytes  (${s.exclusion.label})`;
    if (this.#minSize) lines.push(size(this.#minSize, "smaller than"));
    if (this.#maxSize) lines.push(size(this.#maxSize, "larger than"));
    const when = (s: { at: number; exclusion: Exclusion }, what: string) =>
      `- files modified ${what} ${new Date(s.at).toISOString()}  (${s.exclusion.label})`;
    if (this.#notBefore) lines.push(when(this.#notBefore, "before"));
    if (this.#notAfter) lines.push(when(this.#notAfter, "after"));
    return lines;
  }
}

/** A filter of `--exclude` patterns only (restore selections, older callers). */
export function excludeFilter(patterns: readonly string[], flag = "--exclude"): Filter {
  return new Filter({
    rules: patterns.map((pattern) => ({ kind: "exclude", pattern, origin: flag })),
  });
}
