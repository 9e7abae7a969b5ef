/**
 * Form widgets: a labelled text field with a visible cursor (masked for secrets), check boxes
 * and buttons drawn on one row, and the row that lays a form field out.
 *
 * @module
 */

import { Box, Text } from "ink";
import { Fragment, type ReactNode } from "react";
import type { FieldSpec, FormState } from "../state/form.ts";
import { useTheme } from "../theme.tsx";
import { fit, fitLeft } from "../format.ts";

/** Width of the label column. */
export const LABEL_WIDTH = 16;

/** The focus marker column. */
export function Marker(props: { on: boolean }) {
  const t = useTheme();
  return <Text color={t.c("accent")} bold>{props.on ? "› " : "  "}</Text>;
}

/** Props of {@link TextField}. */
export interface TextFieldProps {
  label: string;
  value: string;
  cursor: number;
  focused: boolean;
  width: number;
  masked?: boolean;
  placeholder?: string;
  hint?: string;
  /** Show the end of a long value (paths) when not focused. */
  tail?: boolean;
}

/** The visible slice of `chars` (width `w`) that keeps `cursor` in view. */
function viewport(chars: string[], cursor: number, w: number): { start: number; end: number } {
  const start = cursor < w ? 0 : cursor - w + 1;
  return { start, end: Math.min(chars.length, start + w) };
}

/** A one-line text field: `Label   value` with a cursor when focused. */
export function TextField(p: TextFieldProps) {
  const t = useTheme();
  const shown = p.masked ? [...p.value].map(() => "*") : [...p.value];
  const w = Math.max(4, p.width);
  const { start, end } = viewport(shown, p.cursor, w - 1);
  const before = shown.slice(start, Math.min(p.cursor, end)).join("");
  const at = shown[p.cursor] ?? " ";
  const after = shown.slice(p.cursor + 1, end).join("");
  const empty = p.value === "";
  return (
    <Box>
      <Marker on={p.focused} />
      <Text bold={p.focused} color={p.focused ? t.c("accent") : undefined}>
        {fit(p.label, LABEL_WIDTH - 1).padEnd(LABEL_WIDTH)}
      </Text>
      <Box width={w + 1} flexShrink={0}>
        {p.focused
          ? (
            <Text>
              {before}
              <Text inverse>{at}</Text>
              {after}
              {empty && p.placeholder ? <Text dimColor>{fit(p.placeholder, w - 2)}</Text> : null}
            </Text>
          )
          : empty
          ? <Text dimColor>{fit(p.placeholder ?? "", w)}</Text>
          : <Text>{p.tail ? fitLeft(shown.join(""), w) : fit(shown.join(""), w)}</Text>}
      </Box>
      {p.hint ? <Text dimColor wrap="truncate">{" " + p.hint}</Text> : null}
    </Box>
  );
}

/** Check boxes and buttons of one row, the focused one highlighted. */
export function ControlRow(props: { label?: string; fields: FieldSpec[]; form: FormState }) {
  const t = useTheme();
  const focused = props.fields.some((f) => f.id === props.form.focus);
  return (
    <Box>
      <Marker on={focused} />
      {props.label !== undefined ? <Text>{props.label.padEnd(LABEL_WIDTH)}</Text> : null}
      {props.fields.map((f, i) => {
        const on = f.id === props.form.focus;
        const text = f.kind === "check"
          ? `[${props.form.checks[f.id] ? "x" : " "}] ${f.label}`
          : `[ ${f.label} ]`;
        return (
          <Text key={f.id}>
            {i > 0 ? "  " : ""}
            <Text
              inverse={on}
              bold={on || f.kind === "button"}
              color={on ? t.c("accent") : undefined}
            >
              {text}
            </Text>
          </Text>
        );
      })}
    </Box>
  );
}

/** Draws the fields of a form, grouping fields that share a row. */
export function FormFields(props: {
  fields: FieldSpec[];
  form: FormState;
  width: number;
  hints?: Record<string, string>;
  placeholders?: Record<string, string>;
  labels?: Record<string, string>;
  /** Fields whose end matters (paths). */
  tails?: string[];
  /** Lines drawn under a field's row (errors, previews), by field id. */
  after?: Record<string, ReactNode>;
}) {
  const rows: FieldSpec[][] = [];
  for (const f of props.fields) {
    const last = rows[rows.length - 1];
    if (f.row && last && last[0]?.row === f.row) last.push(f);
    else rows.push([f]);
  }
  const valueWidth = Math.max(10, props.width - LABEL_WIDTH - 2 - 26);
  const fieldLine = (f: FieldSpec) => {
    return (
      <TextField
        label={f.label}
        value={props.form.values[f.id] ?? ""}
        cursor={props.form.focus === f.id ? props.form.cursor : 0}
        focused={props.form.focus === f.id}
        width={valueWidth}
        masked={f.kind === "secret"}
        placeholder={props.placeholders?.[f.id]}
        tail={props.tails?.includes(f.id)}
        hint={props.hints?.[f.id] === undefined
          ? undefined
          : fit(props.hints[f.id]!, props.width - LABEL_WIDTH - 2 - (valueWidth + 1) - 2)}
      />
    );
  };
  return (
    <Box flexDirection="column">
      {rows.map((row) => {
        const f = row[0]!;
        const below = row.map((r) =>
          props.after?.[r.id] ? <Fragment key={r.id}>{props.after[r.id]}</Fragment> : null
        );
        const line = row.length > 1 || f.kind === "check" || f.kind === "button"
          ? (
            <ControlRow
              fields={row}
              form={props.form}
              label={props.labels?.[f.row ?? ""]}
            />
          )
          : fieldLine(f);
        return (
          <Fragment key={f.id}>
            {line}
            {below}
          </Fragment>
        );
      })}
    </Box>
  );
}

/** A screen's title line (bold, accent, one space in). */
export function ScreenTitle(props: { text: string }) {
  const t = useTheme();
  return <Text bold color={t.c("accent")}>{` ${props.text}`}</Text>;
}

/** `n` spaces. */
export function Gap(props: { n?: number }) {
  return <Text>{" ".repeat(props.n ?? 1)}</Text>;
}
