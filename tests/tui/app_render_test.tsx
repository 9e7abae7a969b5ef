/**
 * The App rendered with ink-testing-library at 80x24 over a fake engine: frames and keys.
 */

import "./support/force_color.ts";
import { render } from "ink-testing-library";
import { assertEquals, assertExcludes, assertIncludes, assertOk } from "../support/assert.ts";
import { App } from "../../src/tui/app.tsx";
import { FakeServices, oneProfile, summary } from "./support/fake_services.ts";

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const plain = (s: string | undefined) => (s ?? "").replace(ANSI, "");
const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

async function until(frame: () => string | undefined, text: string, ms = 2000): Promise<string> {
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

Deno.test("render: home at 80x24 with the status line; screens fit; ? shows keys", async () => {
  const fake = new FakeServices(oneProfile());
  fake.keys = ["Photos/a.jpg"];
  const app = render(<App services={fake} color={false} size={{ columns: 80, rows: 24 }} />);
  try {
    let f = await until(app.lastFrame, "home │ photos │ http://127.0.0.1:7480");
    assertIncludes(f, "Backup manager");
    checkSize(f);
    for (
      const [key, text] of [["1", "S3 Configuration"], ["2", "Backup Manager"], ["3", "Photos/"], [
        "4",
        "History",
      ], ["5", "Scheduled jobs (1)"]]
    ) {
      app.stdin.write("\u001B");
      await tick();
      app.stdin.write(key!);
      f = await until(app.lastFrame, text!);
      checkSize(f);
    }
    app.stdin.write("\u001B");
    await tick();
    app.stdin.write("?");
    f = await until(app.lastFrame, "Keys (Esc closes)");
    assertIncludes(f, "Everywhere");
    assertIncludes(f, "quit (when nothing runs)");
    checkSize(f);
    app.stdin.write("\u001B");
    await tick();
    app.stdin.write("3");
    await until(app.lastFrame, "▸ Photos/");
    app.stdin.write("?");
    f = await until(app.lastFrame, "Bucket browser");
    assertIncludes(f, "select for restore");
    checkSize(f);
  } finally {
    app.unmount();
    await tick();
  }
});

Deno.test("render: the config form masks the secret and shows the test result", async () => {
  const fake = new FakeServices();
  const app = render(<App services={fake} color={false} size={{ columns: 80, rows: 24 }} />);
  try {
    await until(app.lastFrame, "new profile");
    app.stdin.write("http://127.0.0.1:7480");
    await tick();
    for (const k of ["\t", "\t"]) {
      app.stdin.write(k);
      await tick(5);
    }
    app.stdin.write("AKIA");
    await tick();
    app.stdin.write("\t");
    await tick();
    app.stdin.write("hunter2");
    let f = await until(app.lastFrame, "*******");
    assertExcludes(f, "hunter2");
    for (const k of ["\t", "\t", "\t", "\r"]) {
      app.stdin.write(k);
      await tick(5);
    }
    f = await until(app.lastFrame, "Bucket '' is accessible");
    checkSize(f);
  } finally {
    app.unmount();
    await tick();
  }
});

Deno.test("render: a running backup shows the bar, rate, files and the stop question", async () => {
  const fake = new FakeServices(oneProfile());
  fake.backupRun = {
    summary: summary({ transfers: 3, transferBytes: 520 * 1024 * 1024 }),
    events: [{
      type: "progress",
      progress: {
        operation_id: "op",
        file_name: "IMG_0012.jpg",
        bytes_transferred: 234 * 1024 * 1024,
        total_bytes: 520 * 1024 * 1024,
        percentage: 45,
        files_done: 1,
        files_total: 3,
      },
    }],
    hang: true,
  };
  const app = render(<App services={fake} color={false} size={{ columns: 80, rows: 24 }} />);
  try {
    await until(app.lastFrame, "Backup manager");
    app.stdin.write("2");
    await tick();
    app.stdin.write("/home/me/Photos");
    await tick();
    for (let i = 0; i < 7; i++) {
      app.stdin.write("\t");
      await tick(5);
    }
    app.stdin.write("\r");
    let f = await until(app.lastFrame, "45% (234 MiB / 520 MiB)");
    assertIncludes(f, "1/3 files");
    assertIncludes(f, "Now: IMG_0012.jpg");
    assertIncludes(f, "home │ photos │ backup 45%");
    checkSize(f);
    app.stdin.write("\u0003");
    f = await until(app.lastFrame, "Stop the backup?");
    app.stdin.write("y");
    f = await until(app.lastFrame, "Stopped after");
    assertIncludes(f, "Start again to continue");
  } finally {
    app.unmount();
    await tick();
  }
});

Deno.test("render: below 80x24 it says the window is too small", async () => {
  const app = render(
    <App
      services={new FakeServices(oneProfile())}
      color={false}
      size={{ columns: 60, rows: 20 }}
    />,
  );
  try {
    const f = await until(app.lastFrame, "Window too small");
    assertIncludes(f, "60x20");
  } finally {
    app.unmount();
    await tick();
  }
});

Deno.test("render: colour by default; without colour (NO_COLOR) only bold and inverse", async () => {
  for (const color of [true, false]) {
    const app = render(
      <App
        services={new FakeServices(oneProfile())}
        color={color}
        size={{ columns: 80, rows: 24 }}
      />,
    );
    try {
      await until(app.lastFrame, "Backup manager");
      const frame = app.lastFrame() ?? "";
      // deno-lint-ignore no-control-regex
      const colours = frame.match(/\x1b\[(3[0-7]|9[0-7]|4[0-7]|38;[0-9;]+)m/g) ?? [];
      if (color) assertOk(colours.length > 0, "colour codes expected");
      else assertEquals(colours, []);
      assertIncludes(frame, "\x1b[7m", "inverse marks the focus either way");
    } finally {
      app.unmount();
      await tick();
    }
  }
});
