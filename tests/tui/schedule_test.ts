/**
 * Scheduled jobs on the Settings screen through the reducer and the effect runner with a fake
 * engine (no Ink): the list, the job form (add, edit, rename, validation errors on the field
 * they name, the live cron preview), remove after a question, run now and stopping it.
 */

import { assertEquals, assertIncludes, assertOk } from "../support/assert.ts";
import { activeScopes } from "../../src/tui/state/root_reducer.ts";
import { Driver } from "./support/drive.ts";
import { FakeServices, oneProfile } from "./support/fake_services.ts";
import { jobOutcome } from "./support/fake_jobs.ts";

async function onJobs(fake = new FakeServices(oneProfile())): Promise<Driver> {
  const d = new Driver(fake);
  d.start();
  await d.settle();
  d.keys("5");
  await d.settle();
  d.keys("shift+tab");
  return d;
}

function form(d: Driver) {
  const jf = d.state.schedule.form;
  if (!jf) throw new Error("the job form is not open");
  return jf;
}

/** Tab presses from Name to the Save button (no max-delete row). */
const TO_SAVE = Array(9).fill("tab");

Deno.test("jobs: the list loads with Settings; keys of the list are the jobs keys", async () => {
  const fake = new FakeServices(oneProfile());
  fake.jobStore.put({ name: "docs", folder: "/home/me/Documents", cron: "@daily" });
  const d = await onJobs(fake);
  try {
    assertEquals(d.state.schedule.rows?.map((r) => r.name), ["docs", "nightly"]);
    assertEquals(d.state.settings.form.focus, "jobs");
    assertEquals(activeScopes(d.state), ["jobs", "list", "form", "global"]);
    d.keys("down");
    assertEquals(d.state.schedule.cursor, 1);
    d.keys("down");
    assertEquals(d.state.schedule.cursor, 1, "the cursor stops at the last job");
    d.keys("up", "up");
    assertEquals(
      [d.state.schedule.cursor, d.state.settings.form.focus],
      [0, "save"],
      "↑ on the first job goes back to the form",
    );
    d.keys("tab", "?");
    assertEquals(d.state.overlay?.kind, "help");
    if (d.state.overlay?.kind === "help") assertEquals(d.state.overlay.scopes[0], "jobs");
  } finally {
    await d.dispose();
  }
});

Deno.test("jobs: add with the folder picker; errors land on the fields they name", async () => {
  const fake = new FakeServices(oneProfile());
  const d = await onJobs(fake);
  try {
    d.keys("a");
    assertEquals([form(d).editing, form(d).form.values.profile], [null, "home"]);
    // Save with nothing filled in: every missing field says so, the first gets the focus
    d.keys(...TO_SAVE, "enter");
    assertEquals(Object.keys(form(d).errors).sort(), ["cron", "folder", "name"]);
    assertEquals(form(d).form.focus, "name");
    assertEquals(fake.jobStore.calls, [], "nothing reached the engine");
    d.keys("text:my job");
    assertEquals(form(d).errors.name, undefined, "typing clears the field's error");
    // folder: Enter opens the picker, Space chooses; the prefix follows the folder's name
    d.keys("tab", "enter");
    await d.settle();
    assertEquals(d.state.overlay?.kind, "folder");
    d.keys("down", "space");
    assertEquals(d.state.overlay, null);
    assertEquals([form(d).form.values.folder, form(d).form.values.prefix], [
      "/home/me/Photos",
      "Photos",
    ]);
    // cron: checked as it is typed, in words; the next three runs once it is valid
    d.keys("tab", "tab", "tab", "text:0 3 * *");
    await d.settle();
    assertIncludes(form(d).errors.cron ?? "", "has 4 fields, not 5");
    assertEquals(form(d).preview, null);
    d.keys("text: *");
    await d.settle();
    assertEquals(form(d).errors.cron, undefined);
    assertEquals(form(d).preview?.runs, [
      "2026-11-25T03:00:00.000Z",
      "2026-11-26T03:00:00.000Z",
      "2026-11-27T03:00:00.000Z",
    ]);
    // time zone: a wrong one is an error on the time zone field, not on cron
    d.keys("tab", "text:Mars/Base");
    await d.settle();
    assertIncludes(form(d).errors.timezone ?? "", "is not a time zone");
    assertEquals(form(d).errors.cron, undefined);
    d.keys("ctrl+u", "text:Europe/Berlin");
    await d.settle();
    assertEquals([form(d).errors.timezone, form(d).preview?.timezone], [
      undefined,
      "Europe/Berlin",
    ]);
    assertEquals(form(d).preview?.runs[0], "2026-11-25T02:00:00.000Z", "03:00 in Berlin");
    // Save: the engine refuses the name; the error goes to Name and Name gets the focus
    d.keys("tab", "text:*.tmp cache/**", "tab", "tab", "tab", "enter");
    await d.settle();
    assertIncludes(form(d).errors.name ?? "", "'my job' is not a job name");
    assertEquals(form(d).form.focus, "name");
    assertEquals(form(d).message?.tone, "error");
    d.keys("ctrl+u", "text:photos-nightly", ...TO_SAVE, "enter");
    await d.settle();
    assertEquals(d.state.schedule.form, null, "saved: the form closes");
    assertEquals(d.state.status?.text, "Saved job 'photos-nightly'.");
    assertEquals(d.state.schedule.rows?.map((r) => r.name), ["nightly", "photos-nightly"]);
    assertEquals(d.state.schedule.cursor, 1, "the cursor is on the new job");
    assertEquals(d.state.settings.form.focus, "jobs");
    assertEquals(fake.jobStore.drafts.get("photos-nightly"), {
      name: "photos-nightly",
      folder: "/home/me/Photos",
      profile: "home",
      prefix: "Photos",
      cron: "0 3 * * *",
      timezone: "Europe/Berlin",
      exclude: ["*.tmp", "cache/**"],
      include_hidden: false,
      delete: false,
      max_delete: "",
    });
    assertOk(d.state.schedule.rows?.[1]?.nextRun, "the list shows its next run");
  } finally {
    await d.dispose();
  }
});

