/**
 * The Backup Manager: local folder (folder picker), S3 destination prefix (typed or picked
 * from the bucket), options, exclude patterns, Start (plan first, then run).
 *
 * @module
 */

import { basename } from "node:path";
import type { Command } from "../input/keymap.ts";
import type { BackupRequest } from "../services/services.ts";
import { type AppState, withEffect, withStatus } from "./app_state.ts";
import { openFolderPicker } from "./folder_picker.ts";
import { type FieldSpec, formCommand, newForm, setValue } from "./form.ts";
import { startPlan } from "./runs.ts";
import { parseFilterField } from "./filter_field.ts";
import { isBusy } from "./transfer.ts";
import { openTree } from "./tree.ts";

/** The backup form's fields. */
export function backupFields(s: AppState): FieldSpec[] {
  const fields: FieldSpec[] = [
    { id: "folder", kind: "choice", label: "Local folder" },
    { id: "prefix", kind: "choice", label: "Destination" },
    { id: "dryRun", kind: "check", label: "dry run", row: "options" },
    {
      id: "deleteRemote",
      kind: "check",
      label: "delete remote extras",
      row: "options",
    },
    { id: "includeHidden", kind: "check", label: "include hidden", row: "options" },
    { id: "exclude", kind: "text", label: "Exclude" },
    { id: "filters", kind: "text", label: "Filters" },
    { id: "start", kind: "button", label: "Start backup", row: "buttons" },
  ];
  if (s.backup.transfer.summary) {
    fields.push({ id: "plan", kind: "button", label: "Show plan", row: "buttons" });
  }
  return fields;
}

/** The initial backup form. */
export function initialBackupForm() {
  return newForm("folder", { folder: "", prefix: "", exclude: "", filters: "" }, {
    dryRun: false,
    deleteRemote: false,
    includeHidden: false,
  });
}

/**
 * The S3 prefix a backup goes to: what the user typed, or (when empty) the folder's own name as
 * in `eigen-s3 backup`; "/" means the root of the path prefix.
 */
export function destinationPrefix(folder: string, typed: string): string {
  const t = typed.trim();
  if (t === "") return basename(folder.trim().replace(/[\\/]+$/, ""));
  return t.replace(/^\/+|\/+$/g, "");
}

/** Splits "a, b c" into globs. */
export function splitPatterns(text: string): string[] {
  return text.split(/[,\s]+/).map((p) => p.trim()).filter((p) => p !== "");
}

function requestOf(s: AppState, filters: Record<string, string | string[]>): BackupRequest {
  const f = s.backup.form;
  return {
    ...(Object.keys(filters).length > 0 ? { filters } : {}),
    profile: s.profile ?? "",
    localFolder: (f.values.folder ?? "").trim(),
    prefix: destinationPrefix(f.values.folder ?? "", f.values.prefix ?? ""),
    deleteRemote: f.checks.deleteRemote === true,
    dryRun: f.checks.dryRun === true,
    includeHidden: f.checks.includeHidden === true,
    excludes: splitPatterns(f.values.exclude ?? ""),
  };
}

function start(s: AppState): AppState {
  if (isBusy(s.backup.transfer)) return withStatus(s, "A backup is already running.", "warn");
  if (!s.capabilities.backup) {
    return withStatus(s, "This build of eigen-s3 has no backup engine yet.", "error");
  }
  if (!s.profile) {
    return withStatus(s, "Set up a profile first (press 1 for S3 configuration).", "error");
  }
  const typed = parseFilterField(s.backup.form.values.filters ?? "");
  if (!typed.ok) return withStatus(s, typed.message, "error");
  const r = requestOf(s, typed.options);
  if (r.localFolder === "") {
    return withStatus(s, "Choose the local folder to back up first.", "error");
  }
  return startPlan(s, "backup", r);
}

/** Opens the details overlay with the plan's lines. */
export function showPlan(s: AppState, job: "backup" | "restore"): AppState {
  const t = job === "backup" ? s.backup.transfer : s.restore.transfer;
  const sum = t.summary;
  if (!sum) return s;
  const lines = [
    sum.route,
    ...sum.notes,
    "",
    ...sum.lines.map((l) => `${l.action.padEnd(8)} ${l.name}${l.reason ? `  (${l.reason})` : ""}`),
  ];
  if (sum.lines.length === 0) lines.push("(nothing to do)");
  return {
    ...s,
    overlay: { kind: "details", title: `${t.dryRun ? "Dry-run plan" : "Plan"}`, lines, cursor: 0 },
  };
}

function activate(s: AppState, field: string): AppState {
  switch (field) {
    case "folder": {
      const current = (s.backup.form.values.folder ?? "").trim();
      const { picker, load } = openFolderPicker(current || s.home, s.nextId);
      return withEffect(
        {
          ...s,
          nextId: s.nextId + 1,
          overlay: { kind: "folder", picker, target: "backup.folder" },
        },
        { kind: "list-local", path: load.path, reqId: load.reqId },
      );
    }
    case "prefix": {
      if (!s.profile) return withStatus(s, "Set up a profile first (press 1).", "error");
      const { tree, load } = openTree(s.profile, "", s.nextId);
      return withEffect(
        { ...s, nextId: s.nextId + 1, overlay: { kind: "prefix", tree } },
        {
          kind: "list-remote",
          target: "prefix",
          profile: s.profile,
          prefix: load.prefix,
          reqId: load.reqId,
        },
      );
    }
    case "start":
      return start(s);
    case "plan":
      return showPlan(s, "backup");
    default:
      return s;
  }
}

/** Handles a command on the backup screen; null when the screen does not take it. */
export function backupCommand(s: AppState, command: Command, text?: string): AppState | null {
  const r = formCommand(s.backup.form, backupFields(s), command, text);
  if (!r) return null;
  const next = { ...s, backup: { ...s.backup, form: r.form } };
  return r.event?.kind === "activate" ? activate(next, r.event.field) : next;
}

/** The folder picker chose `path` as the folder to back up. */
export function backupFolderChosen(s: AppState, path: string): AppState {
  let form = setValue(s.backup.form, "folder", path);
  if ((form.values.prefix ?? "") === "") form = setValue(form, "prefix", basename(path));
  return { ...s, backup: { ...s.backup, form } };
}

/** The prefix picker chose `prefix`. */
export function backupPrefixChosen(s: AppState, prefix: string): AppState {
  return {
    ...s,
    backup: { ...s.backup, form: setValue(s.backup.form, "prefix", prefix.replace(/\/$/, "")) },
  };
}
