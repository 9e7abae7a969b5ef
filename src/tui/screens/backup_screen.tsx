/**
 * The Backup Manager.
 *
 * @module
 */

import { Box, Text } from "ink";
import type { AppState } from "../state/app_state.ts";
import { backupFields, destinationPrefix } from "../state/backup_screen.ts";
import { bodyRows } from "../state/layout.ts";
import { fit } from "../format.ts";
import { FormFields, ScreenTitle } from "../components/fields.tsx";
import { TransferPanel } from "../components/transfer_panel.tsx";

/** Where the destination prefix lands, e.g. "s3://photos/backups/Pictures/". */
export function destinationUrl(s: AppState, prefix: string): string {
  const p = s.profile ? s.config?.profiles[s.profile] : undefined;
  if (!p) return "";
  const clean = prefix.replace(/^\/+|\/+$/g, "");
  return `s3://${p.bucket_name}/${p.path_prefix}${clean ? clean + "/" : ""}`;
}

/** The backup screen. */
export function BackupScreen(props: { s: AppState }) {
  const s = props.s;
  const w = s.size.columns;
  const form = s.backup.form;
  const dest = destinationUrl(
    s,
    destinationPrefix(form.values.folder ?? "", form.values.prefix ?? ""),
  );
  const panelRows = bodyRows(s.size.rows) - 10;
  return (
    <Box flexDirection="column">
      <ScreenTitle text="Backup Manager" />
      <Text dimColor>
        {fit(` Copies new and changed files from a local folder to ${dest || "the bucket"}`, w)}
      </Text>
      <FormFields
        fields={backupFields(s)}
        form={form}
        width={w}
        labels={{ options: "Options" }}
        tails={["folder", "prefix"]}
        hints={{
          folder: "Enter: browse",
          prefix: "Enter: browse bucket",
          exclude: "globs, e.g. *.tmp **/cache",
          filters: "the CLI's flags",
        }}
        placeholders={{
          folder: "(choose a folder)",
          prefix: "(the folder's name; / for the root)",
          exclude: "(none)",
          filters: "(none) e.g. --include '*.jpg' --max-age 90d --max-duration 5h",
        }}
      />
      <Box height={1} />
      <TransferPanel
        transfer={s.backup.transfer}
        verb="upload"
        done="uploaded"
        width={w - 1}
        rows={panelRows}
      />
    </Box>
  );
}
