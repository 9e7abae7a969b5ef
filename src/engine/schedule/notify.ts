/**
 * Notifications of a finished job run: the webhook (the run result as JSON, retried) and a
 * desktop notification, as the job's `notify` settings ask. The history record and the exit
 * code are always there anyway (job_run.ts).
 *
 * @module
 */

import { hostname } from "node:os";
import type { Job } from "./jobs.ts";
import type { JobNotifier, JobRunResult, NotificationOutcome } from "./job_run.ts";
import { postWebhook, type WebhookOptions } from "./webhook.ts";
import { desktopNotify, type DesktopNotifyOptions } from "./desktop_notify.ts";

/** The JSON body POSTed to a job's webhook. */
export interface WebhookBody extends JobRunResult {
  event: "eigen-s3.job-finished";
  /** Payload format version. */
  version: 1;
  host: string;
}

/** Builds the webhook body of a run (no secrets: the result holds none). */
export function webhookBody(result: JobRunResult, host: string = hostname()): WebhookBody {
  return { event: "eigen-s3.job-finished", version: 1, host, ...result };
}

/** Title and text of the desktop notification. */
export function desktopText(result: JobRunResult): { title: string; body: string } {
  const r = result.report;
  const files = r
    ? `${r.files_uploaded} uploaded, ${r.files_deleted} deleted, ${r.errors.length} failed`
    : "";
  const what = {
    success: "backed up",
    partial: "finished with errors",
    failed: "failed",
    interrupted: "was interrupted",
    "dry-run": "dry run finished",
  }[result.status];
  const body = [files, result.error ?? ""].filter((s) => s !== "").join(". ");
  return { title: `eigen-s3: ${result.job} ${what}`, body: body || result.folder };
}

/** Options of {@link createNotifier}. */
export interface NotifierOptions {
  webhook?: Omit<WebhookOptions, "signal">;
  desktop: Omit<DesktopNotifyOptions, "urgent">;
  /** Host name in the webhook body (default: this machine's). */
  host?: string;
}

/** The notifier the CLI and the daemon use. */
export function createNotifier(options: NotifierOptions): JobNotifier {
  return async (result: JobRunResult, job: Job, signal?: AbortSignal) => {
    const out: NotificationOutcome[] = [];
    if (job.notify.webhook) {
      const w = await postWebhook(job.notify.webhook, webhookBody(result, options.host), {
        ...options.webhook,
        ...(signal ? { signal } : {}),
      });
      out.push({
        channel: "webhook",
        ok: w.delivered,
        detail: w.delivered
          ? `sent (HTTP ${w.status}, attempt ${w.attempts})`
          : `${w.error} (after ${w.attempts} attempt${w.attempts === 1 ? "" : "s"})`,
      });
    }
    if (job.notify.desktop) {
      const { title, body } = desktopText(result);
      const d = await desktopNotify(title, body, {
        ...options.desktop,
        urgent: result.status !== "success",
      });
      out.push({
        channel: "desktop",
        ok: d.sent || d.skipped,
        detail: d.sent ? "sent" : d.skipped ? `skipped: ${d.reason}` : d.reason,
      });
    }
    return out;
  };
}
