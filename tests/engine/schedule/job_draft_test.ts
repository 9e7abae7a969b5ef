import { assertEquals } from "../../support/assert.ts";
import {
  isJobField,
  type JobDraft,
  jobDraftOf,
  jobInputOf,
} from "../../../src/engine/schedule/job_draft.ts";

const DRAFT: JobDraft = {
  name: "photos",
  folder: "/home/me/Photos",
  profile: "",
  prefix: "Photos",
  cron: "0 3 * * *",
  timezone: " Europe/Berlin ",
  exclude: ["*.tmp"],
  include_hidden: true,
  delete: false,
  max_delete: "10%",
};

Deno.test("jobInputOf: empty texts are unset, stored settings the draft lacks are kept", () => {
  const stored = { cron: "@daily", window: { start: "01:00", end: "05:00" }, bwlimit: "10M" };
  assertEquals(jobInputOf(DRAFT, stored), {
    cron: "0 3 * * *",
    window: { start: "01:00", end: "05:00" },
    bwlimit: "10M",
    folder: "/home/me/Photos",
    profile: undefined,
    prefix: "Photos",
    timezone: "Europe/Berlin",
    exclude: ["*.tmp"],
    include_hidden: true,
    delete: false,
    // max delete only counts while delete is on
    max_delete: undefined,
  });
  const input = jobInputOf({ ...DRAFT, profile: "work", delete: true, timezone: "" }, "junk");
  assertEquals([input.profile, input.max_delete, input.timezone], ["work", "10%", undefined]);
});

Deno.test("jobDraftOf reads a stored job back, best effort for an invalid one", () => {
  const stored = jobInputOf({ ...DRAFT, timezone: "UTC", delete: true });
  assertEquals(jobDraftOf("photos", stored), { ...DRAFT, timezone: "UTC", delete: true });
  assertEquals(jobDraftOf("broken", { folder: 7, exclude: "x", delete: "yes" }), {
    name: "broken",
    folder: "7",
    profile: "",
    prefix: "",
    cron: "",
    timezone: "",
    exclude: [],
    include_hidden: false,
    delete: false,
    max_delete: "",
  });
  assertEquals([isJobField("cron"), isJobField("notify.webhook"), isJobField(undefined)], [
    true,
    false,
    false,
  ]);
});
