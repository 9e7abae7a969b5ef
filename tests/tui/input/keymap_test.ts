import { assertEquals, assertOk as assert } from "../../support/assert.ts";
import {
  helpFor,
  keyLabel,
  KEYMAP,
  resolveKey,
  type Scope,
} from "../../../src/tui/input/keymap.ts";
import { charPress, toKeyPresses } from "../../../src/tui/input/keys.ts";

Deno.test("keymap: no key is bound twice in one scope", () => {
  for (const [scope, bindings] of Object.entries(KEYMAP)) {
    const seen = new Set<string>();
    for (const b of bindings) {
      for (const k of b.keys) {
        assert(!seen.has(k), `${scope}: '${k}' bound twice`);
        seen.add(k);
      }
    }
  }
});

Deno.test("keymap: every binding has help text", () => {
  for (const bindings of Object.values(KEYMAP)) {
    for (const b of bindings) assert(b.help.length >= 2, b.command);
  }
});

Deno.test("keymap: a text field takes printable keys that mean commands elsewhere", () => {
  const text: Scope[] = ["text", "form", "global"];
  assertEquals(resolveKey(text, charPress("q")), "text.insert");
  assertEquals(resolveKey(text, charPress("?")), "text.insert");
  assertEquals(resolveKey(text, charPress("2")), "text.insert");
  assertEquals(resolveKey(text, charPress(" ")), "text.insert");
  assertEquals(resolveKey(text, { name: "paste", text: "abc" }), "text.insert");
  assertEquals(resolveKey(text, { name: "tab" }), "focus.next");
  assertEquals(resolveKey(text, { name: "down" }), "focus.next");
  assertEquals(resolveKey(text, { name: "left" }), "text.left");
  assertEquals(resolveKey(text, { name: "esc" }), "app.back");
  assertEquals(resolveKey(text, { name: "alt+2" }), "go.backup");
  assertEquals(resolveKey(text, { name: "ctrl+c" }), "app.interrupt");
});

Deno.test("keymap: on a button the printable shortcuts work", () => {
  const form: Scope[] = ["form", "global"];
  assertEquals(resolveKey(form, charPress("q")), "app.quit");
  assertEquals(resolveKey(form, charPress("?")), "app.help");
  assertEquals(resolveKey(form, charPress("3")), "go.restore");
  assertEquals(resolveKey(form, { name: "enter" }), "form.activate");
  assertEquals(resolveKey(form, charPress(" ")), "form.toggle");
  assertEquals(resolveKey(form, { name: "f9" }), null);
});

Deno.test("keymap: the tree takes arrows before the form", () => {
  const tree: Scope[] = ["tree", "form", "global"];
  assertEquals(resolveKey(tree, { name: "down" }), "list.down");
  assertEquals(resolveKey(tree, { name: "right" }), "list.open");
  assertEquals(resolveKey(tree, { name: "backspace" }), "list.parent");
  assertEquals(resolveKey(tree, charPress(" ")), "list.select");
  assertEquals(resolveKey(tree, { name: "tab" }), "focus.next");
});

Deno.test("keymap: help lists each key once, in scope order, with readable labels", () => {
  const sections = helpFor(["text", "form", "global"]);
  assertEquals(sections.map((s) => s.title), ["Text fields", "Forms", "Everywhere"]);
  const forms = sections[1]!.rows.map((r) => r.keys);
  assert(forms.includes("Tab ↓"), forms.join("|"));
  // left/right are text-cursor keys in a text field, so the form section does not list them
  assert(!forms.some((k) => k.includes("←")));
  assertEquals(keyLabel("ctrl+c"), "Ctrl+C");
  assertEquals(keyLabel("alt+2"), "Alt+2");
});

Deno.test("keys: Ink key flags become names", () => {
  assertEquals(toKeyPresses("", { upArrow: true }), [{ name: "up" }]);
  assertEquals(toKeyPresses("", { tab: true, shift: true }), [{ name: "shift+tab" }]);
  assertEquals(toKeyPresses("c", { ctrl: true }), [{ name: "ctrl+c" }]);
  assertEquals(toKeyPresses("2", { meta: true }), [{ name: "alt+2" }]);
  assertEquals(toKeyPresses("", { return: true }), [{ name: "enter" }]);
  assertEquals(toKeyPresses("", { escape: true }), [{ name: "esc" }]);
  assertEquals(toKeyPresses("q", {}), [{ name: "q", text: "q" }]);
  assertEquals(toKeyPresses(" ", {}), [{ name: "space", text: " " }]);
});

Deno.test("keys: a chunk with text and control characters is split", () => {
  assertEquals(toKeyPresses("abc\r", {}), [{ name: "paste", text: "abc" }, { name: "enter" }]);
  assertEquals(toKeyPresses("x\ty", {}), [
    { name: "x", text: "x" },
    { name: "tab" },
    { name: "y", text: "y" },
  ]);
  assertEquals(toKeyPresses("é", {}), [{ name: "é", text: "é" }]);
});