Deno.test("jobs: edit keeps the name unless changed; '/' is the root; rename moves the job", async () => {
  const fake = new FakeServices(oneProfile());
  const d = await onJobs(fake);
  try {
    d.keys("enter");
    assertEquals(form(d).editing, "nightly");
    assertEquals(form(d).form.values.cron, "0 2 * * *");
    assertOk(form(d).preview === null, "the preview is asked for");
    await d.settle();
    assertEquals(form(d).preview?.runs.length, 3);
    d.keys("tab", "tab", "tab", "ctrl+u", "text:/", ...Array(6).fill("tab"), "enter");
    await d.settle();
    assertEquals(fake.jobStore.calls.at(-1), "save:nightly:nightly");
    assertEquals(fake.jobStore.drafts.get("nightly")?.prefix, "", "'/' saves the root");
    d.keys("e");
    assertEquals(form(d).form.values.prefix, "/", "the root shows as '/'");
    d.keys("ctrl+u", "text:nightly-photos", ...TO_SAVE, "enter");
    await d.settle();
    assertEquals([...fake.jobStore.drafts.keys()], ["nightly-photos"]);
    assertEquals(d.state.schedule.rows?.map((r) => r.name), ["nightly-photos"]);
  } finally {
    await d.dispose();
  }
});

Deno.test("jobs: max delete shows with delete ticked and its error lands on it", async () => {
  const fake = new FakeServices(oneProfile());
  const d = await onJobs(fake);
  try {
    d.keys("e", ...Array(8).fill("tab"), "space");
    assertEquals(form(d).form.checks.delete, true);
    d.keys("tab");
    assertEquals(form(d).form.focus, "max_delete");
    d.keys("text:lots", "tab", "enter");
    await d.settle();
    assertIncludes(form(d).errors.max_delete ?? "", "'lots' must be a number of objects");
    assertEquals(form(d).form.focus, "max_delete");
    d.keys("ctrl+u", "text:10%", "tab", "enter");
    await d.settle();
    assertEquals(d.state.schedule.form, null);
    const saved = fake.jobStore.drafts.get("nightly");
    assertEquals([saved?.delete, saved?.max_delete], [true, "10%"]);
  } finally {
    await d.dispose();
  }
});

Deno.test("jobs: Esc leaves the form unsaved; the profile chooser offers the default", async () => {
  const fake = new FakeServices(oneProfile());
  const d = await onJobs(fake);
  try {
    d.keys("e", "tab", "tab", "enter");
    assertEquals(d.state.overlay?.kind, "choose");
    if (d.state.overlay?.kind === "choose") {
      assertEquals(d.state.overlay.items.map((i) => i.value), ["", "home"]);
      assertEquals(d.state.overlay.cursor, 0, "the job uses the default profile");
    }
    d.keys("down", "enter");
    assertEquals(form(d).form.values.profile, "home");
    d.keys("esc");
    assertEquals(d.state.schedule.form, null);
    assertEquals(d.state.status?.text, "Not saved.");
    assertEquals(fake.jobStore.calls, []);
  } finally {
    await d.dispose();
  }
});

