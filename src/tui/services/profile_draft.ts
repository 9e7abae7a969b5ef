/**
 * The profile form as the engine needs it: every field validated with the engine's validators
 * (messages name the field as the form shows it), and the folder view of a listing page.
 *
 * @module
 */

import { EngineError } from "../../engine/core/errors.ts";
import { compareKeys, displayKey } from "../../engine/core/keys.ts";
import type { ListPage } from "../../engine/s3/listing.ts";
import {
  type FieldRef,
  validateAccessKeyId,
  validateBucket,
  validateEndpoint,
  validatePathPrefix,
  validateProfileName,
  validateRegion,
  validateSecret,
} from "../../engine/core/validate.ts";
import type { ProfileDraft, RemoteEntry } from "./services.ts";

/** A field reference for messages ("Endpoint: ..."). */
export const field = (name: string): FieldRef => ({ field: name, code: "UsageError" });

/** A validated draft. */
export interface CheckedDraft extends ProfileDraft {
  endpointUrl: string | undefined;
}

/** Validates the fields of a draft; messages name the field as the form shows it. */
export function checkDraft(d: ProfileDraft): CheckedDraft {
  validateProfileName(d.name, field("Profile name"));
  const endpointUrl = d.endpoint === ""
    ? undefined
    : validateEndpoint(d.endpoint, field("Endpoint"));
  if (d.bucket === "") throw new EngineError("UsageError", "Bucket: choose or type a bucket name.");
  if (d.accessKeyId === "") {
    throw new EngineError("UsageError", "Access key ID: type the access key id.");
  }
  return {
    ...d,
    endpoint: endpointUrl ?? "",
    endpointUrl,
    region: validateRegion(d.region || "us-east-1", field("Region")),
    bucket: validateBucket(d.bucket, field("Bucket")),
    accessKeyId: validateAccessKeyId(d.accessKeyId, field("Access key ID")),
    secret: d.secret === "" ? "" : validateSecret(d.secret, field("Secret key")),
    pathPrefix: validatePathPrefix(d.pathPrefix, field("Path prefix")),
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
