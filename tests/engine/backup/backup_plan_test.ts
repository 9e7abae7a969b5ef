import { assertEquals } from "../../support/assert.ts";
import {
  planBackup,
  type PlanItem,
  type PlanOptions,
} from "../../../src/engine/backup/backup_plan.ts";
import { excludeFilter, Filter } from "../../../src/engine/local/filter.ts";
import { changeId, type ManifestRow, memoryManifest } from "../../../src/engine/state/manifest.ts";
import type { RemoteObject } from "../../../src/engine/s3/listing.ts";
import type { LocalEntry, LocalFile } from "../../../src/engine/local/walk.ts";

const MD5 = "0cc175b9c0f1b6a831c399e269772661";
const T = 1_700_000_000_000;

function file(relPath: string, size = 10): LocalFile {
  return {
    kind: "file",
    relPath,
    path: `/src/${relPath}`,
    size,
    mtimeMs: T,
    ctimeMs: T,
    ino: 1,
  };
}

function obj(key: string, size = 10, etag = MD5): RemoteObject {
  return { key, size, etag, storageClass: "STANDARD" };
}

function row(key: string, size = 10): ManifestRow {
  return {
    key,
    size,
    mtime_ms: T,
    change_id: changeId({ ctimeMs: T, ino: 1 }),
    md5_hex: MD5,
    etag: MD5,
    recorded_at: "x",
  };
}

interface Case {
  name: string;
  local: LocalEntry[];
  remote: RemoteObject[];
  rows?: ManifestRow[];
  options?: Partial<PlanOptions>;
  /** "action key" lines, in output order. */
  want: string[];
}

