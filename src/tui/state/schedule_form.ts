/**
 * The form that adds or edits a scheduled job: name, folder (folder picker), profile (chooser),
 * prefix, cron (its next runs previewed live), time zone, excludes, options, max delete, Save.
 * Errors are kept by field and shown under the field they name. Pure; the engine answers
 * through effects (preview-cron, save-job).
 *
 * @module
 */

import { basename } from "node:path";
import type { Command } from "../input/keymap.ts";
import type { CronPreview, JobDraft, JobRow, SaveJobResult } from "../services/schedule_types.ts";
import { type AppState, type JobFormState, withEffect, withStatus } from "./app_state.ts";
import { destinationPrefix, splitPatterns } from "./backup_screen.ts";
import { openFolderPicker } from "./folder_picker.ts";
import { type FieldSpec, focusField, formCommand, newForm, setValue } from "./form.ts";

/** How many next runs the cron preview shows. */
export const PREVIEW_RUNS = 3;

/** The fields of the job form (max delete only while delete is ticked). */
export function jobFormFields(jf: JobFormState): FieldSpec[] {
  const fields: FieldSpec[] = [
    { id: "name", kind: "text", label: "Name" },
    { id: "folder", kind: "choice", label: "Folder" },
    { id: "profile", kind: "choice", label: "Profile" },
    { id: "prefix", kind: "text", label: "Prefix" },
    { id: "cron", kind: "text", label: "Cron schedule" },
    { id: "timezone", kind: "text", label: "Time zone" },
    { id: "exclude", kind: "text", label: "Exclude" },
    { id: "include_hidden", kind: "check", label: "include hidden", row: "options" },
    { id: "delete", kind: "check", label: "delete remote extras", row: "options" },
  ];
  if (jf.form.checks.delete) fields.push({ id: "max_delete", kind: "text", label: "Max delete" });
  fields.push(
    { id: "save", kind: "button", label: "Save", row: "buttons" },
    { id: "cancel", kind: "button", label: "Cancel", row: "buttons" },
  );
  return fields;
}

function setForm(s: AppState, jf: JobFormState | null): AppState {
  return { ...s, schedule: { ...s.schedule, form: jf } };
}

/** Asks for the preview of the form's cron expression (none while it is empty). */
function previewEffect(s: AppState): AppState {
  const jf = s.schedule.form;
  if (!jf) return s;
  const cron = (jf.form.values.cron ?? "").trim();
  const errors = { ...jf.errors };
  delete errors.cron;
  delete errors.timezone;
  if (cron === "") return setForm(s, { ...jf, preview: null, errors });
  const reqId = s.nextId;
  const next = setForm({ ...s, nextId: s.nextId + 1 }, { ...jf, previewId: reqId, errors });
  return withEffect(next, {
    kind: "preview-cron",
    cron,
    timezone: (jf.form.values.timezone ?? "").trim(),
    reqId,
  });
}

/** Opens the form: for `row` (edit) or a new job going to `profile`. */
export function openJobForm(s: AppState, row: JobRow | null, profile = ""): AppState {
  const d = row?.draft;
  const form = newForm("name", {
    name: d?.name ?? "",
    folder: d?.folder ?? "",
    profile: d ? d.profile : profile,
    prefix: d ? (d.prefix === "" ? "/" : d.prefix) : "",
    cron: d?.cron ?? "",
    timezone: d?.timezone ?? "",
    exclude: (d?.exclude ?? []).join(" "),
    max_delete: d?.max_delete ?? "",
  }, { include_hidden: d?.include_hidden ?? false, delete: d?.delete ?? false });
  const jf: JobFormState = {
    form,
    editing: row?.name ?? null,
    errors: {},
    message: row && !row.valid && row.error
      ? { text: `This job is not valid: ${row.error}`, tone: "error" }
      : null,
    preview: null,
    previewId: 0,
    saving: false,
    extras: row?.extras ?? [],
  };
  return previewEffect(setForm(s, jf));
}

/** The draft the form holds. An empty prefix means the folder's name, "/" the root. */
export function jobDraftOf(jf: JobFormState): JobDraft {
  const v = jf.form.values;
  const folder = (v.folder ?? "").trim();
  return {
    name: (v.name ?? "").trim(),
    folder,
    profile: (v.profile ?? "").trim(),
    prefix: destinationPrefix(folder, v.prefix ?? ""),
    cron: (v.cron ?? "").trim(),
    timezone: (v.timezone ?? "").trim(),
    exclude: splitPatterns(v.exclude ?? ""),
    include_hidden: jf.form.checks.include_hidden === true,
    delete: jf.form.checks.delete === true,
    max_delete: jf.form.checks.delete ? (v.max_delete ?? "").trim() : "",
  };
}

/** What must be filled in before Save asks the engine, by field. */
export function missingFields(d: JobDraft): Record<string, string> {
  const out: Record<string, string> = {};
  if (d.name === "") out.name = "give the job a name: letters, digits, '.', '_' and '-'.";
  if (d.folder === "") out.folder = "choose the folder to back up (Enter opens a picker).";
  if (d.cron === "") out.cron = "type a schedule such as '0 3 * * *' (03:00 every day) or @daily.";
  return out;
}

