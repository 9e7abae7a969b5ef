/**
 * Restoring a selection (engine/restore/restore_selection.ts): the common-prefix rule and the
 * collision check as pure tables, then against the real server: two same-named folders of
 * different years land side by side with every byte, a folder with a file inside it restores
 * that file once, a collision fails before anything is written (at planning and at run time),
 * a single file goes to dest/<name>, and a point-in-time selection brings back old bytes.
 */
import { join } from "node:path";
import { PutBucketVersioningCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { assertBytes, assertEquals, assertOk, assertRejects } from "../../support/assert.ts";
import {
  createTestBucket,
  randomBytes,
  rawClient,
  s3Test,
  tempDir,
  testSettings,
} from "../../support/test_env.ts";
import { createS3Client } from "../../../src/engine/s3/client.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import type { EngineEvent } from "../../../src/engine/core/events.ts";
import { excludeFilter } from "../../../src/engine/local/filter.ts";
import type { History, NewHistoryRecord } from "../../../src/engine/state/history.ts";
import {
  findCollisions,
  planSelection,
  type SelectedItem,
  selectionLayout,
  type SelectionRequest,
} from "../../../src/engine/restore/restore_selection.ts";

/** Every entry under `root` (not following links): relPath -> "file:size:mtime" | "dir". */
async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string, rel: string) => {
    for await (const e of Deno.readDir(dir)) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const st = await Deno.lstat(join(dir, e.name));
      if (st.isDirectory) {
        out[r] = "dir";
        await walk(join(dir, e.name), r);
      } else out[r] = `file:${st.size}:${st.mtime?.getTime()}`;
    }
  };
  await walk(root, "");
  return out;
}

const folder = (key: string): SelectedItem => ({ key, isFolder: true });
const file = (key: string): SelectedItem => ({ key, isFolder: false });

Deno.test("selection layout: the common prefix at '/' boundaries; objects inside a selected folder are dropped", () => {
  const cases: [
    string,
    SelectedItem[],
    { keyPrefix: string; folders: string[]; files: string[] },
  ][] = [
    ["one folder: its contents go straight in", [folder("Photos/2022/")], {
      keyPrefix: "Photos/2022/",
      folders: ["Photos/2022/"],
      files: [],
    }],
    ["one file: dest/<name>", [file("Photos/2022/a.jpg")], {
      keyPrefix: "Photos/2022/",
      folders: [],
      files: ["Photos/2022/a.jpg"],
    }],
    ["two same-named folders keep their years", [
      folder("Photos/2022/01 - Jan/"),
      folder("Photos/2024/01 - Jan/"),
    ], {
      keyPrefix: "Photos/",
      folders: ["Photos/2022/01 - Jan/", "Photos/2024/01 - Jan/"],
      files: [],
    }],
    ["a cut inside a name goes back to the '/'", [folder("Photos/2022/"), folder("Photos/2024/")], {
      keyPrefix: "Photos/",
      folders: ["Photos/2022/", "Photos/2024/"],
      files: [],
    }],
    ["a file inside a selected folder is the same object", [
      folder("Photos/2022/"),
      file("Photos/2022/01 - Jan/a.jpg"),
      file("Photos/2022/01 - Jan/a.jpg"),
    ], { keyPrefix: "Photos/2022/", folders: ["Photos/2022/"], files: [] }],
    ["a nested folder is dropped, whatever the order", [
      folder("Photos/2022/01 - Jan/"),
      folder("Photos/2022/"),
    ], { keyPrefix: "Photos/2022/", folders: ["Photos/2022/"], files: [] }],
    ["the whole bucket", [folder(""), file("x.txt")], { keyPrefix: "", folders: [""], files: [] }],
    ["files of different folders", [file("a/x.txt"), file("b/c/y.txt")], {
      keyPrefix: "",
      folders: [],
      files: ["a/x.txt", "b/c/y.txt"],
    }],
    ["a file beside a same-named folder", [file("a/b"), folder("a/b/")], {
      keyPrefix: "a/",
      folders: ["a/b/"],
      files: ["a/b"],
    }],
  ];
  for (const [label, items, expected] of cases) {
    assertEquals(selectionLayout("", items), expected, label);
  }
  assertEquals(selectionLayout("team/", [folder("P/1/"), file("P/2/x")]), {
    keyPrefix: "team/P/",
    folders: ["team/P/1/"],
    files: ["team/P/2/x"],
  }, "the path prefix is part of every key");
  try {
    selectionLayout("", []);
    throw new Error("an empty selection was accepted");
  } catch (e) {
    assertEquals((e as EngineError).code, "UsageError");
  }
});

