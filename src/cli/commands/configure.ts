/**
 * `eigen-s3 configure`: creates or updates a profile. Asks on a terminal for what flags do not
 * give (checking each answer as it comes), then hands the profile to the engine's
 * {@link saveProfile}: it tests the connection (HeadBucket) unless --no-test, stores the secret
 * through src/secrets and writes the profile only when all of that worked.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { EngineError } from "../../engine/core/errors.ts";
import { selectProfileName } from "../../engine/config/settings.ts";
import {
  checkField,
  type ProfileField,
  type ProfileWording,
} from "../../engine/profiles/profile_fields.ts";
import { saveProfile } from "../../engine/profiles/profile_service.ts";
import type { SecretBackendName } from "../../secrets/mod.ts";
import { canPrompt, promptLine, promptSecret, readSecretFromStdin } from "../prompt.ts";
import type { S3ConfigPublic } from "./common.ts";

/** How configure's messages name the fields: by their flags. */
function wording(secretLabel: string): ProfileWording {
  return {
    labels: {
      name: "--profile",
      endpoint: "--endpoint",
      region: "--region",
      bucket: "--bucket",
      accessKeyId: "--access-key-id",
      pathPrefix: "--path-prefix",
      secret: secretLabel,
    },
    missing: {
      bucket: "--bucket: no bucket given: pass --bucket NAME.",
      accessKeyId: "--access-key-id: no access key id given: pass --access-key-id ID.",
      secret:
        'No secret access key given: pipe it with --secret-stdin (printf %s "$KEY" | eigen-s3 configure ... --secret-stdin) or run configure on a terminal.',
    },
    noStoredSecret: (name) =>
      `Profile '${name}' has no stored secret: pipe one with --secret-stdin.`,
  };
}

/** Runs configure. */
export default async function configure(
  ctx: CliContext,
  _args: unknown[],
  opts: Record<string, unknown>,
): Promise<number> {
  const g = ctx.globals;
  const config = await ctx.config();
  const name = selectProfileName(g, ctx.env, config);
  const existing = config.profiles[name];
  const fromStdin = opts.secretStdin === true;
  const interactive = canPrompt() && !g.json && !fromStdin;
  const words = wording(fromStdin ? "--secret-stdin" : "secret access key");
  const ask = async (
    field: Exclude<ProfileField, "secret" | "name">,
    label: string,
    given: string | undefined,
    fallback: string,
  ) =>
    checkField(field, given ?? (interactive ? await promptLine(label, fallback) : fallback), words);

  if (interactive) {
    ctx.out.notice(`Configuring profile '${name}' (Enter keeps the value in brackets).`);
  }
  const endpoint = await ask(
    "endpoint",
    "Endpoint URL (empty for AWS S3)",
    g.endpoint,
    existing?.endpoint ?? "",
  );
  const region = await ask("region", "Region", g.region, existing?.region ?? "us-east-1");
  const bucket = await ask("bucket", "Bucket", g.bucket, existing?.bucket_name ?? "");
  const accessKeyId = await ask(
    "accessKeyId",
    "Access key id",
    opts.accessKeyId as string | undefined,
    existing?.access_key_id ?? "",
  );
  const pathPrefix = await ask(
    "pathPrefix",
    "Path prefix (optional)",
    g.pathPrefix,
    existing?.path_prefix ?? "",
  );

  let secret: string | null = null;
  if (fromStdin) {
    if (Deno.stdin.isTerminal()) {
      throw new EngineError(
        "UsageError",
        '--secret-stdin: stdin is a terminal: pipe the key, e.g. printf %s "$KEY" | eigen-s3 configure --secret-stdin',
      );
    }
    secret = await readSecretFromStdin();
  } else if (interactive) {
    const typed = await promptSecret(
      existing ? "Secret access key (Enter keeps the stored one)" : "Secret access key",
    );
    secret = typed === "" && existing ? null : typed;
  }

  const tested = opts.test !== false;
  const r = await saveProfile(
    {
      name,
      endpoint,
      region,
      bucket,
      accessKeyId,
      secret,
      pathPrefix,
      ...(opts.secretBackend ? { secretBackend: opts.secretBackend as SecretBackendName } : {}),
    },
    {
      configPath: ctx.configPath,
      secrets: await ctx.secrets(),
      signal: ctx.signal,
      wording: words,
      skipTest: !tested,
    },
  );
  if (!r.saved) {
    throw new EngineError(
      r.error.code,
      `${r.error.message} Nothing was saved (use --no-test to save anyway).`,
      { cause: r.error },
    );
  }
  ctx.invalidateConfig();
  if (r.fallbackReason) ctx.out.notice(r.fallbackReason);

  const result: S3ConfigPublic = {
    profile: name,
    endpoint: r.profile.endpoint,
    region: r.profile.region,
    bucket_name: r.profile.bucket_name,
    access_key_id: r.profile.access_key_id,
    path_prefix: r.profile.path_prefix,
    is_configured: true,
    secret_backend: r.secretBackend,
    secret_location: r.secretLocation,
    credential_source: `eigen-s3 profile '${name}'`,
    last_sync_timestamp: r.profile.last_sync_timestamp,
  };
  ctx.out.result(
    "configure",
    result,
    () =>
      `Saved profile '${name}': bucket '${bucket}' at ${endpoint || "AWS S3"} (${region})` +
      `${
        tested ? ", connection tested" : ", not tested"
      }.\nSecret access key stored in ${r.secretLocation}.`,
  );
  return 0;
}
