import { postWebhook, redactUrlsIn } from "../../../src/engine/schedule/webhook.ts";
import { redactUrl } from "../../../src/engine/schedule/jobs.ts";
import { createNotifier, webhookBody, webhookToken } from "../../../src/engine/schedule/notify.ts";
import type { JobRunResult } from "../../../src/engine/schedule/job_run.ts";
import { configJobRef, validateJob } from "../../../src/engine/schedule/jobs.ts";
import { emptyReport } from "../../../src/engine/backup/backup_report.ts";
import { assertEquals, assertExcludes, assertOk } from "../../support/assert.ts";

/** A local webhook receiver answering with the given statuses in turn (then 200). */
function receiver(statuses: number[], headers: Record<string, string> = {}) {
  const bodies: unknown[] = [];
  const auth: (string | null)[] = [];
  let i = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    bodies.push(await req.json());
    auth.push(req.headers.get("authorization"));
    const status = statuses[i++] ?? 200;
    return new Response(status === 200 ? "ok" : "no", { status, headers });
  });
  const url = `http://127.0.0.1:${server.addr.port}/hooks/T000/SECRET-TOKEN?key=abc`;
  return { server, url, bodies, auth };
}

const RESULT: JobRunResult = {
  job: "photos",
  trigger: "schedule",
  status: "partial",
  exit_code: 3,
  started_at: "2025-01-01T03:00:00.000Z",
  finished_at: "2025-01-01T03:05:00.000Z",
  folder: "/data/photos",
  profile: "home",
  bucket: "archive",
  prefix: "photos/",
  report: {
    ...emptyReport("photos/", false),
    files_uploaded: 2,
    files_skipped: 5,
    bytes_transferred: 2048,
    duration_ms: 300000,
    errors: [{ path: "/data/photos/x", key: "photos/x", code: "UploadFailed", message: "boom" }],
  },
  error: null,
  error_code: null,
};

Deno.test("webhook: retried after a 500 with backoff, then delivered once", async () => {
  const r = receiver([500, 503]);
  try {
    const delays: number[] = [];
    const out = await postWebhook(r.url, { a: 1 }, {
      baseDelayMs: 10,
      onRetry: (_n, _why, ms) => delays.push(ms),
    });
    assertEquals(out, { delivered: true, attempts: 3, status: 200, error: null });
    assertEquals(r.bodies, [{ a: 1 }, { a: 1 }, { a: 1 }]);
    assertEquals(delays.length, 2);
    assertOk(delays[0]! >= 5 && delays[0]! <= 10, `first backoff ${delays[0]}`);
    assertOk(delays[1]! >= 10 && delays[1]! <= 20, `second backoff ${delays[1]}`);
  } finally {
    await r.server.shutdown();
  }
});

Deno.test("webhook: a 4xx is final; Retry-After is honoured; errors never show the token", async () => {
  const r = receiver([404]);
  try {
    const out = await postWebhook(r.url, { a: 1 }, { baseDelayMs: 10 });
    assertEquals(out.delivered, false);
    assertEquals(out.attempts, 1);
    assertEquals(out.status, 404);
    assertEquals(out.error, `http://127.0.0.1:${r.server.addr.port}/*** answered HTTP 404`);
  } finally {
    await r.server.shutdown();
  }
  const slow = receiver([429], { "retry-after": "0" });
  try {
    const delays: number[] = [];
    const out = await postWebhook(slow.url, {}, {
      baseDelayMs: 5000,
      onRetry: (_n, _w, ms) => delays.push(ms),
    });
    assertEquals([out.delivered, out.attempts, delays], [true, 2, [0]]);
  } finally {
    await slow.server.shutdown();
  }
});

