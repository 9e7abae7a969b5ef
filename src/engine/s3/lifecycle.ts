/**
 * Bucket lifecycle rules (`eigen-s3 lifecycle show|set`): three simple rules scoped to the
 * profile's path prefix (transition to a storage class after N days, expire noncurrent
 * versions after N days, abort incomplete multipart uploads after N days). eigen-s3 owns only
 * the rules whose ID it wrote ("eigen-s3-KIND:PREFIX"); `set` merges or replaces those and
 * leaves every other rule of the bucket as it was.
 *
 * PutBucketLifecycleConfiguration needs a body checksum: the client sends Content-MD5
 * (content_md5.ts), which every S3-compatible server accepts.
 *
 * @module
 */

import { createHash } from "node:crypto";
import {
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  PutBucketLifecycleConfigurationCommand,
  type S3Client,
} from "@aws-sdk/client-s3";

/** Prefix of the IDs of eigen-s3's own rules. */
export const RULE_ID_PREFIX = "eigen-s3-";

/** The kinds of rule eigen-s3 writes. */
export type EigenRuleKind = "transition" | "noncurrent-expiration" | "abort-multipart";

const KINDS: readonly EigenRuleKind[] = ["transition", "noncurrent-expiration", "abort-multipart"];

/** What `lifecycle set` asks for; null removes that rule, undefined leaves it as it is. */
export interface LifecycleChanges {
  transition?: { days: number; storage_class: string } | null;
  noncurrent_expiration_days?: number | null;
  abort_multipart_days?: number | null;
}

/** A rule as `lifecycle show` prints it (snake_case for --json). */
export interface LifecycleRuleView {
  id: string;
  status: string;
  prefix: string;
  /** "eigen-s3" for the rules of this prefix that eigen-s3 manages, else "other". */
  owner: "eigen-s3" | "other";
  /** Human descriptions of the rule's actions. */
  actions: string[];
  transition_days: number | null;
  storage_class: string | null;
  noncurrent_expiration_days: number | null;
  abort_multipart_days: number | null;
  expiration_days: number | null;
}

/** The ID of eigen-s3's rule of `kind` for `prefix` (at most 255 characters, as S3 allows). */
export function ruleId(kind: EigenRuleKind, prefix: string): string {
  const id = `${RULE_ID_PREFIX}${kind}${prefix ? `:${prefix}` : ""}`;
  if (id.length <= 255) return id;
  const digest = createHash("sha256").update(prefix).digest("hex").slice(0, 32);
  return `${RULE_ID_PREFIX}${kind}:sha256-${digest}`;
}

/** The prefix a rule applies to (Filter.Prefix, Filter.And.Prefix or the legacy Prefix). */
export function rulePrefix(rule: LifecycleRule): string {
  const f = rule.Filter as { Prefix?: string; And?: { Prefix?: string } } | undefined;
  return f?.Prefix ?? f?.And?.Prefix ?? rule.Prefix ?? "";
}

/** The kind of `rule` when it is eigen-s3's rule for `prefix`, else null. */
export function ownKind(rule: LifecycleRule, prefix: string): EigenRuleKind | null {
  return KINDS.find((k) => rule.ID === ruleId(k, prefix)) ?? null;
}

/** Builds eigen-s3's rule of `kind`. */
function buildRule(
  kind: EigenRuleKind,
  prefix: string,
  changes: LifecycleChanges,
): LifecycleRule | null {
  const base = { ID: ruleId(kind, prefix), Status: "Enabled" as const, Filter: { Prefix: prefix } };
  if (kind === "transition" && changes.transition) {
    return {
      ...base,
      Transitions: [{
        Days: changes.transition.days,
        StorageClass: changes.transition.storage_class as "GLACIER",
      }],
    };
  }
  if (kind === "noncurrent-expiration" && changes.noncurrent_expiration_days) {
    return {
      ...base,
      NoncurrentVersionExpiration: { NoncurrentDays: changes.noncurrent_expiration_days },
    };
  }
  if (kind === "abort-multipart" && changes.abort_multipart_days) {
    return {
      ...base,
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: changes.abort_multipart_days },
    };
  }
  return null;
}

