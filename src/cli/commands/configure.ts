/**
 * `eigen-s3 configure`: creates or updates a profile. Asks on a terminal for what flags do not
 * give, validates every field, tests the connection (HeadBucket) unless --no-test, stores the
 * secret through src/secrets and writes the profile only when all of that worked.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { EngineError } from "../../engine/core/errors.ts";
import { updateConfig } from "../../engine/config/config.ts";
import { selectProfileName } from "../../engine/config/settings.ts";
import {
  validateAccessKeyId,
  validateBucket,
  validateEndpoint,
  validatePathPrefix,
  validateRegion,
  validateSecret,
} from "../../engine/core/validate.ts";
import { createS3Client } from "../../engine/s3/client.ts";
import { testConnection } from "../../engine/s3/connection.ts";
import type { SecretBackendName } from "../../secrets/mod.ts";
import { canPrompt, promptLine, promptSecret, readSecretFromStdin } from "../prompt.ts";
import type { S3ConfigPublic } from "./common.ts";

const flag = (field: string) => ({ field, code: "UsageError" as const });

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
  const interactive = canPrompt() && !g.json && opts.secretStdin !== true;
  const ask = async (label: string, given: string | undefined, fallback: string) =>
    given ?? (interactive ? await promptLine(label, fallback) : fallback);

  if (interactive) {
    ctx.out.notice(`Configuring profile '${name}' (Enter keeps the value in brackets).`);
  }
  const endpointText = await ask(
    "Endpoint URL (empty for AWS S3)",
    g.endpoint,
    existing?.endpoint ?? "",
  );
  const endpoint = endpointText === "" ? "" : validateEndpoint(endpointText, flag("--endpoint"));
  const region = validateRegion(
    await ask("Region", g.region, existing?.region ?? "us-east-1"),
    flag("--region"),
  );
  const bucketText = await ask("Bucket", g.bucket, existing?.bucket_name ?? "");
  if (bucketText === "") {
    throw new EngineError("UsageError", "--bucket: no bucket given: pass --bucket NAME.");
  }
  const bucket = validateBucket(bucketText, flag("--bucket"));
  const keyText = await ask(
    "Access key id",
    opts.accessKeyId as string | undefined,
    existing?.access_key_id ?? "",
  );
  if (keyText === "") {
    throw new EngineError(
      "UsageError",
      "--access-key-id: no access key id given: pass --access-key-id ID.",
    );
  }
  const accessKeyId = validateAccessKeyId(keyText, flag("--access-key-id"));
  const pathPrefix = validatePathPrefix(
    await ask("Path prefix (optional)", g.pathPrefix, existing?.path_prefix ?? ""),
    flag("--path-prefix"),
  );

  let secret: string | undefined;
  if (opts.secretStdin === true) {
    if (Deno.stdin.isTerminal()) {
      throw new EngineError(
        "UsageError",
        '--secret-stdin: stdin is a terminal: pipe the key, e.g. printf %s "$KEY" | eigen-s3 configure --secret-stdin',
      );
    }
    secret = validateSecret(await readSecretFromStdin(), flag("--secret-stdin"));
  } else if (interactive) {
    const typed = await promptSecret(
      existing ? "Secret access key (Enter keeps the stored one)" : "Secret access key",
    );
    secret = typed === "" && existing
      ? undefined
      : validateSecret(typed, flag("secret access key"));
  } else if (!existing) {
    throw new EngineError(
      "UsageError",
      'No secret access key given: pipe it with --secret-stdin (printf %s "$KEY" | eigen-s3 configure ... --secret-stdin) or run configure on a terminal.',
    );
  }

  const store = await ctx.secrets();
  const forced = opts.secretBackend as SecretBackendName | undefined;
  const secretForTest = secret ??
    (existing ? await store.load(name, existing.secret_backend ?? "keychain") : null);
  if (!secretForTest) {
    throw new EngineError(
      "NotConfigured",
      `Profile '${name}' has no stored secret: pipe one with --secret-stdin.`,
    );
  }

  if (opts.test !== false) {
    const s3 = createS3Client({
      profileName: name,
      endpoint: endpoint || undefined,
      region,
      bucket,
      pathPrefix,
      credentialKind: "eigen-profile",
      credentialSource: "configure",
      credentials: () => Promise.resolve({ accessKeyId, secretAccessKey: secretForTest }),
    }, { maxAttempts: 3 });
    try {
      const { error } = await testConnection(s3.client, bucket, endpoint || undefined, ctx.signal);
      if (error) {
        throw new EngineError(
          error.code,
          `${error.message} Nothing was saved (use --no-test to save anyway).`,
          { cause: error },
        );
      }
    } finally {
      s3.destroy();
    }
  }

  let backend = existing?.secret_backend ?? "keychain";
  let location = store.describe(backend);
  if (secret !== undefined || (forced && forced !== existing?.secret_backend)) {
    const saved = await store.save(name, secretForTest, forced);
    if (existing?.secret_backend && existing.secret_backend !== saved.backend) {
      await store.remove(name, existing.secret_backend).catch(() => false);
    }
    backend = saved.backend;
    location = saved.description;
    if (saved.fallbackReason) ctx.out.notice(saved.fallbackReason);
  }

  await updateConfig(ctx.configPath, (c) => {
    c.profiles[name] = {
      endpoint,
      region,
      bucket_name: bucket,
      access_key_id: accessKeyId,
      path_prefix: pathPrefix,
      last_sync_timestamp: c.profiles[name]?.last_sync_timestamp ?? null,
      secret_backend: backend,
    };
    c.default_profile ??= name;
  });
  ctx.invalidateConfig();

  const result: S3ConfigPublic = {
    profile: name,
    endpoint,
    region,
    bucket_name: bucket,
    access_key_id: accessKeyId,
    path_prefix: pathPrefix,
    is_configured: true,
    secret_backend: backend,
    secret_location: location,
    credential_source: `eigen-s3 profile '${name}'`,
    last_sync_timestamp: existing?.last_sync_timestamp ?? null,
  };
  ctx.out.result(
    "configure",
    result,
    () =>
      `Saved profile '${name}': bucket '${bucket}' at ${endpoint || "AWS S3"} (${region})` +
      `${
        opts.test !== false ? ", connection tested" : ", not tested"
      }.\nSecret access key stored in ${location}.`,
  );
  return 0;
}
