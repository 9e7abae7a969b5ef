/** The partial-download path: next to the file, and within the 255-byte name limit. */

import { assertEquals, assertOk } from "../../support/assert.ts";
import { PART_SUFFIX, partPathFor } from "../../../src/engine/local/part_file.ts";

const bytes = (s: string) => new TextEncoder().encode(s).length;

Deno.test("partPathFor: the suffix, or a short name with a hash when the name is long", () => {
  assertEquals(partPathFor("/d/photo.jpg"), `/d/photo.jpg${PART_SUFFIX}`);
  const fits = "a".repeat(255 - PART_SUFFIX.length);
  assertEquals(partPathFor(`/d/${fits}`), `/d/${fits}${PART_SUFFIX}`);
  for (const name of ["b".repeat(245), "c".repeat(255), "é".repeat(127), "😀".repeat(63)]) {
    const part = partPathFor(`/d/${name}`);
    const file = part.slice(3);
    assertOk(part.startsWith("/d/") && !file.includes("/"), part);
    assertOk(bytes(file) <= 255, `${bytes(file)} bytes`);
    assertOk(file.endsWith(PART_SUFFIX) && /~[0-9a-f]{8}\.eigen-part$/.test(file), file);
    assertEquals(partPathFor(`/d/${name}`), part, "stable, so a rerun resumes it");
  }
  assertOk(partPathFor(`/d/${"x".repeat(250)}1`) !== partPathFor(`/d/${"x".repeat(250)}2`));
});