const cases: Case[] = [
  {
    name: "first run: everything uploads",
    local: [file("a"), file("b/c")],
    remote: [],
    want: ["upload p/a new file", "upload p/b/c new file"],
  },
  {
    name: "no-change rerun: everything skips on the fast path",
    local: [file("a"), file("b/c")],
    remote: [obj("p/a"), obj("p/b/c")],
    rows: [row("p/a"), row("p/b/c")],
    want: [
      "skip p/a unchanged (size, mtime and ETag match the manifest)",
      "skip p/b/c unchanged (size, mtime and ETag match the manifest)",
    ],
  },
  {
    name: "without --delete, remote-only objects are kept",
    local: [file("b")],
    remote: [obj("p/a"), obj("p/b"), obj("p/c")],
    rows: [row("p/b")],
    want: [
      "keep p/a not in the local folder (kept: no --delete)",
      "skip p/b unchanged (size, mtime and ETag match the manifest)",
      "keep p/c not in the local folder (kept: no --delete)",
    ],
  },
  {
    name: "with --delete, remote-only objects are deleted",
    local: [file("b")],
    remote: [obj("p/a"), obj("p/b")],
    rows: [row("p/b")],
    options: { delete: true },
    want: [
      "delete p/a not in the local folder",
      "skip p/b unchanged (size, mtime and ETag match the manifest)",
    ],
  },
  {
    name: "renamed folder: new keys upload, old keys go (with --delete)",
    local: [file("new/x"), file("new/y")],
    remote: [obj("p/old/x"), obj("p/old/y")],
    options: { delete: true },
    want: [
      "upload p/new/x new file",
      "upload p/new/y new file",
      "delete p/old/x not in the local folder",
      "delete p/old/y not in the local folder",
    ],
  },
  {
    name: "size change uploads, missing row means check",
    local: [file("a", 11), file("b")],
    remote: [obj("p/a"), obj("p/b")],
    want: [
      "upload p/a size differs (local 11, bucket 10)",
      "check p/b no manifest entry: comparing checksums",
    ],
  },
  {
    name: "key order: 'a.txt' < 'a/' < 'a0' (byte order, folders as 'name/')",
    local: [file("a-b"), file("a.txt"), file("a/z"), file("a0")],
    remote: [obj("p/a-b"), obj("p/a.txt"), obj("p/a/z"), obj("p/a0")],
    rows: [row("p/a-b"), row("p/a.txt"), row("p/a/z"), row("p/a0")],
    want: ["skip p/a-b", "skip p/a.txt", "skip p/a/z", "skip p/a0"],
  },
  {
    name:
      "a link or special file where a file or folder was keeps their objects, even with --delete",
    local: [
      {
        kind: "skipped",
        relPath: "link",
        path: "/src/link",
        reason: "symbolic link (not followed)",
      },
      file("link-b"),
      { kind: "skipped", relPath: "pipe", path: "/src/pipe", reason: "named pipe (FIFO)" },
    ],
    remote: [obj("p/link"), obj("p/link-b"), obj("p/link/x"), obj("p/link/y/z"), obj("p/pipe")],
    rows: [row("p/link-b")],
    options: { delete: true },
    want: [
      "skip p/link symbolic link (not followed)",
      "skip p/link-b",
      "keep p/link/x kept: 'link' is not a regular file now (symbolic link (not followed))",
      "keep p/link/y/z",
      "skip p/pipe named pipe (FIFO)",
    ],
  },
  {
    name: "a folder that vanished during the walk keeps its objects, even with --delete",
    local: [
      file("a"),
      {
        kind: "skipped",
        relPath: "d",
        path: "/src/d",
        isDir: true,
        reason: "the folder vanished while the backup ran",
      },
    ],
    remote: [obj("p/a"), obj("p/d/x"), obj("p/d0")],
    rows: [row("p/a")],
    options: { delete: true },
    want: [
      "skip p/a",
      "skip p/d/ the folder vanished while the backup ran",
      "keep p/d/x kept: 'd': the folder vanished while the backup ran",
      "delete p/d0 not in the local folder",
    ],
  },
  {
    name: "an unreadable file keeps its object, even with --delete",
    local: [{ kind: "error", relPath: "a", path: "/src/a", isDir: false, message: "denied" }],
    remote: [obj("p/a"), obj("p/b")],
    options: { delete: true },
    want: ["error p/a denied", "delete p/b not in the local folder"],
  },
  {
    name: "an unreadable folder protects everything under it",
    local: [
      file("a"),
      { kind: "error", relPath: "d", path: "/src/d", isDir: true, message: "denied" },
      file("e"),
    ],
    remote: [obj("p/a"), obj("p/d/x"), obj("p/d/y/z"), obj("p/d0"), obj("p/e")],
    rows: [row("p/a"), row("p/e")],
    options: { delete: true },
    want: [
      "skip p/a",
      "error p/d/ denied",
      "keep p/d/x kept: the local folder could not be read",
      "keep p/d/y/z kept: the local folder could not be read",
      "delete p/d0 not in the local folder",
      "skip p/e",
    ],
  },
  {
    name: "an unreadable root protects every object",
    local: [{ kind: "error", relPath: "", path: "/src", isDir: true, message: "denied" }],
    remote: [obj("p/a"), obj("p/b")],
    options: { delete: true },
    want: [
      "error p/ denied",
      "keep p/a kept: the local folder could not be read",
      "keep p/b kept: the local folder could not be read",
    ],
  },
  {
    name: "excluded and hidden remote keys are left out (never deleted)",
    local: [file("a")],
    remote: [obj("p/.git/x"), obj("p/a"), obj("p/b.tmp"), obj("p/sub/.DS_Store")],
    rows: [row("p/a")],
    options: { delete: true, filter: excludeFilter(["*.tmp"]) },
    want: ["skip p/a"],
  },
  {
    name: "files and folders the filter left out keep their objects (never deleted)",
    local: [
      file("a"),
      { kind: "excluded", relPath: "big.iso", path: "/src/big.iso", rule: "--max-size 1G" },
      {
        kind: "excluded",
        relPath: "scratch",
        path: "/src/scratch",
        rule: "--exclude-if-present .nobackup",
        isDir: true,
      },
    ],
    remote: [obj("p/a"), obj("p/big.iso"), obj("p/gone"), obj("p/scratch/x"), obj("p/scratch/y/z")],
    rows: [row("p/a")],
    options: { delete: true },
    want: [
      "skip p/a",
      "keep p/big.iso kept: left out by --max-size 1G",
      "delete p/gone not in the local folder",
      "keep p/scratch/x kept: left out by --exclude-if-present .nobackup",
      "keep p/scratch/y/z kept: left out by --exclude-if-present .nobackup",
    ],
  },
  {
    name: "an object the filter leaves out by its size or date is kept, not deleted",
    local: [],
    remote: [obj("p/huge", 5000), obj("p/small", 10)],
    options: {
      delete: true,
      filter: new Filter({ maxSize: { bytes: 1000, text: "1000B" } }),
    },
    want: [
      "keep p/huge kept: left out by --max-size 1000B",
      "delete p/small not in the local folder",
    ],
  },
  {
    name: "keys outside --include are left out (never deleted)",
    local: [file("a.jpg")],
    remote: [obj("p/a.jpg"), obj("p/b.jpg"), obj("p/notes.txt")],
    rows: [row("p/a.jpg")],
    options: {
      delete: true,
      filter: new Filter({ rules: [{ kind: "include", pattern: "*.jpg", origin: "--include" }] }),
    },
    want: ["skip p/a.jpg", "delete p/b.jpg not in the local folder"],
  },
  {
    name: "with --include-hidden, hidden remote keys take part",
    local: [],
    remote: [obj("p/.env")],
    options: { delete: true, includeHidden: true },
    want: ["delete p/.env not in the local folder"],
  },
  {
    name: "folder markers are ignored silently, foreign keys are reported and kept",
    local: [],
    remote: [obj("p/"), obj("p/cafe\u0301"), obj("p/dir/"), obj("p/x//y")],
    options: { delete: true },
    want: [
      "ignore p/cafe\u0301 key is not in Unicode NFC (not written by eigen-s3): left alone",
      "ignore p/x//y key has empty, '.' or '..' parts and maps to no local path: left alone",
    ],
  },
  {
    name: "empty prefix: the whole bucket is the backup",
    local: [file("a")],
    remote: [obj("a"), obj("z")],
    rows: [row("a")],
    options: { keyPrefix: "", delete: true },
    want: ["skip a", "delete z not in the local folder"],
  },
  {
    name: "characters above U+FFFF sort as UTF-8 bytes (after U+E000..U+FFFF)",
    local: [file("\uFF21"), file("\u{1F600}")],
    remote: [obj("p/\uFF21"), obj("p/\u{1F600}")],
    rows: [row("p/\uFF21"), row("p/\u{1F600}")],
    want: ["skip p/\uFF21", "skip p/\u{1F600}"],
  },
];

