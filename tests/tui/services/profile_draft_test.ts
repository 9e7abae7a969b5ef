import { assertEquals, assertIncludes, assertThrows } from "../../support/assert.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import { checkDraft, folderEntries } from "../../../src/tui/services/profile_draft.ts";

const draft = {
  name: "home",
  endpoint: "http://127.0.0.1:7480/",
  region: "",
  bucket: "photos",
  accessKeyId: "AKIAEXAMPLE",
  secret: "",
  pathPrefix: "/backups",
};

Deno.test("profile draft: normalised like configure; messages name the form's field", () => {
  const d = checkDraft(draft);
  assertEquals([d.endpoint, d.endpointUrl, d.region, d.pathPrefix], [
    "http://127.0.0.1:7480",
    "http://127.0.0.1:7480",
    "us-east-1",
    "backups/",
  ]);
  assertIncludes(
    assertThrows(() => checkDraft({ ...draft, endpoint: "ftp://x" }), EngineError).message,
    "Endpoint:",
  );
  assertIncludes(
    assertThrows(() => checkDraft({ ...draft, bucket: "" }), EngineError).message,
    "Bucket:",
  );
  assertIncludes(
    assertThrows(() => checkDraft({ ...draft, accessKeyId: "" }), EngineError).message,
    "Access key ID:",
  );
  assertIncludes(
    assertThrows(() => checkDraft({ ...draft, secret: "a\nb" }), EngineError).message,
    "Secret key:",
  );
  assertIncludes(
    assertThrows(() => checkDraft({ ...draft, name: "bad name" }), EngineError).message,
    "Profile name:",
  );
});

Deno.test("folder entries: prefixes and objects in key order, keys under the path prefix", () => {
  const rows = folderEntries(
    {
      prefixes: ["backups/Photos/2025/", "backups/Photos/2024/"],
      objects: [
        { key: "backups/Photos/", size: 0, etag: "", storageClass: "STANDARD" },
        {
          key: "backups/Photos/a.jpg",
          size: 5,
          etag: "e",
          storageClass: "GLACIER",
          lastModified: new Date(0),
        },
      ],
    },
    "Photos/",
    "backups/",
    "backups/Photos/",
  );
  assertEquals(rows.map((r) => [r.key, r.name, r.isFolder, r.storageClass]), [
    ["Photos/2024/", "2024/", true, null],
    ["Photos/2025/", "2025/", true, null],
    ["Photos/a.jpg", "a.jpg", false, "GLACIER"],
  ]);
});
