/**
 * Regenerates docs/tui-screens.md: drives the real TUI in tmux at 80x24 against Ceph RGW (a
 * proxy adds latency so a backup can be caught mid-run) and writes the captured screens.
 *
 *   deno run -A tests/tui/support/capture_screens.ts > docs/tui-screens.md && deno fmt docs/
 *
 * @module
 */

import { join } from "node:path";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import {
  dropBucket,
  rawClient,
  runCli,
  S3_ENDPOINT,
  sandbox,
  TEST_ACCESS_KEY,
  TEST_SECRET_KEY,
  writeFile,
} from "../../support/test_env.ts";
import { startS3Proxy } from "../../support/s3_proxy.ts";
import { TmuxApp } from "./tmux.ts";

if (!S3_ENDPOINT) throw new Error("needs an S3 server (tests/support/rgw.sh start)");

// A home folder whose path is as long as "/home/anna", so captures can show that instead.
const home = `/tmp/e${crypto.randomUUID().slice(0, 4)}`;
await Deno.mkdir(home);
const box = await sandbox({
  HOME: home,
  XDG_CONFIG_HOME: join(home, ".config"),
  XDG_STATE_HOME: join(home, ".local/state"),
});
const s3 = rawClient();
const bucket = "family-photos";
await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch(() => {});
const proxy = await startS3Proxy(S3_ENDPOINT, {
  rules: [{
    action: "latency",
    ms: 250,
    match: (r) => r.op === "PutObject" || r.op === "UploadPart",
  }],
});
const pictures = join(home, "Pictures");
for (let i = 1; i <= 60; i++) {
  const y = i <= 25 ? "2024" : "2025";
  await writeFile(join(pictures, y, `IMG_${String(1000 + i)}.jpg`), 200_000 + i * 7919);
}
await writeFile(join(pictures, "2025", "holiday.mp4"), 24 * 1024 * 1024);
await writeFile(join(pictures, "notes.txt"), "Photos of the family, sorted by year.\n");
const documents = join(home, "Documents");
await writeFile(join(documents, "taxes-2025.pdf"), 120_000);

const shots: { title: string; text: string; note?: string }[] = [];
const app = await TmuxApp.start(box.env, home);
const shot = async (title: string, note?: string) => {
  const text = (await app.screen()).replaceAll(home, "/home/anna").replace(/\s+$/, "");
  shots.push({ title, text, note });
};

