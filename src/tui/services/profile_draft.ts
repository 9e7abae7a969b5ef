/**
 * The profile form as the engine needs it: the form's draft as an engine
 * {@link EngineProfileDraft} (an empty secret keeps the stored one, an empty region is
 * us-east-1) and the form's wording of messages.
 *
 * @module
 */

import type {
  ProfileDraft as EngineProfileDraft,
  ProfileWording,
} from "../../engine/profiles/profile_fields.ts";
import type { DefaultsLabels } from "../../engine/profiles/profile_service.ts";
import type { ProfileDraft } from "./services.ts";

/** Messages name the fields as the form shows them ("Endpoint: ..."). */
export const FORM_WORDING: ProfileWording = {
  labels: {
    name: "Profile name",
    endpoint: "Endpoint",
    region: "Region",
    bucket: "Bucket",
    accessKeyId: "Access key ID",
    pathPrefix: "Path prefix",
    secret: "Secret key",
  },
  missing: {
    bucket: "Bucket: choose or type a bucket name.",
    accessKeyId: "Access key ID: type the access key id.",
    secret: "Secret key: type the secret access key.",
  },
  noStoredSecret: (name) =>
    `Secret key: profile '${name}' has no stored secret access key: type it in the Secret key field.`,
};

/** The Settings screen's names of the transfer defaults. */
export const DEFAULTS_LABELS: DefaultsLabels = {
  concurrency: "Concurrency",
  bwlimit: "Bandwidth limit",
  storage_class: "Storage class",
};

/** The form's draft for the engine: "" secret keeps the stored one, "" region is us-east-1. */
export function engineDraft(d: ProfileDraft): EngineProfileDraft {
  return {
    name: d.name,
    endpoint: d.endpoint,
    region: d.region || "us-east-1",
    bucket: d.bucket,
    accessKeyId: d.accessKeyId,
    secret: d.secret === "" ? null : d.secret,
    pathPrefix: d.pathPrefix,
  };
}
