/**
 * The Restore Manager: the bucket as a tree (select folders or files with Space), destination
 * folder, options, Start (plan first, then run).
 *
 * @module
 */

import type { Command } from "../input/keymap.ts";
import type { RestoreRequest, RestoreSource } from "../services/services.ts";
import { type AppState, type TreeTarget, withEffect, withStatus } from "./app_state.ts";
import { showPlan, splitPatterns } from "./backup_screen.ts";
import { openFolderPicker } from "./folder_picker.ts";
import { type FieldSpec, formCommand, newForm, setValue } from "./form.ts";
import { startPlan } from "./runs.ts";
import { restoreTreeRows } from "./layout.ts";
import { isBusy } from "./transfer.ts";
import { openTree, treeCommand, type TreeLoad, type TreeState } from "./tree.ts";

/** The restore form's fields (the tree is the first). */
export function restoreFields(s: AppState): FieldSpec[] {
  const fields: FieldSpec[] = [
    { id: "tree", kind: "tree", label: "Bucket" },
    { id: "dest", kind: "choice", label: "Restore into" },
    { id: "at", kind: "text", label: "As of" },
    { id: "overwrite", kind: "check", label: "overwrite changed", row: "options" },
    { id: "dryRun", kind: "check", label: "dry run", row: "options" },
    { id: "thaw", kind: "check", label: "request thaw", row: "options" },
    { id: "exclude", kind: "text", label: "Exclude" },
    { id: "start", kind: "button", label: "Start restore", row: "buttons" },
  ];
  if (s.restore.transfer.summary) {
    fields.push({ id: "plan", kind: "button", label: "Show plan", row: "buttons" });
  }
  return fields;
}

/** The initial restore form. */
export function initialRestoreForm() {
  return newForm("tree", { dest: "", at: "", exclude: "" }, {
    overwrite: false,
    dryRun: false,
    thaw: false,
  });
}

/** Queues the page request of a tree. */
export function loadEffect(
  s: AppState,
  target: TreeTarget,
  tree: TreeState,
  load: TreeLoad | undefined,
): AppState {
  if (!load) return s;
  const e = {
    kind: "list-remote" as const,
    target,
    profile: tree.profile,
    prefix: load.prefix,
    reqId: load.reqId,
  };
  return withEffect(s, load.token ? { ...e, token: load.token } : e);
}

/** Opens the tree for the active profile when it is missing or belongs to another profile. */
export function ensureTree(s: AppState): AppState {
  if (!s.profile) return s;
  if (s.restore.tree && s.restore.tree.profile === s.profile) return s;
  const { tree, load } = openTree(s.profile, "", s.nextId);
  return loadEffect(
    { ...s, nextId: s.nextId + 1, restore: { ...s.restore, tree } },
    "restore",
    tree,
    load,
  );
}

/** What a restore of the current selection covers. */
export function restoreSources(t: TreeState | null): RestoreSource[] {
  if (!t) return [];
  return t.selected.length > 0
    ? t.selected.map((e) => ({ key: e.key, isFolder: e.isFolder, size: e.size }))
    : [{ key: t.prefix, isFolder: true, size: 0 }];
}

function requestOf(s: AppState): RestoreRequest {
  const f = s.restore.form;
  return {
    profile: s.profile ?? "",
    sources: restoreSources(s.restore.tree),
    localFolder: (f.values.dest ?? "").trim(),
    overwrite: f.checks.overwrite === true,
    dryRun: f.checks.dryRun === true,
    excludes: splitPatterns(f.values.exclude ?? ""),
    at: (f.values.at ?? "").trim(),
    requestThaw: f.checks.thaw === true,
  };
}

function start(s: AppState): AppState {
  if (isBusy(s.restore.transfer)) return withStatus(s, "A restore is already running.", "warn");
  if (!s.capabilities.restore) {
    return withStatus(s, "This build of eigen-s3 has no restore engine yet.", "error");
  }
  if (!s.profile) {
    return withStatus(s, "Set up a profile first (press 1 for S3 configuration).", "error");
  }
  const r = requestOf(s);
  if (r.localFolder === "") {
    return withStatus(s, "Choose the folder to restore into first.", "error");
  }
  return startPlan(s, "restore", r);
}

function activate(s: AppState, field: string): AppState {
  switch (field) {
    case "dest": {
      const current = (s.restore.form.values.dest ?? "").trim();
      const { picker, load } = openFolderPicker(current || s.home, s.nextId);
      return withEffect(
        { ...s, nextId: s.nextId + 1, overlay: { kind: "folder", picker, target: "restore.dest" } },
        { kind: "list-local", path: load.path, reqId: load.reqId },
      );
    }
    case "start":
      return start(s);
    case "plan":
      return showPlan(s, "restore");
    default:
      return s;
  }
}

/** Handles a command on the restore screen; null when the screen does not take it. */
export function restoreCommand(s: AppState, command: Command, text?: string): AppState | null {
  if (s.restore.form.focus === "tree" && s.restore.tree) {
    const r = treeCommand(
      s.restore.tree,
      command,
      restoreTreeRows(s.size.rows, s.restore.transfer),
    );
    if (r) {
      return loadEffect(
        { ...s, restore: { ...s.restore, tree: r.tree } },
        "restore",
        r.tree,
        r.load,
      );
    }
  }
  const r = formCommand(s.restore.form, restoreFields(s), command, text);
  if (!r) return null;
  const next = { ...s, restore: { ...s.restore, form: r.form } };
  return r.event?.kind === "activate" ? activate(next, r.event.field) : next;
}

/** The folder picker chose the destination. */
export function restoreDestChosen(s: AppState, path: string): AppState {
  return { ...s, restore: { ...s.restore, form: setValue(s.restore.form, "dest", path) } };
}