try {
  await app.waitFor("new profile");
  await app.type(proxy.endpoint);
  await app.keys("Tab", "Tab");
  await app.type(TEST_ACCESS_KEY);
  await app.keys("Tab");
  await app.type(TEST_SECRET_KEY);
  await app.keys("Tab");
  await app.type(bucket);
  await app.keys("Tab", "Tab", "Enter");
  await app.waitFor("is accessible");
  await shot(
    "S3 Configuration: first run, after Test connection",
    "The secret is masked; Tab moves between fields; Enter on Bucket lists the buckets.",
  );
  await app.keys("Right", "Enter");
  await app.waitFor("Saved profile");
  await shot(
    "S3 Configuration: saved",
    "Save says which secret store holds the key (here the encrypted file: no Secret Service on this server).",
  );
  await app.keys("Escape");
  await app.waitFor("Backup manager");
  await shot("Home");
  await app.keys("2", "Enter");
  await app.waitFor("Choose the folder to back up");
  await app.keys("Down");
  await app.waitFor("Pictures/");
  await shot("Backup Manager: the folder picker");
  await app.keys("Escape");
  await app.type(pictures);
  await app.keys("Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Enter");
  await app.waitFor(/[1-9]\d% \(/, 30_000);
  await shot(
    "Backup Manager: running",
    "Progress is redrawn at most ten times a second; Ctrl+C asks before stopping cleanly.",
  );
  await app.waitFor("Done in", 60_000);
  await shot("Backup Manager: done");
  await Deno.remove(join(pictures, "2024", "IMG_1003.jpg"));
  await app.keys("Up", "Up", "Left", "Space", "Tab", "Tab", "Tab", "Enter");
  await app.waitFor("DELETE");
  await shot(
    "Backup Manager: deletions need a yes",
    "With 'delete remote extras' ticked, the plan is shown first and nothing is deleted without y.",
  );
  await app.keys("n");
  await app.keys("3");
  await app.waitFor("▸ Pictures/");
  await app.keys("Enter");
  await app.waitFor("▸ 2025/");
  await app.keys("Down", "Enter");
  await app.waitFor("IMG_1026.jpg");
  await app.keys("Space", "Space", "End", "Space");
  await shot(
    "Restore Manager: browsing the bucket",
    "Folders come from prefixes and load a page at a time; Space selects files or folders.",
  );
  await app.keys("?");
  await app.waitFor("Bucket browser");
  await shot("Help (?) on the Restore Manager");
  await app.keys("Escape", "Left");
  await app.waitFor("▸ 2025/");
  await app.keys("Tab");
  await app.type(join(home, "Restored"));
  await app.keys("Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Enter");
  await app.waitFor("restored,", 60_000);
  await shot("Restore Manager: done");
  await app.keys("4");
  await app.waitFor("newest first");
  await shot("History");
  // scheduled jobs: one added with the CLI, one from the Settings screen, then run now
  const added = await runCli(
    ["schedule", "add", "documents", "--folder", documents, "--cron", "@daily"],
    box.env,
  );
  if (added.code !== 0) throw new Error(added.stderr);
  await app.keys("5");
  await app.waitFor("Scheduled jobs (1)");
  await app.keys("BTab", "a");
  await app.waitFor("New scheduled job");
  await app.type("nightly-photos");
  await app.keys("Tab");
  await app.type(pictures);
  await app.keys("Tab", "Tab");
  await app.type("archive/Pictures");
  await app.keys("Tab");
  await app.type("30 2 * *");
  await app.waitFor("has 4 fields, not 5");
  await shot(
    "Settings: a new scheduled job, the cron expression checked as it is typed",
    "Errors are shown under the field they name, in words; Save checks everything again.",
  );
  await app.type(" *");
  await app.keys("Tab");
  await app.type("Europe/Berlin");
  await app.keys("Tab");
  await app.type("*.tmp");
  await app.waitFor("next: ");
  await shot(
    "Settings: the job form with its next runs",
    "The next three runs are shown in the job's time zone as soon as the expression is valid.",
  );
  await app.keys("Tab", "Tab", "Tab", "Enter");
  await app.waitFor("Scheduled jobs (2)");
  await shot(
    "Settings: scheduled jobs",
    "a adds, e or Enter edits, x removes (after a question), r runs the job now. The line under the list shows where the selected job goes.",
  );
  await app.keys("r");
  await app.waitFor(/[1-9]\d% \(/, 30_000);
  await shot(
    "Settings: a job running now",
    "Progress as on the Backup screen, with the files in flight; Ctrl+C asks before stopping cleanly.",
  );
  await app.waitFor("Done in", 60_000);
  await app.waitFor("✓ success");
  await shot("Settings: the job's result", "The list shows the new last result.");
  await app.resize(70, 20);
  await app.waitFor("Window too small");
  await shot("Below 80x24");
  await app.resize(80, 24);
  await app.keys("q");
  await app.exitCode();
} finally {
  await app.close();
  await proxy.close();
  await dropBucket(s3, bucket).catch(() => {});
  s3.destroy();
  await box.cleanup();
  await Deno.remove(home, { recursive: true }).catch(() => {});
}

const out = [
  "# eigen-s3 TUI screens",
  "",
  "Text captures of the full-screen UI at 80x24 (tmux `capture-pane`), taken by",
  "`deno run -A tests/tui/support/capture_screens.ts > docs/tui-screens.md` (then `deno fmt docs/`) against Ceph RGW.",
  "Start it with `eigen-s3` (no command) on a terminal, or `eigen-s3 tui`. Keys: Tab and arrows",
  "move, Enter presses or opens, Space ticks or selects, Esc goes back, `?` shows the keys of",
  "the screen, 1-5 (Alt+1-5 in a text field) switch screens, q quits, Ctrl+C stops a transfer.",
  "Scheduled jobs live on the Settings screen (5): Tab to the list, then a/e/x/r.",
  "",
];
for (const s of shots) {
  out.push(`## ${s.title}`, "");
  if (s.note) out.push(s.note, "");
  out.push("```text", s.text, "```", "");
}
console.log(out.join("\n"));
