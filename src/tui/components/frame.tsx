/**
 * The frame around every screen: the title bar with the screen tabs, the body, the status line
 * (profile, bucket, what is running, the last message) and a line of key hints.
 *
 * @module
 */

import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { AppState, ScreenId } from "../state/app_state.ts";
import { bodyRows } from "../state/layout.ts";
import { percentOf } from "../state/transfer.ts";
import { activeScopes } from "../state/root_reducer.ts";
import { TRANSFER_KINDS, transferOf } from "../state/runs.ts";
import { useTheme } from "../theme.tsx";
import { fit } from "../format.ts";
import { Gap } from "./fields.tsx";

const NAME = " eigen-s3 ";

const TABS: { screen: ScreenId; key: string; title: string }[] = [
  { screen: "config", key: "1", title: "Config" },
  { screen: "backup", key: "2", title: "Backup" },
  { screen: "restore", key: "3", title: "Restore" },
  { screen: "history", key: "4", title: "History" },
  { screen: "settings", key: "5", title: "Settings" },
];

/** The short key hints for the current focus. */
export function hintsFor(s: AppState): string {
  const scopes = activeScopes(s);
  const top = scopes[0];
  if (s.overlay?.kind === "confirm") return "y yes · n no · Esc cancel";
  if (s.overlay?.kind === "passphrase") return "Enter confirm · Esc cancel";
  if (s.overlay?.kind === "help") return "Esc or ? close";
  if (s.overlay?.kind === "choose") return "↑↓ move · Enter choose · Esc cancel";
  if (s.overlay?.kind === "folder" || s.overlay?.kind === "prefix") {
    return "↑↓ move · Enter/→ open · ← up · Space choose highlighted · . choose this folder · Esc cancel";
  }
  if (s.overlay?.kind === "details") return "↑↓ PgUp PgDn scroll · Esc close";
  const tail = " · Esc back · ? keys · q quit";
  switch (top) {
    case "text":
      return "Tab/↓ next field · Enter next/choose · Esc back · Alt+1-5 screens";
    case "profile":
      return "←→ switch profile · n new · x remove · d default · Tab next" + tail;
    case "jobs":
      return "↑↓ move · a add · e/Enter edit · x remove · r run now · Tab fields" + tail;
    case "tree":
      return "↑↓ move · Enter/→ open · ← up · Space select · Tab to options" + tail;
    case "list":
      return s.screen === "home"
        ? "↑↓ move · Enter open · 1-5 screens" + tail
        : "↑↓ move · Enter details · r reload" + tail;
    default:
      return "Tab/↑↓ move · Enter press · Space tick" + tail;
  }
}

function StatusLine(props: { s: AppState; width: number }) {
  const t = useTheme();
  const s = props.s;
  const p = s.profile ? s.config?.profiles[s.profile] : undefined;
  const running: string[] = [];
  for (const job of TRANSFER_KINDS) {
    const tr = transferOf(s, job);
    const what = job === "scheduled" ? `job ${s.schedule.running ?? ""}` : job;
    if (tr.phase === "running" || tr.phase === "stopping") {
      running.push(`${what} ${Math.floor(percentOf(tr.progress))}%`);
    }
    if (tr.phase === "planning") {
      running.push(`${what} ${job === "scheduled" ? "starting" : "planning"}`);
    }
  }
  // most important first: what runs, then where (the endpoint is cut first)
  const parts = s.profile
    ? [
      s.profile,
      `${p?.bucket_name ?? "?"}${p?.path_prefix ? `/${p.path_prefix.replace(/\/$/, "")}` : ""}`,
      ...running,
      p?.endpoint || "AWS S3",
    ]
    : ["no profile", ...running];
  const msg = s.status?.text ?? "";
  const tone = s.status?.tone === "error"
    ? "error"
    : s.status?.tone === "ok"
    ? "ok"
    : s.status?.tone === "warn"
    ? "warn"
    : undefined;
  const head = ` ${parts.join(" │ ")} `;
  return (
    <Box width={props.width}>
      <Text inverse>{fit(head, Math.floor(props.width * 0.6))}</Text>
      <Text color={tone ? t.c(tone) : undefined} bold={tone === "error"}>
        {fit(" " + msg, props.width - Math.min([...head].length, Math.floor(props.width * 0.6)))}
      </Text>
    </Box>
  );
}

/** The frame; `children` is the screen body. */
export function Frame(props: { s: AppState; children: ReactNode }) {
  const t = useTheme();
  const { columns, rows } = props.s.size;
  return (
    <Box flexDirection="column" width={columns} height={rows}>
      <Box width={columns}>
        <Text inverse color={t.c("accent")} bold>{NAME}</Text>
        <Gap />
        {TABS.map((tab) => {
          const on = props.s.screen === tab.screen;
          return (
            <Text key={tab.screen}>
              <Text inverse={on} bold={on} color={on ? t.c("accent") : undefined}>
                {` ${tab.key} ${tab.title} `}
              </Text>
              <Gap />
            </Text>
          );
        })}
      </Box>
      <Box flexDirection="column" height={bodyRows(rows)} width={columns} overflow="hidden">
        {props.children}
      </Box>
      <StatusLine s={props.s} width={columns} />
      <Text dimColor>{fit(hintsFor(props.s), columns)}</Text>
    </Box>
  );
}

/** Shown instead of the screens when the window is below 80x24. */
export function TooSmall(props: { columns: number; rows: number }) {
  const t = useTheme();
  return (
    <Box flexDirection="column" width={props.columns} height={props.rows}>
      <Text color={t.c("warn")} bold>{fit("Window too small", props.columns)}</Text>
      <Text wrap="wrap">
        {`eigen-s3 needs at least 80x24; this window is ${props.columns}x${props.rows}. Make it larger, or press q to quit.`}
      </Text>
    </Box>
  );
}
