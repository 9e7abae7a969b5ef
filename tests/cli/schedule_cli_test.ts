/**
 * `schedule add|list|show|remove|install|uninstall` end to end (no S3 traffic: profiles are
 * saved with --no-test). Service managers are fakes on EIGEN_S3_SYSTEMCTL/EIGEN_S3_CRONTAB.
 */

import { join } from "node:path";
import { runCli, type Sandbox, sandbox } from "../support/test_env.ts";
import { configureProfile } from "../support/schedule_support.ts";
import { assertEquals, assertExcludes, assertIncludes, assertOk } from "../support/assert.ts";

async function setup(): Promise<{ sb: Sandbox; folder: string }> {
  const sb = await sandbox({ TZ: "UTC" });
  const folder = join(sb.home, "Photos");
  await Deno.mkdir(folder);
  return { sb, folder };
}

const add = (sb: Sandbox, ...args: string[]) => runCli(["schedule", "add", ...args], sb.env);

Deno.test("schedule add: profile, folder, cron and the other flags are checked", async () => {
  const { sb, folder } = await setup();
  try {
    let r = await add(sb, "photos", "--folder", folder, "--cron", "0 3 * * *");
    assertEquals(r.code, 4);
    assertEquals(
      r.stderr,
      "eigen-s3: Job 'photos' would use profile 'default', which does not exist: run 'eigen-s3 configure --profile default' first, or pick one with --profile.\n",
    );
    await configureProfile(sb, "home", "photos-bucket");
    const bad: Array<[string[], number, string]> = [
      [
        ["--folder", folder, "--cron", "0 3 * *"],
        2,
        "--cron: '0 3 * *' has 4 fields, not 5: use five fields",
      ],
      [
        ["--folder", folder, "--cron", "0 24 * * *"],
        2,
        "--cron: '0 24 * * *' is not a valid cron expression (Invalid value for hour: 24)",
      ],
      [
        ["--folder", folder, "--cron", "@daily", "--timezone", "Mars/Base"],
        2,
        "--timezone: 'Mars/Base' is not a time zone",
      ],
      [
        ["--folder", folder, "--cron", "@daily", "--window", "9-17"],
        2,
        "--window: start '9' must be a 24-hour time HH:MM",
      ],
      [
        ["--folder", join(folder, "nope"), "--cron", "@daily"],
        2,
        `--folder: '${join(folder, "nope")}' does not exist`,
      ],
      [
        ["--folder", folder, "--cron", "@daily", "--max-delete", "5"],
        2,
        "--max-delete: only applies when delete is on (--delete).",
      ],
      [
        ["--folder", folder, "--cron", "@daily", "--bwlimit", "fast"],
        2,
        "--bwlimit: 'fast' is not a rate",
      ],
      [
        ["--folder", folder, "--cron", "@daily", "--webhook", "ftp://x.example/h"],
        2,
        "--webhook: 'ftp://x.example/***' must be an http:// or https:// URL",
      ],
      [
        ["--folder", folder, "--cron", "@daily", "--profile", "work"],
        4,
        "Job 'photos' would use profile 'work', which does not exist (profiles: home)",
      ],
    ];
    for (const [args, code, message] of bad) {
      r = await add(sb, "photos", ...args);
      assertEquals(r.code, code, `${args.join(" ")}: ${r.stderr}`);
      assertIncludes(r.stderr, `eigen-s3: ${message}`);
    }
    r = await add(sb, "bad name", "--folder", folder, "--cron", "@daily");
    assertEquals(r.code, 2);
    assertIncludes(r.stderr, "NAME: 'bad name' is not a job name");
    r = await runCli(["schedule", "add", "photos", "--folder", folder], sb.env);
    assertEquals(r.code, 2);
    assertIncludes(r.stderr, "required option '--cron <expr>' not specified");

    r = await add(
      sb,
      "photos",
      "--folder",
      folder,
      "--cron",
      "0  3 * * *",
      "--timezone",
      "UTC",
      "--exclude",
      "*.tmp",
      "--webhook",
      "https://hooks.example.com/T/SECRET",
      "--notify-on",
      "failure",
    );
    assertEquals(r.code, 0, r.stderr);
    assertIncludes(
      r.stdout,
      `Saved job 'photos': ${folder} -> profile home, prefix 'Photos', '0 3 * * *' (UTC); next run `,
    );
    r = await add(sb, "photos", "--folder", folder, "--cron", "@daily");
    assertEquals(r.code, 2);
    assertEquals(
      r.stderr,
      "eigen-s3: Job 'photos' already exists: remove it first ('eigen-s3 schedule remove photos') or choose another name.\n",
    );
    const config = JSON.parse(
      await Deno.readTextFile(join(sb.env.XDG_CONFIG_HOME!, "eigen", "s3-config.json")),
    );
    assertEquals(config.jobs.photos, {
      folder,
      prefix: "Photos",
      cron: "0 3 * * *",
      exclude: ["*.tmp"],
      include_hidden: false,
      delete: false,
      notify: { webhook: "https://hooks.example.com/T/SECRET", on: "failure" },
      timezone: "UTC",
    });
  } finally {
    await sb.cleanup();
  }
});

