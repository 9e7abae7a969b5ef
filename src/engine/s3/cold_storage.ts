/**
 * Cold storage: objects in S3 Glacier Flexible Retrieval (`GLACIER`) and Glacier Deep Archive
 * (`DEEP_ARCHIVE`) cannot be read until a RestoreObject request ("thaw") has made a temporary
 * copy. `GLACIER_IR` (Instant Retrieval) and the other classes read like STANDARD.
 *
 * The state of a thaw comes from HeadObject's `Restore` header: absent = frozen,
 * `ongoing-request="true"` = thawing, `ongoing-request="false", expiry-date="..."` = thawed
 * (readable until the expiry date).
 *
 * Expected waits are AWS's published retrieval times: Flexible Retrieval Expedited 1-5 minutes,
 * Standard 3-5 hours, Bulk 5-12 hours; Deep Archive Standard within 12 hours, Bulk within
 * 48 hours (Expedited is not offered for Deep Archive).
 *
 * @module
 */

import {
  RestoreObjectCommand,
  type RestoreObjectCommandInput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { EngineError } from "../core/errors.ts";
import { toEngineError } from "./sdk_errors.ts";

/** Retrieval tiers of RestoreObject. */
export type ThawTier = "Expedited" | "Standard" | "Bulk";

/** The tiers, for validation and help. */
export const THAW_TIERS: readonly ThawTier[] = ["Expedited", "Standard", "Bulk"];

/** Default number of days a thawed copy stays readable. */
export const DEFAULT_THAW_DAYS = 7;

/** Storage classes whose objects must be thawed before a GET. */
export const THAW_CLASSES: ReadonlySet<string> = new Set(["GLACIER", "DEEP_ARCHIVE"]);

/** True when objects of `storageClass` need a RestoreObject before they can be downloaded. */
export function needsThaw(storageClass: string | undefined): boolean {
  return storageClass !== undefined && THAW_CLASSES.has(storageClass.toUpperCase());
}

/** Where a cold object stands. */
export interface ThawStatus {
  state: "frozen" | "thawing" | "thawed";
  /** When a thawed copy expires (as the server wrote it). */
  expiry?: string;
}

/** Parses HeadObject's `Restore` header (undefined means no restore was ever requested). */
export function parseRestoreHeader(header: string | undefined): ThawStatus {
  if (!header) return { state: "frozen" };
  const ongoing = /ongoing-request\s*=\s*"?(true|false)"?/i.exec(header)?.[1]?.toLowerCase();
  if (ongoing === "true") return { state: "thawing" };
  const expiry = /expiry-date\s*=\s*"([^"]*)"/i.exec(header)?.[1];
  if (ongoing === "false") return expiry ? { state: "thawed", expiry } : { state: "thawed" };
  return { state: "frozen" };
}

/** A published retrieval time. */
export interface ThawWait {
  /** e.g. "3-5 hours". */
  text: string;
  /** Upper bound in ms, for sorting and "ready by" estimates. */
  maxMs: number;
}

const HOUR = 3_600_000;
const WAITS: Record<string, Partial<Record<ThawTier, ThawWait>>> = {
  GLACIER: {
    Expedited: { text: "1-5 minutes", maxMs: 5 * 60_000 },
    Standard: { text: "3-5 hours", maxMs: 5 * HOUR },
    Bulk: { text: "5-12 hours", maxMs: 12 * HOUR },
  },
  DEEP_ARCHIVE: {
    Standard: { text: "within 12 hours", maxMs: 12 * HOUR },
    Bulk: { text: "within 48 hours", maxMs: 48 * HOUR },
  },
};

/** The expected wait for `tier` on `storageClass`; undefined when the tier is not offered. */
export function expectedWait(storageClass: string, tier: ThawTier): ThawWait | undefined {
  return WAITS[storageClass.toUpperCase()]?.[tier];
}

/** Parses `--tier` (case-insensitive). */
export function parseTier(value: unknown): ThawTier {
  const t = THAW_TIERS.find((x) => x.toLowerCase() === String(value ?? "").toLowerCase());
  if (!t) {
    throw new EngineError(
      "UsageError",
      `--tier: '${String(value)}' is not a retrieval tier: use Standard, Bulk or Expedited.`,
    );
  }
  return t;
}

/** What a thaw request asks for. */
export interface ThawRequest {
  bucket: string;
  key: string;
  versionId?: string;
  days: number;
  tier: ThawTier;
}

/** The RestoreObject input for a thaw (pure; tested without a server). */
export function restoreObjectInput(req: ThawRequest): RestoreObjectCommandInput {
  return {
    Bucket: req.bucket,
    Key: req.key,
    ...(req.versionId && req.versionId !== "null" ? { VersionId: req.versionId } : {}),
    RestoreRequest: { Days: req.days, GlacierJobParameters: { Tier: req.tier } },
  };
}

/** The part of an S3 client {@link requestThaw} uses (a fake in tests). */
export interface ThawClient {
  send: S3Client["send"];
}

/**
 * Sends RestoreObject. Resolves "requested" (202 Accepted: a new thaw), "already-thawed" (200:
 * a thawed copy exists and its expiry was extended) or "in-progress" (409
 * RestoreAlreadyInProgress). Other failures throw an EngineError.
 */
export async function requestThaw(
  client: ThawClient,
  req: ThawRequest,
  signal?: AbortSignal,
): Promise<"requested" | "already-thawed" | "in-progress"> {
  try {
    const out = await client.send(new RestoreObjectCommand(restoreObjectInput(req)), {
      abortSignal: signal,
    });
    return out.$metadata?.httpStatusCode === 200 ? "already-thawed" : "requested";
  } catch (e) {
    const name = (e as { name?: string }).name;
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (name === "RestoreAlreadyInProgress" || status === 409) return "in-progress";
    throw toEngineError(e, {
      action: `thaw request for '${req.key}'`,
      bucket: req.bucket,
      key: req.key,
      fallback: "DownloadFailed",
    });
  }
}