Deno.test("webhook: network errors are retried up to the limit; the URL is redacted", async () => {
  // A port nobody listens on: bind one, note it, close it.
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const url = `http://user:hunter2@127.0.0.1:${port}/hook/SECRET`;
  const sleeps: number[] = [];
  const out = await postWebhook(url, {}, {
    attempts: 3,
    baseDelayMs: 1,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  assertEquals([out.delivered, out.attempts, out.status, sleeps.length], [false, 3, null, 2]);
  assertOk(out.error!.startsWith(`cannot reach http://***@127.0.0.1:${port}/***`), out.error!);
  assertExcludes(out.error!, "hunter2");
  assertExcludes(out.error!, "SECRET");
});

Deno.test("redaction of URLs in logs", () => {
  assertEquals(
    redactUrl("https://hooks.example.com/services/T/B/XYZ"),
    "https://hooks.example.com/***",
  );
  assertEquals(redactUrl("https://u:p@example.com:8443/"), "https://***@example.com:8443");
  assertEquals(redactUrl("https://example.com"), "https://example.com");
  assertEquals(redactUrl("https://example.com/?token=1"), "https://example.com/***");
  assertEquals(redactUrl("not a url"), "<invalid URL>");
  assertEquals(
    redactUrlsIn("error sending request for url (https://a:b@h.example/x?y=1): refused"),
    "error sending request for url (https://***@h.example/***): refused",
  );
});

Deno.test("notifier: the webhook gets the run result as JSON, nothing secret", async () => {
  const r = receiver([500]);
  try {
    const job = validateJob(
      { folder: "/data/photos", cron: "@daily", notify: { webhook: r.url, desktop: true } },
      configJobRef("cfg", "photos"),
    );
    const calls: string[][] = [];
    const notify = createNotifier({
      host: "nas",
      webhook: { baseDelayMs: 5 },
      desktop: {
        os: "linux",
        env: (n) => (n === "DISPLAY" ? ":0" : undefined),
        run: (req) => {
          calls.push([req.command, ...req.args]);
          return Promise.resolve({ status: "exited", code: 0, stdout: "", stderr: "" });
        },
      },
    });
    const out = await notify(RESULT, job);
    assertEquals(out, [
      { channel: "webhook", ok: true, detail: "sent (HTTP 200, attempt 2)" },
      { channel: "desktop", ok: true, detail: "sent" },
    ]);
    assertEquals(r.bodies.length, 2);
    assertEquals(r.bodies[1], JSON.parse(JSON.stringify(webhookBody(RESULT, "nas"))));
    assertEquals((r.bodies[1] as { event: string }).event, "eigen-s3.job-finished");
    assertEquals(r.auth, [null, null]);
    const text = JSON.stringify(r.bodies[1]);
    assertExcludes(text, "SECRET-TOKEN");
    assertExcludes(text, "secret");
    assertEquals(calls, [[
      "notify-send",
      "--app-name=eigen-s3",
      "--urgency=critical",
      "eigen-s3: photos finished with errors",
      "2 uploaded, 0 deleted, 1 failed",
    ]]);
  } finally {
    await r.server.shutdown();
  }
});

Deno.test("webhook token: from the environment or a 0600 file, sent as a bearer header", async () => {
  const notify = { webhook: "https://hooks.example/x", webhook_token_env: "T" };
  assertEquals(await webhookToken(notify, (n) => (n === "T" ? " tok \n" : undefined)), "tok");
  let missing = "";
  await webhookToken(notify, () => undefined).catch((e) => (missing = e.message));
  assertEquals(missing, "webhook token: T is not set in the environment of this run");
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/token`;
    await Deno.writeTextFile(file, "file-token\n", { mode: 0o600 });
    await Deno.chmod(file, 0o600);
    const fromFile = { webhook: "https://hooks.example/x", webhook_token_file: file };
    assertEquals(await webhookToken(fromFile, () => undefined), "file-token");
    await Deno.chmod(file, 0o644);
    let open = "";
    await webhookToken(fromFile, () => undefined).catch((e) => (open = e.message));
    assertEquals(
      open,
      `webhook token: ${file} is readable by others (mode 644): chmod 600 ${file}`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const headers: Array<string | null> = [];
  const fakeFetch = ((_url: string, init: RequestInit) => {
    headers.push(new Headers(init.headers).get("authorization"));
    return Promise.resolve(new Response("ok"));
  }) as typeof fetch;
  await postWebhook("https://hooks.example/x", {}, { fetch: fakeFetch, token: "abc" });
  await postWebhook("https://hooks.example/x", {}, { fetch: fakeFetch });
  assertEquals(headers, ["Bearer abc", null]);
});
