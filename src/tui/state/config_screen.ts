/**
 * The S3 Configuration screen: profiles (switch, add, remove, make default), the profile's
 * fields, Test Connection and Save.
 *
 * @module
 */

import type { ProfileConfig } from "../../engine/config/config.ts";
import type { Command } from "../input/keymap.ts";
import type { ProfileDraft, SaveProfileResult } from "../services/services.ts";
import {
  type Action,
  type AppState,
  type ConfigScreenState,
  withEffect,
  withStatus,
} from "./app_state.ts";
import { REGIONS } from "./choices.ts";
import { type FieldSpec, focusField, formCommand, newForm, setValue } from "./form.ts";

const COMMON: FieldSpec[] = [
  { id: "endpoint", kind: "text", label: "Endpoint" },
  { id: "region", kind: "choice", label: "Region" },
  { id: "accessKey", kind: "text", label: "Access key ID" },
  { id: "secret", kind: "secret", label: "Secret key" },
  { id: "bucket", kind: "choice", label: "Bucket" },
  { id: "prefix", kind: "text", label: "Path prefix" },
  { id: "test", kind: "button", label: "Test connection", row: "buttons" },
  { id: "save", kind: "button", label: "Save", row: "buttons" },
];

/** The fields of the screen in its current mode. */
export function configFields(c: ConfigScreenState): FieldSpec[] {
  if (c.mode === "new") {
    return [
      { id: "name", kind: "text", label: "New profile" },
      ...COMMON,
      { id: "cancel", kind: "button", label: "Cancel", row: "buttons" },
    ];
  }
  return [
    { id: "profile", kind: "profile", label: "Profile" },
    ...COMMON,
    { id: "new", kind: "button", label: "New profile", row: "buttons" },
    { id: "remove", kind: "button", label: "Remove", row: "buttons" },
  ];
}

/** The form values of a saved profile (the secret is never loaded into the form). */
export function formValues(name: string, p: ProfileConfig | undefined): Record<string, string> {
  return {
    name,
    endpoint: p?.endpoint ?? "",
    region: p?.region ?? "us-east-1",
    bucket: p?.bucket_name ?? "",
    accessKey: p?.access_key_id ?? "",
    secret: "",
    prefix: p?.path_prefix ?? "",
  };
}

/** The screen showing profile `name` (or a new-profile form when there is none). */
export function configScreenFor(
  name: string | null,
  p: ProfileConfig | undefined,
): ConfigScreenState {
  if (name === null || p === undefined) {
    return {
      form: newForm("endpoint", formValues(name ?? "default", undefined)),
      mode: "new",
      busy: null,
      result: null,
    };
  }
  return { form: newForm("profile", formValues(name, p)), mode: "edit", busy: null, result: null };
}

/** The draft the form holds. */
export function draftOf(c: ConfigScreenState, active: string | null): ProfileDraft {
  const v = c.form.values;
  return {
    name: c.mode === "new" ? (v.name ?? "").trim() : (active ?? v.name ?? "default"),
    endpoint: (v.endpoint ?? "").trim(),
    region: (v.region ?? "").trim(),
    bucket: (v.bucket ?? "").trim(),
    accessKeyId: (v.accessKey ?? "").trim(),
    secret: v.secret ?? "",
    pathPrefix: (v.prefix ?? "").trim(),
  };
}

/** Profile names, sorted. */
export function profileNames(s: AppState): string[] {
  return Object.keys(s.config?.profiles ?? {}).sort();
}

/** Makes `name` the active profile of the session (every screen follows). */
export function switchProfile(s: AppState, name: string): AppState {
  const p = s.config?.profiles[name];
  const configScreen = configScreenFor(name, p);
  const keep = s.configScreen.mode === "edit" &&
    configFields(configScreen).some((f) => f.id === s.configScreen.form.focus);
  return {
    ...s,
    profile: name,
    configScreen: keep
      ? { ...configScreen, form: focusField(configScreen.form, s.configScreen.form.focus) }
      : configScreen,
    restore: { ...s.restore, tree: null },
  };
}

function set(s: AppState, c: Partial<ConfigScreenState>): AppState {
  return { ...s, configScreen: { ...s.configScreen, ...c } };
}

function startNew(s: AppState): AppState {
  const form = newForm("name", { ...formValues("", undefined) });
  return set(s, { mode: "new", form, result: null, busy: null });
}

function activate(s: AppState, field: string): AppState {
  const c = s.configScreen;
  const draft = draftOf(c, s.profile);
  switch (field) {
    case "region": {
      const at = REGIONS.findIndex((r) => r.value === draft.region);
      return {
        ...s,
        overlay: {
          kind: "choose",
          title: "Region (or type any other name in the field)",
          items: [...REGIONS],
          cursor: Math.max(0, at),
          target: { screen: "config", field: "region" },
        },
      };
    }
    case "bucket":
      return withEffect(set(s, { busy: "listing", result: null }), { kind: "list-buckets", draft });
    case "test":
      return withEffect(
        set(s, { busy: "testing", result: { tone: "info", lines: ["Testing the connection..."] } }),
        { kind: "test-connection", draft },
      );
    case "save":
      return withEffect(
        set(s, { busy: "saving", result: { tone: "info", lines: ["Testing, then saving..."] } }),
        { kind: "save-profile", draft, skipTest: false },
      );
    case "new":
      return startNew(s);
    case "cancel":
      return cancelNew(s);
    case "remove":
      return askRemove(s);
    default:
      return s;
  }
}

