import { assertEquals } from "../../support/assert.ts";
import {
  cleanPrefix,
  compareKeys,
  displayKey,
  folderKeyPrefix,
  fullKey,
  joinKey,
} from "../../../src/engine/core/keys.ts";
import {
  formatMtime,
  isPlainMd5Etag,
  knownMd5,
  md5Base64ToHex,
  md5HexToBase64,
  parseMtime,
} from "../../../src/engine/s3/object_meta.ts";
import { md5Bytes } from "../../../src/engine/core/hashing.ts";
import { contentTypeFor } from "../../../src/engine/s3/content_type.ts";
import { choosePartSize } from "../../../src/engine/objects/multipart.ts";

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

Deno.test("rclone mtime metadata round-trips with millisecond precision", () => {
  assertEquals(formatMtime(1700000000000), "1700000000");
  assertEquals(formatMtime(1700000000120), "1700000000.12");
  assertEquals(formatMtime(1700000000007), "1700000000.007");
  assertEquals(parseMtime("1700000000.12"), 1700000000120);
  assertEquals(parseMtime("1700000000.123456789"), 1700000000123);
  assertEquals(parseMtime("garbage"), undefined);
  assertEquals(parseMtime(undefined), undefined);
});

Deno.test("MD5 encodings and what an object tells about its content", () => {
  const m = md5Bytes(new TextEncoder().encode("hello"));
  assertEquals(m.hex, "5d41402abc4b2a76b9719d911017c592");
  assertEquals(m.base64, "XUFAKrxLKna5cZ2REBfFkg==");
  assertEquals(md5Base64ToHex(m.base64), m.hex);
  assertEquals(md5HexToBase64(m.hex), m.base64);
  assertEquals(isPlainMd5Etag(`"${m.hex}"`), true);
  assertEquals(isPlainMd5Etag(`${m.hex}-3`), false);
  assertEquals(knownMd5({ md5chksum: m.base64 }, "ffff-2"), m.hex);
  assertEquals(knownMd5({}, `"${m.hex}"`), m.hex);
  assertEquals(knownMd5({}, `${m.hex}-3`), undefined);
  assertEquals(knownMd5({}, `"${m.hex}"`, "aws:kms"), undefined);
});

Deno.test("content types and part sizes", () => {
  assertEquals(contentTypeFor("IMG_0001.JPG"), "image/jpeg");
  assertEquals(contentTypeFor("clip.mov"), "video/quicktime");
  assertEquals(contentTypeFor("noext"), "application/octet-stream");
  const MiB = 1024 * 1024;
  assertEquals(choosePartSize(20 * MiB), 8 * MiB);
  assertEquals(choosePartSize(100 * 1024 * MiB), 11 * MiB);
  const huge = 5 * 1024 * 1024 * MiB; // 5 TiB, S3's object limit
  const part = choosePartSize(huge);
  assertEquals(Math.ceil(huge / part) <= 10_000, true);
  assertEquals(part % MiB, 0);
});
