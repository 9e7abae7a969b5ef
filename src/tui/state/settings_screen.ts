/**
 * Settings: defaults for transfers (concurrency, bandwidth limit, storage class), then the
 * scheduled jobs (a list field: schedule.ts; the add/edit form: schedule_form.ts).
 *
 * @module
 */

import type { Defaults } from "../../engine/config/config.ts";
import type { Command } from "../input/keymap.ts";
import { type AppState, withEffect } from "./app_state.ts";
import { STORAGE_CLASSES } from "./choices.ts";
import { type FieldSpec, focusField, formCommand, newForm, setValue } from "./form.ts";
import { jobListCommand } from "./schedule.ts";
import { jobFormCommand } from "./schedule_form.ts";

/** The settings fields. */
export const SETTINGS_FIELDS: readonly FieldSpec[] = [
  { id: "concurrency", kind: "text", label: "Concurrency" },
  { id: "bwlimit", kind: "text", label: "Bandwidth limit" },
  { id: "storageClass", kind: "choice", label: "Storage class" },
  { id: "save", kind: "button", label: "Save defaults", row: "buttons" },
  { id: "jobs", kind: "list", label: "Scheduled jobs" },
];

/** The settings form filled from the config's defaults. */
export function settingsForm(d: Defaults | undefined) {
  return newForm("concurrency", {
    concurrency: d?.concurrency !== undefined ? String(d.concurrency) : "",
    bwlimit: d?.bwlimit ?? "",
    storageClass: d?.storage_class ?? "",
  });
}

/** The defaults the form holds (empty fields are left out). */
export function defaultsOf(s: AppState): Defaults {
  const v = s.settings.form.values;
  const d: Defaults = {};
  const conc = (v.concurrency ?? "").trim();
  if (conc !== "") d.concurrency = /^\d+$/.test(conc) ? Number(conc) : (conc as unknown as number);
  const bw = (v.bwlimit ?? "").trim();
  if (bw !== "") d.bwlimit = bw;
  const sc = (v.storageClass ?? "").trim();
  if (sc !== "") d.storage_class = sc;
  return d;
}

/** Handles a command on the settings screen; null when the screen does not take it. */
export function settingsCommand(s: AppState, command: Command, text?: string): AppState | null {
  if (s.schedule.form) return jobFormCommand(s, command, text);
  if (s.settings.form.focus === "jobs") {
    const handled = jobListCommand(s, command);
    if (handled) return handled;
  }
  const r = formCommand(s.settings.form, SETTINGS_FIELDS, command, text);
  if (!r) return null;
  const next = { ...s, settings: { ...s.settings, form: r.form } };
  if (r.event?.kind !== "activate") return next;
  if (r.event.field === "storageClass") {
    const current = r.form.values.storageClass ?? "";
    return {
      ...next,
      overlay: {
        kind: "choose",
        title: "Storage class for new uploads",
        items: [...STORAGE_CLASSES],
        cursor: Math.max(0, STORAGE_CLASSES.findIndex((c) => c.value === current)),
        target: { screen: "settings", field: "storageClass" },
      },
    };
  }
  if (r.event.field === "save") {
    return withEffect(
      { ...next, settings: { ...next.settings, message: { text: "Saving...", tone: "info" } } },
      { kind: "save-defaults", defaults: defaultsOf(next) },
    );
  }
  return next;
}

/** A chooser picked a value. */
export function settingsChosen(s: AppState, field: string, value: string): AppState {
  return {
    ...s,
    settings: { ...s.settings, form: setValue(focusField(s.settings.form, field), field, value) },
  };
}
