import { join } from "node:path";
import {
  addJob,
  listJobs,
  removeJob,
  runJobNow,
  saveJob,
} from "../../../src/engine/schedule/job_service.ts";
import type { JobDraft } from "../../../src/engine/schedule/job_draft.ts";
import { flagJobRef } from "../../../src/engine/schedule/jobs.ts";
import { emptyConfig, loadConfig, saveConfig } from "../../../src/engine/config/config.ts";
import { openStateDb } from "../../../src/engine/state/state_db.ts";
import { sqliteHistory } from "../../../src/engine/state/history.ts";
import { memorySlots } from "../../../src/engine/state/job_slots.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import { emptyReport } from "../../../src/engine/backup/backup_report.ts";
import { assertEquals, assertOk, assertRejects } from "../../support/assert.ts";
import { tempDir } from "../../support/test_env.ts";

const PROFILE = {
  endpoint: "http://127.0.0.1:7480",
  region: "us-east-1",
  bucket_name: "bucket-one",
  access_key_id: "AKIDEXAMPLE",
  path_prefix: "",
  last_sync_timestamp: null,
};

async function setup() {
  const dir = await tempDir();
  const configPath = join(dir.path, "s3-config.json");
  await saveConfig(configPath, {
    ...emptyConfig(),
    default_profile: "home",
    profiles: { home: PROFILE },
  });
  const folder = join(dir.path, "Photos");
  await Deno.mkdir(folder);
  const state = await openStateDb(join(dir.path, "state"));
  return {
    dir,
    configPath,
    folder,
    state,
    async cleanup() {
      state.close();
      await dir.cleanup();
    },
  };
}

Deno.test("job service: add (prefix defaults to the folder's name), replace, remove", async () => {
  const t = await setup();
  try {
    const slots = memorySlots();
    const now = new Date("2025-01-01T12:00:00Z");
    const job = await addJob(t.configPath, "photos", { folder: t.folder, cron: "@daily" }, {
      slots,
      now,
    });
    assertEquals(job.prefix, "Photos");
    assertEquals(slots.get("photos")?.toISOString(), "2025-01-01T12:00:00.000Z");
    let e = await assertRejects(
      () => addJob(t.configPath, "photos", { folder: t.folder, cron: "@daily" }),
      EngineError,
    );
    assertEquals(e.code, "UsageError");
    await addJob(t.configPath, "photos", { folder: t.folder, cron: "@weekly", prefix: "" }, {
      replace: true,
    });
    assertEquals((await loadConfig(t.configPath)).jobs?.photos, {
      folder: t.folder,
      prefix: "",
      cron: "@weekly",
      exclude: [],
      include_hidden: false,
      delete: false,
      notify: {},
    });
    // Messages name the fields as the TUI shows them when it passes its own ref.
    e = await assertRejects(
      () =>
        addJob(t.configPath, "x", { folder: t.folder, cron: "nope" }, {
          ref: (f) => ({ field: `Schedule (${f})`, code: "UsageError" }),
        }),
      EngineError,
    );
    assertOk(e.message.startsWith("Schedule (cron): 'nope' has 1 field, not 5"), e.message);
    e = await assertRejects(
      () => addJob(t.configPath, "x", { folder: t.folder, cron: "@daily", profile: "work" }),
      EngineError,
    );
    assertEquals([e.code, e.field], ["NotConfigured", "profile"]);
    e = await assertRejects(
      () => addJob(t.configPath, "x", { folder: join(t.folder, "missing"), cron: "@daily" }),
      EngineError,
    );
    assertEquals(e.field, "folder");
    assertEquals(
      e.message,
      `folder: '${join(t.folder, "missing")}' does not exist: give the folder to back up.`,
    );
    await removeJob(t.configPath, "photos", { slots });
    assertEquals(slots.get("photos"), null);
    e = await assertRejects(() => removeJob(t.configPath, "photos"), EngineError);
    assertEquals(e.code, "NotConfigured");
  } finally {
    await t.cleanup();
  }
});

