import {
  installServices,
  readInstallRecord,
  replaceCronBlock,
  type ServiceTools,
  uninstallServices,
} from "../../../src/engine/timers/service_install.ts";
import {
  planServices,
  type ServiceEnv,
  type ServiceJob,
} from "../../../src/engine/timers/service_files.ts";
import { configJobRef, validateJob } from "../../../src/engine/schedule/jobs.ts";
import type { ToolRequest } from "../../../src/lib/run_tool.ts";
import { assertEquals, assertOk } from "../../support/assert.ts";
import { tempDir } from "../../support/test_env.ts";

/** Fake systemctl/crontab/launchctl: records calls, keeps the crontab in memory. */
function fakeTools(opts: { crontab?: string | null; failSystemctl?: boolean } = {}) {
  const calls: string[] = [];
  let crontab: string | null = opts.crontab ?? null;
  const tools: ServiceTools = {
    systemctl: "systemctl",
    crontab: "crontab",
    launchctl: "launchctl",
    uid: 501,
    run: (req: ToolRequest) => {
      calls.push([req.command, ...req.args].join(" "));
      const ok = { status: "exited" as const, code: 0, stdout: "", stderr: "" };
      if (req.command === "crontab" && req.args[0] === "-l") {
        return Promise.resolve(
          crontab === null
            ? { status: "exited", code: 1, stdout: "", stderr: "no crontab for ana\n" }
            : { ...ok, stdout: crontab },
        );
      }
      if (req.command === "crontab" && req.args[0] === "-") {
        crontab = req.stdin ?? "";
        return Promise.resolve(ok);
      }
      if (req.command === "systemctl" && opts.failSystemctl) {
        return Promise.resolve({
          status: "exited",
          code: 1,
          stdout: "",
          stderr: "Failed to connect to bus: No medium found\n",
        });
      }
      return Promise.resolve(ok);
    },
  };
  return { tools, calls, crontab: () => crontab };
}

const jobs: ServiceJob[] = ["a", "b"].map((name) => ({
  name,
  job: validateJob({ folder: `/srv/${name}`, cron: "0 3 * * *" }, configJobRef("c", name)),
}));

async function env() {
  const dir = await tempDir();
  const e: ServiceEnv = {
    program: ["/usr/local/bin/eigen-s3"],
    env: {},
    systemdDir: `${dir.path}/systemd/user`,
    launchAgentsDir: `${dir.path}/LaunchAgents`,
    logDir: `${dir.path}/logs`,
    systemTimezone: "UTC",
  };
  return { dir, e, record: `${dir.path}/state/schedule-install.json` };
}

Deno.test("systemd: install writes units and enables timers; uninstall removes exactly them", async () => {
  const { dir, e, record } = await env();
  try {
    const f = fakeTools();
    const out = await installServices(planServices("systemd", jobs, e), record, f.tools, e.logDir);
    assertEquals(out.removed, null);
    assertEquals(out.installed.ok, true);
    assertEquals(f.calls, [
      "systemctl --user daemon-reload",
      "systemctl --user enable --now eigen-s3-a.timer eigen-s3-b.timer",
    ]);
    const listed = [...Deno.readDirSync(e.systemdDir)].map((d) => d.name).sort();
    assertEquals(listed, [
      "eigen-s3-a.service",
      "eigen-s3-a.timer",
      "eigen-s3-b.service",
      "eigen-s3-b.timer",
    ]);
    // A file of the user's own in the same folder must survive uninstall.
    await Deno.writeTextFile(`${e.systemdDir}/mine.service`, "[Unit]\n");
    // Re-install with one job: the previous install is undone first.
    f.calls.length = 0;
    const again = await installServices(
      planServices("systemd", [jobs[0]!], e),
      record,
      f.tools,
      e.logDir,
    );
    assertEquals(again.removed?.files.length, 4);
    assertEquals(f.calls, [
      "systemctl --user disable --now eigen-s3-a.timer eigen-s3-b.timer",
      "systemctl --user daemon-reload",
      "systemctl --user daemon-reload",
      "systemctl --user enable --now eigen-s3-a.timer",
    ]);
    f.calls.length = 0;
    const removed = await uninstallServices(record, f.tools);
    assertEquals(removed?.files, [
      `${e.systemdDir}/eigen-s3-a.service`,
      `${e.systemdDir}/eigen-s3-a.timer`,
    ]);
    assertEquals(f.calls, [
      "systemctl --user disable --now eigen-s3-a.timer",
      "systemctl --user daemon-reload",
    ]);
    assertEquals([...Deno.readDirSync(e.systemdDir)].map((d) => d.name), ["mine.service"]);
    assertEquals(await readInstallRecord(record), null);
    assertEquals(await uninstallServices(record, f.tools), null);
  } finally {
    await dir.cleanup();
  }
});

