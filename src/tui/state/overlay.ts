/**
 * Keys while an overlay is open: help, questions, choosers, the folder and prefix pickers, the
 * passphrase prompt and the details viewer.
 *
 * @module
 */

import type { Command, Scope } from "../input/keymap.ts";
import type { Action, AppState, Overlay } from "./app_state.ts";
import { withEffect } from "./app_state.ts";
import { backupFolderChosen, backupPrefixChosen } from "./backup_screen.ts";
import { configChosen } from "./config_screen.ts";
import { folderPickerCommand } from "./folder_picker.ts";
import { editText, newForm } from "./form.ts";
import { overlayListRows } from "./layout.ts";
import { moveCursor } from "./list_cursor.ts";
import { loadEffect, restoreDestChosen } from "./restore_screen.ts";
import { settingsChosen } from "./settings_screen.ts";
import { jobFolderChosen, jobFormChosen } from "./schedule_form.ts";
import { currentEntry, treeCommand } from "./tree.ts";

/** The keymap scopes of an overlay. */
export function overlayScopes(o: Overlay): Scope[] {
  switch (o.kind) {
    case "help":
      return ["help", "global"];
    case "confirm":
      return ["dialog", "global"];
    case "choose":
      return ["picker", "global"];
    case "folder":
    case "prefix":
      return ["folderPicker", "global"];
    case "passphrase":
      return ["text", "dialog", "global"];
    case "details":
      return ["details", "global"];
  }
}

function close(s: AppState): AppState {
  return { ...s, overlay: null };
}

/**
 * Handles a command while an overlay is open. `reduce` applies an action (for the answers of
 * questions). Returns null for commands the app handles (Ctrl+C).
 */
export function overlayCommand(
  s: AppState,
  command: Command,
  text: string | undefined,
  reduce: (s: AppState, a: Action) => AppState,
): AppState | null {
  const o = s.overlay;
  if (!o) return null;
  if (command === "app.interrupt") return null;
  const page = overlayListRows(s.size.rows);
  switch (o.kind) {
    case "help":
      return command === "app.back" || command === "app.help" || command === "app.quit" ||
          command === "form.activate"
        ? close(s)
        : s;
    case "details": {
      if (command === "app.back" || command === "app.quit") return close(s);
      const moved = moveCursor(o.cursor, o.lines.length, command, page);
      return moved === null ? s : { ...s, overlay: { ...o, cursor: moved } };
    }
    case "confirm":
      if (command === "dialog.yes") return reduce(close(s), o.yes);
      if (command === "dialog.no" || command === "app.back") {
        return o.no ? reduce(close(s), o.no) : close(s);
      }
      return s;
    case "choose": {
      if (command === "app.back") return close(s);
      if (command === "picker.choose") {
        const item = o.items[o.cursor];
        if (!item) return close(s);
        if (o.target.screen === "job") return jobFormChosen(close(s), o.target.field, item.value);
        return o.target.screen === "config"
          ? configChosen(close(s), o.target.field, item.value)
          : settingsChosen(close(s), o.target.field, item.value);
      }
      const moved = moveCursor(o.cursor, o.items.length, command, page);
      return moved === null ? s : { ...s, overlay: { ...o, cursor: moved } };
    }
    case "folder": {
      if (command === "app.back") return close(s);
      const r = folderPickerCommand(o.picker, command, page);
      if (!r) return s;
      if (r.chosen !== undefined) {
        if (o.target === "job.folder") return jobFolderChosen(close(s), r.chosen);
        return o.target === "backup.folder"
          ? backupFolderChosen(close(s), r.chosen)
          : restoreDestChosen(close(s), r.chosen);
      }
      const next: AppState = { ...s, overlay: { ...o, picker: r.picker } };
      return r.load
        ? withEffect(next, { kind: "list-local", path: r.load.path, reqId: r.load.reqId })
        : next;
    }
    case "prefix": {
      if (command === "app.back") return close(s);
      if (command === "picker.choose" || command === "picker.chooseHere") {
        const e = currentEntry(o.tree);
        const chosen = command === "picker.choose" && e?.isFolder ? e.key : o.tree.prefix;
        return backupPrefixChosen(close(s), chosen);
      }
      const r = treeCommand(o.tree, command === "list.select" ? "list.open" : command, page);
      if (!r) return s;
      return loadEffect({ ...s, overlay: { ...o, tree: r.tree } }, "prefix", r.tree, r.load);
    }
    case "passphrase": {
      if (command === "dialog.no" || command === "app.back") {
        return withEffect(close(s), { kind: "passphrase-answer", question: o.id, value: null });
      }
      if (command === "dialog.yes") {
        const value = o.form.values.value ?? "";
        if (value === "") return { ...s, overlay: { ...o, error: "The passphrase is empty." } };
        if (o.confirm && o.stage === 1) {
          return {
            ...s,
            overlay: {
              ...o,
              stage: 2,
              first: value,
              form: newForm("value", { value: "" }),
              error: null,
            },
          };
        }
        if (o.confirm && o.stage === 2 && value !== o.first) {
          return {
            ...s,
            overlay: {
              ...o,
              stage: 1,
              first: "",
              form: newForm("value", { value: "" }),
              error: "The two passphrases differ: type it again.",
            },
          };
        }
        return withEffect(close(s), { kind: "passphrase-answer", question: o.id, value });
      }
      if (command.startsWith("text.")) {
        return { ...s, overlay: { ...o, form: editText(o.form, command, text), error: null } };
      }
      return s;
    }
  }
}
