/**
 * The root reducer: turns key presses into named commands (keymap.ts) and hands them to the
 * overlay, the screen or the app; routes effect results to the screen that asked.
 *
 * @module
 */

import { helpFor, resolveKey, type Scope } from "../input/keymap.ts";
import { type Action, type AppState, tooSmall, withStatus } from "./app_state.ts";
import { backupCommand } from "./backup_screen.ts";
import { configCommand, configResult, configScreenFor, switchProfile } from "./config_screen.ts";
import { folderFailed, folderListed } from "./folder_picker.ts";
import { newForm } from "./form.ts";
import { historyCommand } from "./history_screen.ts";
import { anyBusy, runAction, TRANSFER_KINDS, transferLabel, transferOf } from "./runs.ts";
import { isBusy } from "./transfer.ts";
import { scheduleAction } from "./schedule.ts";
import { effectFailed } from "./effect_failed.ts";
import { moveCursor } from "./list_cursor.ts";
import { activeScopes, goScreen, HOME_ITEMS, screenScopes } from "./navigation.ts";
import { overlayCommand } from "./overlay.ts";
import { loadEffect, restoreCommand } from "./restore_screen.ts";
import { settingsCommand, settingsForm } from "./settings_screen.ts";
import { treeFailed, treePageLoaded } from "./tree.ts";

export { activeScopes, goScreen, HOME_ITEMS, initialState, screenScopes } from "./navigation.ts";

function homeCommand(s: AppState, command: string): AppState | null {
  const moved = moveCursor(s.homeCursor, HOME_ITEMS.length, command as never, HOME_ITEMS.length);
  if (moved !== null) return { ...s, homeCursor: moved };
  if (command === "list.open") return goScreen(s, HOME_ITEMS[s.homeCursor]!.screen);
  return null;
}

function screenCommand(
  s: AppState,
  command: Parameters<typeof configCommand>[1],
  text?: string,
): AppState | null {
  switch (s.screen) {
    case "home":
      return homeCommand(s, command);
    case "config":
      return configCommand(s, command, text);
    case "backup":
      return backupCommand(s, command, text);
    case "restore":
      return restoreCommand(s, command, text);
    case "history":
      return historyCommand(s, command);
    case "settings":
      return settingsCommand(s, command, text);
  }
}

function interrupt(s: AppState): AppState {
  if (s.overlay?.kind === "confirm" && s.overlay.yes.type === "stop-transfers") {
    return reduce(s, { type: "stop-transfers", quit: true });
  }
  if (!anyBusy(s)) return { ...s, exit: 0 };
  const job = TRANSFER_KINDS.find((k) => isBusy(transferOf(s, k))) ?? "backup";
  return {
    ...s,
    overlay: {
      kind: "confirm",
      title: `Stop the ${transferLabel(s, job)}?`,
      lines: [
        "Files already uploaded stay; files in flight finish or are aborted cleanly.",
        "Running it again later continues where it stopped.",
        "",
        "Ctrl+C again: stop and quit.",
      ],
      danger: true,
      yes: { type: "stop-transfers", quit: false },
      no: null,
      labels: ["stop", "keep going"],
    },
  };
}

function appCommand(s: AppState, command: string): AppState {
  switch (command) {
    case "app.quit":
      if (anyBusy(s)) {
        return withStatus(s, "A transfer is running: press Ctrl+C to stop it first.", "warn");
      }
      return { ...s, exit: 0 };
    case "app.interrupt":
      return interrupt(s);
    case "app.help":
      return { ...s, overlay: { kind: "help", scopes: screenScopes(s), screen: s.screen } };
    case "app.back":
      if (s.overlay) return { ...s, overlay: null };
      if (s.screen !== "home") return goScreen(s, "home");
      return withStatus(s, "Press q to quit.");
    case "go.home":
      return goScreen(s, "home");
    case "go.config":
      return goScreen(s, "config");
    case "go.backup":
      return goScreen(s, "backup");
    case "go.restore":
      return goScreen(s, "restore");
    case "go.history":
      return goScreen(s, "history");
    case "go.settings":
      return goScreen(s, "settings");
    default:
      return s;
  }
}

const SMALL_OK = new Set(["app.quit", "app.interrupt", "dialog.yes", "dialog.no"]);

function onKey(s: AppState, press: Extract<Action, { type: "key" }>["press"]): AppState {
  const command = resolveKey(activeScopes(s), press);
  if (!command) return s;
  if (tooSmall(s) && !SMALL_OK.has(command)) return s;
  if (s.overlay) {
    const r = overlayCommand(s, command, press.text, reduce);
    if (r) return r;
    return command === "app.interrupt" ? interrupt(s) : s;
  }
  return screenCommand(s, command, press.text) ?? appCommand(s, command);
}

