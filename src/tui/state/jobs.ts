/**
 * Backup and restore runs, shared by both managers: plan, confirm when something will be
 * deleted, run, events, stop, outcome.
 *
 * @module
 */

import type { BackupRequest, RestoreRequest } from "../services.ts";
import { type Action, type AppState, type JobKind, withEffect, withStatus } from "./app_state.ts";
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
export function transferOf(s: AppState, job: JobKind): TransferState {
  return job === "backup" ? s.backup.transfer : s.restore.transfer;
}

/** Replaces the transfer state of `job`. */
export function setTransfer(s: AppState, job: JobKind, t: TransferState): AppState {
  return job === "backup"
    ? { ...s, backup: { ...s.backup, transfer: t } }
    : { ...s, restore: { ...s.restore, transfer: t } };
}

/** True when any transfer is planning, running or stopping. */
export function anyBusy(s: AppState): boolean {
  return isBusy(s.backup.transfer) || isBusy(s.restore.transfer);
}

/** Starts planning `request`. */
export function startPlan(
  s: AppState,
  job: JobKind,
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

function word(job: JobKind): string {
  return job === "backup" ? "upload" : "download";
}

/** Handles job actions; returns null for other actions. */
export function jobAction(s: AppState, a: Action): AppState | null {
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
    case "transfer-started":
      return withStatus(
        setTransfer(s, a.job, started(transferOf(s, a.job), a.at)),
        `The ${a.job} is running.`,
        "info",
      );
    case "transfer-events": {
      const t = transferOf(s, a.job);
      if (t.phase !== "running" && t.phase !== "stopping") return s;
      return setTransfer(s, a.job, applyEvents(t, a.events, a.at));
    }
    case "transfer-done": {
      const o = a.outcome;
      let next = setTransfer(s, a.job, finished(transferOf(s, a.job), o));
      const text = o.status === "success"
        ? `The ${a.job} finished.`
        : o.status === "dry-run"
        ? `Dry run finished: nothing was changed.`
        : o.status === "interrupted"
        ? `The ${a.job} was stopped cleanly.`
        : o.status === "partial"
        ? `The ${a.job} finished with ${o.errors.length} error(s).`
        : `The ${a.job} failed: ${o.message ?? "see the errors"}`;
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
      for (const job of ["backup", "restore"] as const) {
        const t = transferOf(next, job);
        if (t.phase === "running") {
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