function cancelNew(s: AppState): AppState {
  const p = s.profile ? s.config?.profiles[s.profile] : undefined;
  return { ...s, configScreen: configScreenFor(s.profile, p) };
}

function askRemove(s: AppState): AppState {
  if (!s.profile || !s.config?.profiles[s.profile]) return s;
  return {
    ...s,
    overlay: {
      kind: "confirm",
      title: `Remove profile '${s.profile}'?`,
      lines: [
        "Its settings and its stored secret access key are deleted.",
        "Objects in the bucket are not touched.",
      ],
      danger: true,
      yes: { type: "remove-profile", name: s.profile },
      no: null,
      labels: ["remove", "keep it"],
    },
  };
}

function cycleProfile(s: AppState, delta: number): AppState {
  const names = profileNames(s);
  if (names.length === 0) return s;
  const at = Math.max(0, names.indexOf(s.profile ?? ""));
  const name = names[(at + delta + names.length) % names.length]!;
  if (name === s.profile) return s;
  return withStatus(switchProfile(s, name), `Switched to profile '${name}'.`);
}

/** Handles a command on the config screen; null when the screen does not take it. */
export function configCommand(s: AppState, command: Command, text?: string): AppState | null {
  const c = s.configScreen;
  switch (command) {
    case "profile.prev":
      return cycleProfile(s, -1);
    case "profile.next":
      return cycleProfile(s, 1);
    case "profile.new":
      return startNew(s);
    case "profile.remove":
      return askRemove(s);
    case "profile.default":
      return s.profile ? withEffect(s, { kind: "make-default", name: s.profile }) : s;
    case "app.back":
      return c.mode === "new" && s.profile ? cancelNew(s) : null;
  }
  if (c.busy && (command === "form.activate")) return s;
  const fields = configFields(c);
  const r = formCommand(c.form, fields, command, text);
  if (!r) return null;
  let next = set(s, { form: r.form });
  if (r.event?.kind === "activate") next = activate(next, r.event.field);
  return next;
}

/** A chooser picked `value` for `field`. */
export function configChosen(s: AppState, field: string, value: string): AppState {
  const c = s.configScreen;
  const form = setValue(focusField(c.form, field), field, value);
  return set(s, { form });
}

function describeStatus(
  name: string,
  st: { connected: boolean; bucket_accessible: boolean; error_message: string | null },
  bucket: string,
): { tone: "ok" | "error"; lines: string[] } {
  if (st.bucket_accessible) {
    return {
      tone: "ok",
      lines: [`✓ Connected.  ✓ Bucket '${bucket}' is accessible (profile '${name}').`],
    };
  }
  return {
    tone: "error",
    lines: [
      st.connected ? "✓ Connected, but ✗ the bucket is not accessible:" : "✗ Not connected:",
      st.error_message ?? "unknown error",
    ],
  };
}

/** Results of the screen's effects. */
export function configResult(s: AppState, a: Action): AppState {
  switch (a.type) {
    case "connection-tested": {
      const bucket = s.configScreen.form.values.bucket ?? "";
      return set(s, { busy: null, result: describeStatus(a.name, a.status, bucket) });
    }
    case "buckets-listed": {
      if (a.buckets.length === 0) {
        return set(s, {
          busy: null,
          result: {
            tone: "warn",
            lines: ["No buckets are visible to this key: type the bucket name."],
          },
        });
      }
      const current = s.configScreen.form.values.bucket ?? "";
      return {
        ...set(s, { busy: null, result: null }),
        overlay: {
          kind: "choose",
          title: `Buckets (${a.buckets.length})`,
          items: a.buckets.map((b) => ({
            label: b.name,
            value: b.name,
            detail: b.creation_date ? `created ${b.creation_date.slice(0, 10)}` : "",
          })),
          cursor: Math.max(0, a.buckets.findIndex((b) => b.name === current)),
          target: { screen: "config", field: "bucket" },
        },
      };
    }
    case "profile-saved":
      return saved(s, a.result, a.draft);
    case "save-anyway":
      return withEffect(
        set(s, { busy: "saving", result: { tone: "info", lines: ["Saving..."] } }),
        { kind: "save-profile", draft: a.draft, skipTest: true },
      );
    case "remove-profile":
      return withEffect(s, { kind: "remove-profile", name: a.name });
    default:
      return s;
  }
}

function saved(s: AppState, r: SaveProfileResult, draft: ProfileDraft): AppState {
  if (!r.saved) {
    const st = describeStatus(draft.name, r.status, draft.bucket);
    return {
      ...set(s, { busy: null, result: st }),
      overlay: {
        kind: "confirm",
        title: "The connection test failed",
        lines: [...st.lines, "", "Save the profile anyway?"],
        danger: false,
        yes: { type: "save-anyway", draft },
        no: null,
        labels: ["save anyway", "go back and fix it"],
      },
    };
  }
  const next = switchProfile({ ...s, config: r.config }, draft.name);
  const lines = [
    `Saved profile '${draft.name}'${r.tested ? " (connection tested)" : " (not tested)"}.`,
    `Secret access key stored in ${r.secretLocation}.`,
  ];
  if (r.fallbackReason) lines.push(r.fallbackReason);
  return withStatus(
    set(next, { busy: null, result: { tone: "ok", lines } }),
    `Saved profile '${draft.name}'.`,
    "ok",
  );
}
