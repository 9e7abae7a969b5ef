import { assertEquals } from "../../support/assert.ts";
import { contentTypeFor } from "../../../src/engine/s3/content_type.ts";

Deno.test("content types follow the file's extension, in any case", () => {
  assertEquals(contentTypeFor("IMG_0001.JPG"), "image/jpeg");
  assertEquals(contentTypeFor("clip.mov"), "video/quicktime");
  assertEquals(contentTypeFor("noext"), "application/octet-stream");
});