async function run(c: Case): Promise<PlanItem[]> {
  const manifest = memoryManifest();
  for (const r of c.rows ?? []) manifest.put(r);
  const items: PlanItem[] = [];
  const options = { keyPrefix: "p/", ...c.options };
  for await (const it of planBackup(c.local, c.remote, manifest, options)) items.push(it);
  return items;
}

for (const c of cases) {
  Deno.test(`planBackup: ${c.name}`, async () => {
    const items = await run(c);
    const got = items.map((it, i) => {
      const w = c.want[i] ?? "";
      const short = w.split(" ").length === 2; // "action key": do not compare the reason
      return short ? `${it.action} ${it.key}` : `${it.action} ${it.key} ${it.reason}`;
    });
    assertEquals(got, c.want);
  });
}

Deno.test("planBackup: items carry the local file, the object and the row", async () => {
  const items = await run({
    name: "",
    local: [file("a")],
    remote: [obj("p/a")],
    rows: [row("p/a")],
    want: [],
  });
  assertEquals(items.length, 1);
  assertEquals(items[0]!.local?.path, "/src/a");
  assertEquals(items[0]!.remote?.key, "p/a");
  assertEquals(items[0]!.row?.md5_hex, MD5);
});

Deno.test("planBackup: streams (consumes the listing lazily, one item ahead)", async () => {
  let pulled = 0;
  async function* remote() {
    for (let i = 0; i < 1000; i++) {
      pulled += 1;
      yield obj(`p/${String(i).padStart(4, "0")}`);
    }
  }
  const local = Array.from({ length: 1000 }, (_, i) => file(String(i).padStart(4, "0")));
  const plan = planBackup(local, remote(), memoryManifest(), { keyPrefix: "p/" });
  for (let i = 0; i < 10; i++) await plan.next();
  assertEquals(pulled <= 12, true, `pulled ${pulled} remote objects for 10 items`);
  await plan.return(undefined);
});

Deno.test("defaultS3Prefix: the folder's own name, resolved", async () => {
  const { defaultS3Prefix } = await import("../../../src/engine/backup/backup.ts");
  const { basename } = await import("node:path");
  assertEquals(defaultS3Prefix("/home/me/Photos/"), "Photos");
  assertEquals(defaultS3Prefix("/data/Fe\u0301vrier"), "F\u00e9vrier");
  assertEquals(defaultS3Prefix("."), basename(Deno.cwd()));
  assertEquals(defaultS3Prefix("/"), "");
});
