/**
 * Whole-app flows through the reducer and the effect runner with a fake engine: no Ink.
 */

import { assertEquals, assertIncludes, assertOk } from "../support/assert.ts";
import { progressPayload } from "../../src/engine/core/events.ts";
import { PassphraseBridge } from "../../src/tui/services/passphrase_bridge.ts";
import { Driver } from "./support/drive.ts";
import { doneOutcome, FakeServices, oneProfile, summary } from "./support/fake_services.ts";

async function started(services: FakeServices): Promise<Driver> {
  const d = new Driver(services);
  d.start();
  await d.settle();
  return d;
}

Deno.test("flow: first run opens the configuration; list buckets, save, status line", async () => {
  const fake = new FakeServices();
  const d = await started(fake);
  try {
    assertEquals([d.state.screen, d.state.configScreen.mode, d.state.profile], [
      "config",
      "new",
      null,
    ]);
    assertEquals(d.state.configScreen.form.values.name, "default");
    d.keys("text:http://127.0.0.1:7480", "tab", "tab", "text:AKIAEXAMPLE", "tab", "text:s3cr3t");
    d.keys("tab", "enter");
    await d.settle();
    assertEquals(d.state.overlay?.kind, "choose");
    d.keys("down", "enter");
    assertEquals(d.state.configScreen.form.values.bucket, "videos");
    d.keys("tab", "tab", "right", "enter");
    await d.settle();
    assertEquals(fake.calls.filter((c) => c.startsWith("save")), ["save:default:false"]);
    assertEquals(d.state.profile, "default");
    assertEquals(d.state.configScreen.mode, "edit");
    assertEquals(
      d.state.configScreen.form.values.secret,
      "",
      "the secret leaves the form once saved",
    );
    assertIncludes(d.state.configScreen.result!.lines.join("\n"), "encrypted file");
    assertEquals(d.state.status?.tone, "ok");
  } finally {
    await d.dispose();
  }
});

Deno.test("flow: a failed test before saving asks, and 'y' saves anyway", async () => {
  const fake = new FakeServices();
  fake.testResult = {
    connected: true,
    bucket_accessible: false,
    error_message: "Bucket 'x' does not exist",
  };
  const d = await started(fake);
  try {
    d.keys("text:http://h:1", "tab", "tab", "text:AK", "tab", "text:S", "tab", "text:x");
    d.keys("tab", "tab", "enter");
    await d.settle();
    assertEquals(d.state.configScreen.result?.tone, "error", "Test connection shows the error");
    assertIncludes(d.state.configScreen.result!.lines.join(" "), "does not exist");
    d.keys("right", "enter");
    await d.settle();
    assertEquals(d.state.overlay?.kind, "confirm");
    d.keys("y");
    await d.settle();
    assertEquals(fake.calls.filter((c) => c.startsWith("save")), [
      "save:default:false",
      "save:default:true",
    ]);
    assertEquals(d.state.profile, "default");
  } finally {
    await d.dispose();
  }
});

Deno.test("flow: profiles switch with ←/→ and are removed after a question", async () => {
  const cfg = oneProfile();
  cfg.profiles.work = { ...cfg.profiles.home!, bucket_name: "work-bucket" };
  const fake = new FakeServices(cfg);
  const d = await started(fake);
  try {
    assertEquals([d.state.screen, d.state.profile], ["home", "home"]);
    d.keys("1");
    assertEquals(d.state.configScreen.form.focus, "profile");
    d.keys("right");
    assertEquals([d.state.profile, d.state.configScreen.form.values.bucket], [
      "work",
      "work-bucket",
    ]);
    d.keys("x");
    assertEquals(d.state.overlay?.kind, "confirm");
    d.keys("n");
    assertEquals(d.state.overlay, null);
    d.keys("x", "y");
    await d.settle();
    assertEquals(fake.calls.includes("remove:work"), true);
    assertEquals(d.state.profile, "home");
  } finally {
    await d.dispose();
  }
});

Deno.test("flow: backup shows the plan, asks before deleting, runs, reports", async () => {
  const fake = new FakeServices(oneProfile());
  fake.backupRun = {
    summary: summary({ deletes: 3 }),
    events: [
      {
        type: "progress",
        progress: progressPayload("op", "a.jpg", 1000, 3000, { done: 0, total: 2 }),
      },
      {
        type: "file-error",
        operation_id: "op",
        file_name: "b.jpg",
        code: "UploadFailed",
        message: "denied",
      },
    ],
    outcome: doneOutcome({ status: "partial", errors: [{ name: "b.jpg", message: "denied" }] }),
  };
  const d = await started(fake);
  try {
    d.keys(
      "2",
      "text:/home/me/Photos",
      "tab",
      "tab",
      "tab",
      "space",
      "tab",
      "tab",
      "tab",
      "tab",
      "enter",
    );
    await d.settle();
    assertEquals(fake.backupRequests[0], {
      profile: "home",
      localFolder: "/home/me/Photos",
      prefix: "Photos",
      deleteRemote: true,
      dryRun: false,
      includeHidden: false,
      excludes: [],
    });
    assertEquals(d.state.overlay?.kind, "confirm", "deletions need a yes");
    assertEquals(d.state.backup.transfer.phase, "ready");
    d.keys("y");
    await d.settle();
    const t = d.state.backup.transfer;
    assertEquals([t.phase, t.outcome?.status], ["done", "partial"]);
    assertEquals(t.errors, [{ name: "b.jpg", message: "denied" }]);
    assertEquals(d.state.status?.tone, "error");
  } finally {
    await d.dispose();
  }
});

