import { assertEquals, assertIncludes, assertThrows } from "../../support/assert.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import { checkDraft } from "../../../src/engine/profiles/profile_fields.ts";
import { engineDraft, FORM_WORDING } from "../../../src/tui/services/profile_draft.ts";

const draft = {
  name: "home",
  endpoint: "http://127.0.0.1:7480/",
  region: "",
  bucket: "photos",
  accessKeyId: "AKIAEXAMPLE",
  secret: "",
  pathPrefix: "/backups",
};

/** The error of checking `over` with the form's wording: [field, message]. */
function failure(over: Partial<typeof draft>): [string | undefined, string] {
  const e = assertThrows(
    () => checkDraft(engineDraft({ ...draft, ...over }), FORM_WORDING),
    EngineError,
  );
  return [e.field, e.message];
}

Deno.test("profile draft: normalised like configure; errors name the form's field", () => {
  const d = checkDraft(engineDraft(draft), FORM_WORDING);
  assertEquals([d.endpoint, d.endpointUrl, d.region, d.pathPrefix, d.secret], [
    "http://127.0.0.1:7480",
    "http://127.0.0.1:7480",
    "us-east-1",
    "backups/",
    null,
  ]);
  const cases: Array<[Partial<typeof draft>, string, string]> = [
    [{ endpoint: "ftp://x" }, "endpoint", "Endpoint: 'ftp://x' must start with http://"],
    [{ bucket: "" }, "bucket", "Bucket: choose or type a bucket name."],
    [{ bucket: "a" }, "bucket", "Bucket: 'a' is not a bucket name"],
    [{ accessKeyId: "" }, "accessKeyId", "Access key ID: type the access key id."],
    [{ secret: "a\nb" }, "secret", "Secret key: the secret access key has characters"],
    [{ name: "bad name" }, "name", "Profile name: 'bad name' is not a profile name"],
    [{ region: "Nope" }, "region", "Region: 'Nope' is not a region name"],
    [{ pathPrefix: "a/../b" }, "pathPrefix", "Path prefix: 'a/../b' must be like"],
  ];
  for (const [over, field, message] of cases) {
    const [f, m] = failure(over);
    assertEquals(f, field, JSON.stringify(over));
    assertIncludes(m, message);
  }
});
