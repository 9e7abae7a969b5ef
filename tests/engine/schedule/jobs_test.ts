import {
  configJobRef,
  flagJobRef,
  getJob,
  readJobs,
  validateJob,
  validateJobName,
} from "../../../src/engine/schedule/jobs.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import { emptyConfig } from "../../../src/engine/config/config.ts";
import { assertEquals, assertThrows } from "../../support/assert.ts";

const cfg = configJobRef("/c/s3-config.json", "photos");

Deno.test("a job is normalised: defaults filled, cron whitespace collapsed, prefix trimmed", () => {
  const job = validateJob(
    {
      folder: "/data/photos",
      cron: " 0  3 * * * ",
      prefix: "/photos/2025/",
      timezone: "Europe/Berlin",
      window: { start: "01:00", end: "05:00" },
      exclude: ["*.tmp"],
      delete: true,
      max_delete: "10%",
      concurrency: 4,
      storage_class: "STANDARD_IA",
      bwlimit: "10M",
      notify: { webhook: "https://hooks.example.com/x", desktop: true, on: "failure" },
    },
    cfg,
  );
  assertEquals(job, {
    folder: "/data/photos",
    prefix: "photos/2025",
    cron: "0 3 * * *",
    exclude: ["*.tmp"],
    include_hidden: false,
    delete: true,
    notify: { webhook: "https://hooks.example.com/x", desktop: true, on: "failure" },
    timezone: "Europe/Berlin",
    window: { start: "01:00", end: "05:00" },
    max_delete: "10%",
    concurrency: 4,
    storage_class: "STANDARD_IA",
    bwlimit: "10M",
  });
  assertEquals(validateJob({ folder: "/d", cron: "@daily" }, cfg), {
    folder: "/d",
    prefix: "",
    cron: "@daily",
    exclude: [],
    include_hidden: false,
    delete: false,
    notify: {},
  });
});

Deno.test("invalid jobs: messages name jobs.NAME.field in the file, or the flag", () => {
  const bad = (raw: Record<string, unknown>, at = cfg) =>
    assertThrows(() => validateJob({ folder: "/d", cron: "@daily", ...raw }, at), EngineError);
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ folder: "rel/path" }, "jobs.photos.folder: 'rel/path' must be an absolute path."],
    [{ folder: 3 }, "jobs.photos.folder: must be a non-empty text."],
    [{ cron: "0 25 * * *" }, "jobs.photos.cron: '0 25 * * *' is not a valid cron expression"],
    [{ timezone: "Moon/Base" }, "jobs.photos.timezone: 'Moon/Base' is not a time zone"],
    [{ window: { start: "1:00", end: "02:00" } }, "jobs.photos.window: start '1:00' must be"],
    [{ prefix: "a/../b" }, "jobs.photos.prefix: 'a/../b' must not contain '.' or '..' parts"],
    [{ exclude: "*.tmp" }, "jobs.photos.exclude: must be a list of glob patterns"],
    [{ delete: "yes" }, "jobs.photos.delete: must be true or false."],
    [{ max_delete: "10%" }, "jobs.photos.max_delete: only applies when delete is on"],
    [{ delete: true, max_delete: "lots" }, "jobs.photos.max_delete: 'lots' must be a number"],
    [{ concurrency: 0 }, "jobs.photos.concurrency: '0' must be a whole number from 1 to 256."],
    [
      { storage_class: "FOO" },
      "jobs.photos.storage_class: 'FOO' is not a storage class here: use one of STANDARD",
    ],
    [{ sse: "des" }, "jobs.photos.sse: 'des' must be AES256 or aws:kms."],
    [{ bwlimit: "fast" }, "jobs.photos.bwlimit: 'fast' is not a rate"],
    [{ profile: "no way" }, "jobs.photos.profile: 'no way' is not a profile name"],
    [
      { notify: { webhook: "ftp://x/y" } },
      "jobs.photos.notify.webhook: 'ftp://x/***' must be an http",
    ],
    [
      { notify: { on: "sometimes" } },
      `jobs.photos.notify.on: 'sometimes' must be "always" or "failure".`,
    ],
  ];
  for (const [raw, want] of cases) {
    const e = bad(raw);
    assertEquals(e.code, "ConfigError");
    assertEquals(
      e.message.startsWith(`/c/s3-config.json: ${want}`),
      true,
      `${e.message} / ${want}`,
    );
  }
  const flag = bad({ cron: "every day" }, flagJobRef);
  assertEquals(flag.code, "UsageError");
  assertEquals(
    flag.message.startsWith("--cron: 'every day' has 2 fields, not 5"),
    true,
    flag.message,
  );
  assertEquals(
    bad({ window: "late" }, flagJobRef).message,
    "--window: 'late' must look like 22:00-06:00 (start-end, 24-hour HH:MM).",
  );
  assertEquals(
    assertThrows(() => validateJobName("a b", { field: "NAME", code: "UsageError" }), EngineError)
      .message,
    "NAME: 'a b' is not a job name: use up to 64 letters, digits, '.', '_' and '-'.",
  );
});

