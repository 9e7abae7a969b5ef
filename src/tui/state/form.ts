/**
 * Forms: a list of fields, which one has the focus, the text of text fields (with a cursor)
 * and the ticks of check boxes. Pure functions over plain data; screens describe their fields
 * and handle what a field's activation means.
 *
 * @module
 */

import type { Command, Scope } from "../input/keymap.ts";

/** How a field behaves. */
export type FieldKind =
  | "text"
  | "secret"
  | "choice"
  | "check"
  | "button"
  | "profile"
  | "tree"
  | "list";

/** One field of a form. */
export interface FieldSpec {
  id: string;
  kind: FieldKind;
  label: string;
  /** Fields with the same row are drawn on one line; ←/→ move between them. */
  row?: string;
}

/** The state of one form. */
export interface FormState {
  focus: string;
  values: Record<string, string>;
  checks: Record<string, boolean>;
  /** Cursor position in the focused text field. */
  cursor: number;
}

/** What a command did to the form, for the screen to act on. */
export type FormEvent =
  | { kind: "activate"; field: string }
  | { kind: "toggled"; field: string; value: boolean }
  | { kind: "edited"; field: string }
  | null;

/** A new form focused on `focus`. */
export function newForm(
  focus: string,
  values: Record<string, string> = {},
  checks: Record<string, boolean> = {},
): FormState {
  return { focus, values, checks, cursor: [...(values[focus] ?? "")].length };
}

/** True for fields that take typed text. */
export function isTextKind(kind: FieldKind): boolean {
  return kind === "text" || kind === "secret" || kind === "choice";
}

/** The keymap scopes of a focused field, most specific first. */
export function scopesForField(kind: FieldKind | undefined): Scope[] {
  switch (kind) {
    case "text":
    case "secret":
    case "choice":
      return ["text", "form", "global"];
    case "profile":
      return ["profile", "form", "global"];
    case "tree":
      return ["tree", "form", "global"];
    case "list":
      return ["list", "form", "global"];
    default:
      return ["form", "global"];
  }
}

/** The focused field's spec (or the first field when the focus is not in `fields`). */
export function focusedField(form: FormState, fields: readonly FieldSpec[]): FieldSpec | undefined {
  return fields.find((f) => f.id === form.focus) ?? fields[0];
}

/** Moves the focus to field `id` (cursor at the end of its text). */
export function focusField(form: FormState, id: string): FormState {
  return { ...form, focus: id, cursor: [...(form.values[id] ?? "")].length };
}

/** Moves the focus by `delta` fields, wrapping around. */
export function moveFocus(form: FormState, fields: readonly FieldSpec[], delta: number): FormState {
  if (fields.length === 0) return form;
  const at = Math.max(0, fields.findIndex((f) => f.id === form.focus));
  const next = fields[(at + delta + fields.length * 4) % fields.length]!;
  return focusField(form, next.id);
}

/** Moves the focus to the neighbour on the same row, if any. */
function moveInRow(form: FormState, fields: readonly FieldSpec[], delta: number): FormState {
  const at = fields.findIndex((f) => f.id === form.focus);
  const row = fields[at]?.row;
  if (at < 0 || row === undefined) return form;
  const next = fields[at + delta];
  return next && next.row === row ? focusField(form, next.id) : form;
}

/** Sets a field's text (cursor at the end when the field is focused). */
export function setValue(form: FormState, id: string, value: string): FormState {
  const values = { ...form.values, [id]: value };
  return { ...form, values, cursor: form.focus === id ? [...value].length : form.cursor };
}

/** Edits the focused text field; returns the new form. */
export function editText(form: FormState, command: Command, text = ""): FormState {
  const chars = [...(form.values[form.focus] ?? "")];
  const at = Math.min(form.cursor, chars.length);
  const put = (next: string[], cursor: number): FormState => ({
    ...form,
    values: { ...form.values, [form.focus]: next.join("") },
    cursor,
  });
  switch (command) {
    case "text.insert": {
      const clean = [...text.replace(/[\r\n\t]+/g, " ")].filter((c) => c >= " ");
      return put([...chars.slice(0, at), ...clean, ...chars.slice(at)], at + clean.length);
    }
    case "text.backspace":
      return at === 0 ? form : put([...chars.slice(0, at - 1), ...chars.slice(at)], at - 1);
    case "text.delete":
      return at >= chars.length ? form : put([...chars.slice(0, at), ...chars.slice(at + 1)], at);
    case "text.left":
      return { ...form, cursor: Math.max(0, at - 1) };
    case "text.right":
      return { ...form, cursor: Math.min(chars.length, at + 1) };
    case "text.home":
      return { ...form, cursor: 0 };
    case "text.end":
      return { ...form, cursor: chars.length };
    case "text.clear":
      return put([], 0);
    default:
      return form;
  }
}

/**
 * Applies a form-level command (focus moves, text edits, ticks, activation). Returns null when
 * the command is not a form command (the screen or the app handles it).
 */
export function formCommand(
  form: FormState,
  fields: readonly FieldSpec[],
  command: Command,
  text?: string,
): { form: FormState; event: FormEvent } | null {
  const field = focusedField(form, fields);
  if (command.startsWith("text.")) {
    if (!field || !isTextKind(field.kind)) return null;
    return { form: editText(form, command, text), event: { kind: "edited", field: field.id } };
  }
  switch (command) {
    case "focus.next":
      return { form: moveFocus(form, fields, 1), event: null };
    case "focus.prev":
      return { form: moveFocus(form, fields, -1), event: null };
    case "form.left":
      return { form: moveInRow(form, fields, -1), event: null };
    case "form.right":
      return { form: moveInRow(form, fields, 1), event: null };
    case "form.toggle":
    case "form.activate": {
      if (!field) return null;
      if (field.kind === "check") {
        const value = !form.checks[field.id];
        return {
          form: { ...form, checks: { ...form.checks, [field.id]: value } },
          event: { kind: "toggled", field: field.id, value },
        };
      }
      if (command === "form.toggle") return null;
      if (field.kind === "text" || field.kind === "secret") {
        return { form: moveFocus(form, fields, 1), event: null };
      }
      return { form, event: { kind: "activate", field: field.id } };
    }
    default:
      return null;
  }
}
