/**
 * The one keymap of the TUI: every key the app reacts to, the named command it means, and the
 * words the `?` help shows. Screens never look at raw keys; they handle commands.
 *
 * Scopes are checked in the order the focused element gives (e.g. text field, then form, then
 * global), so a text field can take printable keys that mean something else elsewhere.
 *
 * @module
 */

import type { KeyPress } from "./keys.ts";

/** Groups of bindings that are active together. */
export type Scope =
  | "global"
  | "form"
  | "text"
  | "profile"
  | "list"
  | "jobs"
  | "tree"
  | "picker"
  | "folderPicker"
  | "dialog"
  | "details"
  | "help";

/** Every named command. */
export type Command =
  | "app.quit"
  | "app.help"
  | "app.back"
  | "app.interrupt"
  | "go.home"
  | "go.config"
  | "go.backup"
  | "go.restore"
  | "go.history"
  | "go.settings"
  | "focus.next"
  | "focus.prev"
  | "form.activate"
  | "form.toggle"
  | "form.left"
  | "form.right"
  | "text.insert"
  | "text.backspace"
  | "text.delete"
  | "text.left"
  | "text.right"
  | "text.home"
  | "text.end"
  | "text.clear"
  | "profile.prev"
  | "profile.next"
  | "profile.new"
  | "profile.remove"
  | "profile.default"
  | "list.up"
  | "list.down"
  | "list.pageUp"
  | "list.pageDown"
  | "list.first"
  | "list.last"
  | "list.open"
  | "list.parent"
  | "list.select"
  | "list.refresh"
  | "jobs.add"
  | "jobs.edit"
  | "jobs.remove"
  | "jobs.run"
  | "picker.choose"
  | "picker.chooseHere"
  | "dialog.yes"
  | "dialog.no";

/** One binding: the keys, the command and its help text. */
export interface Binding {
  readonly keys: readonly string[];
  readonly command: Command;
  readonly help: string;
}

/** Matches any press that types text (characters, space, a paste). */
export const PRINTABLE = "<printable>";

const screens: Binding[] = [
  { keys: ["0", "alt+0"], command: "go.home", help: "home menu" },
  { keys: ["1", "alt+1"], command: "go.config", help: "S3 configuration" },
  { keys: ["2", "alt+2"], command: "go.backup", help: "backup manager" },
  { keys: ["3", "alt+3"], command: "go.restore", help: "restore manager" },
  { keys: ["4", "alt+4"], command: "go.history", help: "history" },
  { keys: ["5", "alt+5"], command: "go.settings", help: "settings" },
];

const listMoves: Binding[] = [
  { keys: ["up", "k"], command: "list.up", help: "move up" },
  { keys: ["down", "j"], command: "list.down", help: "move down" },
  { keys: ["pgup"], command: "list.pageUp", help: "page up" },
  { keys: ["pgdn"], command: "list.pageDown", help: "page down" },
  { keys: ["home", "g"], command: "list.first", help: "first entry" },
  { keys: ["end", "G"], command: "list.last", help: "last entry (loads more)" },
];

