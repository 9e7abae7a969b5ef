/**
 * The Settings screen's scheduled jobs rendered with ink-testing-library at 80x24 over a fake
 * engine: the list, the job form (live cron check, errors at their field), run now with its
 * progress, the result and the stop question.
 */

import "./support/force_color.ts";
import { render } from "ink-testing-library";
import { assertEquals, assertExcludes, assertIncludes, assertOk } from "../support/assert.ts";
import { App } from "../../src/tui/app.tsx";
import { FakeServices, oneProfile } from "./support/fake_services.ts";

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const plain = (s: string | undefined) => (s ?? "").replace(ANSI, "");
const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
const TAB = "\t";
const ENTER = "\r";
const BACKTAB = "\u001B[Z";

async function until(frame: () => string | undefined, text: string, ms = 3000): Promise<string> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const f = plain(frame());
    if (f.includes(text)) return f;
    await tick(10);
  }
  throw new Error(`'${text}' never appeared; last frame:\n${plain(frame())}`);
}

function checkSize(frame: string, columns = 80, rows = 24): void {
  const lines = frame.split("\n");
  assertOk(lines.length <= rows, `${lines.length} lines`);
  for (const l of lines) assertOk([...l].length <= columns, `too wide (${[...l].length}): ${l}`);
}

async function press(app: ReturnType<typeof render>, ...keys: string[]): Promise<void> {
  for (const k of keys) {
    app.stdin.write(k);
    await tick(15);
  }
}

Deno.test("render settings: the job list, a new job with a live cron check, run now", async () => {
  const fake = new FakeServices(oneProfile());
  const app = render(<App services={fake} color={false} size={{ columns: 80, rows: 24 }} />);
  try {
    await until(app.lastFrame, "Backup manager");
    await press(app, "5");
    let f = await until(app.lastFrame, "Scheduled jobs (1)");
    assertIncludes(f, "Tab here, then: a add");
    assertOk(/nightly\s+0 2 \* \* \*\s+2026-11-25 02:00\s+never run/.test(f), f);
    assertIncludes(f, "/home/me/Photos -> home:Photos · UTC · s3://photos/Photos/");
    checkSize(f);
    await press(app, BACKTAB);
    f = await until(app.lastFrame, "a add · e edit · x remove · r run now");
    assertIncludes(f, "a add · e/Enter edit");

    // a new job: the form, the cron checked as it is typed
    await press(app, "a");
    f = await until(app.lastFrame, "Settings › New scheduled job");
    checkSize(f);
    app.stdin.write("docs");
    await tick();
    await press(app, TAB);
    app.stdin.write("/home/me/Documents");
    await tick();
    await press(app, TAB, TAB, TAB);
    app.stdin.write("0 3 * *");
    f = await until(app.lastFrame, "has 4 fields, not 5");
    assertIncludes(f, "✗ '0 3 * *' has 4 fields");
    checkSize(f);
    app.stdin.write(" *");
    f = await until(app.lastFrame, "next: ");
    assertIncludes(f, "11-25 03:00 · ");
    assertExcludes(f, "has 4 fields");
    // a wrong time zone is shown under the time zone field
    await press(app, TAB);
    app.stdin.write("Nowhere/City");
    f = await until(app.lastFrame, "is not a time zone");
    const lines = f.split("\n");
    const tzAt = lines.findIndex((l) => l.includes("Time zone"));
    assertIncludes(lines[tzAt + 1] ?? "", "✗ 'Nowhere/City' is not a time zone");
    await press(app, "\u0015");
    app.stdin.write("UTC");
    await tick();
    await press(app, TAB, TAB, TAB, TAB, ENTER);
    f = await until(app.lastFrame, "Scheduled jobs (2)");
    assertIncludes(f, "Saved job 'docs'.");
    assertOk(/docs\s+0 3 \* \* \*\s+2026-11-25 03:00\s+never run/.test(f), f);
    checkSize(f);

    // run it now: the progress panel, then the result and the new last result
    fake.jobStore.run = {
      events: [
        { type: "file-start", operation_id: "op", file_name: "a.pdf", bytes: 10 },
        { type: "file-done", operation_id: "op", file_name: "a.pdf", bytes: 10, action: "upload" },
      ],
    };
    await press(app, "r");
    f = await until(app.lastFrame, "✓ Done in 900ms: 3 uploaded, 2 skipped");
    assertIncludes(f, "Run now: job 'docs'");
    assertIncludes(f, "/home/me/Documents -> s3://photos/Documents/");
    f = await until(app.lastFrame, "✓ success 11-24 12:00");
    checkSize(f);
  } finally {
    app.unmount();
    await tick();
  }
});

Deno.test("render settings: a running job shows the files in flight; Ctrl+C asks and stops", async () => {
  const fake = new FakeServices(oneProfile());
  fake.jobStore.run = {
    events: [
      { type: "file-start", operation_id: "op", file_name: "IMG_0001.jpg", bytes: 10 },
      { type: "file-start", operation_id: "op", file_name: "IMG_0002.jpg", bytes: 10 },
    ],
    hang: true,
  };
  const app = render(<App services={fake} color={false} size={{ columns: 80, rows: 24 }} />);
  try {
    await until(app.lastFrame, "Backup manager");
    await press(app, "5");
    await until(app.lastFrame, "Scheduled jobs (1)");
    await press(app, BACKTAB, "r");
    let f = await until(app.lastFrame, "Now (2): IMG_0001.jpg, IMG_0002.jpg");
    assertIncludes(f, "home │ photos │ job nightly 0%");
    checkSize(f);
    app.stdin.write("\u0003");
    f = await until(app.lastFrame, "Stop the job 'nightly'?");
    app.stdin.write("y");
    f = await until(app.lastFrame, "Stopped after");
    assertIncludes(f, "The job 'nightly' was stopped cleanly.");
    f = await until(app.lastFrame, "! interrupted 11-24 12:00");
    checkSize(f);
    assertEquals(fake.jobStore.calls, ["run:nightly"]);
  } finally {
    app.unmount();
    await tick();
  }
});
