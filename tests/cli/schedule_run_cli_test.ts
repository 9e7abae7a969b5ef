/**
 * Job runs end to end against RGW: two concurrent `schedule run` of one job (one runs, one
 * exits 8), webhook delivery with a retry after a 500, and the daemon catching up a missed
 * run once and stopping cleanly on SIGTERM in the middle of it.
 */

import { join } from "node:path";
import { openStateDb } from "../../src/engine/state/state_db.ts";
import { sqliteSlots } from "../../src/engine/state/job_slots.ts";
import {
  createTestBucket,
  listKeys,
  rawClient,
  runCli,
  s3Test,
  sandbox,
  TEST_SECRET_KEY,
} from "../support/test_env.ts";
import { configureProfile, fillFolder, spawnCli } from "../support/schedule_support.ts";
import { assertEquals, assertExcludes, assertIncludes, assertOk } from "../support/assert.ts";

async function setup(label: string) {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, label);
  const sb = await sandbox({ TZ: "UTC" });
  await configureProfile(sb, "home", bucket.name);
  return {
    raw,
    bucket,
    sb,
    async cleanup() {
      await sb.cleanup();
      await bucket.drop();
      raw.destroy();
    },
  };
}

Deno.test(
  s3Test("schedule run: two at once, one runs and the other exits 8 naming it"),
  async () => {
    const t = await setup("sched-lock");
    try {
      const folder = join(t.sb.home, "Data");
      await fillFolder(folder, 6, 256 * 1024);
      const add = await runCli(
        ["schedule", "add", "slow", "--folder", folder, "--cron", "@daily", "--bwlimit", "512K"],
        t.sb.env,
      );
      assertEquals(add.code, 0, add.stderr);
      const first = spawnCli(["schedule", "run", "slow"], t.sb.env);
      const lockFile = join(t.sb.env.XDG_STATE_HOME!, "eigen", "locks", "slow.lock");
      const end = Date.now() + 20_000;
      while (Date.now() < end) {
        const text = await Deno.readTextFile(lockFile).catch(() => "");
        if (text.includes(`"pid":${first.child.pid}`)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const second = await runCli(["schedule", "run", "slow"], t.sb.env);
      assertEquals(second.code, 8, second.stderr);
      assertOk(
        second.stderr.startsWith(
          `eigen-s3: Job 'slow' is already running by process ${first.child.pid} on `,
        ),
        second.stderr,
      );
      assertIncludes(second.stderr, ": not starting a second backup of it at the same time.");
      const done = await first.done();
      assertEquals(done.code, 0, done.stderr);
      assertIncludes(done.stdout, "Job 'slow': success (exit 0): 6 uploaded (1.5 MiB), 0 deleted");
      assertEquals((await listKeys(t.raw, t.bucket.name)).length, 6);
      const history = await runCli(["history", "--json"], t.sb.env);
      const records = history.json()[0]!.result as Array<{ job: string; status: string }>;
      assertEquals(records.map((r) => [r.job, r.status]), [["slow", "success"]]);
      // The lock is free again.
      const again = await runCli(["schedule", "run", "slow", "--json"], t.sb.env);
      assertEquals(again.code, 0, again.stderr);
      const result = again.json()[0]!.result as {
        status: string;
        report: { files_skipped: number };
      };
      assertEquals([result.status, result.report.files_skipped], ["success", 6]);
    } finally {
      await t.cleanup();
    }
  },
);

Deno.test(
  s3Test("schedule: the webhook URL from a file and its bearer token from the environment"),
  async () => {
    const t = await setup("sched-token");
    const seen: Array<{ path: string; auth: string | null }> = [];
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      async (req) => {
        await req.body?.cancel();
        seen.push({ path: new URL(req.url).pathname, auth: req.headers.get("authorization") });
        return new Response("ok");
      },
    );
    try {
      const folder = join(t.sb.home, "Docs");
      await fillFolder(folder, 1, 100);
      const hook = `http://127.0.0.1:${server.addr.port}/hooks/PATHTOKEN9`;
      // The URL comes on stdin: no token in argv, where `ps` would show it.
      const add = await runCli(
        [
          "schedule",
          "add",
          "docs",
          "--folder",
          folder,
          "--cron",
          "@daily",
          "--webhook-file",
          "-",
          "--webhook-token-env",
          "DOCS_HOOK_TOKEN",
        ],
        t.sb.env,
        `# the webhook of the docs job\n${hook}\n`,
      );
      assertEquals(add.code, 0, add.stderr);
      assertExcludes(add.stdout + add.stderr, "PATHTOKEN9");
      const config = await Deno.readTextFile(
        join(t.sb.env.XDG_CONFIG_HOME!, "eigen", "s3-config.json"),
      );
      assertIncludes(config, "DOCS_HOOK_TOKEN");
      assertExcludes(config, "bearer-secret-1");
      // Without the variable the run succeeds and says why the webhook was not sent.
      const missing = await runCli(["schedule", "run", "docs"], t.sb.env);
      assertEquals(missing.code, 0, missing.stderr);
      assertIncludes(missing.stdout, "webhook token: DOCS_HOOK_TOKEN is not set");
      assertEquals(seen.length, 0);
      const r = await runCli(["schedule", "run", "docs"], {
        ...t.sb.env,
        DOCS_HOOK_TOKEN: "bearer-secret-1",
      });
      assertEquals(r.code, 0, r.stderr);
      assertIncludes(r.stdout, "webhook notification: sent (HTTP 200, attempt 1)");
      assertEquals(seen, [{ path: "/hooks/PATHTOKEN9", auth: "Bearer bearer-secret-1" }]);
      assertExcludes(r.stdout + r.stderr, "bearer-secret-1");
    } finally {
      await server.shutdown();
      await t.cleanup();
    }
  },
);

Deno.test(
  s3Test("schedule run: the webhook gets the JSON report, retried after a 500"),
  async () => {
    const t = await setup("sched-hook");
    const bodies: Array<Record<string, unknown>> = [];
    let calls = 0;
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      async (req) => {
        bodies.push(await req.json());
        calls++;
        return new Response(calls === 1 ? "try later" : "ok", { status: calls === 1 ? 500 : 200 });
      },
    );
    try {
      const folder = join(t.sb.home, "Docs");
      await fillFolder(folder, 3, 1000);
      const hook = `http://127.0.0.1:${server.addr.port}/hooks/TOKEN123`;
      const add = await runCli(
        ["schedule", "add", "docs", "--folder", folder, "--cron", "@daily", "--webhook", hook],
        t.sb.env,
      );
      assertEquals(add.code, 0, add.stderr);
      const r = await runCli(["schedule", "run", "docs"], t.sb.env);
      assertEquals(r.code, 0, r.stderr);
      assertIncludes(r.stdout, "Job 'docs': success (exit 0): 3 uploaded");
      assertIncludes(r.stdout, "webhook notification: sent (HTTP 200, attempt 2)");
      assertEquals(bodies.length, 2);
      assertEquals(bodies[0], bodies[1]);
      const b = bodies[1]!;
      assertEquals(
        [
          b.event,
          b.version,
          b.job,
          b.trigger,
          b.status,
          b.exit_code,
          b.folder,
          b.profile,
          b.bucket,
        ],
        ["eigen-s3.job-finished", 1, "docs", "manual", "success", 0, folder, "home", t.bucket.name],
      );
      assertEquals((b.report as { files_uploaded: number }).files_uploaded, 3);
      assertExcludes(JSON.stringify(b), TEST_SECRET_KEY);
      assertExcludes(JSON.stringify(b), "TOKEN123");
    } finally {
      await server.shutdown();
      await t.cleanup();
    }
  },
);