Deno.test("schedule list/show/remove: next run, last result, webhook redacted, invalid jobs shown", async () => {
  const { sb, folder } = await setup();
  try {
    await configureProfile(sb, "home", "photos-bucket");
    let r = await runCli(["schedule", "list"], sb.env);
    assertEquals(
      r.stdout,
      "No jobs yet: add one with 'eigen-s3 schedule add NAME --folder DIR --cron EXPR'.\n",
    );
    r = await add(
      sb,
      "photos",
      "--folder",
      folder,
      "--prefix",
      "pics",
      "--cron",
      "30 2 * * *",
      "--timezone",
      "Europe/Berlin",
      "--window",
      "01:00-05:00",
      "--webhook",
      "https://u:p@hooks.example.com/T/SECRET",
    );
    assertEquals(r.code, 0, r.stderr);
    r = await runCli(["schedule", "list", "--json"], sb.env);
    const rows = r.json()[0]!.result as Array<Record<string, unknown>>;
    assertEquals(rows.length, 1);
    const row = rows[0]!;
    assertEquals([row.name, row.profile, row.timezone, row.error, row.last_result], [
      "photos",
      "home",
      "Europe/Berlin",
      null,
      null,
    ]);
    assertOk(
      /^\d{4}-\d\d-\d\dT0[01]:30:00\.000Z$/.test(String(row.next_run)),
      String(row.next_run),
    );
    assertEquals((row.job as { notify: unknown }).notify, {
      webhook: "https://***@hooks.example.com/***",
    });
    assertExcludes(r.stdout, "SECRET");
    r = await runCli(["schedule", "list"], sb.env);
    assertIncludes(
      r.stdout,
      "job     schedule                                folder -> profile:prefix",
    );
    assertIncludes(
      r.stdout,
      `photos  30 2 * * * Europe/Berlin [01:00-05:00]  ${folder} -> home:pics`,
    );
    assertIncludes(r.stdout, "never run");
    r = await runCli(["schedule", "show", "photos"], sb.env);
    assertIncludes(
      r.stdout,
      "schedule:  30 2 * * * (Europe/Berlin), runs start between 01:00 and 05:00\n",
    );
    assertIncludes(r.stdout, "notify:    webhook https://***@hooks.example.com/*** (always)\n");
    assertIncludes(r.stdout, "last runs:\n  none yet\n");
    r = await runCli(["schedule", "show", "nope"], sb.env);
    assertEquals(r.code, 4);
    assertEquals(
      r.stderr,
      "eigen-s3: Job 'nope' does not exist (jobs: photos): add it with 'eigen-s3 schedule add nope --folder DIR --cron EXPR'.\n",
    );

    // --scheduled (what timers run) skips a run outside the window; the daemon checks --job.
    const h = new Date().getUTCHours();
    const hh = (n: number) => String(n % 24).padStart(2, "0");
    const win = `${hh(h + 2)}:00-${hh(h + 3)}:00`;
    r = await add(
      sb,
      "later",
      "--folder",
      folder,
      "--cron",
      "@hourly",
      "--timezone",
      "UTC",
      "--window",
      win,
    );
    assertEquals(r.code, 0, r.stderr);
    r = await runCli(["schedule", "run", "later", "--scheduled"], sb.env);
    assertEquals([r.code, r.stdout], [
      0,
      `Job 'later' not run: outside its window ${win}.\n`,
    ]);
    r = await runCli(["schedule", "remove", "later"], sb.env);
    assertEquals(r.code, 0);
    r = await runCli(["daemon", "--job", "ghost"], sb.env);
    assertEquals(r.code, 4);
    assertIncludes(r.stderr, "eigen-s3: Job 'ghost' (--job) does not exist in ");

    // A job broken by hand is listed with its problem; the others still work.
    const file = join(sb.env.XDG_CONFIG_HOME!, "eigen", "s3-config.json");
    const config = JSON.parse(await Deno.readTextFile(file));
    config.jobs.broken = { folder, cron: "0 3 * *" };
    await Deno.writeTextFile(file, JSON.stringify(config), { mode: 0o600 });
    r = await runCli(["schedule", "list"], sb.env);
    assertEquals(r.code, 0);
    assertIncludes(r.stdout, `broken  INVALID`);
    assertIncludes(r.stdout, `${file}: jobs.broken.cron: '0 3 * *' has 4 fields, not 5`);
    r = await runCli(["schedule", "remove", "broken"], sb.env);
    assertEquals([r.code, r.stdout], [0, "Removed job 'broken'.\n"]);
    r = await runCli(["schedule", "remove", "photos", "--json"], sb.env);
    assertEquals(r.json(), [{
      event: "result",
      command: "schedule remove",
      result: { name: "photos", removed: true },
    }]);
    r = await runCli(["schedule", "remove", "photos"], sb.env);
    assertEquals(r.code, 4);
    assertIncludes(r.stderr, "eigen-s3: Job 'photos' does not exist: add it with");
  } finally {
    await sb.cleanup();
  }
});