Deno.test("collisions: equal paths after NFC or a file where another item has a folder; one item's own conflicts are restore's", () => {
  const e = (key: string, origin: number, deleted = false) => ({ key, origin, deleted });
  const cases: [string, ReturnType<typeof e>[], { path: string; keys: string[] }[]][] = [
    ["distinct paths", [e("P/2022/a.jpg", 0), e("P/2024/a.jpg", 1)], []],
    ["a file beside a folder of another item", [e("P/a/b", 0), e("P/a/b/c", 1)], [{
      path: "a/b",
      keys: ["P/a/b", "P/a/b/c"],
    }]],
    ["the folder listed first", [e("P/a/b/c", 1), e("P/a/b", 0)], [{
      path: "a/b",
      keys: ["P/a/b", "P/a/b/c"],
    }]],
    ["NFC and NFD of one name in two items", [e("P/caf\u00e9", 0), e("P/cafe\u0301", 1)], [{
      path: "caf\u00e9",
      keys: ["P/caf\u00e9", "P/cafe\u0301"],
    }]],
    ["inside one item: restore's own rules", [e("P/a/b", 0), e("P/a/b/c", 0)], []],
    ["NFC twins inside one item stay restore's business", [
      e("P/x/caf\u00e9", 0),
      e("P/x/cafe\u0301", 0),
    ], []],
    ["the same object twice", [e("P/a", 0), e("P/a", 1)], []],
    ["a deleted key lands nowhere", [e("P/a/b", 0, true), e("P/a/b/c", 1)], []],
    ["an unsafe key lands nowhere", [e("P/../b", 0), e("P/b", 1)], []],
  ];
  for (const [label, entries, expected] of cases) {
    assertEquals(findCollisions(entries, "P/"), expected, label);
  }
  assertEquals(
    findCollisions([e("P/a/b", 0), e("P/a/b/c", 1)], "P/", excludeFilter(["b"])),
    [],
    "an excluded object lands nowhere",
  );
});

function memoryHistory(): History & { records: NewHistoryRecord[] } {
  const records: NewHistoryRecord[] = [];
  return {
    records,
    add(r) {
      records.push(r);
      return records.length;
    },
    list: () => [],
  };
}

interface Ctx {
  raw: S3Client;
  bucket: string;
  dir: string;
  put(key: string, body: string | Uint8Array): Promise<void>;
  request(items: SelectedItem[], over?: Partial<SelectionRequest>): SelectionRequest;
}

async function withBucket(label: string, fn: (c: Ctx) => Promise<void>): Promise<void> {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, label);
  const s3 = createS3Client(testSettings(bucket.name));
  const dir = await tempDir();
  try {
    await fn({
      raw,
      bucket: bucket.name,
      dir: dir.path,
      async put(key, body) {
        await raw.send(
          new PutObjectCommand({
            Bucket: bucket.name,
            Key: key,
            Body: body,
            Metadata: { mtime: "1700000000" },
          }),
        );
      },
      request: (items, over = {}) => ({
        client: s3.client,
        target: "t",
        bucket: bucket.name,
        pathPrefix: "",
        items,
        localFolder: join(dir.path, "dest"),
        ...over,
      }),
    });
  } finally {
    await dir.cleanup();
    await bucket.drop();
    s3.destroy();
    raw.destroy();
  }
}