function save(s: AppState, jf: JobFormState): AppState {
  if (jf.saving) return s;
  const draft = jobDraftOf(jf);
  const missing = missingFields(draft);
  if (Object.keys(missing).length > 0) {
    const first = jobFormFields(jf).find((f) => missing[f.id] !== undefined)!.id;
    return setForm(s, {
      ...jf,
      form: focusField(jf.form, first),
      errors: { ...jf.errors, ...missing },
      message: { text: "Fill in the fields marked below, then Save.", tone: "error" },
    });
  }
  return withEffect(
    setForm(s, { ...jf, saving: true, message: { text: "Saving...", tone: "info" } }),
    { kind: "save-job", draft, editing: jf.editing },
  );
}

function activate(s: AppState, jf: JobFormState, field: string): AppState {
  switch (field) {
    case "folder": {
      const current = (jf.form.values.folder ?? "").trim();
      const { picker, load } = openFolderPicker(current || s.home, s.nextId);
      return withEffect(
        { ...s, nextId: s.nextId + 1, overlay: { kind: "folder", picker, target: "job.folder" } },
        { kind: "list-local", path: load.path, reqId: load.reqId },
      );
    }
    case "profile": {
      const names = Object.keys(s.config?.profiles ?? {}).sort();
      const fallback = s.config?.default_profile ?? names[0] ?? "default";
      const items = [
        { value: "", label: "(default profile)", detail: `now '${fallback}'` },
        ...names.map((n) => {
          const p = s.config!.profiles[n]!;
          return { value: n, label: n, detail: `${p.bucket_name} at ${p.endpoint || "AWS S3"}` };
        }),
      ];
      const current = jf.form.values.profile ?? "";
      return {
        ...s,
        overlay: {
          kind: "choose",
          title: "Profile the job backs up to",
          items,
          cursor: Math.max(0, items.findIndex((i) => i.value === current)),
          target: { screen: "job", field: "profile" },
        },
      };
    }
    case "save":
      return save(s, jf);
    case "cancel":
      return closeJobForm(s, "Not saved.");
    default:
      return s;
  }
}

/** Closes the form (the list gets the focus). */
export function closeJobForm(s: AppState, status?: string): AppState {
  const next = {
    ...setForm(s, null),
    settings: { ...s.settings, form: focusField(s.settings.form, "jobs") },
  };
  return status ? withStatus(next, status) : next;
}

/** Handles a command while the form is open; null when the form does not take it. */
export function jobFormCommand(s: AppState, command: Command, text?: string): AppState | null {
  const jf = s.schedule.form;
  if (!jf) return null;
  if (command === "app.back") return closeJobForm(s, "Not saved.");
  const r = formCommand(jf.form, jobFormFields(jf), command, text);
  if (!r) return null;
  const ev = r.event;
  let next = setForm(s, { ...jf, form: r.form });
  if (ev?.kind === "edited" || ev?.kind === "toggled") {
    const errors = { ...jf.errors };
    delete errors[ev.field];
    if (ev.field === "delete") delete errors.max_delete;
    next = setForm(next, { ...jf, form: r.form, errors });
    if (ev.field === "cron" || ev.field === "timezone") next = previewEffect(next);
  }
  return ev?.kind === "activate" ? activate(next, next.schedule.form!, ev.field) : next;
}

/** A chooser picked `value` for `field` of the form. */
export function jobFormChosen(s: AppState, field: string, value: string): AppState {
  const jf = s.schedule.form;
  if (!jf) return s;
  const errors = { ...jf.errors };
  delete errors[field];
  return setForm(s, { ...jf, form: setValue(focusField(jf.form, field), field, value), errors });
}

/** The folder picker chose the folder to back up (the prefix follows while it is empty). */
export function jobFolderChosen(s: AppState, path: string): AppState {
  const jf = s.schedule.form;
  if (!jf) return s;
  let form = setValue(focusField(jf.form, "folder"), "folder", path);
  if ((form.values.prefix ?? "") === "") form = setValue(form, "prefix", basename(path));
  const errors = { ...jf.errors };
  delete errors.folder;
  return setForm(s, { ...jf, form, errors });
}

/** The engine's preview of the cron expression arrived. */
export function cronPreviewed(s: AppState, reqId: number, p: CronPreview): AppState {
  const jf = s.schedule.form;
  if (!jf || jf.previewId !== reqId) return s;
  if (p.ok) return setForm(s, { ...jf, preview: { runs: p.runs, timezone: p.timezone } });
  return setForm(s, { ...jf, preview: null, errors: { ...jf.errors, [p.field]: p.message } });
}

/** Save answered: close and reload the list, or show the error at its field. */
export function jobSaved(s: AppState, r: SaveJobResult): AppState {
  const jf = s.schedule.form;
  if (!jf) return s;
  if (r.saved) {
    const next = closeJobForm(s);
    return withStatus(
      withEffect({ ...next, schedule: { ...next.schedule, select: r.name } }, {
        kind: "load-jobs",
      }),
      `Saved job '${r.name}'.`,
      "ok",
    );
  }
  const placed = r.field !== null && jobFormFields(jf).some((f) => f.id === r.field);
  return setForm(s, {
    ...jf,
    saving: false,
    form: placed ? focusField(jf.form, r.field!) : jf.form,
    errors: placed ? { ...jf.errors, [r.field!]: r.message } : jf.errors,
    message: { text: placed ? "Not saved: see the field marked below." : r.message, tone: "error" },
  });
}

/** Save failed unexpectedly (the error names no field). */
export function jobSaveFailed(s: AppState, message: string): AppState {
  const jf = s.schedule.form;
  if (!jf) return withStatus(s, message, "error");
  return setForm(s, { ...jf, saving: false, message: { text: message, tone: "error" } });
}
