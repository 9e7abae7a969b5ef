/**
 * The runs the TUI drives ({@link RunKind}): backup and restore, shared by both managers
 * (plan, confirm when something will be deleted, run, events, stop, outcome), and a scheduled
 * job run now from Settings ("scheduled"), which shares the run, events, stop and outcome (it
 * has no plan step).
 *
 * @module
 */

import type { BackupRequest, RestoreRequest } from "../services/services.ts";
import { type Action, type AppState, type RunKind, withEffect, withStatus } from "./app_state.ts";
import {
  applyEvents,
  failed,
  finished,
  IDLE_TRANSFER,
  isBusy,
  planning,
  planReady,
  started,
  type TransferState,
} from "./transfer.ts";

/** The transfer state of `job`. */
export function transferOf(s: AppState, job: RunKind): TransferState {
  return job === "backup"
    ? s.backup.transfer
    : job === "restore"
    ? s.restore.transfer
    : s.schedule.transfer;
}

/** The transfer kinds, in the order the status line and Ctrl+C look at them. */
export const TRANSFER_KINDS: readonly RunKind[] = ["backup", "restore", "scheduled"];

/** How a transfer is named in messages: "backup", "restore", "job 'nightly'". */
export function transferLabel(s: AppState, job: RunKind): string {
  return job === "scheduled" ? `job '${s.schedule.running ?? "?"}'` : job;
}

/** Replaces the transfer state of `job`. */
export function setTransfer(s: AppState, job: RunKind, t: TransferState): AppState {
  if (job === "scheduled") return { ...s, schedule: { ...s.schedule, transfer: t } };
  return job === "backup"
    ? { ...s, backup: { ...s.backup, transfer: t } }
    : { ...s, restore: { ...s.restore, transfer: t } };
}

/** True when any transfer is planning, running or stopping. */
export function anyBusy(s: AppState): boolean {
  return TRANSFER_KINDS.some((job) => isBusy(transferOf(s, job)));
}

/** Starts planning `request`. */
export function startPlan(
  s: AppState,
  job: RunKind,
  request: BackupRequest | RestoreRequest,
): AppState {
  const planId = s.nextId;
  const next = setTransfer({ ...s, nextId: s.nextId + 1 }, job, {
    ...planning(request.dryRun),
    planId,
  });
  return withStatus(
    withEffect(next, { kind: "plan", job, planId, request }),
    `Planning the ${job}...`,
    "info",
  );
}

function word(job: RunKind): string {
  return job === "backup" ? "upload" : "download";
}

/** Handles the actions of runs; returns null for other actions. */
export function runAction(s: AppState, a: Action): AppState | null {
  switch (a.type) {
    case "plan-ready": {
      const t = transferOf(s, a.job);
      if (t.planId !== a.planId || t.phase !== "planning") {
        return withEffect(s, { kind: "discard", job: a.job, planId: a.planId });
      }
      const next = setTransfer(s, a.job, planReady(t, a.planId, a.summary));
      const sum = a.summary;
      if (!t.dryRun && sum.deletes > 0) {
        return {
          ...withStatus(next, "The plan deletes objects: answer the question to go on.", "warn"),
          overlay: {
            kind: "confirm",
            title: `This ${a.job} will DELETE ${sum.deletes} object${sum.deletes === 1 ? "" : "s"}`,
            lines: [
              sum.route,
              `${sum.transfers} file${sum.transfers === 1 ? "" : "s"} to ${word(a.job)}, ` +
              `${sum.deletes} to delete, ${sum.skips} unchanged.`,
              ...sum.notes,
              "",
              "Deleted objects are gone unless the bucket keeps versions. Go ahead?",
            ],
            danger: true,
            yes: { type: "run-plan", job: a.job },
            no: { type: "cancel-plan", job: a.job },
            labels: ["delete and upload", "cancel"],
          },
        };
      }
      return withEffect(next, { kind: "run", job: a.job, planId: a.planId });
    }
    case "plan-failed": {
      const t = transferOf(s, a.job);
      if (t.planId !== a.planId) return s;
      return withStatus(setTransfer(s, a.job, failed(t, a.message)), a.message, "error");
    }
    case "run-plan": {
      const t = transferOf(s, a.job);
      if (t.phase !== "ready" || t.planId === null) return s;
      return withEffect(s, { kind: "run", job: a.job, planId: t.planId });
    }
    case "cancel-plan": {
      const t = transferOf(s, a.job);
      if (t.phase !== "ready" || t.planId === null) return s;
      const next = setTransfer(s, a.job, {
        ...IDLE_TRANSFER,
        message: "Cancelled: nothing was changed.",
      });
      return withStatus(
        withEffect(next, { kind: "discard", job: a.job, planId: t.planId }),
        "Cancelled: nothing was changed.",
      );
    }
    case "transfer-started": {
      const t = transferOf(s, a.job);
      // a stop asked before the start arrived stays asked
      const phase = t.phase === "stopping" ? "stopping" : "running";
      return withStatus(
        setTransfer(s, a.job, { ...started(t, a.at), phase }),
        `The ${transferLabel(s, a.job)} is running.`,
        "info",
      );
    }
    case "transfer-events": {
      const t = transferOf(s, a.job);
      if (t.phase !== "running" && t.phase !== "stopping") return s;
      return setTransfer(s, a.job, applyEvents(t, a.events, a.at));
    }
    case "transfer-done": {
      const o = a.outcome;
      const what = transferLabel(s, a.job);
      let next = setTransfer(s, a.job, finished(transferOf(s, a.job), o));
      // a job run changes the job's last result
      if (a.job === "scheduled") {
        next = withEffect(
          { ...next, schedule: { ...next.schedule, select: s.schedule.running } },
          { kind: "load-jobs" },
        );
      }
      const text = o.status === "success"
        ? `The ${what} finished.`
        : o.status === "dry-run"
        ? `Dry run finished: nothing was changed.`
        : o.status === "interrupted"
        ? `The ${what} was stopped cleanly.`
        : o.status === "partial"
        ? `The ${what} finished with ${o.errors.length} error(s).`
        : `The ${what} failed: ${o.message ?? "see the errors"}`;
      next = withStatus(
        next,
        text,
        o.status === "success" || o.status === "dry-run"
          ? "ok"
          : o.status === "interrupted"
          ? "warn"
          : "error",
      );
      if (next.quitWhenStopped && !anyBusy(next)) next = { ...next, exit: 130 };
      return next;
    }
    case "stop-transfers": {
      let next: AppState = { ...s, overlay: null, quitWhenStopped: s.quitWhenStopped || a.quit };
      for (const job of TRANSFER_KINDS) {
        const t = transferOf(next, job);
        // a job run has no plan step: "planning" only means its start has not arrived yet
        if (t.phase === "running" || (job === "scheduled" && t.phase === "planning")) {
          next = withEffect(setTransfer(next, job, { ...t, phase: "stopping" }), {
            kind: "abort",
            job,
          });
        } else if (t.phase === "planning") {
          next = withEffect(
            setTransfer(next, job, {
              ...IDLE_TRANSFER,
              message: "Stopped before anything was changed.",
            }),
            { kind: "abort", job },
          );
        } else if (t.phase === "ready" && t.planId !== null) {
          next = withEffect(setTransfer(next, job, IDLE_TRANSFER), {
            kind: "discard",
            job,
            planId: t.planId,
          });
        }
      }
      if (!anyBusy(next)) return next.quitWhenStopped ? { ...next, exit: 130 } : next;
      return withStatus(
        next,
        "Stopping cleanly: letting the files in flight finish or abort...",
        "warn",
      );
    }
    default:
      return null;
  }
}
