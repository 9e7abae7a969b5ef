/**
 * A folder of 100,000 objects stays responsive: pages arrive as the cursor nears the end,
 * only the visible rows are drawn, and a key press redraws quickly however much is loaded.
 */

import "./support/force_color.ts";
import { render } from "ink-testing-library";
import { assertEquals, assertOk } from "../support/assert.ts";
import { App } from "../../src/tui/app.tsx";
import type { RemoteEntry } from "../../src/tui/services/services.ts";
import { openTree, treeCommand, treePageLoaded } from "../../src/tui/state/tree.ts";
import { FakeServices, oneProfile } from "./support/fake_services.ts";

const N = 100_000;

function page(from: number, n: number): RemoteEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const name = `IMG_${String(from + i).padStart(6, "0")}.jpg`;
    return {
      key: `big/${name}`,
      name,
      isFolder: false,
      size: 1,
      lastModified: null,
      storageClass: "STANDARD",
    };
  });
}

Deno.test("large bucket: 100,000 entries in pages; moving the cursor stays cheap", () => {
  let t = openTree("p", "big/", 1).tree;
  const started = performance.now();
  for (let p = 0; p < N / 1000; p++) {
    t = { ...t, reqId: p + 1 };
    const next = p + 1 < N / 1000 ? String((p + 1) * 1000) : undefined;
    t = treePageLoaded(
      t,
      p + 1,
      next ? { entries: page(p * 1000, 1000), nextToken: next } : { entries: page(p * 1000, 1000) },
    ).tree;
  }
  const loadMs = performance.now() - started;
  assertEquals(t.entries.length, N);
  const moves = performance.now();
  for (let i = 0; i < 10_000; i++) t = treeCommand(t, "list.down", 15)!.tree;
  const perMove = (performance.now() - moves) / 10_000;
  assertOk(perMove < 0.5, `a cursor move took ${perMove.toFixed(3)} ms`);
  assertOk(loadMs < 5000, `loading 100 pages took ${loadMs.toFixed(0)} ms`);
});

Deno.test("large bucket: the app browses a 100,000-object folder page by page", async () => {
  const fake = new FakeServices(oneProfile());
  fake.pageSize = 1000;
  fake.keys = page(0, N).map((e) => e.key);
  const app = render(<App services={fake} color={false} size={{ columns: 80, rows: 24 }} />);
  // deno-lint-ignore no-control-regex
  const frame = () => (app.lastFrame() ?? "").replace(/\x1b\[[0-9;]*m/g, "");
  const until = async (text: string, ms = 5000) => {
    const end = Date.now() + ms;
    while (!frame().includes(text)) {
      if (Date.now() > end) throw new Error(`'${text}' never appeared:\n${frame()}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  try {
    await until("home │ photos");
    app.stdin.write("3");
    await until("▸ big/");
    app.stdin.write("\r");
    await until("IMG_000000.jpg");
    await until("1000+ entries");
    assertEquals(
      fake.calls.filter((c) => c.startsWith("list:big/")).length,
      1,
      "one page at first",
    );
    // End jumps to the last loaded entry and fetches the next page, and so on
    for (let i = 1; i <= 5; i++) {
      app.stdin.write("G");
      await until(`${(i + 1) * 1000}+ entries`);
    }
    // the cursor is on entry 4999 and 6000 are loaded: jump to the end of what is loaded
    const t0 = performance.now();
    app.stdin.write("G");
    await until("IMG_005999.jpg");
    const ms = performance.now() - t0;
    assertOk(ms < 500, `a key took ${ms.toFixed(0)} ms to show`);
    await until("7000+ entries");
    assertEquals(fake.calls.filter((c) => c.startsWith("list:big/")).length, 7);
  } finally {
    app.unmount();
    await new Promise((r) => setTimeout(r, 20));
  }
});