Deno.test(
  s3Test("daemon: a missed run is caught up once; SIGTERM mid-run stops cleanly, exit 0"),
  async () => {
    const t = await setup("sched-daemon");
    try {
      const folder = join(t.sb.home, "Archive");
      await fillFolder(folder, 8, 200 * 1024);
      const add = await runCli(
        [
          "schedule",
          "add",
          "nightly",
          "--folder",
          folder,
          "--cron",
          "0 3 * * *",
          "--timezone",
          "UTC",
          "--bwlimit",
          "256K",
        ],
        t.sb.env,
      );
      assertEquals(add.code, 0, add.stderr);
      // The daemon was down for three days: its last handled slot is long ago.
      const state = await openStateDb(join(t.sb.env.XDG_STATE_HOME!, "eigen"));
      sqliteSlots(state).set("nightly", new Date(Date.now() - 3 * 86_400_000));
      state.close();

      const daemon = spawnCli(["daemon"], t.sb.env);
      const started = await daemon.waitForLine(/ nightly run-started /);
      assertOk(
        /^\S+Z nightly run-started slot=\S+T03:00:00\.000Z catch-up$/.test(started),
        started,
      );
      await new Promise((r) => setTimeout(r, 1500));
      daemon.child.kill("SIGTERM");
      const out = await daemon.done();
      assertEquals(out.code, 0, out.stderr);
      const events = out.stdout.trim().split("\n").map((l) => l.split(" ").slice(1, 3).join(" "));
      assertEquals(events, [
        "- daemon-started",
        "nightly next-run",
        "nightly run-started",
        "- stopping",
        "nightly run-finished",
        "- daemon-stopped",
      ]);
      assertIncludes(out.stdout, "nightly run-finished status=interrupted exit=130");
      assertIncludes(out.stderr, "Stopping cleanly...");
      const uploaded = (await listKeys(t.raw, t.bucket.name)).length;
      assertOk(uploaded < 8, `interrupted after ${uploaded} files`);

      // Started again: the interrupted slot is still due, runs once more and finishes.
      const again = spawnCli(["daemon", "--json"], t.sb.env);
      await again.waitForLine(/"type":"run-finished"/, 60_000);
      again.child.kill("SIGTERM");
      const out2 = await again.done();
      assertEquals(out2.code, 0, out2.stderr);
      const lines = out2.stdout.trim().split("\n").map((l) => JSON.parse(l));
      const runs = lines.filter((l) => l.type === "run-started");
      assertEquals(runs.length, 1);
      assertEquals(runs[0].catch_up, true);
      const fin = lines.find((l) => l.type === "run-finished");
      assertEquals([fin.result.status, fin.result.report.files_uploaded], [
        "success",
        8 - uploaded,
      ]);
      assertEquals(lines.at(-1), {
        event: "result",
        command: "daemon",
        result: { runs: 1, stopped: true },
      });
      assertEquals((await listKeys(t.raw, t.bucket.name)).length, 8);
      const history = (await runCli(["history", "--json"], t.sb.env)).json()[0]!.result as Array<
        { job: string; status: string; exit_code: number }
      >;
      assertEquals(history.map((h) => [h.job, h.status, h.exit_code]), [
        ["nightly", "success", 0],
        ["nightly", "interrupted", 130],
      ]);
      const list = await runCli(["schedule", "list"], t.sb.env);
      assertIncludes(list.stdout, "success ");
    } finally {
      await t.cleanup();
    }
  },
);