Deno.test("job service: list with next run (window, due slot) and last result; invalid jobs", async () => {
  const t = await setup();
  try {
    const config = {
      ...(await loadConfig(t.configPath)),
      jobs: {
        night: {
          folder: t.folder,
          cron: "0 * * * *",
          timezone: "UTC",
          window: { start: "01:00", end: "04:00" },
        },
        daily: { folder: t.folder, cron: "0 3 * * *", timezone: "UTC", profile: "home" },
        broken: { folder: "relative", cron: "@daily" },
      },
    };
    const history = sqliteHistory(t.state);
    history.add({
      command: "backup",
      job: "daily",
      profile: "home",
      bucket: "bucket-one",
      prefix: "Photos/",
      local_path: t.folder,
      started_at: "2025-01-01T03:00:00.000Z",
      finished_at: "2025-01-01T03:01:00.000Z",
      status: "partial",
      exit_code: 3,
      report: { files_uploaded: 1 },
      error: null,
    });
    const now = new Date("2025-01-01T12:00:00Z");
    const slots = memorySlots({ daily: new Date("2024-12-31T03:00:00Z") });
    const rows = listJobs(config, t.configPath, history, { now, slots });
    assertEquals(
      rows.map((r) => [r.name, r.next_run, r.last_result?.status ?? null, r.error === null]),
      [
        ["broken", null, null, false],
        // 2025-01-01 03:00 was not handled yet: due now.
        ["daily", "2025-01-01T12:00:00.000Z", "partial", true],
        // Hourly, but only from 01:00: the next run is when the window opens.
        ["night", "2025-01-02T01:00:00.000Z", null, true],
      ],
    );
    assertEquals(rows[1]!.last_result, {
      status: "partial",
      exit_code: 3,
      started_at: "2025-01-01T03:00:00.000Z",
      finished_at: "2025-01-01T03:01:00.000Z",
      report: { files_uploaded: 1 },
      error: null,
    });
    assertEquals(
      rows[0]!.error,
      `${t.configPath}: jobs.broken.folder: 'relative' must be an absolute path.`,
    );
  } finally {
    await t.cleanup();
  }
});

Deno.test("job service: runJobNow runs a manual run through the given deps", async () => {
  const t = await setup();
  try {
    await addJob(t.configPath, "photos", { folder: t.folder, cron: "@daily" });
    const out = await runJobNow(
      await loadConfig(t.configPath),
      t.configPath,
      "photos",
      new AbortController().signal,
      {
        lockDir: join(t.dir.path, "locks"),
        runner: (name, job) =>
          Promise.resolve({
            status: "success",
            exitCode: 0,
            report: { ...emptyReport(job.prefix, false), files_uploaded: name.length },
            error: null,
            target: { profile: "home", bucket: "bucket-one", prefix: "Photos/" },
            recorded: true,
          }),
      },
    );
    assertOk(out.kind === "ran");
    assertEquals([out.result.trigger, out.result.report?.files_uploaded], ["manual", 6]);
    await assertRejects(
      () =>
        runJobNow(emptyConfig(), t.configPath, "nope", new AbortController().signal, {
          lockDir: "",
          runner: () => Promise.reject(),
        }),
      EngineError,
    );
  } finally {
    await t.cleanup();
  }
});

Deno.test("job service: errors carry the field as the caller names it", async () => {
  const t = await setup();
  try {
    await addJob(t.configPath, "photos", { folder: t.folder, cron: "@daily" });
    const cases: [string, Record<string, unknown>, string | undefined, string][] = [
      ["photos", { folder: t.folder, cron: "@daily" }, "NAME", "Job 'photos' already exists"],
      ["bad name", { folder: t.folder, cron: "@daily" }, "NAME", "NAME: 'bad name' is not"],
      ["x", { folder: t.folder, cron: "0 3 * *" }, "--cron", "--cron: '0 3 * *' has 4 fields"],
      ["x", { folder: t.folder, cron: "@daily", timezone: "Mars/Base" }, "--timezone", ""],
      ["x", { folder: t.folder, cron: "@daily", window: "1-2" }, "--window", "--window: "],
      ["x", { folder: t.folder, cron: "@daily", bwlimit: "fast" }, "--bwlimit", ""],
      ["x", { folder: t.folder, cron: "@daily", concurrency: 0 }, "--concurrency", ""],
      ["x", { folder: t.folder, cron: "@daily", profile: "work" }, "--profile", "Job 'x' would"],
      ["x", { folder: "rel", cron: "@daily" }, "--folder", "--folder: 'rel' must be an absolute"],
      ["x", { folder: t.folder, cron: "@daily", notify: { on: "x" } }, "--notify-on", ""],
    ];
    for (const [name, input, field, start] of cases) {
      const e = await assertRejects(
        () => addJob(t.configPath, name, input, { ref: flagJobRef }),
        EngineError,
      );
      assertEquals(e.field, field, `${name} ${JSON.stringify(input)}: ${e.message}`);
      assertOk(e.message.startsWith(start), e.message);
    }
    // a job in the file names its field by its path in the file
    const config = await loadConfig(t.configPath);
    config.jobs = { ...config.jobs, broken: { folder: t.folder, cron: "61 * * * *" } };
    const [broken] = listJobs(config, t.configPath, null);
    assertEquals(broken!.name, "broken");
    assertOk(broken!.error?.startsWith(`${t.configPath}: jobs.broken.cron: '61 * * * *'`));
  } finally {
    await t.cleanup();
  }
});

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