Deno.test("flow: 'n' at the delete question changes nothing", async () => {
  const fake = new FakeServices(oneProfile());
  fake.backupRun = { summary: summary({ deletes: 1 }) };
  const d = await started(fake);
  try {
    d.keys("2", "text:/home/me/Photos", "tab", "tab", "tab", "tab", "tab", "tab", "tab", "enter");
    await d.settle();
    d.keys("n");
    await d.settle();
    assertEquals(d.state.backup.transfer.phase, "idle");
    assertIncludes(d.state.backup.transfer.message ?? "", "nothing was changed");
    assertOk(fake.calls.includes("discard"));
  } finally {
    await d.dispose();
  }
});

Deno.test("flow: a dry run reports and the plan opens with Show plan", async () => {
  const fake = new FakeServices(oneProfile());
  fake.backupRun = { summary: summary(), outcome: doneOutcome({ status: "dry-run" }) };
  const d = await started(fake);
  try {
    d.keys(
      "2",
      "text:/home/me/Photos",
      "tab",
      "tab",
      "space",
      "tab",
      "tab",
      "tab",
      "tab",
      "tab",
      "enter",
    );
    await d.settle();
    assertEquals(fake.backupRequests[0]?.dryRun, true);
    assertEquals(d.state.backup.transfer.outcome?.status, "dry-run");
    d.keys("right", "enter");
    assertEquals(d.state.overlay?.kind, "details");
    if (d.state.overlay?.kind === "details") {
      assertIncludes(d.state.overlay.lines.join("\n"), "a.jpg");
    }
    d.keys("esc");
    assertEquals(d.state.overlay, null);
  } finally {
    await d.dispose();
  }
});

Deno.test("flow: Ctrl+C during a backup asks; y stops cleanly; q is refused meanwhile", async () => {
  const fake = new FakeServices(oneProfile());
  fake.backupRun = { summary: summary(), hang: true };
  const d = await started(fake);
  try {
    d.keys("2", "text:/home/me/Photos", "tab", "tab", "tab", "tab", "tab", "tab", "tab", "enter");
    await new Promise((r) => setTimeout(r, 20));
    assertEquals(d.state.backup.transfer.phase, "running");
    d.keys("q");
    assertEquals([d.state.exit, d.state.status?.tone], [null, "warn"]);
    d.keys("ctrl+c");
    assertEquals(d.state.overlay?.kind, "confirm");
    d.keys("y");
    await d.settle();
    assertEquals([d.state.backup.transfer.outcome?.status, d.state.exit], ["interrupted", null]);
    d.keys("q");
    assertEquals(d.state.exit, 0);
  } finally {
    await d.dispose();
  }
});

Deno.test("flow: Ctrl+C twice stops and quits with 130; a signal does the same", async () => {
  for (const how of ["keys", "signal"]) {
    const fake = new FakeServices(oneProfile());
    fake.backupRun = { summary: summary(), hang: true };
    const d = await started(fake);
    try {
      d.keys("2", "text:/home/me/Photos", "tab", "tab", "tab", "tab", "tab", "tab", "tab", "enter");
      await new Promise((r) => setTimeout(r, 20));
      if (how === "keys") d.keys("ctrl+c", "ctrl+c");
      else d.dispatch({ type: "signal" });
      assertEquals(d.state.backup.transfer.phase, "stopping");
      await d.settle();
      assertEquals(d.state.exit, 130, how);
    } finally {
      await d.dispose();
    }
  }
});

Deno.test("flow: restore browses the bucket and restores the selection", async () => {
  const fake = new FakeServices(oneProfile());
  fake.keys = ["Photos/2024/a.jpg", "Photos/2024/b.jpg", "Photos/c.jpg", "docs/x.pdf"];
  fake.restoreRun = { summary: summary({ route: "s3://photos/Photos/ -> /tmp/r" }) };
  const d = await started(fake);
  try {
    d.keys("3");
    await d.settle();
    assertEquals(d.state.restore.tree?.entries.map((e) => e.key), ["Photos/", "docs/"]);
    d.keys("enter");
    await d.settle();
    assertEquals(d.state.restore.tree?.prefix, "Photos/");
    d.keys("space", "space");
    assertEquals(d.state.restore.tree?.selected.map((e) => e.key), [
      "Photos/2024/",
      "Photos/c.jpg",
    ]);
    d.keys("tab", "text:/tmp/r", "tab", "tab", "space", "tab", "tab", "tab", "tab", "enter");
    await d.settle();
    assertEquals(fake.restoreRequests[0], {
      profile: "home",
      sources: [{ key: "Photos/2024/", isFolder: true, size: 0 }, {
        key: "Photos/c.jpg",
        isFolder: false,
        size: 1000,
      }],
      localFolder: "/tmp/r",
      overwrite: true,
      dryRun: false,
      excludes: [],
      at: "",
      requestThaw: false,
    });
    assertEquals(d.state.restore.transfer.outcome?.status, "success");
  } finally {
    await d.dispose();
  }
});

