/**
 * The profile form as the engine needs it: the form's draft as an engine
 * {@link EngineProfileDraft} (an empty secret keeps the stored one, an empty region is
 * us-east-1), the form's wording of messages, and the folder view of a listing page.
 *
 * @module
 */

import { compareKeys, displayKey } from "../../engine/core/keys.ts";
import type { ListPage } from "../../engine/s3/listing.ts";
import type {
  ProfileDraft as EngineProfileDraft,
  ProfileWording,
} from "../../engine/profiles/profile_fields.ts";
import type { DefaultsLabels } from "../../engine/profiles/profile_service.ts";
import type { ProfileDraft, RemoteEntry } from "./services.ts";

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

/**
 * The rows of one page of a delimited listing: folders (common prefixes) and files, keys
 * relative to the path prefix, in key order; the folder's own marker object is left out.
 */
export function folderEntries(
  page: ListPage,
  prefix: string,
  pathPrefix: string,
  full: string,
): RemoteEntry[] {
  const entries: RemoteEntry[] = [];
  for (const p of page.prefixes) {
    const key = displayKey(pathPrefix, p);
    entries.push({
      key,
      name: key.slice(prefix.length),
      isFolder: true,
      size: 0,
      lastModified: null,
      storageClass: null,
    });
  }
  for (const o of page.objects) {
    if (o.key === full) continue; // the folder's own marker object
    const key = displayKey(pathPrefix, o.key);
    entries.push({
      key,
      name: key.slice(prefix.length),
      isFolder: false,
      size: o.size,
      lastModified: o.lastModified?.toISOString() ?? null,
      storageClass: o.storageClass || null,
    });
  }
  return entries.sort((a, b) => compareKeys(a.key, b.key));
}