/** All bindings by scope. */
export const KEYMAP: Readonly<Record<Scope, readonly Binding[]>> = {
  global: [
    { keys: ["?"], command: "app.help", help: "keys of this screen" },
    { keys: ["esc"], command: "app.back", help: "back / close / cancel" },
    { keys: ["q"], command: "app.quit", help: "quit (when nothing runs)" },
    { keys: ["ctrl+c"], command: "app.interrupt", help: "stop a transfer, or quit" },
    ...screens,
  ],
  form: [
    { keys: ["tab", "down"], command: "focus.next", help: "next field" },
    { keys: ["shift+tab", "up"], command: "focus.prev", help: "previous field" },
    { keys: ["enter"], command: "form.activate", help: "press / choose / next" },
    { keys: ["space"], command: "form.toggle", help: "tick or untick an option" },
    { keys: ["left"], command: "form.left", help: "previous button" },
    { keys: ["right"], command: "form.right", help: "next button" },
  ],
  text: [
    { keys: [PRINTABLE], command: "text.insert", help: "type" },
    { keys: ["backspace"], command: "text.backspace", help: "delete before the cursor" },
    { keys: ["delete", "ctrl+d"], command: "text.delete", help: "delete under the cursor" },
    { keys: ["left", "ctrl+b"], command: "text.left", help: "cursor left" },
    { keys: ["right", "ctrl+f"], command: "text.right", help: "cursor right" },
    { keys: ["home", "ctrl+a"], command: "text.home", help: "start of the field" },
    { keys: ["end", "ctrl+e"], command: "text.end", help: "end of the field" },
    { keys: ["ctrl+u"], command: "text.clear", help: "clear the field" },
  ],
  profile: [
    { keys: ["left", "h"], command: "profile.prev", help: "previous profile" },
    { keys: ["right", "l"], command: "profile.next", help: "next profile" },
    { keys: ["n"], command: "profile.new", help: "new profile" },
    { keys: ["x", "delete"], command: "profile.remove", help: "remove this profile" },
    { keys: ["d"], command: "profile.default", help: "make it the default" },
  ],
  list: [
    ...listMoves,
    { keys: ["enter"], command: "list.open", help: "open / show details" },
    { keys: ["r"], command: "list.refresh", help: "reload" },
  ],
  jobs: [
    { keys: ["a"], command: "jobs.add", help: "add a scheduled job" },
    { keys: ["e", "enter"], command: "jobs.edit", help: "edit the job" },
    { keys: ["x", "delete"], command: "jobs.remove", help: "remove the job (asks first)" },
    { keys: ["r"], command: "jobs.run", help: "run the job now" },
  ],
  tree: [
    ...listMoves,
    { keys: ["enter", "right", "l"], command: "list.open", help: "open the folder" },
    { keys: ["left", "backspace", "h"], command: "list.parent", help: "parent folder" },
    { keys: ["space"], command: "list.select", help: "select for restore" },
    { keys: ["r"], command: "list.refresh", help: "reload this folder" },
  ],
  picker: [
    ...listMoves,
    { keys: ["enter", "space"], command: "picker.choose", help: "choose" },
  ],
  folderPicker: [
    ...listMoves,
    { keys: ["enter", "right", "l"], command: "list.open", help: "open the folder" },
    { keys: ["left", "backspace", "h"], command: "list.parent", help: "parent folder" },
    { keys: ["space", "c"], command: "picker.choose", help: "choose highlighted folder" },
    { keys: ["."], command: "picker.chooseHere", help: "choose this folder" },
  ],
  dialog: [
    { keys: ["y", "enter"], command: "dialog.yes", help: "yes" },
    { keys: ["n", "esc"], command: "dialog.no", help: "no" },
  ],
  details: [
    ...listMoves,
  ],
  help: [],
};

/** Scope titles in the help overlay. */
export const SCOPE_TITLES: Readonly<Record<Scope, string>> = {
  global: "Everywhere",
  form: "Forms",
  text: "Text fields",
  profile: "Profile row",
  list: "Lists",
  jobs: "Scheduled jobs",
  tree: "Bucket browser",
  picker: "Chooser",
  folderPicker: "Folder picker",
  dialog: "Questions",
  details: "Details",
  help: "Help",
};

function matches(binding: Binding, press: KeyPress): boolean {
  for (const k of binding.keys) {
    if (k === press.name) return true;
    if (k === PRINTABLE && press.text !== undefined && press.text !== "") return true;
  }
  return false;
}

/** The command `press` means in the first scope (of `scopes`) that binds it, or null. */
export function resolveKey(scopes: readonly Scope[], press: KeyPress): Command | null {
  for (const scope of scopes) {
    for (const b of KEYMAP[scope]) {
      if (matches(b, press)) return b.command;
    }
  }
  return null;
}

/** How a key is written in help and hints ("ctrl+c" -> "Ctrl+C"). */
export function keyLabel(key: string): string {
  const names: Record<string, string> = {
    up: "↑",
    down: "↓",
    left: "←",
    right: "→",
    enter: "Enter",
    esc: "Esc",
    tab: "Tab",
    "shift+tab": "Shift+Tab",
    space: "Space",
    backspace: "Backspace",
    delete: "Del",
    pgup: "PgUp",
    pgdn: "PgDn",
    home: "Home",
    end: "End",
    [PRINTABLE]: "letters",
  };
  if (names[key]) return names[key];
  return key.replace(/^ctrl\+(.)$/, (_m, c: string) => `Ctrl+${c.toUpperCase()}`)
    .replace(/^alt\+(.)$/, "Alt+$1");
}

/** One section of the help overlay. */
export interface HelpSection {
  title: string;
  rows: { keys: string; help: string }[];
}

/**
 * The help of the given scopes, in order, each command once (a command already listed by an
 * earlier scope is skipped, as it would be when resolving keys).
 */
export function helpFor(scopes: readonly Scope[]): HelpSection[] {
  const seenKeys = new Set<string>();
  const out: HelpSection[] = [];
  for (const scope of scopes) {
    const rows: HelpSection["rows"] = [];
    for (const b of KEYMAP[scope]) {
      const keys = b.keys.filter((k) => !seenKeys.has(k));
      if (keys.length === 0) continue;
      keys.forEach((k) => seenKeys.add(k));
      rows.push({ keys: keys.map(keyLabel).join(" "), help: b.help });
    }
    if (rows.length > 0) out.push({ title: SCOPE_TITLES[scope], rows });
  }
  return out;
}