Deno.test("systemd: a failing systemctl is reported, and the record still allows uninstall", async () => {
  const { dir, e, record } = await env();
  try {
    const f = fakeTools({ failSystemctl: true });
    const out = await installServices(planServices("systemd", jobs, e), record, f.tools, e.logDir);
    assertEquals(out.installed.ok, false);
    assertEquals(out.installed.commands, [{
      command: "systemctl --user daemon-reload",
      ok: false,
      detail: "exit 1: Failed to connect to bus: No medium found",
    }]);
    assertOk(await readInstallRecord(record));
    const removed = await uninstallServices(record, f.tools);
    assertEquals(removed?.files.length, 4);
    assertEquals(removed?.ok, false);
  } finally {
    await dir.cleanup();
  }
});

Deno.test("cron: the block is added after the user's lines and removed without touching them", async () => {
  const { dir, e, record } = await env();
  try {
    const mine = "MAILTO=ana\n15 * * * * /usr/bin/true\n";
    const f = fakeTools({ crontab: mine });
    const plan = planServices("cron", jobs, e);
    const out = await installServices(plan, record, f.tools, e.logDir);
    assertEquals(out.installed.ok, true);
    assertEquals(f.crontab(), mine + plan.crontabBlock);
    assertOk((await Deno.stat(e.logDir)).isDirectory);
    await installServices(plan, record, f.tools, e.logDir);
    assertEquals(f.crontab(), mine + plan.crontabBlock, "installing twice keeps one block");
    await uninstallServices(record, f.tools);
    assertEquals(f.crontab(), mine);
    // No crontab at all before: install creates one, uninstall leaves it empty.
    const empty = fakeTools({ crontab: null });
    await installServices(plan, record, empty.tools, e.logDir);
    assertEquals(empty.crontab(), plan.crontabBlock);
    await uninstallServices(record, empty.tools);
    assertEquals(empty.crontab(), "\n");
  } finally {
    await dir.cleanup();
  }
  assertEquals(
    replaceCronBlock("a\n# >>> eigen-s3 schedule >>>\nold\n# <<< eigen-s3 schedule <<<\nb\n", null),
    "a\nb\n",
  );
});

Deno.test("launchd: plists written and bootstrapped in the gui domain; bootout on uninstall", async () => {
  const { dir, e, record } = await env();
  try {
    const f = fakeTools();
    const plan = planServices("launchd", [jobs[0]!], e);
    await installServices(plan, record, f.tools, e.logDir);
    const path = `${e.launchAgentsDir}/com.eigen.eigen-s3.a.plist`;
    assertEquals(f.calls, [
      "launchctl bootout gui/501/com.eigen.eigen-s3.a",
      `launchctl bootstrap gui/501 ${path}`,
    ]);
    assertEquals(await Deno.readTextFile(path), plan.files[0]!.content);
    f.calls.length = 0;
    await uninstallServices(record, f.tools);
    assertEquals(f.calls, ["launchctl bootout gui/501/com.eigen.eigen-s3.a"]);
    assertEquals([...Deno.readDirSync(e.launchAgentsDir)].length, 0);
  } finally {
    await dir.cleanup();
  }
});
