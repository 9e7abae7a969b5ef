/**
 * The TUI's scheduled-jobs adapter over the real engine: Save's errors come back with the
 * field they name, an edit keeps what the form does not show, a rename moves the job, the
 * cron preview; and (on RGW) run now backs the folder up, reports each file as it starts and
 * ends, and becomes the job's last result.
 */

import { join } from "node:path";
import { assertEquals, assertIncludes, assertOk } from "../../support/assert.ts";
import {
  configureArgs,
  createTestBucket,
  listKeys,
  rawClient,
  runCli,
  S3_ENDPOINT,
  s3Test,
  sandbox,
  TEST_SECRET_KEY,
  writeFile,
} from "../../support/test_env.ts";
import { createContext } from "../../../src/cli/context.ts";
import { Output } from "../../../src/cli/output.ts";
import { loadConfig, saveConfig } from "../../../src/engine/config/config.ts";
import type { EngineEvent } from "../../../src/engine/core/events.ts";
import { createSecretStore } from "../../../src/secrets/mod.ts";
import { ScheduleServices } from "../../../src/tui/services/schedule_services.ts";
import { type JobDraft, jobFormError } from "../../../src/tui/services/schedule_types.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import { oneProfile } from "../support/fake_services.ts";
import { startS3Proxy } from "../../support/s3_proxy.ts";

function services(env: Record<string, string>) {
  const ctx = createContext(
    {},
    new Output({ json: false, quiet: true, verbose: false, color: false }),
    new AbortController().signal,
    (name) => env[name],
  );
  const store = createSecretStore({
    stateDir: ctx.stateDir,
    env,
    promptPassphrase: () => Promise.reject(new Error("no prompt in tests")),
  });
  return { ctx, jobs: new ScheduleServices(ctx, (p, backend) => store.load(p, backend)) };
}

async function configure(env: Record<string, string>, endpoint: string, bucket: string) {
  const configured = await runCli(configureArgs(bucket, endpoint), env, TEST_SECRET_KEY);
  assertEquals(configured.code, 0, configured.stderr);
}

function draft(over: Partial<JobDraft> = {}): JobDraft {
  return {
    name: "photos",
    folder: "/",
    profile: "",
    prefix: "Photos",
    cron: "0 3 * * *",
    timezone: "UTC",
    exclude: [],
    include_hidden: false,
    delete: false,
    max_delete: "",
    ...over,
  };
}

Deno.test("schedule services: errors name their field; edits keep hidden settings", async () => {
  const box = await sandbox();
  const { ctx, jobs } = services(box.env);
  try {
    const folder = join(box.home, "Photos");
    await Deno.mkdir(folder);
    await saveConfig(ctx.configPath, oneProfile());
    const cases: [Partial<JobDraft>, string, string][] = [
      [{ name: "my job" }, "name", "is not a job name"],
      [{ cron: "0 3 * *" }, "cron", "has 4 fields, not 5"],
      [{ cron: "0 25 * * *" }, "cron", "is not a valid cron expression"],
      [{ timezone: "Mars/Base" }, "timezone", "is not a time zone"],
      [{ folder: join(box.home, "nope") }, "folder", "does not exist"],
      [{ folder: "relative" }, "folder", "must be an absolute path"],
      [{ profile: "work" }, "profile", "'work' is not a saved profile"],
      [{ prefix: "a/../b" }, "prefix", "must not contain '.' or '..'"],
      [{ exclude: ["[z-a]"] }, "exclude", ""],
      [{ delete: true, max_delete: "lots" }, "max_delete", "must be a number of objects"],
    ];
    for (const [over, field, text] of cases) {
      const r = await jobs.saveJob(draft({ folder, ...over }), null);
      assertEquals(r.saved ? "saved" : r.field, field, JSON.stringify(over));
      if (!r.saved) assertIncludes(r.message, text);
    }
    assertEquals(await jobs.jobs(), [], "nothing was saved");

    const saved = await jobs.saveJob(draft({ folder, delete: true, max_delete: "10%" }), null);
    assertEquals(saved, { saved: true, name: "photos" });
    const again = await jobs.saveJob(draft({ folder }), null);
    assertEquals(again.saved ? "" : again.field, "name", "a second job of that name");
    // settings the form does not show survive an edit
    const config = await loadConfig(ctx.configPath);
    Object.assign(config.jobs!.photos as Record<string, unknown>, {
      window: { start: "01:00", end: "05:00" },
      bwlimit: "10M",
      notify: { webhook: "https://hooks.example/T/secret" },
    });
    await saveConfig(ctx.configPath, config);
    let rows = await jobs.jobs();
    assertEquals(rows[0]?.extras, ["window 01:00-05:00", "bwlimit 10M", "webhook"]);
    assertEquals(rows[0]?.draft, draft({ folder, delete: true, max_delete: "10%" }));
    assertEquals(rows[0]?.destination, "s3://photos/Photos/");
    assertOk(rows[0]?.nextRun?.endsWith("T03:00:00.000Z"), rows[0]?.nextRun ?? "no next run");
    const edit = await jobs.saveJob(draft({ folder, cron: "@daily", prefix: "" }), "photos");
    assertEquals(edit.saved, true);
    const stored = (await loadConfig(ctx.configPath)).jobs!.photos as Record<string, unknown>;
    assertEquals(
      [stored.cron, stored.prefix, stored.bwlimit, stored.delete, stored.max_delete],
      ["@daily", "", "10M", false, undefined],
    );
    assertEquals(stored.window, { start: "01:00", end: "05:00" });
    // a rename moves the job
    assertEquals((await jobs.saveJob(draft({ folder, name: "pics" }), "photos")).saved, true);
    rows = await jobs.jobs();
    assertEquals(rows.map((r) => [r.name, r.extras.length]), [["pics", 3]]);
    await jobs.removeJob("pics");
    assertEquals(await jobs.jobs(), []);
  } finally {
    ctx.close();
    await box.cleanup();
  }
});

