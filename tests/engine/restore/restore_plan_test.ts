/**
 * The restore decision (table) and the pure planner: every reason code, the evidence rounds
 * (stat -> local MD5 -> HEAD), file/folder conflicts, excludes, delete markers and cold objects.
 */
import { assertEquals } from "../../support/assert.ts";
import { compareWithLocal, type Verdict } from "../../../src/engine/restore/restore_decision.ts";
import {
  type LocalState,
  planRestore,
  planTotals,
  type RestorePlanItem,
  type RestoreSource,
} from "../../../src/engine/restore/restore_plan.ts";
import { excludeFilter } from "../../../src/engine/local/filter.ts";

const MD5_A = "0cc175b9c0f1b6a831c399e269772661";
const MD5_B = "92eb5ffee6ae2fec3ad71c777531578f";
const T = Date.UTC(2026, 0, 2, 3, 4, 5);

Deno.test("compareWithLocal: the decision table", () => {
  const rows: Array<
    [
      string,
      Parameters<typeof compareWithLocal>[0],
      Parameters<typeof compareWithLocal>[1],
      Verdict["verdict"],
      string?,
    ]
  > = [
    ["size differs", { size: 3, etag: MD5_A }, { size: 4, mtimeMs: T }, "different"],
    ["both empty", { size: 0, etag: "x-1" }, { size: 0, mtimeMs: 0 }, "identical"],
    [
      "plain ETag, not hashed yet",
      { size: 1, etag: MD5_A },
      { size: 1, mtimeMs: T },
      "need",
      "local-md5",
    ],
    [
      "plain ETag, same MD5",
      { size: 1, etag: `"${MD5_A}"` },
      { size: 1, mtimeMs: 0, md5: MD5_A },
      "identical",
    ],
    [
      "plain ETag mismatch: HEAD before calling it different (SSE?)",
      { size: 1, etag: MD5_A },
      { size: 1, mtimeMs: T, md5: MD5_B },
      "need",
      "head",
    ],
    ["HEAD md5chksum differs", { size: 1, etag: MD5_A, head: { md5: MD5_A } }, {
      size: 1,
      mtimeMs: T,
      md5: MD5_B,
    }, "different"],
    ["HEAD md5chksum equal", { size: 1, etag: `${MD5_B}-2`, head: { md5: MD5_A } }, {
      size: 1,
      mtimeMs: 0,
      md5: MD5_A,
    }, "identical"],
    [
      "multipart ETag: HEAD first",
      { size: 1, etag: `${MD5_A}-3` },
      { size: 1, mtimeMs: T },
      "need",
      "head",
    ],
    [
      "md5chksum after HEAD: hash local",
      { size: 1, etag: `${MD5_A}-3`, head: { md5: MD5_B } },
      { size: 1, mtimeMs: T },
      "need",
      "local-md5",
    ],
    ["no MD5 anywhere, meta mtime equal", { size: 1, etag: `${MD5_A}-3`, head: { mtimeMs: T } }, {
      size: 1,
      mtimeMs: T + 400,
    }, "identical"],
    ["no MD5 anywhere, meta mtime differs", { size: 1, etag: `${MD5_A}-3`, head: { mtimeMs: T } }, {
      size: 1,
      mtimeMs: T + 5000,
    }, "different"],
    [
      "no MD5, no meta: Last-Modified equal",
      { size: 1, etag: `${MD5_A}-3`, lastModified: new Date(T), head: {} },
      { size: 1, mtimeMs: T },
      "identical",
    ],
    [
      "no MD5, no meta: Last-Modified differs",
      { size: 1, etag: `${MD5_A}-3`, lastModified: new Date(T), head: {} },
      { size: 1, mtimeMs: T - 86_400_000 },
      "different",
    ],
    ["SSE-KMS (HEAD says no MD5), mtime equal", { size: 1, etag: MD5_A, head: { mtimeMs: T } }, {
      size: 1,
      mtimeMs: T,
      md5: MD5_B,
    }, "identical"],
  ];
  for (const [name, remote, local, verdict, need] of rows) {
    const v = compareWithLocal(remote, local);
    assertEquals(v.verdict, verdict, name);
    if (need) assertEquals(v.verdict === "need" ? v.need : undefined, need, name);
  }
});

function src(key: string, extra: Partial<RestoreSource> = {}): RestoreSource {
  return {
    key,
    size: 1,
    etag: MD5_A,
    storageClass: "STANDARD",
    lastModified: new Date(T),
    ...extra,
  };
}

/** Runs the planner to completion with fixed local facts and a fixed HEAD answer. */
function settle(
  remote: RestoreSource[],
  disk: Record<string, LocalState>,
  opts: {
    overwrite?: boolean;
    exclude?: string[];
    head?: (s: RestoreSource) => RestoreSource["head"];
  } = {},
): { items: RestorePlanItem[]; rounds: string[][] } {
  const local = new Map<string, LocalState>();
  const rounds: string[][] = [];
  for (let i = 0; i < 5; i++) {
    const plan = planRestore(remote, local, {
      keyPrefix: "p/",
      overwrite: opts.overwrite ?? false,
      filter: excludeFilter(opts.exclude ?? []),
      os: "linux",
    });
    if (plan.needs.length === 0) return { items: plan.items, rounds };
    rounds.push(plan.needs.map((n) => `${n.need}:${n.path}`));
    for (const n of plan.needs) {
      if (n.need === "stat") {
        local.set(n.path, { entry: disk[n.path]?.entry ?? { kind: "missing" } });
      } else if (n.need === "local-md5") local.get(n.path)!.md5 = disk[n.path]!.md5;
      else remote[n.index]!.head = opts.head?.(remote[n.index]!) ?? {};
    }
  }
  throw new Error("did not settle");
}

