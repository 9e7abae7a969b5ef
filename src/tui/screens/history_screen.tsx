/**
 * History: past runs, newest first.
 *
 * @module
 */

import { Box, Text } from "ink";
import type { HistoryRecord } from "../../engine/state/history.ts";
import type { AppState } from "../state/app_state.ts";
import { reportOf } from "../state/history_screen.ts";
import { listRows } from "../state/layout.ts";
import { useTheme } from "../theme.tsx";
import { cell, fitRoute, formatBytes, formatDate } from "../format.ts";
import { ListView } from "../components/list_view.tsx";
import { ScreenTitle } from "../components/fields.tsx";

const W = { date: 17, cmd: 8, status: 13, files: 6, bytes: 10 };

/** One history row as text. */
export function historyRow(r: HistoryRecord, width: number): string {
  const rep = reportOf(r);
  const files = rep.files_uploaded ?? rep.files_downloaded ?? 0;
  const errors = rep.errors?.length ?? 0;
  const where = r.command === "restore"
    ? `s3://${r.bucket}/${r.prefix} -> ${r.local_path}`
    : `${r.local_path} -> s3://${r.bucket}/${r.prefix}`;
  const status = r.status + (errors ? ` ${errors}✗` : "");
  const routeW = Math.max(10, width - W.date - W.cmd - W.status - W.files - W.bytes - 3);
  return cell(formatDate(r.finished_at), W.date) + cell(r.command, W.cmd) + cell(status, W.status) +
    cell(String(files), W.files, true) + " " +
    cell(formatBytes(rep.bytes_transferred ?? 0), W.bytes, true) +
    "  " + fitRoute(where, routeW);
}

/** The history screen. */
export function HistoryScreen(props: { s: AppState }) {
  const t = useTheme();
  const s = props.s;
  const h = s.history;
  const w = s.size.columns;
  return (
    <Box flexDirection="column">
      <Text>
        <ScreenTitle text="History" />
        <Text dimColor>
          {`  ${h.records.length} run(s), newest first${h.loading ? " (loading...)" : ""}`}
        </Text>
      </Text>
      {h.error ? <Text color={t.c("error")} wrap="wrap">{h.error}</Text> : null}
      <Text dimColor>
        {cell("Finished", W.date) + cell("Command", W.cmd) + cell("Status", W.status) +
          cell("Files", W.files, true) + " " + cell("Bytes", W.bytes, true) + "  Route"}
      </Text>
      <ListView
        items={h.records}
        cursor={h.cursor}
        height={listRows(s.size.rows)}
        focused
        empty={h.loading ? "" : "No runs yet: back up a folder from the Backup manager (2)."}
        render={(r) => historyRow(r, w - 1)}
      />
    </Box>
  );
}
