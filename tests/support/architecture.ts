/**
 * The architecture of `src/` as data, and the check that enforces it: every file's imports are
 * read (static `import`/`export … from`, `import("literal")`), relative ones are resolved, and
 * the result is held against the folder table of design/house.md:
 *
 * - no file-level import cycle (Tarjan's strongly connected components);
 * - every import from one folder into another is allowed by {@link LAYERS};
 * - confinement: `ink`/`react` only under `src/tui/`; `node:sqlite` only in `engine/state/`;
 *   `console.*` and `Deno.exit` only in `src/cli/` and `src/tui/command.ts`; values (command
 *   classes) of `@aws-sdk/client-s3` only in `engine/s3/` and `engine/objects/` plus the
 *   {@link S3_VALUE_RATCHET} list, which may only shrink;
 * - inside `src/tui/`: `state/` imports no ink/react and engine types only; `components/` and
 *   `screens/` import types only from `services/` and the engine.
 *
 * {@link checkArchitecture} is pure (a map of path to text in, violations out) so its own test
 * can plant a violation and see it caught. Modelled on Deno std's
 * `_tools/check_circular_package_dependencies.ts`.
 *
 * @module
 */

import { dirname, join, normalize } from "node:path";

/** One import found in a file. */
export interface ImportEdge {
  /** The importing file, relative to the repository root (`src/...`). */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** The imported file for relative specifiers (`src/...`), otherwise undefined. */
  to?: string;
  /** `import type` / `export type`: erased at run time (still bound by the folder table). */
  typeOnly: boolean;
}

/** A broken rule: the file, the import (or construct) and the rule it breaks. */
export interface Violation {
  file: string;
  what: string;
  rule: string;
}

/**
 * The folder table, bottom-up: each folder (longest prefix wins) and the folders it may import.
 * A folder may always import itself. `npm:`/`node:`/bare specifiers are not bound by it (the
 * confinement rules cover those).
 */
export const LAYERS: Record<string, readonly string[]> = {
  "src/lib": [],
  "src/version.ts": [],
  "src/secrets": ["src/lib"],
  "src/engine/core": ["src/lib"],
  "src/engine/config": ["src/engine/core", "src/lib", "src/secrets/mod.ts"],
  "src/engine/local": ["src/engine/core", "src/lib"],
  "src/engine/s3": ["src/engine/core", "src/lib", "src/engine/config", "src/secrets/mod.ts"],
  "src/engine/state": ["src/engine/core", "src/lib", "src/engine/local"],
  "src/engine/objects": [
    "src/engine/core",
    "src/lib",
    "src/engine/s3",
    "src/engine/local",
    "src/engine/state",
  ],
  "src/engine/backup": RUN_DEPS(),
  "src/engine/restore": RUN_DEPS(),
  "src/engine/verify": RUN_DEPS(),
  "src/engine/schedule": [...RUN_DEPS(), "src/engine/backup", "src/secrets/mod.ts"],
  "src/engine/timers": ["src/engine/core", "src/lib", "src/engine/config", "src/engine/schedule"],
  "src/engine/profiles": [
    "src/engine/core",
    "src/lib",
    "src/engine/config",
    "src/engine/s3",
    "src/secrets/mod.ts",
  ],
  "src/engine/session": [
    "src/engine/core",
    "src/engine/config",
    "src/engine/local",
    "src/engine/s3",
    "src/engine/state",
    "src/engine/objects",
    "src/engine/backup",
    "src/engine/restore",
    "src/engine/verify",
    "src/engine/schedule",
    "src/engine/timers",
    "src/engine/profiles",
    "src/secrets/mod.ts",
    "src/lib",
  ],
  "src/cli": ["src/engine", "src/lib", "src/version.ts", "src/secrets/mod.ts"],
  "src/tui": ["src/engine", "src/lib", "src/version.ts", "src/secrets/mod.ts"],
  "main.ts": ["src/cli"],
};

function RUN_DEPS(): string[] {
  return [
    "src/engine/core",
    "src/lib",
    "src/engine/config",
    "src/engine/s3",
    "src/engine/local",
    "src/engine/state",
    "src/engine/objects",
  ];
}