Deno.test("saveJob: a draft's errors carry its field; nothing is saved", async () => {
  const t = await setup();
  try {
    const cases: [Partial<JobDraft>, string, string][] = [
      [{ name: "my job" }, "name", "name: 'my job' is not a job name"],
      [{ cron: "0 3 * *" }, "cron", "cron: '0 3 * *' has 4 fields, not 5"],
      [{ cron: "0 25 * * *" }, "cron", "cron: '0 25 * * *' is not a valid cron expression"],
      [{ timezone: "Mars/Base" }, "timezone", "timezone: 'Mars/Base' is not a time zone"],
      [{ folder: join(t.folder, "nope") }, "folder", "folder: '"],
      [{ folder: "relative" }, "folder", "folder: 'relative' must be an absolute path."],
      [{ profile: "work" }, "profile", "'work' is not a saved profile: choose one of home."],
      [{ profile: "bad name" }, "profile", "'bad name' is not a saved profile"],
      [{ prefix: "a/../b" }, "prefix", "prefix: 'a/../b' must not contain '.' or '..' parts"],
      [{ exclude: ["[z-a]"] }, "exclude", "exclude: "],
      [{ delete: true, max_delete: "lots" }, "max_delete", "max_delete: 'lots' must be a number"],
    ];
    for (const [over, field, start] of cases) {
      const e = await assertRejects(
        () => saveJob(t.configPath, draft({ folder: t.folder, ...over }), { editing: null }),
        EngineError,
      );
      assertEquals(e.field, field, `${JSON.stringify(over)}: ${e.message}`);
      assertOk(e.message.startsWith(start), `${JSON.stringify(over)}: ${e.message}`);
    }
    assertEquals((await loadConfig(t.configPath)).jobs ?? {}, {});
  } finally {
    await t.cleanup();
  }
});

Deno.test("saveJob: new, taken name, edit keeps hidden settings, rename moves job and slot", async () => {
  const t = await setup();
  try {
    const slots = memorySlots();
    const now = new Date("2025-01-01T12:00:00Z");
    const job = await saveJob(t.configPath, draft({ folder: t.folder }), {
      editing: null,
      slots,
      now,
    });
    assertEquals([job.prefix, job.cron, job.timezone], ["Photos", "0 3 * * *", "UTC"]);
    assertEquals(slots.get("photos")?.toISOString(), "2025-01-01T12:00:00.000Z");
    // a new job may not take a used name
    let e = await assertRejects(
      () => saveJob(t.configPath, draft({ folder: t.folder }), { editing: null }),
      EngineError,
    );
    assertEquals([e.field, e.message], [
      "name",
      "a job called 'photos' already exists: choose another name.",
    ]);
    // settings a draft does not hold survive an edit
    const config = await loadConfig(t.configPath);
    Object.assign(config.jobs!.photos as Record<string, unknown>, {
      window: { start: "01:00", end: "05:00" },
      bwlimit: "10M",
    });
    await saveConfig(t.configPath, config);
    await saveJob(
      t.configPath,
      draft({ folder: t.folder, cron: "@daily", prefix: "", timezone: " ", delete: true }),
      { editing: "photos", slots },
    );
    let jobs = (await loadConfig(t.configPath)).jobs!;
    assertEquals(jobs.photos, {
      folder: t.folder,
      prefix: "",
      cron: "@daily",
      exclude: [],
      include_hidden: false,
      delete: true,
      notify: {},
      window: { start: "01:00", end: "05:00" },
      bwlimit: "10M",
    });
    // a rename may not take another job's name either
    await addJob(t.configPath, "docs", { folder: t.folder, cron: "@weekly" });
    e = await assertRejects(
      () => saveJob(t.configPath, draft({ folder: t.folder, name: "docs" }), { editing: "photos" }),
      EngineError,
    );
    assertEquals(e.field, "name");
    // a rename moves the job (with its hidden settings) and its slot
    const later = new Date("2025-01-02T12:00:00Z");
    await saveJob(t.configPath, draft({ folder: t.folder, name: "pics" }), {
      editing: "photos",
      slots,
      now: later,
    });
    jobs = (await loadConfig(t.configPath)).jobs!;
    assertEquals(Object.keys(jobs).sort(), ["docs", "pics"]);
    assertEquals((jobs.pics as Record<string, unknown>).bwlimit, "10M");
    assertEquals([slots.get("photos"), slots.get("pics")?.toISOString()], [
      null,
      "2025-01-02T12:00:00.000Z",
    ]);
    // a rename that fails validation leaves the old job in place
    e = await assertRejects(
      () =>
        saveJob(t.configPath, draft({ folder: t.folder, name: "p2", cron: "x" }), {
          editing: "pics",
        }),
      EngineError,
    );
    assertEquals(e.field, "cron");
    assertEquals(Object.keys((await loadConfig(t.configPath)).jobs!).sort(), ["docs", "pics"]);
  } finally {
    await t.cleanup();
  }
});