/** A fake tool that logs its arguments; `crontab` keeps the table in a file. */
async function fakeTools(dir: string): Promise<Record<string, string>> {
  const log = join(dir, "tools.log");
  const table = join(dir, "crontab.txt");
  await Deno.writeTextFile(join(dir, "systemctl"), `#!/bin/sh\necho "systemctl $*" >> '${log}'\n`, {
    mode: 0o755,
  });
  await Deno.writeTextFile(
    join(dir, "crontab"),
    `#!/bin/sh\necho "crontab $*" >> '${log}'\nif [ "$1" = "-l" ]; then [ -f '${table}' ] || { echo "no crontab for $USER" >&2; exit 1; }; cat '${table}'; else cat > '${table}'; fi\n`,
    { mode: 0o755 },
  );
  await Deno.writeTextFile(
    join(dir, "systemctl-broken"),
    `#!/bin/sh\necho "Failed to connect to bus" >&2\nexit 1\n`,
    { mode: 0o755 },
  );
  return { EIGEN_S3_SYSTEMCTL: join(dir, "systemctl"), EIGEN_S3_CRONTAB: join(dir, "crontab") };
}

Deno.test("schedule install/uninstall: systemd units and a crontab block, exactly undone", async () => {
  const { sb, folder } = await setup();
  try {
    await configureProfile(sb, "home", "photos-bucket");
    let r = await runCli(["schedule", "install", "--systemd", "--dry-run"], sb.env);
    assertEquals(r.code, 4);
    assertEquals(
      r.stderr,
      "eigen-s3: No jobs to install: add one with 'eigen-s3 schedule add NAME --folder DIR --cron EXPR'.\n",
    );
    assertEquals(
      (await add(sb, "photos", "--folder", folder, "--cron", "0 3 * * *", "--timezone", "UTC"))
        .code,
      0,
    );
    const tools = await fakeTools(sb.home);
    const env = { ...sb.env, ...tools };
    const unitDir = join(sb.env.XDG_CONFIG_HOME!, "systemd", "user");
    const main = new URL("../../main.ts", import.meta.url).pathname;

    r = await runCli(["schedule", "install", "--systemd", "--dry-run"], env);
    assertEquals(r.code, 0, r.stderr);
    assertIncludes(r.stdout, `=== ${unitDir}/eigen-s3-photos.timer\n`);
    assertIncludes(r.stdout, "OnCalendar=*-*-* 03:00:00 UTC\nPersistent=true\n");
    assertIncludes(
      r.stdout,
      `ExecStart=${Deno.execPath()} run -A ${main} schedule run photos --scheduled\n`,
    );
    assertIncludes(r.stdout, `Environment=XDG_CONFIG_HOME=${sb.env.XDG_CONFIG_HOME}\n`);
    assertIncludes(r.stdout, "Dry run: nothing was written.");
    assertOk(!(await Deno.stat(unitDir).catch(() => null)), "dry run writes nothing");

    r = await runCli(["schedule", "install", "--systemd"], env);
    assertEquals(r.code, 0, r.stderr);
    assertIncludes(r.stdout, `Wrote ${unitDir}/eigen-s3-photos.service\n`);
    assertIncludes(r.stdout, "Installed 1 job(s) with systemd.");
    assertEquals([...Deno.readDirSync(unitDir)].map((e) => e.name).sort(), [
      "eigen-s3-photos.service",
      "eigen-s3-photos.timer",
    ]);
    const log = join(sb.home, "tools.log");
    assertEquals(
      await Deno.readTextFile(log),
      "systemctl --user daemon-reload\nsystemctl --user enable --now eigen-s3-photos.timer\n",
    );

    // Switching to cron removes the systemd units first; the user's own crontab lines stay.
    await Deno.writeTextFile(join(sb.home, "crontab.txt"), "MAILTO=me\n");
    await Deno.remove(log);
    r = await runCli(["schedule", "install", "--cron"], env);
    assertEquals(r.code, 0, r.stderr);
    assertIncludes(r.stdout, "Removed the earlier systemd install (2 file(s)).");
    assertEquals([...Deno.readDirSync(unitDir)].length, 0);
    const table = await Deno.readTextFile(join(sb.home, "crontab.txt"));
    assertOk(table.startsWith("MAILTO=me\n# >>> eigen-s3 schedule >>>\n"), table);
    assertIncludes(
      table,
      `0 3 * * * XDG_CONFIG_HOME=${sb.env.XDG_CONFIG_HOME} XDG_STATE_HOME=${sb.env.XDG_STATE_HOME} ${Deno.execPath()} run -A ${main} schedule run photos --scheduled >> ${sb.env.XDG_STATE_HOME}/eigen/logs/photos.log 2>&1\n`,
    );
    r = await runCli(["schedule", "uninstall"], env);
    assertEquals(r.code, 0, r.stderr);
    assertEquals(await Deno.readTextFile(join(sb.home, "crontab.txt")), "MAILTO=me\n");
    r = await runCli(["schedule", "uninstall"], env);
    assertEquals(r.code, 0);
    assertIncludes(r.stdout, "Nothing to uninstall: no record of a 'schedule install' at ");

    // systemctl failing: exit 1 with what to do, and uninstall still removes the files.
    const broken = { ...env, EIGEN_S3_SYSTEMCTL: join(sb.home, "systemctl-broken") };
    r = await runCli(["schedule", "install", "--systemd"], broken);
    assertEquals(r.code, 1);
    assertIncludes(
      r.stderr,
      "eigen-s3: The systemd files are written but 'systemctl-broken --user daemon-reload' (exit 1: Failed to connect to bus) failed: fix that and run 'eigen-s3 schedule install' again, or remove them with 'eigen-s3 schedule uninstall'.",
    );
    r = await runCli(["schedule", "uninstall"], env);
    assertEquals(r.code, 0, r.stderr);
    assertEquals([...Deno.readDirSync(unitDir)].length, 0);
    r = await runCli(["schedule", "install", "--cron", "--systemd"], env);
    assertEquals([r.code, r.stderr], [
      2,
      "eigen-s3: Choose one of --systemd, --cron and --launchd.\n",
    ]);
  } finally {
    await sb.cleanup();
  }
});