Deno.test("flow: folder picker browses and chooses; history lists runs with details", async () => {
  const fake = new FakeServices(oneProfile());
  fake.records = [{
    id: 7,
    command: "backup",
    job: null,
    profile: "home",
    bucket: "photos",
    prefix: "Photos/",
    local_path: "/home/me/Photos",
    started_at: "2026-11-01T10:00:00.000Z",
    finished_at: "2026-11-01T10:01:00.000Z",
    status: "partial",
    exit_code: 3,
    report: {
      files_uploaded: 3,
      bytes_transferred: 10,
      duration_ms: 60000,
      errors: [{ path: "x.jpg", message: "denied" }],
    },
    error: null,
  }];
  const d = await started(fake);
  try {
    d.keys("2", "enter");
    await d.settle();
    assertEquals(d.state.overlay?.kind, "folder");
    d.keys("down", "enter");
    await d.settle();
    if (d.state.overlay?.kind === "folder") {
      assertEquals(d.state.overlay.picker.path, "/home/me/Photos");
    }
    d.keys("left");
    await d.settle();
    d.keys("space");
    assertEquals(
      d.state.backup.form.values.folder,
      "/home/me/Photos",
      "the cursor came back to Photos",
    );
    assertEquals(d.state.backup.form.values.prefix, "Photos");
    d.keys("esc", "4");
    await d.settle();
    assertEquals(d.state.history.records.length, 1);
    d.keys("enter");
    assertEquals(d.state.overlay?.kind, "details");
    if (d.state.overlay?.kind === "details") {
      assertIncludes(d.state.overlay.lines.join("\n"), "x.jpg: denied");
    }
  } finally {
    await d.dispose();
  }
});

Deno.test("flow: settings save the defaults; help shows the keys; too small blocks keys", async () => {
  const fake = new FakeServices(oneProfile());
  const d = await started(fake);
  try {
    d.keys("5", "text:4", "tab", "text:10M", "tab", "enter", "down", "enter", "tab", "enter");
    await d.settle();
    assertEquals(
      fake.calls.at(-1),
      'defaults:{"concurrency":4,"bwlimit":"10M","storage_class":"STANDARD"}',
    );
    assertEquals(d.state.settings.message?.tone, "ok");
    d.keys("?");
    assertEquals(d.state.overlay?.kind, "help");
    d.keys("esc");
    d.dispatch({ type: "resize", columns: 60, rows: 20 });
    d.keys("1");
    assertEquals(d.state.screen, "settings", "keys wait until the window is big enough");
    d.keys("q");
    assertEquals(d.state.exit, 0);
  } finally {
    await d.dispose();
  }
});

Deno.test("flow: the secret store's passphrase question is answered in a masked prompt", async () => {
  const fake = new FakeServices(oneProfile());
  const bridge = new PassphraseBridge();
  const d = new Driver(fake, undefined, bridge);
  d.start();
  await d.settle();
  try {
    // a store asks while the app has already queued other effects (ids must not mix)
    d.keys("4");
    const answer = bridge.ask("Passphrase for secrets.enc", true);
    assertEquals(d.state.overlay?.kind, "passphrase");
    d.keys("text:one", "enter", "text:two", "enter");
    if (d.state.overlay?.kind === "passphrase") {
      assertIncludes(d.state.overlay.error ?? "", "differ");
    }
    d.keys("text:pw", "enter", "text:pw", "enter");
    await d.settle();
    assertEquals(await answer, "pw");
    assertEquals(d.state.overlay, null);
    const cancelled = bridge.ask("Passphrase for secrets.enc", false).then(
      () => "answered",
      (e: Error) => e.message,
    );
    d.keys("esc");
    await d.settle();
    assertIncludes(await cancelled, "No passphrase");
  } finally {
    await d.dispose();
  }
});

Deno.test("flow: a key pressed before the config is read is not undone when it arrives", async () => {
  const fake = new FakeServices(oneProfile());
  const d = new Driver(fake);
  d.keys("2");
  d.start();
  await d.settle();
  try {
    assertEquals([d.state.screen, d.state.profile], ["backup", "home"]);
  } finally {
    await d.dispose();
  }
});