Deno.test(
  s3Test("two same-named folders of different years restore side by side, every byte in place"),
  async () => {
    await withBucket("sel2", async (c) => {
      const jan22 = randomBytes(70_000);
      const jan24 = randomBytes(90_000);
      await c.put("Photos/2022/01 - Jan/IMG_0001.jpg", jan22);
      await c.put("Photos/2022/01 - Jan/trip/notes.txt", "2022 notes");
      await c.put("Photos/2024/01 - Jan/IMG_0001.jpg", jan24);
      await c.put("Photos/2024/01 - Jan/IMG_0002.jpg", "second of 2024");
      await c.put("Photos/2022/02 - Feb/IMG_0009.jpg", "not selected");
      const history = memoryHistory();
      const plan = await planSelection(
        c.request([folder("Photos/2022/01 - Jan/"), folder("Photos/2024/01 - Jan/")], {
          history: { store: history, profile: "home" },
        }),
      );
      const p = plan.preview;
      assertEquals(
        [p.keyPrefix, p.downloads, p.downloadBytes, p.skips, p.errors, p.notes],
        ["Photos/", 4, 70_000 + 90_000 + 10 + 14, 0, [], []],
      );
      assertEquals(p.plan.map((i) => i.path).sort(), [
        "2022/01 - Jan/IMG_0001.jpg",
        "2022/01 - Jan/trip/notes.txt",
        "2024/01 - Jan/IMG_0001.jpg",
        "2024/01 - Jan/IMG_0002.jpg",
      ]);
      assertEquals(p.route, `2 selected items in s3://${c.bucket}/Photos/ -> ${c.dir}/dest`);
      assertEquals(history.records, [], "a preview of a real run is not a run");
      assertOk(!(await Deno.stat(join(c.dir, "dest")).catch(() => null)), "the preview wrote");

      const events: EngineEvent[] = [];
      const r = await plan.run((e) => events.push(e));
      assertEquals([r.status, r.exitCode, r.report.files_downloaded], ["success", 0, 4]);
      const dest = join(c.dir, "dest");
      assertBytes(await Deno.readFile(join(dest, "2022/01 - Jan/IMG_0001.jpg")), jan22, "2022");
      assertBytes(await Deno.readFile(join(dest, "2024/01 - Jan/IMG_0001.jpg")), jan24, "2024");
      assertEquals(
        await Deno.readTextFile(join(dest, "2022/01 - Jan/trip/notes.txt")),
        "2022 notes",
      );
      assertEquals(
        await Deno.readTextFile(join(dest, "2024/01 - Jan/IMG_0002.jpg")),
        "second of 2024",
      );
      const files = Object.entries(await snapshot(dest)).filter(([, v]) => v.startsWith("file:"));
      assertEquals(files.length, 4, JSON.stringify(files));
      for (const [, v] of files) assertOk(v.endsWith(":1700000000000"), `mtime: ${v}`);
      const done = events.flatMap((e) => e.type === "file-done" ? [e.file_name] : []);
      assertEquals(done.sort(), p.plan.map((i) => i.path ?? "").sort(), "one file-done each");
      assertEquals(history.records.length, 1, "one run, one history record");
      const rec = history.records[0]!;
      assertEquals(
        [rec.command, rec.profile, rec.prefix, rec.local_path, rec.status, rec.exit_code],
        ["restore", "home", "Photos/", dest, "success", 0],
      );
    });
  },
);

Deno.test(
  s3Test("a folder and a file inside it: the file is the same object, restored once"),
  async () => {
    await withBucket("selin", async (c) => {
      await c.put("Photos/2022/01 - Jan/IMG_0001.jpg", "one");
      await c.put("Photos/2022/01 - Jan/IMG_0002.jpg", "two");
      const plan = await planSelection(
        c.request([
          folder("Photos/2022/01 - Jan/"),
          file("Photos/2022/01 - Jan/IMG_0002.jpg"),
        ]),
      );
      assertEquals([plan.preview.keyPrefix, plan.preview.downloads], ["Photos/2022/01 - Jan/", 2]);
      assertEquals(
        plan.preview.route,
        `s3://${c.bucket}/Photos/2022/01 - Jan/ -> ${c.dir}/dest`,
      );
      const r = await plan.run();
      assertEquals([r.status, r.report.files_downloaded], ["success", 2]);
      assertEquals(Object.keys(await snapshot(join(c.dir, "dest"))).sort(), [
        "IMG_0001.jpg",
        "IMG_0002.jpg",
      ]);
      assertEquals(await Deno.readTextFile(join(c.dir, "dest", "IMG_0002.jpg")), "two");
    });
  },
);

