/**
 * The lower half of the Backup and Restore managers: planning, the plan summary, live progress
 * (bar, rate, ETA, files moving now, errors as they happen) and the summary at the end.
 *
 * @module
 */

import { Box, Text } from "ink";
import Spinner from "ink-spinner";
import type { PlanSummary, RunOutcome } from "../services/services.ts";
import { etaSeconds, percentOf, rateOf, type TransferState } from "../state/transfer.ts";
import { useTheme } from "../theme.tsx";
import {
  etaText,
  fit,
  fitRoute,
  formatBytes,
  formatDuration,
  formatRate,
  packNames,
  plural,
} from "../format.ts";
import { ProgressBar } from "./progress_bar.tsx";

/** "Plan: 12 files to upload (520 MiB), 3 to delete, 100 unchanged". */
export function planLine(s: PlanSummary, verb: string): string {
  const parts = [`${plural(s.transfers, "file")} to ${verb} (${formatBytes(s.transferBytes)})`];
  if (s.deletes > 0) parts.push(`${s.deletes} to delete`);
  parts.push(`${s.skips} unchanged or skipped`);
  return `Plan: ${parts.join(", ")}`;
}

/** "Done in 1m05s: 30 uploaded, 2 deleted, 100 skipped, 520 MiB." */
export function outcomeLine(o: RunOutcome, verb: string): string {
  const head = o.status === "dry-run"
    ? "Dry run: nothing was changed. Would"
    : o.status === "interrupted"
    ? `Stopped after ${formatDuration(o.durationMs)}:`
    : o.status === "failed"
    ? "Failed:"
    : `Done in ${formatDuration(o.durationMs)}:`;
  const parts = [`${o.transferred} ${verb}`];
  if (o.deleted > 0) parts.push(`${o.deleted} deleted`);
  parts.push(`${o.skipped} skipped`, formatBytes(o.bytes));
  const tail = o.errors.length > 0 ? `; ${plural(o.errors.length, "error")}` : "";
  return `${head} ${parts.join(", ")}${tail}.`;
}

/** Props of {@link TransferPanel}. */
export interface TransferPanelProps {
  transfer: TransferState;
  /** "upload" or "download". */
  verb: string;
  /** Past tense: "uploaded" / "restored". */
  done: string;
  width: number;
  rows: number;
}

function ErrorLines(props: { errors: TransferState["errors"]; rows: number; width: number }) {
  const t = useTheme();
  if (props.errors.length === 0 || props.rows <= 0) return null;
  const shown = props.errors.slice(-Math.max(1, props.rows - 1));
  return (
    <Box flexDirection="column">
      <Text color={t.c("error")} bold>{`Errors (${props.errors.length}):`}</Text>
      {shown.map((e, i) => (
        <Text key={i} color={t.c("error")}>{fit(`  ✗ ${e.name}: ${e.message}`, props.width)}</Text>
      ))}
    </Box>
  );
}

/** The transfer panel. */
export function TransferPanel(p: TransferPanelProps) {
  const t = useTheme();
  const tr = p.transfer;
  const w = p.width;
  switch (tr.phase) {
    case "idle":
      return (
        <Text dimColor>
          {fit(tr.message ?? "Start shows the plan first; nothing moves before that.", w)}
        </Text>
      );
    case "planning":
      return (
        <Text>
          <Text color={t.c("accent")}>
            <Spinner type="dots" />
          </Text>
          {fit(
            ` Planning${tr.dryRun ? " (dry run)" : ""}: comparing the folder with the bucket...`,
            w - 2,
          )}
        </Text>
      );
    case "failed":
      return (
        <Box flexDirection="column">
          <Text color={t.c("error")} bold>✗ Could not start:</Text>
          <Text color={t.c("error")} wrap="wrap">{tr.message ?? "unknown error"}</Text>
        </Box>
      );
    case "ready":
      return (
        <Box flexDirection="column">
          <Text>{fitRoute(tr.summary?.route ?? "", w)}</Text>
          {tr.summary ? <Text bold>{fit(planLine(tr.summary, p.verb), w)}</Text> : null}
          {tr.summary?.notes.slice(0, 2).map((n, i) => (
            <Text key={i} color={t.c("warn")}>{fit(n, w)}</Text>
          ))}
          <Text dimColor>Waiting for your answer...</Text>
        </Box>
      );
    case "running":
    case "stopping": {
      const prog = tr.progress;
      const pct = percentOf(prog);
      const rate = rateOf(tr);
      const files = prog && prog.filesTotal > 0
        ? `${prog.filesDone}/${prog.filesTotal} files  `
        : "";
      const stats = `${files}${formatRate(rate)}  ETA ${etaText(etaSeconds(tr))}`;
      const notices = Math.min(2, tr.notices.length);
      const fileLines = Math.max(1, Math.min(3, p.rows - 3 - notices - (tr.errors.length ? 3 : 0)));
      const now = tr.current.length
        ? packNames(
          tr.current.length > 1 ? `Now (${tr.current.length}): ` : "Now: ",
          tr.current,
          w,
          fileLines,
        )
        : [tr.lastDone ? fit(`Last done: ${tr.lastDone}`, w) : "Now: starting..."];
      const used = 3 + now.length + notices;
      return (
        <Box flexDirection="column">
          <Text>{fitRoute(tr.summary?.route ?? "", w)}</Text>
          <ProgressBar percent={pct} bytes={prog?.bytes ?? 0} total={prog?.total ?? 0} width={w} />
          <Text>
            {tr.phase === "stopping" ? <Text color={t.c("warn")} bold>Stopping...</Text> : null}
            {fit(stats, w)}
          </Text>
          {now.map((l, i) => <Text key={`now${i}`} dimColor>{l}</Text>)}
          {tr.notices.slice(-2).map((n, i) => <Text key={i} color={t.c("warn")}>{fit(n, w)}</Text>)}
          <ErrorLines errors={tr.errors} rows={p.rows - used} width={w} />
        </Box>
      );
    }
    case "done": {
      const o = tr.outcome;
      if (!o) return null;
      const tone = o.status === "success" || o.status === "dry-run"
        ? "ok"
        : o.status === "interrupted" || o.status === "partial"
        ? "warn"
        : "error";
      const mark = tone === "ok" ? "✓" : tone === "warn" ? "!" : "✗";
      return (
        <Box flexDirection="column">
          <Text>{fitRoute(tr.summary?.route ?? "", w)}</Text>
          <Text color={t.c(tone)} bold>
            {fit(`${mark} ${outcomeLine(o, o.status === "dry-run" ? p.verb : p.done)}`, w)}
          </Text>
          {o.message ? <Text color={t.c("error")}>{fit(o.message, w)}</Text> : null}
          {tr.notices.slice(-1).map((n, i) => <Text key={i} color={t.c("warn")}>{fit(n, w)}</Text>)}
          {o.status === "interrupted"
            ? <Text dimColor>{fit("Start again to continue where it stopped.", w)}</Text>
            : null}
          <ErrorLines errors={tr.errors} rows={p.rows - 4} width={w} />
        </Box>
      );
    }
  }
}
