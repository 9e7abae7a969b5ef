/**
 * The whole state of the TUI as plain data, the actions that change it and the effects it asks
 * for. Reducers return a new state; effects queued in `effects` are run by the app (effects.ts)
 * and their results come back as actions. Nothing here touches Ink, the disk or the network.
 *
 * @module
 */

import type { ConfigFile, Defaults } from "../../engine/config/config.ts";
import type { S3BucketInfo, S3ConnectionStatus } from "../../engine/s3/connection.ts";
import type { EngineEvent } from "../../engine/core/events.ts";
import type { HistoryRecord } from "../../engine/state/history.ts";
import type { Scope } from "../input/keymap.ts";
import type { KeyPress } from "../input/keys.ts";
import type { CronPreview, JobDraft, JobRow, SaveJobResult } from "../services/schedule_types.ts";
import type {
  BackupRequest,
  Capabilities,
  LocalEntry,
  PlanSummary,
  ProfileDraft,
  RemotePage,
  RestoreRequest,
  RunOutcome,
  SaveProfileResult,
} from "../services/services.ts";
import type { FormState } from "./form.ts";
import type { FolderPickerState } from "./folder_picker.ts";
import type { TransferState } from "./transfer.ts";
import type { TreeState } from "./tree.ts";

/** The screens. */
export type ScreenId = "home" | "config" | "backup" | "restore" | "history" | "settings";

/**
 * The kinds of run the TUI drives: the two managers' backup and restore, and a scheduled job
 * run now from Settings ("scheduled").
 */
export type RunKind = "backup" | "restore" | "scheduled";

/** Where a tree's pages go. */
export type TreeTarget = "restore" | "prefix";

/** A one-line message with a tone. */
export interface Message {
  text: string;
  tone: "info" | "ok" | "error" | "warn";
}

/** One entry of a chooser. */
export interface ChooseItem {
  label: string;
  value: string;
  detail?: string;
}

/** What sits above the screen, taking the keys. */
export type Overlay =
  | { kind: "help"; scopes: Scope[]; screen: ScreenId }
  | {
    kind: "confirm";
    title: string;
    lines: string[];
    danger: boolean;
    yes: Action;
    no: Action | null;
    /** What y/n mean, e.g. ["stop", "keep going"]. */
    labels: [string, string];
  }
  | {
    kind: "choose";
    title: string;
    items: ChooseItem[];
    cursor: number;
    target: { screen: "config" | "settings" | "job"; field: string };
  }
  | {
    kind: "folder";
    picker: FolderPickerState;
    target: "backup.folder" | "restore.dest" | "job.folder";
  }
  | { kind: "prefix"; tree: TreeState }
  | {
    kind: "passphrase";
    id: number;
    message: string;
    confirm: boolean;
    stage: 1 | 2;
    first: string;
    form: FormState;
    error: string | null;
  }
  | { kind: "details"; title: string; lines: string[]; cursor: number };

/** The S3 configuration screen. */
export interface ConfigScreenState {
  form: FormState;
  mode: "edit" | "new";
  busy: null | "testing" | "saving" | "listing";
  result: { tone: Message["tone"]; lines: string[] } | null;
}

/** The backup manager. */
export interface BackupScreenState {
  form: FormState;
  transfer: TransferState;
}

/** The restore manager. */
export interface RestoreScreenState {
  form: FormState;
  tree: TreeState | null;
  transfer: TransferState;
}

/** The history screen. */
export interface HistoryScreenState {
  records: HistoryRecord[];
  cursor: number;
  loading: boolean;
  error: string | null;
}

/** The settings screen's defaults form. */
export interface SettingsScreenState {
  form: FormState;
  message: Message | null;
}

/** The form that adds or edits a scheduled job. */
export interface JobFormState {
  form: FormState;
  /** The job being edited (its name when the form opened), or null for a new job. */
  editing: string | null;
  /** Errors by field id, shown under the field they name. */
  errors: Record<string, string>;
  /** About the form as a whole: saving, or an error that names no field. */
  message: Message | null;
  /** The next runs of the typed cron expression (ISO) in its zone, or null. */
  preview: { runs: string[]; timezone: string } | null;
  /** Id of the latest preview request (older answers are dropped). */
  previewId: number;
  saving: boolean;
  /** Settings of the job the form does not show, which saving keeps. */
  extras: string[];
}

/** Scheduled jobs on the Settings screen. */
export interface ScheduleState {
  /** The jobs (null until the first list arrives). */
  rows: JobRow[] | null;
  /** Why the list could not be read. */
  error: string | null;
  cursor: number;
  /** Put the cursor on this job when the next list arrives. */
  select: string | null;
  /** The add/edit form, when open. */
  form: JobFormState | null;
  /** The job run now (or last run) from the list. */
  running: string | null;
  transfer: TransferState;
}