function configLoaded(s: AppState, a: Extract<Action, { type: "config-loaded" }>): AppState {
  const first = s.config === null;
  const names = Object.keys(a.config.profiles);
  const keep = s.profile !== null && names.includes(s.profile) ? s.profile : null;
  const select = a.select !== null && names.includes(a.select)
    ? a.select
    : keep ?? names.sort()[0] ?? null;
  let next: AppState = { ...s, config: a.config };
  next = select
    ? switchProfile(next, select)
    : { ...next, profile: null, configScreen: configScreenFor(null, undefined) };
  if (first) {
    // keys pressed while the file was read may already have moved on: keep that screen
    if (next.screen === "home") next = goScreen(next, select ? "home" : "config");
    else next = goScreen(next, next.screen);
    next = select
      ? withStatus(
        next,
        `Profile '${select}' (bucket ${a.config.profiles[select]?.bucket_name}). Press ? for keys.`,
      )
      : withStatus(
        next,
        "Welcome! Set up an S3 profile to start: Tab moves between fields.",
        "info",
      );
  }
  if (a.message) next = { ...next, status: a.message };
  return next;
}

/** The reducer of the whole app. */
export function reduce(s: AppState, a: Action): AppState {
  switch (a.type) {
    case "key":
      return onKey(s, a.press);
    case "resize":
      return { ...s, size: { columns: a.columns, rows: a.rows } };
    case "effects-taken":
      return { ...s, effects: s.effects.filter((e) => e.id > a.upTo) };
    case "config-loaded":
      return configLoaded(s, a);
    case "connection-tested":
    case "buckets-listed":
    case "profile-saved":
    case "save-anyway":
    case "remove-profile":
      return configResult(s, a);
    case "effect-failed":
      return effectFailed(s, a);
    case "remote-page": {
      if (a.target === "restore") {
        if (!s.restore.tree) return s;
        const r = treePageLoaded(s.restore.tree, a.reqId, a.page);
        return loadEffect(
          { ...s, restore: { ...s.restore, tree: r.tree } },
          "restore",
          r.tree,
          r.load,
        );
      }
      if (s.overlay?.kind !== "prefix") return s;
      const r = treePageLoaded(s.overlay.tree, a.reqId, a.page);
      return loadEffect(
        { ...s, overlay: { ...s.overlay, tree: r.tree } },
        "prefix",
        r.tree,
        r.load,
      );
    }
    case "remote-failed": {
      if (a.target === "restore") {
        return s.restore.tree
          ? {
            ...s,
            restore: { ...s.restore, tree: treeFailed(s.restore.tree, a.reqId, a.message) },
          }
          : s;
      }
      return s.overlay?.kind === "prefix"
        ? { ...s, overlay: { ...s.overlay, tree: treeFailed(s.overlay.tree, a.reqId, a.message) } }
        : s;
    }
    case "local-listed":
      return s.overlay?.kind === "folder"
        ? {
          ...s,
          overlay: { ...s.overlay, picker: folderListed(s.overlay.picker, a.reqId, a.entries) },
        }
        : s;
    case "local-failed":
      return s.overlay?.kind === "folder"
        ? {
          ...s,
          overlay: { ...s.overlay, picker: folderFailed(s.overlay.picker, a.reqId, a.message) },
        }
        : s;
    case "history-loaded":
      return {
        ...s,
        history: {
          records: a.records,
          cursor: Math.min(s.history.cursor, Math.max(0, a.records.length - 1)),
          loading: false,
          error: null,
        },
      };
    case "defaults-saved":
      return {
        ...s,
        config: a.config,
        settings: {
          ...s.settings,
          form: { ...settingsForm(a.config.defaults), focus: "save" },
          message: { text: "Defaults saved.", tone: "ok" },
        },
      };
    case "passphrase-request":
      return {
        ...s,
        overlay: {
          kind: "passphrase",
          id: a.id,
          message: a.message,
          confirm: a.confirm,
          stage: 1,
          first: "",
          form: newForm("value", { value: "" }),
          error: null,
        },
      };
    case "signal":
      return reduce(s, { type: "stop-transfers", quit: true });
    case "none":
      return s;
    default:
      return scheduleAction(s, a) ?? runAction(s, a) ?? s;
  }
}

/** Reducer wrapper for React's useReducer. */
export function appReducer(s: AppState, a: Action): AppState {
  return reduce(s, a);
}

/** The help sections for the help overlay. */
export function helpSections(scopes: Scope[]) {
  return helpFor(scopes);
}