Deno.test("schedule services: the cron preview; errors point at the field they carry", async () => {
  const box = await sandbox();
  const { ctx, jobs } = services(box.env);
  try {
    const ok = await jobs.cronPreview("30 4 * * 1", "Europe/Berlin", 3);
    assertEquals(ok.ok && ok.runs.length, 3);
    assertEquals(ok.ok && ok.timezone, "Europe/Berlin");
    if (ok.ok) {
      for (const r of ok.runs) assertEquals(new Date(r).getUTCDay(), 1);
    }
    const bad = await jobs.cronPreview("61 * * * *", "", 3);
    assertEquals(bad.ok ? "" : bad.field, "cron");
    const tz = await jobs.cronPreview("@daily", "Nowhere", 3);
    assertEquals(tz.ok ? "" : tz.field, "timezone");
    // the message under the field does not repeat the field's name
    assertOk(!bad.ok && bad.message.startsWith("'61 * * * *' is not a valid"), JSON.stringify(bad));
    const err = (message: string, field?: string) =>
      new EngineError("UsageError", message, field === undefined ? {} : { field });
    assertEquals(jobFormError(err("cron: 'x' has 1 field", "cron")), {
      field: "cron",
      message: "'x' has 1 field",
    });
    assertEquals(jobFormError(err("a job called 'x' already exists", "name")), {
      field: "name",
      message: "a job called 'x' already exists",
    });
    assertEquals(jobFormError(err("notify.webhook: bad", "notify.webhook")), {
      field: null,
      message: "notify.webhook: bad",
    });
    assertEquals(jobFormError(err("cron: looks like a field, is not one")), {
      field: null,
      message: "cron: looks like a field, is not one",
    });
  } finally {
    ctx.close();
    await box.cleanup();
  }
});

Deno.test(
  {
    ...s3Test("schedule services: run now backs up, files start then finish, last result"),
    sanitizeResources: false,
    sanitizeOps: false,
  },
  async () => {
    const s3 = rawClient();
    const bucket = await createTestBucket(s3, "tuijob");
    const box = await sandbox();
    const { ctx, jobs } = services(box.env);
    try {
      const folder = join(box.home, "Docs");
      await writeFile(join(folder, "a.txt"), "one\n");
      await writeFile(join(folder, "sub", "b.bin"), 300_000);
      await writeFile(join(folder, "big.bin"), 9 * 1024 * 1024);
      await configure(box.env, S3_ENDPOINT!, bucket.name);
      assertEquals(
        (await jobs.saveJob(draft({ name: "docs", folder, prefix: "docs" }), null)).saved,
        true,
      );
      const events: EngineEvent[] = [];
      const outcome = await jobs.runJob(
        "docs",
        (e) => events.push(e),
        new AbortController().signal,
      );
      assertEquals([outcome.status, outcome.transferred, outcome.errors], ["success", 3, []]);
      assertEquals(await listKeys(s3, bucket.name), [
        "docs/a.txt",
        "docs/big.bin",
        "docs/sub/b.bin",
      ]);
      for (const name of ["a.txt", "sub/b.bin", "big.bin"]) {
        const start = events.findIndex((e) => e.type === "file-start" && e.file_name === name);
        const done = events.findIndex((e) => e.type === "file-done" && e.file_name === name);
        assertOk(start >= 0 && done > start, `${name}: start ${start}, done ${done}`);
      }
      const row = (await jobs.jobs())[0]!;
      assertEquals([row.last?.status, row.last?.uploaded, row.last?.failed], ["success", 3, 0]);
    } finally {
      ctx.close();
      await bucket.drop();
      s3.destroy();
      await box.cleanup();
    }
  },
);

Deno.test(
  {
    ...s3Test("schedule services: a stopped run is interrupted cleanly; the next run finishes"),
    sanitizeResources: false,
    sanitizeOps: false,
  },
  async () => {
    const s3 = rawClient();
    const bucket = await createTestBucket(s3, "tuistop");
    // every upload takes 200 ms more, so the run is still going when it is stopped
    const proxy = await startS3Proxy(S3_ENDPOINT!, {
      rules: [{ action: "latency", ms: 200, match: (r) => r.op === "PutObject" }],
    });
    const box = await sandbox();
    const { ctx, jobs } = services(box.env);
    try {
      const folder = join(box.home, "Many");
      for (let i = 0; i < 60; i++) await writeFile(join(folder, `f${i}.bin`), 2048);
      await configure(box.env, proxy.endpoint, bucket.name);
      assertEquals(
        (await jobs.saveJob(draft({ name: "many", folder, prefix: "many" }), null)).saved,
        true,
      );
      const stop = new AbortController();
      const events: EngineEvent[] = [];
      const outcome = await jobs.runJob("many", (e) => {
        events.push(e);
        if (e.type === "file-done") stop.abort();
      }, stop.signal);
      assertEquals(outcome.status, "interrupted");
      const uploaded = (await listKeys(s3, bucket.name)).length;
      assertOk(uploaded > 0 && uploaded < 60, `objects after the stop: ${uploaded}`);
      assertEquals((await jobs.jobs())[0]?.last?.status, "interrupted");
      // the lock was released: running again finishes the job
      const again = await jobs.runJob("many", () => {}, new AbortController().signal);
      assertEquals([again.status, again.transferred + uploaded], ["success", 60]);
    } finally {
      ctx.close();
      await proxy.close();
      await bucket.drop();
      s3.destroy();
      await box.cleanup();
    }
  },
);