/**
 * Files outside `engine/s3/` and `engine/objects/` that still use `@aws-sdk/client-s3` values
 * (command classes). This list may only shrink: a new entry is a violation.
 */
export const S3_VALUE_RATCHET: readonly string[] = [];

/** Files allowed to print or exit. */
const PRINTING = ["src/cli/", "src/tui/command.ts"];

/** Removes comments, keeping string and template literals (so `"//"` in a URL survives). */
export function stripComments(text: string): string {
  let out = "";
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      while (i < n && text[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? n : end + 2;
      // keep line breaks so line numbers stay meaningful
      out += text.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < n && text[j] !== c) {
        if (text[j] === "\\") j++;
        j++;
      }
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

const IMPORT_RE =
  /(?:^|[;\n}])\s*(import|export)\s+(type\s+)?((?:[\w*${}\s,]|\btype\b)*?)\s*from\s*(["'])([^"']+)\4|(?:^|[;\n])\s*import\s*(["'])([^"']+)\6|\bimport\(\s*(["'])([^"']+)\8\s*\)/g;

/** The imports of one file (comments stripped first). */
export function importsOf(file: string, text: string): ImportEdge[] {
  const code = stripComments(text);
  const out: ImportEdge[] = [];
  for (const m of code.matchAll(IMPORT_RE)) {
    const specifier = m[5] ?? m[7] ?? m[9]!;
    let typeOnly = false;
    if (m[5] !== undefined) {
      const clause = (m[3] ?? "").trim();
      typeOnly = m[2] !== undefined || isAllTypeClause(clause);
    }
    const edge: ImportEdge = { from: file, specifier, typeOnly };
    if (specifier.startsWith(".")) edge.to = normalize(join(dirname(file), specifier));
    out.push(edge);
  }
  return out;
}

/** `{ type A, type B }`: every named import is a type. */
function isAllTypeClause(clause: string): boolean {
  const m = /^\{([^}]*)\}$/.exec(clause);
  if (!m) return false;
  const names = m[1]!.split(",").map((s) => s.trim()).filter((s) => s !== "");
  return names.length > 0 && names.every((s) => s.startsWith("type "));
}

/** The folder key of `file` in {@link LAYERS} (longest matching prefix), if any. */
export function layerOf(file: string): string | undefined {
  let best: string | undefined;
  for (const key of Object.keys(LAYERS)) {
    if (file === key || file.startsWith(key + "/")) {
      if (!best || key.length > best.length) best = key;
    }
  }
  return best;
}

function allowed(fromLayer: string, to: string): boolean {
  if (to === fromLayer || to.startsWith(fromLayer + "/")) return true;
  return (LAYERS[fromLayer] ?? []).some((p) => to === p || to.startsWith(p + "/"));
}

/** Strongly connected components with more than one file (or a self-import): the cycles. */
export function findCycles(edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || edges.get(v)?.has(v)) out.push(comp.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}

const UI_PACKAGE = /^(npm:)?(ink|react|ink-[\w-]+|@inkjs\/[\w-]+|react\/[\w/-]+)(@|$)/;
const S3_PACKAGE = /^(npm:)?@aws-sdk\/client-s3(@|$)/;

