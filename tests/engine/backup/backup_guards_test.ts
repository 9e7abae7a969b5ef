import { join } from "node:path";
import { assertEquals, assertIncludes, assertOk, assertThrows } from "../../support/assert.ts";
import { tempDir } from "../../support/test_env.ts";
import {
  checkDeleteGuards,
  type DeleteGuardInput,
  missingFolderError,
  parseMaxDelete,
} from "../../../src/engine/backup/backup_guards.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import {
  memoryManifest,
  readOnlyManifest,
  sqliteManifest,
} from "../../../src/engine/state/manifest.ts";
import { openStateDb } from "../../../src/engine/state/state_db.ts";

const base: DeleteGuardInput = {
  localFolder: "/data/photos",
  target: "s3://b/photos/",
  localFiles: 10,
  remoteObjects: 10,
  deletions: 5,
};

Deno.test("delete guards: at most 50% by default", () => {
  checkDeleteGuards(base);
  const e = assertThrows(() => checkDeleteGuards({ ...base, deletions: 6 }), EngineError);
  assertEquals(e.code, "UnsafeOperation");
  assertEquals(e.exitCode, 8);
  assertIncludes(e.message, "Refusing to delete 6 of 10 object(s) under s3://b/photos/");
  assertIncludes(e.message, "(guard: --max-delete)");
  assertIncludes(e.message, "pass --max-delete 6");
});

Deno.test("delete guards: a filter that leaves no file is an empty source, whatever --max-delete", () => {
  const e = assertThrows(
    () =>
      checkDeleteGuards({
        ...base,
        localFiles: 0,
        deletions: 1,
        filtered: true,
        maxDelete: { percent: 100 },
      }),
    EngineError,
  );
  assertEquals(e.exitCode, 8);
  assertIncludes(e.message, "the filters leave no file of '/data/photos'");
  assertIncludes(e.message, "(guard: empty source folder)");
  assertIncludes(e.message, "Nothing was deleted.");
});

Deno.test("delete guards: --max-delete as a count and as a percentage", () => {
  checkDeleteGuards({ ...base, deletions: 9, maxDelete: { count: 9 } });
  assertThrows(
    () => checkDeleteGuards({ ...base, deletions: 9, maxDelete: { count: 8 } }),
    EngineError,
  );
  checkDeleteGuards({ ...base, deletions: 9, maxDelete: { percent: 90 } });
  assertThrows(
    () => checkDeleteGuards({ ...base, deletions: 2, maxDelete: { percent: 10 } }),
    EngineError,
  );
  assertEquals(parseMaxDelete("12"), { count: 12 });
  assertEquals(parseMaxDelete("0"), { count: 0 });
  assertEquals(parseMaxDelete("25%"), { percent: 25 });
  for (const bad of ["-1", "x", "101%", "1.5", ""]) {
    const e = assertThrows(() => parseMaxDelete(bad), EngineError);
    assertEquals(e.code, "UsageError");
  }
});

Deno.test("delete guards: an empty folder never empties the bucket, even with a big limit", () => {
  const e = assertThrows(
    () => checkDeleteGuards({ ...base, localFiles: 0, deletions: 10, maxDelete: { percent: 100 } }),
    EngineError,
  );
  assertEquals(e.code, "UnsafeOperation");
  assertIncludes(e.message, "(guard: empty source folder)");
  assertIncludes(e.message, "Nothing was deleted.");
  checkDeleteGuards({ ...base, localFiles: 0, deletions: 0 });
});

Deno.test("delete guards: a missing folder is refused with --delete, a usage error without", () => {
  const refused = missingFolderError("/mnt/usb/photos", true);
  assertEquals(refused.exitCode, 8);
  assertIncludes(refused.message, "(guard: missing source folder)");
  assertEquals(missingFolderError("/x", false).exitCode, 2);
});

Deno.test("manifest: SQLite rows round-trip per target; the dry-run view never creates the database", async () => {
  const dir = await tempDir();
  try {
    const dbPath = join(dir.path, "state.db");
    const none = readOnlyManifest(dbPath, "t1");
    assertEquals(none.get("k"), undefined);
    none.close();
    assertOk(!(await Deno.stat(dbPath).then(() => true, () => false)), "dry run created state.db");
    const state = await openStateDb(dir.path);
    const row = {
      key: "p/a",
      size: 3,
      mtime_ms: 1_700_000_000_123,
      change_id: "1700000000000:77",
      md5_hex: "900150983cd24fb0d6963f7d28e17f72",
      etag: "900150983cd24fb0d6963f7d28e17f72",
      recorded_at: "2026-01-01T00:00:00.000Z",
    };
    sqliteManifest(state, "t1").put(row);
    sqliteManifest(state, "t2").put({ ...row, change_id: null });
    assertEquals(sqliteManifest(state, "t1").get("p/a"), row);
    assertEquals(sqliteManifest(state, "t2").get("p/a")?.change_id, null);
    const ro = readOnlyManifest(dbPath, "t1");
    assertEquals(ro.get("p/a"), row);
    assertThrows(() => ro.put(row), Error);
    ro.close();
    sqliteManifest(state, "t1").remove("p/a");
    assertEquals(sqliteManifest(state, "t1").get("p/a"), undefined);
    state.close();
    const mem = memoryManifest();
    mem.put(row);
    assertEquals(mem.get("p/a"), row);
  } finally {
    await dir.cleanup();
  }
});
