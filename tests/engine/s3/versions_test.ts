/**
 * Point in time, pure: `--at` parsing and choosing each key's version at a time (delete
 * markers, ties, keys created later).
 */
import { assertEquals } from "../../support/assert.ts";
import { type ObjectVersion, parseAt, versionsAt } from "../../../src/engine/s3/versions.ts";
import { sourceFromVersion } from "../../../src/engine/restore/restore_sources.ts";
import type { EngineError } from "../../../src/engine/core/errors.ts";

function v(
  key: string,
  id: string,
  iso: string,
  extra: Partial<ObjectVersion> = {},
): ObjectVersion {
  return {
    key,
    versionId: id,
    isLatest: false,
    isDeleteMarker: false,
    lastModified: new Date(iso),
    size: 1,
    etag: "e",
    storageClass: "STANDARD",
    ...extra,
  };
}

Deno.test("parseAt: ISO 8601, a date (end of day UTC), unix seconds; junk is a usage error", () => {
  assertEquals(parseAt("2026-11-20T18:30:00Z").toISOString(), "2026-11-20T18:30:00.000Z");
  assertEquals(parseAt("2026-11-20T18:30:00+02:00").toISOString(), "2026-11-20T16:30:00.000Z");
  assertEquals(parseAt("2026-11-20").toISOString(), "2026-11-20T23:59:59.999Z");
  assertEquals(parseAt("1700000000").toISOString(), "2023-11-14T22:13:20.000Z");
  for (const bad of ["yesterday", "", "2026-13-45T99:00Z", "12"]) {
    let code = "";
    try {
      parseAt(bad);
    } catch (e) {
      code = (e as EngineError).code;
    }
    assertEquals(code, "UsageError", bad);
  }
});

Deno.test("versionsAt: newest version not after T per key; delete markers count; later keys left out", () => {
  const all = [
    v("a", "a3", "2026-01-03T00:00:00Z", { isLatest: true }),
    v("a", "a2", "2026-01-02T00:00:00Z"),
    v("a", "a1", "2026-01-01T00:00:00Z"),
    v("b", "bdm", "2026-01-02T12:00:00Z", { isDeleteMarker: true, isLatest: true }),
    v("b", "b1", "2026-01-01T00:00:00Z"),
    v("c", "c1", "2026-01-05T00:00:00Z", { isLatest: true }),
    v("d", "d2", "2026-01-02T00:00:00Z", { isLatest: true }),
    v("d", "d1", "2026-01-02T00:00:00Z"),
  ];
  const at = (iso: string) => versionsAt(all, new Date(iso)).map((x) => [x.key, x.versionId]);
  assertEquals(at("2026-01-02T06:00:00Z"), [["a", "a2"], ["b", "b1"], ["d", "d2"]]);
  assertEquals(at("2026-01-02T13:00:00Z"), [["a", "a2"], ["b", "bdm"], ["d", "d2"]]);
  assertEquals(at("2026-01-01T00:00:00Z"), [["a", "a1"], ["b", "b1"]]);
  assertEquals(at("2025-12-31T00:00:00Z"), []);
  // A chosen delete marker becomes a "deleted" source; "null" latest versions need no id.
  assertEquals(
    sourceFromVersion(v("b", "bdm", "2026-01-02T12:00:00Z", { isDeleteMarker: true })).deleted,
    true,
  );
  assertEquals(
    sourceFromVersion(v("n", "null", "2026-01-01T00:00:00Z", { isLatest: true })).versionId,
    undefined,
  );
  assertEquals(sourceFromVersion(v("a", "a1", "2026-01-01T00:00:00Z")).versionId, "a1");
});