const file = (md5: string, size = 1): LocalState => ({
  entry: { kind: "file", size, mtimeMs: T },
  md5,
});

Deno.test("planRestore: one action and reason code per object", () => {
  const remote = [
    src("p/"),
    src("p/../evil"),
    src("p/a"),
    src("p/a/b"),
    src("p/blocked/x"),
    src("p/different"),
    src("p/dir"),
    src("p/link"),
    src("p/missing.txt"),
    src("p/same"),
    src("p/skip.tmp"),
    src("p/sub/"),
    src("p/gone", { deleted: true }),
  ];
  const disk: Record<string, LocalState> = {
    "blocked/x": {
      entry: { kind: "blocked", reason: "'blocked' is a symbolic link: it is not followed" },
    },
    different: file(MD5_B),
    dir: { entry: { kind: "dir" } },
    link: { entry: { kind: "symlink" } },
    same: file(MD5_A),
  };
  const { items, rounds } = settle(remote, disk, {
    exclude: ["*.tmp"],
    head: () => ({ md5: MD5_A }),
  });
  const codes = items.map((it) => [it.key, it.action, it.code, it.path]);
  assertEquals(codes, [
    ["p/", "skip", "folder-marker", null],
    ["p/../evil", "skip", "unsafe-key", null],
    ["p/a", "skip", "conflict", "a"],
    ["p/a/b", "download", "missing", "a/b"],
    ["p/blocked/x", "skip", "blocked", "blocked/x"],
    ["p/different", "skip", "different", "different"],
    ["p/dir", "skip", "blocked", "dir"],
    ["p/link", "skip", "blocked", "link"],
    ["p/missing.txt", "download", "missing", "missing.txt"],
    ["p/same", "skip", "identical", "same"],
    ["p/skip.tmp", "skip", "excluded", "skip.tmp"],
    ["p/sub/", "skip", "folder-marker", null],
    ["p/gone", "skip", "deleted", "gone"],
  ]);
  // Evidence was asked for in rounds: stat everything, hash what has a known MD5, HEAD the mismatch.
  assertEquals(rounds[0]!.filter((r) => r.startsWith("stat:")).length, 7);
  assertEquals(rounds[1], ["local-md5:different", "local-md5:same"]);
  assertEquals(rounds[2], ["head:different"]);
  assertEquals(
    items.find((i) => i.code === "different")!.reason,
    "local file differs: content differs (MD5); kept (use --overwrite)",
  );
  const t = planTotals(items);
  assertEquals(t.download, { files: 2, bytes: 2 });
  assertEquals(t.byCode.identical, 1);
});

Deno.test("planRestore: --overwrite downloads what differs, never what is identical", () => {
  const { items } = settle(
    [src("p/different"), src("p/same"), src("p/bigger", { size: 10 })],
    { different: file(MD5_B), same: file(MD5_A), bigger: file(MD5_A) },
    { overwrite: true, head: () => ({ md5: MD5_A }) },
  );
  assertEquals(items.map((i) => [i.path, i.action, i.code]), [
    ["different", "download", "overwrite"],
    ["same", "skip", "identical"],
    ["bigger", "download", "overwrite"],
  ]);
});

Deno.test("planRestore: an excluded folder does not make its parent key a conflict", () => {
  const { items } = settle([src("p/a"), src("p/a/b")], {}, { exclude: ["a/b"] });
  assertEquals(items.map((i) => [i.path, i.code]), [["a", "missing"], ["a/b", "excluded"]]);
});

Deno.test("planRestore: cold objects are HEADed only when they would be downloaded", () => {
  const cold = (key: string, cls: string) => src(key, { storageClass: cls, size: 100 });
  const remote = [
    cold("p/frozen", "GLACIER"),
    cold("p/thawing", "DEEP_ARCHIVE"),
    cold("p/thawed", "GLACIER"),
    cold("p/ir", "GLACIER_IR"),
    cold("p/same", "DEEP_ARCHIVE"),
  ];
  const thaw: Record<string, NonNullable<RestoreSource["head"]>["thaw"]> = {
    "p/frozen": { state: "frozen" },
    "p/thawing": { state: "thawing" },
    "p/thawed": { state: "thawed", expiry: "Fri, 23 Dec 2026 00:00:00 GMT" },
  };
  const heads: string[] = [];
  const { items } = settle(remote, { same: file(MD5_A, 100) }, {
    head: (s) => {
      heads.push(s.key);
      return { thaw: thaw[s.key] };
    },
  });
  assertEquals(heads.sort(), ["p/frozen", "p/thawed", "p/thawing"]);
  assertEquals(items.map((i) => [i.path, i.action, i.code]), [
    ["frozen", "skip", "cold-frozen"],
    ["thawing", "skip", "cold-thawing"],
    ["thawed", "download", "thawed"],
    ["ir", "download", "missing"],
    ["same", "skip", "identical"],
  ]);
  assertEquals(items[0]!.reason, "in GLACIER: needs a thaw (--request-thaw)");
  assertEquals(
    items[2]!.reason,
    "not present locally; thawed copy until Fri, 23 Dec 2026 00:00:00 GMT",
  );
});

Deno.test("planRestore: --at sources download their version id", () => {
  const { items } = settle([src("p/x", { versionId: "v1" })], {});
  assertEquals(items[0]!.version_id, "v1");
  assertEquals(items[0]!.action, "download");
});
