/**
 * Small pieces several commands share: the public view of a profile, and the S3 target of a run.
 *
 * @module
 */

import type { ResolvedSettings } from "../../engine/config/settings.ts";
import type { CliContext } from "../context.ts";
import type { S3Context } from "../../engine/s3/client.ts";
import { targetId } from "../../engine/state/multipart_records.ts";

/** The seed's S3ConfigPublic plus where things come from (never the secret). */
export interface S3ConfigPublic {
  profile: string;
  endpoint: string;
  region: string;
  bucket_name: string;
  access_key_id: string;
  path_prefix: string;
  is_configured: boolean;
  secret_backend: string | null;
  secret_location: string | null;
  credential_source: string;
  last_sync_timestamp: string | null;
}

/** Builds the public view of resolved settings. */
export async function publicConfig(ctx: CliContext, s: ResolvedSettings): Promise<S3ConfigPublic> {
  const backend = s.profile?.secret_backend ?? null;
  return {
    profile: s.profileName,
    endpoint: s.endpoint ?? "",
    region: s.region,
    bucket_name: s.bucket,
    access_key_id: s.accessKeyId ?? "",
    path_prefix: s.pathPrefix,
    is_configured: s.bucket !== "",
    secret_backend: s.credentialKind === "eigen-profile" ? backend : null,
    secret_location: s.credentialKind === "eigen-profile" && backend
      ? (await ctx.secrets()).describe(backend)
      : null,
    credential_source: s.credentialSource,
    last_sync_timestamp: s.profile?.last_sync_timestamp ?? null,
  };
}

/** Resolves settings and opens a client: what every S3 command starts with. */
export async function connect(
  ctx: CliContext,
  opts: { requireBucket?: boolean; concurrency?: number } = {},
): Promise<S3Context & { target: string }> {
  const settings = await ctx.settings({ requireBucket: opts.requireBucket });
  const s3 = await ctx.s3(settings, { concurrency: opts.concurrency });
  return { ...s3, target: targetId(settings.endpoint, settings.bucket) };
}

/** "s3://bucket/key" for messages. */
export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
