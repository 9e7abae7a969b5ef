/**
 * What opens above a screen: the key help, yes/no questions, choosers, the folder and prefix
 * pickers, the passphrase prompt and the details viewer.
 *
 * @module
 */

import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { helpFor, type HelpSection } from "../input/keymap.ts";
import type { AppState, Overlay } from "../state/app_state.ts";
import { bodyRows, overlayListRows } from "../state/layout.ts";
import { useTheme } from "../theme.tsx";
import { cell, fit, fitLeft } from "../format.ts";
import { Gap, TextField } from "./fields.tsx";
import { ListView } from "./list_view.tsx";
import { TreeView } from "./tree_view.tsx";

function Panel(
  props: { title: string; width: number; height: number; danger?: boolean; children: ReactNode },
) {
  const t = useTheme();
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={props.danger ? t.c("danger") : t.c("accent")}
      width={props.width}
      height={props.height}
      paddingX={1}
      overflow="hidden"
    >
      <Text bold color={props.danger ? t.c("danger") : t.c("accent")}>
        {fit(props.title, props.width - 4)}
      </Text>
      {props.children}
    </Box>
  );
}

const SCREEN_NOTES: Record<string, string> = {
  home: "Pick a screen with ↑↓ and Enter, or press its number.",
  config: "Fill the fields, Test connection, then Save. The secret is kept in the OS keychain.",
  backup:
    "Choose a folder (Enter opens a picker), then Start: you see the plan before anything moves.",
  restore: "Browse with ↑↓ → ←, Space selects folders or files (none: the folder you are in).",
  history: "Newest first. Enter shows a run's report and errors.",
  settings:
    "Defaults for new backups and restores; scheduled jobs run by 'eigen-s3 daemon' or timers.",
};

function HelpBody(props: { o: Extract<Overlay, { kind: "help" }>; width: number; height: number }) {
  const t = useTheme();
  const sections = helpFor(props.o.scopes);
  const room = props.height - 4;
  // whole sections per column, in order, as many columns as needed (at most two)
  const columns: HelpSection[][] = [[]];
  let used = 0;
  for (const s of sections) {
    const need = s.rows.length + 1;
    if (used + need > room && columns[columns.length - 1]!.length > 0 && columns.length < 2) {
      columns.push([]);
      used = 0;
    }
    columns[columns.length - 1]!.push(s);
    used += need;
  }
  const colW = Math.floor((props.width - 4) / columns.length);
  const keyW = Math.min(
    14,
    Math.max(...sections.flatMap((s) => s.rows.map((r) => r.keys.length))) + 1,
  );
  return (
    <>
      <Text dimColor>{fit(SCREEN_NOTES[props.o.screen] ?? "", props.width - 4)}</Text>
      <Box>
        {columns.map((col, i) => (
          <Box key={i} flexDirection="column" width={colW}>
            {col.flatMap((sec) => [
              <Text key={sec.title} bold color={t.c("accent")}>{fit(sec.title, colW - 1)}</Text>,
              ...sec.rows.map((r, j) => (
                <Text key={`${sec.title}${j}`}>
                  {cell(r.keys, keyW)}
                  {fit(r.help, colW - keyW - 1)}
                </Text>
              )),
            ])}
          </Box>
        ))}
      </Box>
    </>
  );
}

/** The overlay of `s`, sized to the body. */
export function OverlayView(props: { s: AppState }) {
  const t = useTheme();
  const s = props.s;
  const o = s.overlay;
  if (!o) return null;
  const width = Math.min(s.size.columns, 100);
  const height = bodyRows(s.size.rows);
  const inner = width - 4;
  const listH = overlayListRows(s.size.rows);
  switch (o.kind) {
    case "help":
      return (
        <Panel title="Keys (Esc closes)" width={width} height={height}>
          <HelpBody o={o} width={width} height={height} />
        </Panel>
      );
    case "confirm":
      return (
        <Panel
          title={o.title}
          width={width}
          height={Math.min(height, o.lines.length + 5)}
          danger={o.danger}
        >
          {o.lines.map((l, i) => (
            <Text key={i} wrap="truncate">{l === "" ? " " : fit(l, inner)}</Text>
          ))}
          <Text>
            <Text bold inverse color={o.danger ? t.c("danger") : t.c("accent")}>
              {` y: ${o.labels[0]} `}
            </Text>
            <Gap n={3} />
            <Text bold>{` n: ${o.labels[1]} `}</Text>
          </Text>
        </Panel>
      );
    case "choose":
      return (
        <Panel title={o.title} width={width} height={height}>
          <ListView
            items={o.items}
            cursor={o.cursor}
            height={listH + 2}
            focused
            render={(it) => `${cell(it.label, 24)} ${fit(it.detail ?? "", inner - 26)}`}
          />
        </Panel>
      );
    case "folder": {
      const pk = o.picker;
      return (
        <Panel
          title={o.target === "restore.dest"
            ? "Choose the folder to restore into"
            : "Choose the folder to back up"}
          width={width}
          height={height}
        >
          <Text bold>{fitLeft(pk.path, inner)}</Text>
          {pk.error ? <Text color={t.c("error")} wrap="wrap">{pk.error}</Text> : (
            <ListView
              items={pk.entries}
              cursor={pk.cursor}
              height={listH + 1}
              focused
              empty={pk.loading ? "loading..." : "(no sub-folders: press . to choose this folder)"}
              render={(e) => fit(`▸ ${e.name}/`, inner)}
            />
          )}
        </Panel>
      );
    }
    case "prefix": {
      const bucket = s.profile ? s.config?.profiles[s.profile]?.bucket_name ?? "" : "";
      return (
        <Panel title="Choose the destination folder in the bucket" width={width} height={height}>
          <TreeView tree={o.tree} bucket={bucket} height={listH - 1} width={inner} focused />
        </Panel>
      );
    }
    case "passphrase":
      return (
        <Panel title="Passphrase for the encrypted secrets file" width={width} height={8}>
          <Text wrap="truncate">
            {fit(o.stage === 2 ? "Type the same passphrase again." : o.message, inner)}
          </Text>
          <TextField
            label="Passphrase"
            value={o.form.values.value ?? ""}
            cursor={o.form.cursor}
            focused
            masked
            width={inner - 20}
          />
          {o.error
            ? <Text color={t.c("error")}>{fit(o.error, inner)}</Text>
            : <Text dimColor>Enter to confirm, Esc to cancel.</Text>}
        </Panel>
      );
    case "details":
      return (
        <Panel title={o.title} width={width} height={height}>
          <ListView
            items={o.lines}
            cursor={o.cursor}
            height={listH + 2}
            focused={false}
            render={(l) => fit(l, inner) || " "}
          />
        </Panel>
      );
  }
}
