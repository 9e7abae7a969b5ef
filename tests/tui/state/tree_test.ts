import { assertEquals, assertOk } from "../../support/assert.ts";
import type { RemoteEntry } from "../../../src/tui/services/services.ts";
import {
  LOAD_AHEAD,
  openTree,
  parentPrefix,
  treeCommand,
  treeFailed,
  treePageLoaded,
  type TreeState,
} from "../../../src/tui/state/tree.ts";

function files(prefix: string, from: number, n: number): RemoteEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const name = `f${String(from + i).padStart(6, "0")}.jpg`;
    return {
      key: prefix + name,
      name,
      isFolder: false,
      size: 1,
      lastModified: null,
      storageClass: "STANDARD",
    };
  });
}

const folder = (key: string): RemoteEntry => ({
  key,
  name: key.split("/").slice(-2)[0] + "/",
  isFolder: true,
  size: 0,
  lastModified: null,
  storageClass: null,
});

Deno.test("tree: parent prefixes", () => {
  assertEquals(parentPrefix("a/b/c/"), "a/b/");
  assertEquals(parentPrefix("a/"), "");
  assertEquals(parentPrefix(""), "");
});

Deno.test("tree: a folder of 100,000 objects loads a page at a time as the cursor moves", () => {
  const { tree, load } = openTree("p", "big/", 1);
  assertEquals(load, { reqId: 1, prefix: "big/" });
  let t: TreeState =
    treePageLoaded(tree, 1, { entries: files("big/", 0, 200), nextToken: "200" }).tree;
  assertEquals([t.entries.length, t.loading, t.nextToken], [200, false, "200"]);
  // moving within the page asks for nothing
  let r = treeCommand(t, "list.pageDown", 20)!;
  assertEquals(r.load, undefined);
  t = r.tree;
  // near the end: the next page is requested once
  t = { ...t, cursor: 200 - LOAD_AHEAD - 1 };
  r = treeCommand(t, "list.down", 20)!;
  assertEquals(r.load, { reqId: 2, prefix: "big/", token: "200" });
  t = r.tree;
  assertOk(t.loading);
  assertEquals(treeCommand(t, "list.down", 20)!.load, undefined, "no second request while loading");
  // a stale answer is ignored; the current one appends
  assertEquals(treePageLoaded(t, 1, { entries: files("big/", 999, 5) }).tree, t);
  t = treePageLoaded(t, 2, { entries: files("big/", 200, 200), nextToken: "400" }).tree;
  assertEquals(t.entries.length, 400);
  // End goes to the last loaded entry and fetches more
  r = treeCommand(t, "list.last", 20)!;
  assertEquals([r.tree.cursor, r.load?.token], [399, "400"]);
});

Deno.test("tree: open, parent returns to the folder, select survives navigation", () => {
  let t = treePageLoaded(openTree("p", "", 1).tree, 1, {
    entries: [folder("a/"), folder("b/"), ...files("", 0, 2)],
  }).tree;
  t = treeCommand(t, "list.down", 10)!.tree;
  const opened = treeCommand(t, "list.open", 10)!;
  assertEquals(opened.load, { reqId: 2, prefix: "b/" });
  t = treePageLoaded(opened.tree, 2, { entries: files("b/", 0, 3) }).tree;
  t = treeCommand(t, "list.select", 10)!.tree;
  assertEquals([t.selected.map((e) => e.key), t.cursor], [["b/f000000.jpg"], 1]);
  const up = treeCommand(t, "list.parent", 10)!;
  assertEquals(up.load, { reqId: 3, prefix: "" });
  t = treePageLoaded(up.tree, 3, { entries: [folder("a/"), folder("b/")] }).tree;
  assertEquals(t.cursor, 1, "the cursor is back on b/");
  assertEquals(t.selected.length, 1);
  t = treeCommand(t, "list.select", 10)!.tree;
  assertEquals(t.selected.map((e) => e.key), ["b/f000000.jpg", "b/"]);
  // opening a file does nothing; the parent of the root does nothing
  assertEquals(treeCommand({ ...t, cursor: 0, prefix: "" }, "list.parent", 10)!.load, undefined);
});

Deno.test("tree: a failed page shows the error and keeps the entries", () => {
  const { tree } = openTree("p", "", 4);
  const t = treeFailed(tree, 4, "AccessDenied");
  assertEquals([t.error, t.loading], ["AccessDenied", false]);
  assertEquals(treeFailed(tree, 3, "old"), tree);
});
