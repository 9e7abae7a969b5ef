/**
 * Turns what Ink's `useInput` reports into key names the keymap understands. A chunk of several
 * keys (a paste, or keys typed faster than the terminal is read) becomes several presses, so
 * "text then Enter" in one chunk still ends with an Enter.
 *
 * @module
 */

/** The parts of Ink's `Key` that eigen-s3 reads (all optional so tests can build them). */
export interface InkKey {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageDown?: boolean;
  pageUp?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  meta?: boolean;
}

/**
 * One key press: `name` is what bindings match ("up", "enter", "ctrl+c", "alt+2", "q", "?",
 * "space"); `text` is set when the press types something (one character or a pasted run).
 */
export interface KeyPress {
  name: string;
  text?: string;
}

function special(key: InkKey): string | null {
  if (key.upArrow) return "up";
  if (key.downArrow) return "down";
  if (key.leftArrow) return "left";
  if (key.rightArrow) return "right";
  if (key.pageUp) return "pgup";
  if (key.pageDown) return "pgdn";
  if (key.home) return "home";
  if (key.end) return "end";
  if (key.return) return "enter";
  if (key.escape) return "esc";
  if (key.tab) return key.shift ? "shift+tab" : "tab";
  if (key.backspace) return "backspace";
  if (key.delete) return "delete";
  return null;
}

/** The press for one printable character (or " " as "space"). */
export function charPress(ch: string): KeyPress {
  return ch === " " ? { name: "space", text: " " } : { name: ch, text: ch };
}

/** Splits a chunk of text into presses: control characters become keys, runs of text pastes. */
function splitText(input: string): KeyPress[] {
  const out: KeyPress[] = [];
  let run = "";
  const flush = () => {
    if (run === "") return;
    const chars = [...run];
    out.push(chars.length === 1 ? charPress(run) : { name: "paste", text: run });
    run = "";
  };
  for (const ch of input) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === "\r" || ch === "\n") {
      flush();
      out.push({ name: "enter" });
    } else if (ch === "\t") {
      flush();
      out.push({ name: "tab" });
    } else if (ch === "\x7f" || ch === "\b") {
      flush();
      out.push({ name: "backspace" });
    } else if (code < 0x20) {
      flush();
      out.push({ name: `ctrl+${String.fromCharCode(code + 96)}` });
    } else {
      run += ch;
    }
  }
  flush();
  return out;
}

/** Converts one `useInput` call into key presses (usually one). */
export function toKeyPresses(input: string, key: InkKey): KeyPress[] {
  const name = special(key);
  if (name) {
    if (name === "enter" && key.meta) return [{ name: "alt+enter" }];
    return [{ name }];
  }
  if (key.ctrl && input.length === 1) return [{ name: `ctrl+${input.toLowerCase()}` }];
  if (key.meta && input.length === 1) return [{ name: `alt+${input}` }];
  if (input === "") return [];
  return splitText(input);
}

/** True when the press types text (a character, a space or a paste). */
export function isPrintable(press: KeyPress): boolean {
  return press.text !== undefined && press.text !== "";
}
