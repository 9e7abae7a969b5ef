/**
 * The Restore Manager.
 *
 * @module
 */

import { Box, Text } from "ink";
import type { AppState } from "../state/app_state.ts";
import { restoreTreeRows } from "../state/layout.ts";
import { restoreFields, restoreSources } from "../state/restore_screen.ts";
import { fit } from "../format.ts";
import { FormFields, ScreenTitle } from "../components/fields.tsx";
import { TransferPanel } from "../components/transfer_panel.tsx";
import { TreeView } from "../components/tree_view.tsx";

/** The restore screen. */
export function RestoreScreen(props: { s: AppState }) {
  const s = props.s;
  const w = s.size.columns;
  const r = s.restore;
  const bucket = s.profile ? s.config?.profiles[s.profile]?.bucket_name ?? "" : "";
  const sources = restoreSources(r.tree);
  const what = r.tree && r.tree.selected.length > 0
    ? `${r.tree.selected.length} selected item(s)`
    : `everything in s3://${bucket}/${r.tree?.prefix ?? ""}`;
  const fields = restoreFields(s).filter((f) => f.id !== "tree");
  const running = r.transfer.phase !== "idle";
  return (
    <Box flexDirection="column">
      <Text>
        <ScreenTitle text="Restore Manager" />
        <Text dimColor>{fit(`  restores ${what}`, w - 17)}</Text>
      </Text>
      <TreeView
        tree={r.tree}
        bucket={bucket}
        height={restoreTreeRows(s.size.rows, r.transfer)}
        width={w}
        focused={r.form.focus === "tree"}
      />
      <FormFields
        fields={fields}
        form={r.form}
        width={w}
        labels={{ options: "Options" }}
        tails={["dest"]}
        hints={{
          dest: "Enter: browse",
          at: "e.g. 2026-11-20",
          exclude: "globs, e.g. *.tmp",
        }}
        placeholders={{ dest: "(choose or type a folder)", at: "(now)", exclude: "(none)" }}
      />
      {running || sources.length > 0
        ? (
          <TransferPanel
            transfer={r.transfer}
            verb="download"
            done="restored"
            width={w - 1}
            rows={6}
          />
        )
        : null}
    </Box>
  );
}