/** Work for the app to do outside the reducer. */
export type Effect =
  | { kind: "load-config"; select: string | null; message: Message | null }
  | { kind: "test-connection"; draft: ProfileDraft }
  | { kind: "list-buckets"; draft: ProfileDraft }
  | { kind: "save-profile"; draft: ProfileDraft; skipTest: boolean }
  | { kind: "remove-profile"; name: string }
  | { kind: "make-default"; name: string }
  | { kind: "save-defaults"; defaults: Defaults }
  | {
    kind: "list-remote";
    target: TreeTarget;
    profile: string;
    prefix: string;
    token?: string;
    reqId: number;
  }
  | { kind: "list-local"; path: string; reqId: number }
  | { kind: "load-history" }
  | { kind: "load-jobs" }
  | { kind: "preview-cron"; cron: string; timezone: string; reqId: number }
  | { kind: "save-job"; draft: JobDraft; editing: string | null }
  | { kind: "remove-job"; name: string }
  | { kind: "run-job"; name: string }
  | { kind: "plan"; job: RunKind; planId: number; request: BackupRequest | RestoreRequest }
  | { kind: "run"; job: RunKind; planId: number }
  | { kind: "discard"; job: RunKind; planId: number }
  | { kind: "abort"; job: RunKind }
  | { kind: "passphrase-answer"; question: number; value: string | null };

/** A queued effect with its id. */
export type QueuedEffect = Effect & { id: number };

/** Everything that can happen. */
export type Action =
  | { type: "key"; press: KeyPress }
  | { type: "resize"; columns: number; rows: number }
  | { type: "effects-taken"; upTo: number }
  | { type: "config-loaded"; config: ConfigFile; select: string | null; message: Message | null }
  | { type: "effect-failed"; effect: Effect["kind"]; message: string }
  | { type: "connection-tested"; status: S3ConnectionStatus; name: string }
  | { type: "buckets-listed"; buckets: S3BucketInfo[] }
  | { type: "profile-saved"; result: SaveProfileResult; draft: ProfileDraft }
  | { type: "remote-page"; target: TreeTarget; reqId: number; page: RemotePage }
  | { type: "remote-failed"; target: TreeTarget; reqId: number; message: string }
  | { type: "local-listed"; reqId: number; entries: LocalEntry[] }
  | { type: "local-failed"; reqId: number; message: string }
  | { type: "history-loaded"; records: HistoryRecord[] }
  | { type: "defaults-saved"; config: ConfigFile }
  | { type: "jobs-loaded"; jobs: JobRow[] }
  | { type: "cron-previewed"; reqId: number; preview: CronPreview }
  | { type: "job-saved"; result: SaveJobResult }
  | { type: "remove-job"; name: string }
  | { type: "job-removed"; name: string }
  | { type: "plan-ready"; job: RunKind; planId: number; summary: PlanSummary }
  | { type: "plan-failed"; job: RunKind; planId: number; message: string }
  | { type: "run-plan"; job: RunKind }
  | { type: "cancel-plan"; job: RunKind }
  | { type: "transfer-started"; job: RunKind; at: number }
  | { type: "transfer-events"; job: RunKind; events: EngineEvent[]; at: number }
  | { type: "transfer-done"; job: RunKind; outcome: RunOutcome }
  | { type: "stop-transfers"; quit: boolean }
  | { type: "remove-profile"; name: string }
  | { type: "save-anyway"; draft: ProfileDraft }
  | { type: "passphrase-request"; id: number; message: string; confirm: boolean }
  | { type: "signal" }
  | { type: "none" };

/** The app state. */
export interface AppState {
  screen: ScreenId;
  overlay: Overlay | null;
  size: { columns: number; rows: number };
  config: ConfigFile | null;
  /** The active profile (null when none is configured). */
  profile: string | null;
  capabilities: Capabilities;
  homeCursor: number;
  status: Message | null;
  configScreen: ConfigScreenState;
  backup: BackupScreenState;
  restore: RestoreScreenState;
  history: HistoryScreenState;
  settings: SettingsScreenState;
  schedule: ScheduleState;
  effects: QueuedEffect[];
  nextId: number;
  /** Set when the app should exit; the value is the exit code. */
  exit: number | null;
  /** Quit as soon as the running transfers have stopped. */
  quitWhenStopped: boolean;
  /** Where the user's home folder is (start of the folder picker). */
  home: string;
}

/** The smallest window the layout supports. */
export const MIN_COLUMNS = 80;
/** See {@link MIN_COLUMNS}. */
export const MIN_ROWS = 24;

/** Rows used by the frame (title, status and hint lines). */
export const FRAME_ROWS = 3;

/** True when the window is too small to draw the screens. */
export function tooSmall(s: AppState): boolean {
  return s.size.columns < MIN_COLUMNS || s.size.rows < MIN_ROWS;
}

/** Queues an effect. */
export function withEffect(s: AppState, effect: Effect): AppState {
  return {
    ...s,
    effects: [...s.effects, { ...effect, id: s.nextId } as QueuedEffect],
    nextId: s.nextId + 1,
  };
}

/** A fresh id (plans, requests). */
export function takeId(s: AppState): [AppState, number] {
  return [{ ...s, nextId: s.nextId + 1 }, s.nextId];
}

/** Sets the status message. */
export function withStatus(s: AppState, text: string, tone: Message["tone"] = "info"): AppState {
  return { ...s, status: { text, tone } };
}

/** The profile config of the active profile. */
export function activeProfileConfig(s: AppState) {
  return s.profile ? s.config?.profiles[s.profile] : undefined;
}