Deno.test("jobs: x asks before removing; n keeps the job, y removes it", async () => {
  const fake = new FakeServices(oneProfile());
  const d = await onJobs(fake);
  try {
    d.keys("x");
    assertEquals(d.state.overlay?.kind, "confirm");
    if (d.state.overlay?.kind === "confirm") {
      assertEquals(d.state.overlay.title, "Remove job 'nightly'?");
    }
    d.keys("n");
    await d.settle();
    assertEquals(fake.jobStore.calls, []);
    d.keys("x", "y");
    await d.settle();
    assertEquals(fake.jobStore.calls, ["remove:nightly"]);
    assertEquals(d.state.schedule.rows, []);
    assertEquals(d.state.status?.text, "Removed job 'nightly'.");
  } finally {
    await d.dispose();
  }
});

Deno.test("jobs: r runs the job now; files in flight, the result, the new last result", async () => {
  const fake = new FakeServices(oneProfile());
  fake.jobStore.run = {
    events: [
      { type: "file-start", operation_id: "op", file_name: "a.jpg", bytes: 10 },
      { type: "file-start", operation_id: "op", file_name: "b.jpg", bytes: 20 },
      { type: "file-done", operation_id: "op", file_name: "a.jpg", bytes: 10, action: "upload" },
    ],
    outcome: jobOutcome({ transferred: 2 }),
  };
  const d = await onJobs(fake);
  try {
    assertEquals(d.state.schedule.rows?.[0]?.last, null);
    d.keys("r");
    assertEquals(d.state.schedule.running, "nightly");
    await d.settle();
    const t = d.state.schedule.transfer;
    assertEquals([t.phase, t.outcome?.status, t.outcome?.transferred], ["done", "success", 2]);
    assertIncludes(t.summary?.route ?? "", "/home/me/Photos -> s3://photos/Photos/");
    assertEquals(d.state.status?.text, "The job 'nightly' finished.");
    assertEquals(d.state.schedule.rows?.[0]?.last?.status, "success", "the list was reloaded");
    const seen = d.actions.flatMap((a) => a.type === "transfer-events" ? a.events : []);
    assertEquals(seen.filter((e) => e.type === "file-start").length, 2);
  } finally {
    await d.dispose();
  }
});

Deno.test("jobs: Ctrl+C during a run asks, y stops it cleanly; q waits meanwhile", async () => {
  const fake = new FakeServices(oneProfile());
  fake.jobStore.run = {
    events: [{ type: "file-start", operation_id: "op", file_name: "big.bin", bytes: 1e9 }],
    hang: true,
  };
  const d = await onJobs(fake);
  try {
    d.keys("r");
    await new Promise((r) => setTimeout(r, 150));
    const t = d.state.schedule.transfer;
    assertEquals([t.phase, t.current], ["running", ["big.bin"]]);
    d.keys("r");
    assertEquals(d.state.status?.tone, "warn", "one run at a time");
    d.keys("x");
    assertEquals(d.state.overlay, null, "a running job cannot be removed");
    d.keys("q");
    assertEquals(d.state.exit, null);
    d.keys("ctrl+c");
    assertEquals(d.state.overlay?.kind, "confirm");
    if (d.state.overlay?.kind === "confirm") {
      assertEquals(d.state.overlay.title, "Stop the job 'nightly'?");
    }
    d.keys("y");
    assertEquals(d.state.schedule.transfer.phase, "stopping");
    await d.settle();
    assertEquals(d.state.schedule.transfer.outcome?.status, "interrupted");
    assertEquals(d.state.status?.text, "The job 'nightly' was stopped cleanly.");
    d.keys("q");
    assertEquals(d.state.exit, 0);
  } finally {
    await d.dispose();
  }
});

Deno.test("jobs: Ctrl+C twice during a run stops it and quits with 130", async () => {
  const fake = new FakeServices(oneProfile());
  fake.jobStore.run = { hang: true };
  const d = await onJobs(fake);
  try {
    d.keys("r", "ctrl+c", "ctrl+c");
    await d.settle();
    assertEquals([d.state.schedule.transfer.outcome?.status, d.state.exit], ["interrupted", 130]);
  } finally {
    await d.dispose();
  }
});