/** Checks every rule over `files` (path relative to the repository root -> text). */
export function checkArchitecture(files: Map<string, string>): Violation[] {
  const violations: Violation[] = [];
  const graph = new Map<string, Set<string>>();
  for (const [file, text] of files) {
    const code = stripComments(text);
    const edges = importsOf(file, text);
    graph.set(file, new Set());
    const layer = layerOf(file);
    for (const e of edges) {
      if (e.to !== undefined) {
        graph.get(file)!.add(e.to);
        if (files.size > 0 && !files.has(e.to) && e.to.startsWith("src/")) {
          violations.push({ file, what: `import "${e.specifier}"`, rule: "resolves to no file" });
        }
        if (layer && !allowed(layer, e.to)) {
          violations.push({
            file,
            what: `import "${e.specifier}" (${e.to})`,
            rule: `${layer} may import only ${
              (LAYERS[layer] ?? []).join(", ") || "nothing in src/"
            }`,
          });
        }
        tuiRules(file, e, violations);
      } else {
        if (UI_PACKAGE.test(e.specifier) && !file.startsWith("src/tui/")) {
          violations.push({
            file,
            what: `import "${e.specifier}"`,
            rule: "ink/react only under src/tui/",
          });
        }
        if (UI_PACKAGE.test(e.specifier) && file.startsWith("src/tui/state/")) {
          violations.push({
            file,
            what: `import "${e.specifier}"`,
            rule: "src/tui/state/ holds pure reducers: no ink/react",
          });
        }
        if (e.specifier === "node:sqlite" && !file.startsWith("src/engine/state/")) {
          violations.push({
            file,
            what: `import "node:sqlite"`,
            rule: "SQLite only in src/engine/state/",
          });
        }
        if (
          S3_PACKAGE.test(e.specifier) && !e.typeOnly &&
          !file.startsWith("src/engine/s3/") && !file.startsWith("src/engine/objects/") &&
          !S3_VALUE_RATCHET.includes(file)
        ) {
          violations.push({
            file,
            what: `import "${e.specifier}" (values)`,
            rule: "S3 command classes only in src/engine/s3/ and src/engine/objects/",
          });
        }
      }
    }
    if (file.endsWith(".tsx") && !file.startsWith("src/tui/")) {
      violations.push({ file, what: "a .tsx file", rule: "JSX (React) only under src/tui/" });
    }
    if (!PRINTING.some((p) => file === p || file.startsWith(p)) && file.startsWith("src/")) {
      const m = /\b(console\.\w+|Deno\.exit)\b/.exec(code);
      if (m) {
        violations.push({
          file,
          what: m[1]!,
          rule: "only src/cli/ and src/tui/command.ts print or exit",
        });
      }
    }
  }
  for (const file of S3_VALUE_RATCHET) {
    if (!files.has(file)) continue;
    const uses = importsOf(file, files.get(file)!).some((e) =>
      S3_PACKAGE.test(e.specifier) && !e.typeOnly
    );
    if (!uses) {
      violations.push({
        file,
        what: "S3_VALUE_RATCHET entry",
        rule: "no longer needed: remove it from the ratchet list",
      });
    }
  }
  for (const cycle of findCycles(graph)) {
    violations.push({
      file: cycle[0]!,
      what: cycle.join(" -> "),
      rule: "no import cycle",
    });
  }
  return violations;
}

function tuiRules(file: string, e: ImportEdge, out: Violation[]): void {
  const to = e.to!;
  if (file.startsWith("src/tui/state/") && to.startsWith("src/engine/") && !e.typeOnly) {
    out.push({
      file,
      what: `import "${e.specifier}"`,
      rule: "src/tui/state/ imports engine types only",
    });
  }
  if (/^src\/tui\/(components|screens)\//.test(file)) {
    if (to.startsWith("src/tui/services/") && !e.typeOnly) {
      out.push({
        file,
        what: `import "${e.specifier}"`,
        rule: "components and screens never call services (their types only)",
      });
    }
    if (to.startsWith("src/engine/") && !e.typeOnly) {
      out.push({
        file,
        what: `import "${e.specifier}"`,
        rule: "components and screens import engine types only",
      });
    }
  }
}

/** Reads every `.ts`/`.tsx` file under `src/` (and `main.ts`) of the repository at `root`. */
export async function readSources(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (rel: string) => {
    for await (const e of Deno.readDir(join(root, rel))) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else if (/\.tsx?$/.test(e.name)) files.set(p, await Deno.readTextFile(join(root, p)));
    }
  };
  await walk("src");
  files.set("main.ts", await Deno.readTextFile(join(root, "main.ts")));
  return files;
}

/** One line per violation: `file: what — rule`. */
export function formatViolations(v: Violation[]): string {
  return v.map((x) => `${x.file}: ${x.what} — breaks "${x.rule}"`).join("\n");
}
