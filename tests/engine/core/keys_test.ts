import { assertEquals } from "../../support/assert.ts";
import {
  cleanPrefix,
  compareKeys,
  displayKey,
  folderKeyPrefix,
  fullKey,
  joinKey,
} from "../../../src/engine/core/keys.ts";

Deno.test("key mapping: single slashes, NFC, prefixes", () => {
  assertEquals(cleanPrefix("//a//b/"), "a/b");
  assertEquals(joinKey("base/", "/photos/", "2024/a.jpg"), "base/photos/2024/a.jpg");
  assertEquals(folderKeyPrefix("", ""), "");
  assertEquals(folderKeyPrefix("base/", "photos"), "base/photos/");
  assertEquals(folderKeyPrefix("", "/photos//"), "photos/");
  assertEquals(joinKey("cafe\u0301"), "caf\u00e9");
  assertEquals(fullKey("base/", "/x.txt"), "base/x.txt");
  assertEquals(displayKey("base/", "base/x.txt"), "x.txt");
  assertEquals(displayKey("base/", "other/x.txt"), "other/x.txt");
});

Deno.test("compareKeys follows UTF-8 byte order like S3 listings", () => {
  const keys = ["b", "a", "\u{1F600}", "\uFFFD", "a/b", "a-b", "Z"];
  const sorted = [...keys].sort(compareKeys);
  const enc = new TextEncoder();
  const byBytes = [...keys].sort((x, y) => {
    const a = enc.encode(x), b = enc.encode(y);
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  });
  assertEquals(sorted, byBytes);
});