Deno.test(
  s3Test("a collision fails before anything is written, at planning and at run time"),
  async () => {
    await withBucket("selcol", async (c) => {
      await c.put("P/a/b", "a file named b");
      await c.put("P/a/b/c.txt", "a file in a folder named b");
      await c.put("P/caf\u00e9.txt", "NFC");
      await c.put("P/cafe\u0301.txt", "NFD");
      const dest = join(c.dir, "dest");
      await Deno.mkdir(dest);
      const history = memoryHistory();
      for (
        const items of [
          [file("P/a/b"), folder("P/a/b/")],
          [file("P/caf\u00e9.txt"), file("P/cafe\u0301.txt")],
        ]
      ) {
        const e = await assertRejects(
          () => planSelection(c.request(items, { history: { store: history, profile: "p" } })),
          EngineError,
        );
        assertEquals(e.code, "UnsafeOperation");
        assertOk(e.message.includes("would restore two objects to one place"), e.message);
        assertOk(e.message.includes("Nothing was written"), e.message);
        assertEquals(await snapshot(dest), {}, "the destination stays empty");
      }
      assertEquals(history.records, [], "nothing ran");

      // A collision that appears after the preview stops the run before it writes.
      const plan = await planSelection(
        c.request([file("P/x"), folder("P/x/")], { history: { store: history, profile: "p" } }),
      ).catch((e) => e);
      assertOk(plan instanceof EngineError, "nothing under P/x yet: nothing to restore");
      await c.put("P/x", "x as a file");
      const later = await planSelection(
        c.request([file("P/x"), folder("P/x/")], { history: { store: history, profile: "p" } }),
      );
      assertEquals(later.preview.downloads, 1);
      await c.put("P/x/y.txt", "x as a folder");
      const e = await assertRejects(() => later.run(), EngineError);
      assertEquals(e.code, "UnsafeOperation");
      assertEquals(await snapshot(dest), {}, "the run wrote nothing");
      assertEquals(history.records.map((r) => r.status), ["failed"], "the refused run is recorded");
    });
  },
);

Deno.test(
  s3Test("a single file goes to dest/<name>; run again it is identical and skipped"),
  async () => {
    await withBucket("selone", async (c) => {
      const bytes = randomBytes(2 * 1024 * 1024 + 5);
      await c.put("Photos/2024/01 - Jan/IMG_0001.jpg", bytes);
      await c.put("Photos/2024/01 - Jan/IMG_0001.jpg.bak", "a sibling that shares the name");
      const items = [file("Photos/2024/01 - Jan/IMG_0001.jpg")];
      const first = await planSelection(c.request(items));
      assertEquals([first.preview.downloads, first.preview.downloadBytes], [1, bytes.length]);
      assertEquals((await first.run()).report.files_downloaded, 1);
      const dest = join(c.dir, "dest");
      assertEquals(Object.keys(await snapshot(dest)), ["IMG_0001.jpg"]);
      assertBytes(await Deno.readFile(join(dest, "IMG_0001.jpg")), bytes, "IMG_0001.jpg");
      const again = await planSelection(c.request(items));
      assertEquals([again.preview.downloads, again.preview.skips], [0, 1]);
      assertEquals(again.preview.plan[0]?.code, "identical");

      // A selected file that is gone is named in the notes; the rest still restores.
      await c.put("Photos/2024/keep.txt", "kept");
      const gone = await planSelection(
        c.request([file("Photos/2024/keep.txt"), file("Photos/2024/gone.txt")]),
      );
      assertEquals(gone.preview.missing, ["Photos/2024/gone.txt"]);
      assertOk(gone.preview.notes.some((n) => n.includes("'Photos/2024/gone.txt'")));
    });
  },
);

Deno.test(
  s3Test(
    "a point-in-time selection restores the versions of that time, folders and files",
    "versioning",
  ),
  async () => {
    await withBucket("selat", async (c) => {
      await c.raw.send(
        new PutBucketVersioningCommand({
          Bucket: c.bucket,
          VersioningConfiguration: { Status: "Enabled" },
        }),
      );
      await c.put("P/2022/01/a.jpg", "2022 old");
      await c.put("P/2024/01/a.jpg", "2024 old");
      await c.put("P/solo.txt", "solo old");
      await new Promise((r) => setTimeout(r, 1500));
      const t1 = new Date();
      await new Promise((r) => setTimeout(r, 1500));
      await c.put("P/2022/01/a.jpg", "2022 new");
      await c.put("P/2024/01/a.jpg", "2024 new");
      await c.put("P/solo.txt", "solo new");
      const plan = await planSelection(
        c.request([folder("P/2022/01/"), folder("P/2024/01/"), file("P/solo.txt")], { at: t1 }),
      );
      assertOk(plan.preview.plan.every((i) => i.version_id !== undefined));
      assertEquals((await plan.run()).report.files_downloaded, 3);
      const dest = join(c.dir, "dest");
      assertEquals(await Deno.readTextFile(join(dest, "2022/01/a.jpg")), "2022 old");
      assertEquals(await Deno.readTextFile(join(dest, "2024/01/a.jpg")), "2024 old");
      assertEquals(await Deno.readTextFile(join(dest, "solo.txt")), "solo old");
    });
  },
);
