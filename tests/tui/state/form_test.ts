import { assertEquals } from "../../support/assert.ts";
import {
  editText,
  type FieldSpec,
  formCommand,
  moveFocus,
  newForm,
  scopesForField,
} from "../../../src/tui/state/form.ts";

const FIELDS: FieldSpec[] = [
  { id: "name", kind: "text", label: "Name" },
  { id: "secret", kind: "secret", label: "Secret" },
  { id: "dry", kind: "check", label: "dry run", row: "opts" },
  { id: "hidden", kind: "check", label: "hidden", row: "opts" },
  { id: "go", kind: "button", label: "Go" },
];

Deno.test("form: typing, cursor moves and deletes edit the focused field", () => {
  let f = newForm("name", { name: "" });
  f = editText(f, "text.insert", "héllo");
  assertEquals([f.values.name, f.cursor], ["héllo", 5]);
  f = editText(f, "text.left");
  f = editText(f, "text.left");
  f = editText(f, "text.backspace");
  assertEquals([f.values.name, f.cursor], ["hélo", 2]);
  f = editText(f, "text.delete");
  assertEquals([f.values.name, f.cursor], ["héo", 2]);
  f = editText(f, "text.home");
  f = editText(f, "text.insert", "¡");
  assertEquals(f.values.name, "¡héo");
  f = editText(f, "text.end");
  f = editText(f, "text.insert", "a\tb\nc");
  assertEquals(f.values.name, "¡héoa b c");
  f = editText(f, "text.clear");
  assertEquals([f.values.name, f.cursor], ["", 0]);
  assertEquals(editText(f, "text.backspace"), f);
});

Deno.test("form: focus wraps around and lands at the end of the text", () => {
  let f = newForm("name", { name: "abc", secret: "xy" });
  f = moveFocus(f, FIELDS, 1);
  assertEquals([f.focus, f.cursor], ["secret", 2]);
  f = moveFocus(f, FIELDS, -2);
  assertEquals(f.focus, "go");
  f = moveFocus(f, FIELDS, 1);
  assertEquals(f.focus, "name");
});

Deno.test("form: commands: Enter on text goes next, on a button activates, Space ticks", () => {
  let f = newForm("name", { name: "x" });
  let r = formCommand(f, FIELDS, "form.activate")!;
  assertEquals([r.form.focus, r.event], ["secret", null]);
  f = { ...r.form, focus: "dry" };
  r = formCommand(f, FIELDS, "form.toggle")!;
  assertEquals([r.form.checks.dry, r.event], [true, {
    kind: "toggled",
    field: "dry",
    value: true,
  }]);
  r = formCommand(r.form, FIELDS, "form.right")!;
  assertEquals(r.form.focus, "hidden");
  r = formCommand(r.form, FIELDS, "form.right")!;
  assertEquals(r.form.focus, "hidden", "→ stays inside the row");
  r = formCommand({ ...r.form, focus: "go" }, FIELDS, "form.activate")!;
  assertEquals(r.event, { kind: "activate", field: "go" });
  assertEquals(formCommand(r.form, FIELDS, "text.insert", "z"), null, "no typing on a button");
  assertEquals(formCommand(r.form, FIELDS, "app.quit"), null);
});

Deno.test("form: scopes follow the focused field", () => {
  assertEquals(scopesForField("secret"), ["text", "form", "global"]);
  assertEquals(scopesForField("button"), ["form", "global"]);
  assertEquals(scopesForField("tree"), ["tree", "form", "global"]);
  assertEquals(scopesForField("profile"), ["profile", "form", "global"]);
});
