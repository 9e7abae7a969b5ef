/**
 * Where the app is: the home menu, the initial state, the keymap scopes in force and moving
 * between screens (with what each screen loads when it opens).
 *
 * @module
 */

import type { Scope } from "../input/keymap.ts";
import type { Capabilities } from "../services/services.ts";
import { type AppState, type ScreenId, withEffect } from "./app_state.ts";
import { backupFields, initialBackupForm } from "./backup_screen.ts";
import { configFields, configScreenFor } from "./config_screen.ts";
import { focusedField, scopesForField } from "./form.ts";
import { loadHistory } from "./history_screen.ts";
import { overlayScopes } from "./overlay.ts";
import { ensureTree, initialRestoreForm, restoreFields } from "./restore_screen.ts";
import { SETTINGS_FIELDS, settingsForm } from "./settings_screen.ts";
import { IDLE_TRANSFER } from "./transfer.ts";
import { INITIAL_SCHEDULE } from "./schedule.ts";
import { jobFormFields } from "./schedule_form.ts";

/** The home menu, in order. */
export const HOME_ITEMS: readonly { screen: ScreenId; title: string; about: string }[] = [
  {
    screen: "config",
    title: "S3 configuration",
    about: "profiles, endpoint, bucket, keys; test the connection",
  },
  { screen: "backup", title: "Backup manager", about: "back up a local folder to the bucket" },
  {
    screen: "restore",
    title: "Restore manager",
    about: "browse the bucket and restore files or folders",
  },
  { screen: "history", title: "History", about: "past backups and restores with their errors" },
  {
    screen: "settings",
    title: "Settings",
    about: "scheduled backup jobs; transfer defaults",
  },
];

/** The state before the config file is read. */
export function initialState(opts: {
  columns: number;
  rows: number;
  capabilities: Capabilities;
  home: string;
}): AppState {
  return {
    screen: "home",
    overlay: null,
    size: { columns: opts.columns, rows: opts.rows },
    config: null,
    profile: null,
    capabilities: opts.capabilities,
    homeCursor: 0,
    status: { text: "Loading the configuration...", tone: "info" },
    configScreen: configScreenFor(null, undefined),
    backup: { form: initialBackupForm(), transfer: IDLE_TRANSFER },
    restore: { form: initialRestoreForm(), tree: null, transfer: IDLE_TRANSFER },
    history: { records: [], cursor: 0, loading: false, error: null },
    settings: { form: settingsForm(undefined), message: null },
    schedule: INITIAL_SCHEDULE,
    effects: [{ kind: "load-config", select: null, message: null, id: 1 }],
    nextId: 2,
    exit: null,
    quitWhenStopped: false,
    home: opts.home,
  };
}

/** The keymap scopes in force for the screen (without overlays). */
export function screenScopes(s: AppState): Scope[] {
  switch (s.screen) {
    case "home":
    case "history":
      return ["list", "global"];
    case "config":
      return scopesForField(focusedField(s.configScreen.form, configFields(s.configScreen))?.kind);
    case "backup":
      return scopesForField(focusedField(s.backup.form, backupFields(s))?.kind);
    case "restore":
      return scopesForField(focusedField(s.restore.form, restoreFields(s))?.kind);
    case "settings": {
      const jf = s.schedule.form;
      if (jf) return scopesForField(focusedField(jf.form, jobFormFields(jf))?.kind);
      if (s.settings.form.focus === "jobs") return ["jobs", "list", "form", "global"];
      return scopesForField(focusedField(s.settings.form, SETTINGS_FIELDS)?.kind);
    }
  }
}

/** The keymap scopes in force now. */
export function activeScopes(s: AppState): Scope[] {
  return s.overlay ? overlayScopes(s.overlay) : screenScopes(s);
}

/** Goes to a screen (loading what it shows). */
export function goScreen(s: AppState, screen: ScreenId): AppState {
  let next: AppState = { ...s, screen, overlay: null };
  if (screen === "history") next = loadHistory(next);
  if (screen === "restore") next = ensureTree(next);
  if (screen === "settings") {
    next = withEffect(
      { ...next, settings: { form: settingsForm(next.config?.defaults), message: null } },
      { kind: "load-jobs" },
    );
  }
  if (screen === "config" && next.configScreen.mode === "edit" && next.profile === null) {
    next = { ...next, configScreen: configScreenFor(null, undefined) };
  }
  return next;
}