function changeFor(kind: EigenRuleKind, c: LifecycleChanges): unknown {
  return kind === "transition"
    ? c.transition
    : kind === "noncurrent-expiration"
    ? c.noncurrent_expiration_days
    : c.abort_multipart_days;
}

/**
 * The bucket's new rule list: other rules kept in place and order; eigen-s3's rules for
 * `prefix` updated (merge) or all rewritten (`replace`); new rules appended.
 */
export function mergeRules(
  existing: readonly LifecycleRule[],
  prefix: string,
  changes: LifecycleChanges,
  replace: boolean,
): LifecycleRule[] {
  const out: LifecycleRule[] = [];
  const placed = new Set<EigenRuleKind>();
  for (const rule of existing) {
    const kind = ownKind(rule, prefix);
    if (!kind) {
      out.push(rule);
      continue;
    }
    const change = changeFor(kind, changes);
    if (change === undefined && !replace) {
      out.push(rule);
      placed.add(kind);
      continue;
    }
    const next = buildRule(kind, prefix, changes);
    if (next) out.push(next);
    placed.add(kind);
  }
  for (const kind of KINDS) {
    if (placed.has(kind)) continue;
    const next = buildRule(kind, prefix, changes);
    if (next) out.push(next);
  }
  return out;
}

/** Describes a rule for `lifecycle show`. */
export function describeRule(rule: LifecycleRule, prefix: string): LifecycleRuleView {
  const actions: string[] = [];
  const t = rule.Transitions?.[0];
  const days = (n: number | undefined) => `${n} day${n === 1 ? "" : "s"}`;
  for (const tr of rule.Transitions ?? []) {
    actions.push(
      tr.Days !== undefined
        ? `transition to ${tr.StorageClass} after ${days(tr.Days)}`
        : `transition to ${tr.StorageClass} on ${tr.Date?.toISOString().slice(0, 10)}`,
    );
  }
  const nce = rule.NoncurrentVersionExpiration?.NoncurrentDays;
  if (nce !== undefined) actions.push(`expire noncurrent versions after ${days(nce)}`);
  for (const nt of rule.NoncurrentVersionTransitions ?? []) {
    actions.push(`noncurrent versions to ${nt.StorageClass} after ${days(nt.NoncurrentDays)}`);
  }
  const exp = rule.Expiration;
  if (exp?.Days !== undefined) actions.push(`expire after ${days(exp.Days)}`);
  if (exp?.Date) actions.push(`expire on ${exp.Date.toISOString().slice(0, 10)}`);
  if (exp?.ExpiredObjectDeleteMarker) actions.push("remove expired delete markers");
  const abort = rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation;
  if (abort !== undefined) actions.push(`abort incomplete multipart uploads after ${days(abort)}`);
  return {
    id: rule.ID ?? "",
    status: rule.Status ?? "",
    prefix: rulePrefix(rule),
    owner: ownKind(rule, prefix) ? "eigen-s3" : "other",
    actions,
    transition_days: t?.Days ?? null,
    storage_class: t?.StorageClass ?? null,
    noncurrent_expiration_days: nce ?? null,
    abort_multipart_days: abort ?? null,
    expiration_days: exp?.Days ?? null,
  };
}

/** Reads the bucket's rules ([] when it has no lifecycle configuration). */
export async function getLifecycleRules(
  client: S3Client,
  bucket: string,
  signal?: AbortSignal,
): Promise<LifecycleRule[]> {
  try {
    const out = await client.send(
      new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }),
      { abortSignal: signal },
    );
    return out.Rules ?? [];
  } catch (e) {
    const name = (e as { name?: string; Code?: string }).name;
    if (name === "NoSuchLifecycleConfiguration") return [];
    throw e;
  }
}

/** Writes the bucket's rules; an empty list deletes the lifecycle configuration. */
export async function putLifecycleRules(
  client: S3Client,
  bucket: string,
  rules: LifecycleRule[],
  signal?: AbortSignal,
): Promise<void> {
  if (rules.length === 0) {
    await client.send(new DeleteBucketLifecycleCommand({ Bucket: bucket }), {
      abortSignal: signal,
    });
    return;
  }
  const cmd = new PutBucketLifecycleConfigurationCommand({
    Bucket: bucket,
    LifecycleConfiguration: { Rules: rules },
  });
  await client.send(cmd, { abortSignal: signal });
}
