import {
  calendarIntervals,
  onCalendar,
  planServices,
  programArgv,
  type ServiceEnv,
  type ServiceJob,
} from "../../../src/engine/timers/service_files.ts";
import { expandCron } from "../../../src/engine/schedule/cron_fields.ts";
import { parseCron } from "../../../src/engine/schedule/cron_schedule.ts";
import { configJobRef, validateJob } from "../../../src/engine/schedule/jobs.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import { assertEquals, assertThrows } from "../../support/assert.ts";

const GOLDEN = new URL("./golden/", import.meta.url);
const UPDATE = Deno.env.get("EIGEN_UPDATE_GOLDEN") === "1";

/** Compares `text` with the golden file `name` (EIGEN_UPDATE_GOLDEN=1 rewrites it). */
async function golden(name: string, text: string): Promise<void> {
  const url = new URL(name, GOLDEN);
  if (UPDATE) {
    await Deno.mkdir(GOLDEN, { recursive: true });
    await Deno.writeTextFile(url, text);
  }
  assertEquals(text, await Deno.readTextFile(url), `golden file ${name}`);
}

const job = (name: string, fields: Record<string, unknown>): ServiceJob => ({
  name,
  job: validateJob({ folder: `/srv/${name}`, ...fields }, configJobRef("cfg", name)),
});

const JOBS: ServiceJob[] = [
  job("photos", { cron: "0 3 * * *" }),
  job("docs", { cron: "30 1 * * 1-5", timezone: "Europe/Berlin" }),
  job("month-end", { cron: "0 4 L * *" }),
];

const ENV: ServiceEnv = {
  program: ["/usr/local/bin/eigen-s3"],
  env: { XDG_CONFIG_HOME: "/home/ana/.config", XDG_STATE_HOME: "/home/ana/.local/state" },
  systemdDir: "/home/ana/.config/systemd/user",
  launchAgentsDir: "/Users/ana/Library/LaunchAgents",
  logDir: "/home/ana/.local/state/eigen/logs",
  systemTimezone: "UTC",
};

const CHECKOUT: ServiceEnv = {
  ...ENV,
  program: ["/opt/deno/bin/deno", "run", "-A", "/home/ana/src/eigen s3/main.ts"],
  env: {},
};

Deno.test("program path: the compiled binary, or deno run -A main.ts from a checkout", () => {
  assertEquals(programArgv("/usr/local/bin/eigen-s3", "file:///tmp/x/main.ts"), [
    "/usr/local/bin/eigen-s3",
  ]);
  assertEquals(programArgv("/opt/deno/bin/deno", "file:///home/ana/src/eigen%20s3/main.ts"), [
    "/opt/deno/bin/deno",
    "run",
    "-A",
    "/home/ana/src/eigen s3/main.ts",
  ]);
  assertEquals(programArgv("C:\\deno\\deno.exe", "file:///C:/src/main.ts")[1], "run");
  const e = assertThrows(
    () => programArgv("/usr/bin/deno", "https://x.example/main.ts"),
    EngineError,
  );
  assertEquals(e.code, "UsageError");
});

Deno.test("golden: systemd units (timers per job; the L schedule runs under the daemon)", async () => {
  const plan = planServices("systemd", JOBS, ENV);
  assertEquals(plan.files.map((f) => f.path), [
    "/home/ana/.config/systemd/user/eigen-s3-photos.service",
    "/home/ana/.config/systemd/user/eigen-s3-photos.timer",
    "/home/ana/.config/systemd/user/eigen-s3-docs.service",
    "/home/ana/.config/systemd/user/eigen-s3-docs.timer",
    "/home/ana/.config/systemd/user/eigen-s3-daemon.service",
  ]);
  assertEquals(plan.units, [
    "eigen-s3-photos.timer",
    "eigen-s3-docs.timer",
    "eigen-s3-daemon.service",
  ]);
  assertEquals(plan.daemonJobs, ["month-end"]);
  assertEquals(plan.warnings, [
    "systemd cannot express the schedule of month-end exactly: they run under the eigen-s3 daemon service instead.",
  ]);
  for (const f of plan.files) await golden(f.path.split("/").pop()!, f.content);
  const checkout = planServices("systemd", [JOBS[0]!], CHECKOUT);
  await golden("checkout-eigen-s3-photos.service", checkout.files[0]!.content);
});

Deno.test("golden: crontab block; cron refuses schedules it cannot express", async () => {
  const plan = planServices("cron", JOBS.slice(0, 2), ENV);
  await golden("crontab-block.txt", plan.crontabBlock!);
  assertEquals(plan.files, []);
  assertEquals(plan.warnings, [
    "Job(s) docs use CRON_TZ, which cronie supports; other crons (e.g. Debian's) ignore it and use the system time zone.",
  ]);
  await golden(
    "checkout-crontab-block.txt",
    planServices("cron", [JOBS[0]!], CHECKOUT).crontabBlock!,
  );
  const e = assertThrows(() => planServices("cron", JOBS, ENV), EngineError);
  assertEquals(
    e.message,
    "cron cannot express the schedule of 'month-end' (0 4 L * *): use 'eigen-s3 schedule install --systemd', or keep 'eigen-s3 daemon' running.",
  );
});