Deno.test("readJobs keeps valid jobs and reports invalid ones; getJob names missing ones", () => {
  const config = {
    ...emptyConfig(),
    jobs: {
      good: { folder: "/d", cron: "@daily" },
      bad: { folder: "/d", cron: "nope" },
      "bad name!": { folder: "/d", cron: "@daily" },
    },
  };
  const { jobs, invalid } = readJobs(config, "f.json");
  assertEquals([...jobs.keys()], ["good"]);
  assertEquals(invalid.map((i) => i.name), ["bad", "bad name!"]);
  assertEquals(
    invalid[0]!.error.message.startsWith("f.json: jobs.bad.cron: 'nope' has 1 field, not 5"),
    true,
  );
  const e = assertThrows(() => getJob(config, "f.json", "other"), EngineError);
  assertEquals(e.code, "NotConfigured");
  assertEquals(
    e.message,
    "Job 'other' does not exist (jobs: good, bad, bad name!): add it with 'eigen-s3 schedule add other --folder DIR --cron EXPR'.",
  );
});

Deno.test("filter and window fields: kept, checked, and turned into backup options", async () => {
  const { jobCutoff, jobFilterOptions } = await import(
    "../../../src/engine/schedule/job_filters.ts"
  );
  const job = validateJob(
    {
      folder: "/data/photos",
      cron: "@daily",
      include: ["*.jpg"],
      exclude: ["*.tmp"],
      exclude_from: ["/etc/eigen/excludes.txt"],
      exclude_if_present: [".nobackup"],
      min_size: "1K",
      max_age: "90d",
      max_duration: "5h",
      max_transfer: "10G",
      cutoff_mode: "SOFT",
      bwlimit: "08:00,512K 19:00,10M Sat-00:00,off",
    },
    cfg,
  );
  assertEquals(job.cutoff_mode, "soft");
  assertEquals(jobFilterOptions(job), {
    exclude: ["*.tmp"],
    include: ["*.jpg"],
    excludeFrom: ["/etc/eigen/excludes.txt"],
    excludeIfPresent: [".nobackup"],
    minSize: "1K",
    maxAge: "90d",
  });
  assertEquals(jobCutoff(job, cfg), {
    maxDuration: 5 * 3_600_000,
    maxTransfer: 10 * 1024 ** 3,
    mode: "soft",
  });
  const cases: [Record<string, unknown>, string][] = [
    [{ min_size: "10" }, "/c/s3-config.json: jobs.photos.min_size: '10' needs a unit"],
    [{ max_age: "soon" }, "/c/s3-config.json: jobs.photos.max_age: 'soon' is not an age"],
    [{ files_from: ["list.txt"] }, "jobs.photos.files_from: 'list.txt' must be an absolute path"],
    [
      { files_from: ["/l.txt"], include: ["*.jpg"] },
      "jobs.photos.files_from: takes exactly the files it lists and cannot be combined with jobs.photos.include",
    ],
    [
      { cutoff_mode: "gentle" },
      "jobs.photos.cutoff_mode: 'gentle' must be hard, soft or cautious.",
    ],
    [{ max_duration: "1 fortnight" }, "jobs.photos.max_duration: '1 fortnight' is not a duration"],
    [{ bwlimit: "08:00,fast" }, "jobs.photos.bwlimit: 'fast' is not a rate"],
    [{ include: "*.jpg" }, "jobs.photos.include: must be a list of texts."],
  ];
  for (const [extra, message] of cases) {
    const e = assertThrows(
      () => validateJob({ folder: "/d", cron: "@daily", ...extra }, cfg),
      EngineError,
    );
    assertEquals(e.code, "ConfigError");
    assertEquals(e.message.includes(message), true, `${JSON.stringify(extra)}: ${e.message}`);
  }
  const flag = assertThrows(
    () => validateJob({ folder: "/d", cron: "@daily", max_size: "big" }, flagJobRef),
    EngineError,
  );
  assertEquals(flag.message.startsWith("--max-size: 'big' is not a size"), true, flag.message);
});
