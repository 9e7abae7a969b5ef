/**
 * The scheduled jobs of the Settings screen: one row per job (name, schedule, next run, last
 * result), the selected job's route below, and the progress or result of a job run now.
 *
 * @module
 */

import { Box, Text } from "ink";
import type { AppState } from "../state/app_state.ts";
import type { JobLast, JobRow } from "../services/schedule_types.ts";
import { jobPanelRows, settingsJobRows } from "../state/layout.ts";
import { currentJob } from "../state/schedule.ts";
import { useTheme } from "../theme.tsx";
import { cell, fit, formatZoned } from "../format.ts";
import { Marker } from "./fields.tsx";
import { ListView } from "./list_view.tsx";
import { TransferPanel } from "./transfer_panel.tsx";

const NAME_W = 17;
const CRON_W = 13;
const NEXT_W = 17;
const LAST_W = 30;

/** "✓ success 11-24 03:00", "! partial 11-24 03:00, 2 failed", "never run". */
export function lastText(last: JobLast | null, tz: string): string {
  if (!last) return "never run";
  const mark = last.status === "success" ? "✓" : last.status === "failed" ? "✗" : "!";
  const failed = last.failed ? `, ${last.failed} failed` : "";
  return `${mark} ${last.status} ${formatZoned(last.finishedAt, tz).slice(5)}${failed}`;
}

/** One row of the list, `width` characters at most. */
export function jobLine(r: JobRow, width: number): string {
  const head = `${cell(r.name, NAME_W - 1)} ${cell(r.cron || "?", CRON_W - 1)} ${
    cell(r.nextRun ? formatZoned(r.nextRun, r.timezone) : r.valid ? "never" : "INVALID", NEXT_W - 1)
  } `;
  const room = width - NAME_W - CRON_W - NEXT_W;
  if (room < LAST_W + 20) return head + fit(lastText(r.last, r.timezone), room);
  return head + cell(lastText(r.last, r.timezone), LAST_W - 1) + " " +
    fit(`${r.folder} -> ${r.profile}:${r.prefix}`, room - LAST_W);
}

/** The selected job in one line: where it goes, its time zone, the bucket URL last. */
export function jobDetail(r: JobRow): string {
  if (!r.valid) return `✗ ${r.error ?? "invalid"} (e: fix it)`;
  const to = r.destination ? ` · ${r.destination}` : "";
  return `${r.folder} -> ${r.profile}:${r.prefix || "(root)"} · ${r.timezone}${to}`;
}

/** The jobs section. */
export function JobList(props: { s: AppState; width: number }) {
  const t = useTheme();
  const s = props.s;
  const sc = s.schedule;
  const w = props.width;
  const focused = s.settings.form.focus === "jobs";
  const rows = sc.rows ?? [];
  const row = currentJob(s);
  const panel = jobPanelRows(sc.transfer);
  const empty = sc.rows === null
    ? "  Loading..."
    : sc.error
    ? ""
    : focused
    ? "  None yet: press a to add a job."
    : "  None yet: Tab here, then press a to add a job.";
  return (
    <Box flexDirection="column">
      <Box>
        <Marker on={focused} />
        <Text bold>{`Scheduled jobs (${rows.length})`}</Text>
        <Text dimColor>
          {fit(
            focused
              ? "   a add · e edit · x remove · r run now"
              : "   Tab here, then: a add · e edit · x remove · r run now",
            w - 22,
          )}
        </Text>
      </Box>
      <Text dimColor>
        {fit(
          `  ${cell("Name", NAME_W - 1)} ${cell("Schedule", CRON_W - 1)} ${
            cell("Next run", NEXT_W - 1)
          } Last result`,
          w,
        )}
      </Text>
      {sc.error ? <Text color={t.c("error")}>{fit(`  ${sc.error}`, w)}</Text> : null}
      <ListView
        items={rows}
        cursor={sc.cursor}
        height={settingsJobRows(s.size.rows, sc.transfer)}
        focused={focused}
        empty={empty}
        render={(r) => `  ${jobLine(r, w - 2)}`}
      />
      {row
        ? (
          <Text color={row.valid ? undefined : t.c("error")} dimColor={row.valid}>
            {fit(`  ${jobDetail(row)}`, w)}
          </Text>
        )
        : <Box height={1} />}
      {panel > 0
        ? (
          <Box flexDirection="column">
            <Text bold>{fit(` Run now: job '${sc.running ?? ""}'`, w)}</Text>
            <TransferPanel
              transfer={sc.transfer}
              verb="upload"
              done="uploaded"
              width={w - 1}
              rows={panel - 1}
            />
          </Box>
        )
        : null}
    </Box>
  );
}