Deno.test("golden: launchd plists (another time zone runs under the daemon agent)", async () => {
  const plan = planServices("launchd", JOBS, ENV);
  assertEquals(plan.agents.map((a) => a.label), [
    "com.eigen.eigen-s3.photos",
    "com.eigen.eigen-s3.daemon",
  ]);
  assertEquals(plan.daemonJobs, ["docs", "month-end"]);
  for (const f of plan.files) await golden(f.path.split("/").pop()!, f.content);
});

Deno.test("launchd calendar entries: OR of day-of-month and weekday, wildcards omitted", () => {
  assertEquals(calendarIntervals(expandCron("0 3 * * *")!), [{ Hour: 3, Minute: 0 }]);
  assertEquals(calendarIntervals(expandCron("*/20 * * * *")!), [{ Minute: 0 }, { Minute: 20 }, {
    Minute: 40,
  }]);
  assertEquals(calendarIntervals(expandCron("0 0 1 * 0")!), [
    { Day: 1, Hour: 0, Minute: 0 },
    { Weekday: 0, Hour: 0, Minute: 0 },
  ]);
  assertEquals(calendarIntervals(expandCron("0 12 * JAN,JUL MON")!), [
    { Month: 1, Weekday: 1, Hour: 12, Minute: 0 },
    { Month: 7, Weekday: 1, Hour: 12, Minute: 0 },
  ]);
  assertEquals(calendarIntervals(expandCron("* * * * *")!), [{}]);
  assertEquals(calendarIntervals(expandCron("*/5 */2 * * *")!, 50), null);
  assertEquals(expandCron("0 0 L * *"), null);
  assertEquals(expandCron("0 0 * * 5#2"), null);
});

const CASES: Array<[string, string | undefined]> = [
  ["0 3 * * *", undefined],
  ["*/15 * * * *", undefined],
  ["5,35 */6 * * *", undefined],
  ["0 9-17 * * 1-5", undefined],
  ["0 0 1,15 * *", undefined],
  ["0 0 1 * 0", undefined],
  ["30 2 * JAN,JUL SAT", undefined],
  ["0 8 */2 * *", undefined],
  ["@weekly", undefined],
  ["@monthly", undefined],
  ["0 3 * * *", "Europe/Berlin"],
  ["30 2 * * *", "America/New_York"],
  ["0 7 * * 0,6", "Asia/Tokyo"],
];

Deno.test("OnCalendar forms of cron expressions (checked against systemd-analyze when present)", async () => {
  assertEquals(onCalendar("0 3 * * *"), ["*-*-* 03:00:00"]);
  assertEquals(onCalendar("*/15 * * * *"), ["*-*-* *:00/15:00"]);
  assertEquals(onCalendar("0 9-17 * * 1-5"), [
    "Mon,Tue,Wed,Thu,Fri *-*-* 09,10,11,12,13,14,15,16,17:00:00",
  ]);
  assertEquals(onCalendar("0 0 1 * 0"), ["*-*-01 00:00:00", "Sun *-*-* 00:00:00"]);
  assertEquals(onCalendar("0 3 * * *", "Europe/Berlin"), ["*-*-* 03:00:00 Europe/Berlin"]);
  assertEquals(onCalendar("0 4 L * *"), null);
  let analyze = true;
  try {
    await new Deno.Command("systemd-analyze", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
  } catch {
    analyze = false;
  }
  if (!analyze) {
    console.log("systemd-analyze not found: the OnCalendar cross-check is skipped");
    return;
  }
  const base = "2025-03-01T00:00:00Z";
  for (const [cron, tz] of CASES) {
    const want = parseCron(cron, tz ?? "UTC", { field: "c", code: "UsageError" })
      .nextRuns(6, new Date(base))
      .map((d) => d.toISOString());
    const got = new Set<string>();
    for (const cal of onCalendar(cron, tz ?? "UTC")!) {
      const out = await new Deno.Command("systemd-analyze", {
        args: ["calendar", "--iterations=6", "--base-time=2025-03-01 00:00:00 UTC", cal],
        env: { TZ: "UTC" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout);
      assertEquals(out.code, 0, `${cal}: ${new TextDecoder().decode(out.stderr)}`);
      for (const m of text.matchAll(/(?:Next elapse|Iter\. #\d+): \w+ (\S+ \S+) UTC/g)) {
        got.add(new Date(`${m[1]!.replace(" ", "T")}Z`).toISOString());
      }
    }
    assertEquals([...got].sort().slice(0, 6), want, `${cron} ${tz ?? ""}`);
  }
});

Deno.test("a line break in XDG_CONFIG_HOME or the install path is refused, never written into units", () => {
  const evil: ServiceEnv[] = [
    { ...ENV, env: { XDG_CONFIG_HOME: "/home/ana/x\nExecStartPre=/tmp/evil" } },
    { ...ENV, program: ["/opt/eigen\n* * * * * /tmp/evil #/eigen-s3"] },
    { ...ENV, systemdDir: "/home/ana/.config/sys\rtemd/user" },
    { ...ENV, logDir: "/tmp/logs\u0000x" },
  ];
  for (const e of evil) {
    for (const backend of ["systemd", "cron", "launchd"] as const) {
      const err = assertThrows(() => planServices(backend, JOBS.slice(0, 1), e), EngineError);
      assertEquals(err.code, "UsageError");
      assertEquals(err.exitCode, 2);
      assertEquals(/contains (a line break|a NUL byte)/.test(err.message), true, err.message);
      assertEquals(err.message.includes("Use a path without control characters"), true);
    }
  }
});
