/**
 * Notifications of a finished job run: the webhook (the run result as JSON, retried) and a
 * desktop notification, as the job's `notify` settings ask. The history record and the exit
 * code are always there anyway (job_run.ts).
 *
 * @module
 */

import { hostname } from "node:os";
import type { Job, JobNotify } from "./jobs.ts";
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
    "cut-off": "was cut off by its time or size limit (the next run goes on)",
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
  /** Environment reader for `webhook_token_env` (default: the process environment). */
  env?: (name: string) => string | undefined;
}

/**
 * The webhook's bearer token, read now: from the environment variable or the file the job
 * names (a file others can read is refused, as the secrets file is). Undefined when the job
 * has none; an Error saying what is missing otherwise.
 */
export async function webhookToken(
  notify: JobNotify,
  env: (name: string) => string | undefined,
): Promise<string | undefined> {
  if (notify.webhook_token_env) {
    const v = env(notify.webhook_token_env)?.trim();
    if (!v) {
      throw new Error(
        `webhook token: ${notify.webhook_token_env} is not set in the environment of this run`,
      );
    }
    return v;
  }
  if (notify.webhook_token_file) {
    const file = notify.webhook_token_file;
    let st: Deno.FileInfo;
    try {
      st = await Deno.stat(file);
    } catch {
      throw new Error(`webhook token: cannot read ${file}`);
    }
    if (Deno.build.os !== "windows" && st.mode !== null && (st.mode & 0o077) !== 0) {
      throw new Error(
        `webhook token: ${file} is readable by others (mode ${
          (st.mode & 0o777).toString(8)
        }): chmod 600 ${file}`,
      );
    }
    const v = (await Deno.readTextFile(file)).split(/\r?\n/)[0]!.trim();
    if (!v) throw new Error(`webhook token: ${file} is empty`);
    return v;
  }
  return undefined;
}

/** The notifier the CLI and the daemon use. */
export function createNotifier(options: NotifierOptions): JobNotifier {
  return async (result: JobRunResult, job: Job, signal?: AbortSignal) => {
    const out: NotificationOutcome[] = [];
    if (job.notify.webhook) {
      let token: string | undefined;
      try {
        token = await webhookToken(job.notify, options.env ?? ((n) => Deno.env.get(n)));
      } catch (e) {
        out.push({ channel: "webhook", ok: false, detail: (e as Error).message });
        return out;
      }
      const w = await postWebhook(job.notify.webhook, webhookBody(result, options.host), {
        ...options.webhook,
        ...(token ? { token } : {}),
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
        urgent: result.status !== "success" && result.status !== "cut-off",
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
