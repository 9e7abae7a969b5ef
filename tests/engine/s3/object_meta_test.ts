import { assertEquals } from "../../support/assert.ts";
import {
  formatMtime,
  isPlainMd5Etag,
  knownMd5,
  md5Base64ToHex,
  md5HexToBase64,
  parseMtime,
} from "../../../src/engine/s3/object_meta.ts";
import { md5Bytes } from "../../../src/engine/core/hashing.ts";

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
