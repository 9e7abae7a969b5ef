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

/** How the interactive questions name the fields: by their question. */
const PROMPT_WORDING: ProfileWording = {
  labels: {
    name: "Profile",
    endpoint: "Endpoint URL",
    region: "Region",
    bucket: "Bucket",
    accessKeyId: "Access key id",
    pathPrefix: "Path prefix",
    secret: "Secret access key",
  },
  missing: {
    bucket: "Bucket: an answer is needed (the bucket that holds the backups).",
    accessKeyId: "Access key id: an answer is needed.",
    secret: "Secret access key: an answer is needed.",
  },
  noStoredSecret: (name) => `Profile '${name}' has no stored secret: type it.`,
};

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
  // On a terminal a wrong or empty answer is said and asked again; from flags it is an error.
  const ask = async (
    field: Exclude<ProfileField, "secret" | "name">,
    label: string,
    given: string | undefined,
    fallback: string,
  ): Promise<string> => {
    if (given !== undefined || !interactive) {
      return checkField(field, given ?? fallback, words);
    }
    for (;;) {
      const answer = await promptLine(label, fallback);
      try {
        return checkField(field, answer, PROMPT_WORDING);
      } catch (e) {
        if (!(e instanceof EngineError) || e.code === "Interrupted") throw e;
        ctx.out.notice(e.message);
      }
    }
  };

  if (interactive) {
    ctx.out.notice(`Configuring profile '${name}' (Enter keeps the value in brackets).`);
  }
  const answers = {
    endpoint: existing?.endpoint ?? "",
    region: existing?.region ?? "us-east-1",
    bucket: existing?.bucket_name ?? "",
    accessKeyId: existing?.access_key_id ?? "",
    pathPrefix: existing?.path_prefix ?? "",
  };
  let secret: string | null = null;
  let keepSecret = existing !== undefined;
  const askAll = async () => {
    answers.endpoint = await ask(
      "endpoint",
      "Endpoint URL (empty for AWS S3)",
      g.endpoint,
      answers.endpoint,
    );
    answers.region = await ask("region", "Region", g.region, answers.region);
    answers.bucket = await ask("bucket", "Bucket", g.bucket, answers.bucket);
    answers.accessKeyId = await ask(
      "accessKeyId",
      "Access key id",
      opts.accessKeyId as string | undefined,
      answers.accessKeyId,
    );
    answers.pathPrefix = await ask(
      "pathPrefix",
      "Path prefix (optional)",
      g.pathPrefix,
      answers.pathPrefix,
    );
    if (fromStdin) {
      if (Deno.stdin.isTerminal()) {
        throw new EngineError(
          "UsageError",
          '--secret-stdin: stdin is a terminal: pipe the key, e.g. printf %s "$KEY" | eigen-s3 configure --secret-stdin',
        );
      }
      secret = await readSecretFromStdin();
    } else if (interactive) {
      for (;;) {
        const typed = await promptSecret(
          keepSecret || secret !== null
            ? "Secret access key (Enter keeps the one given before)"
            : "Secret access key",
        );
        if (typed !== "") {
          secret = typed;
          break;
        }
        if (secret !== null || keepSecret) break;
        ctx.out.notice(PROMPT_WORDING.missing.secret);
      }
    }
  };
  await askAll();
  keepSecret = keepSecret && secret === null;

  let tested = opts.test !== false;
  const secrets = await ctx.secrets();
  const save = (skipTest: boolean) =>
    saveProfile(
      {
        name,
        ...answers,
        secret,
        ...(opts.secretBackend ? { secretBackend: opts.secretBackend as SecretBackendName } : {}),
      },
      {
        configPath: ctx.configPath,
        secrets,
        signal: ctx.signal,
        wording: words,
        skipTest,
      },
    );
  let r = await save(!tested);
  // On a terminal a failed connection test loses nothing: edit the answers, or save anyway.
  while (!r.saved && interactive) {
    ctx.out.notice(`${r.error.message}`);
    const choice = (await promptLine(
      "Connection test failed: [e]dit the answers, [s]ave anyway, or [q]uit",
      "e",
    )).trim().toLowerCase();
    if (choice.startsWith("s")) {
      tested = false;
      r = await save(true);
    } else if (choice.startsWith("e")) {
      await askAll();
      r = await save(false);
    } else {
      break;
    }
  }
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
      `Saved profile '${name}': bucket '${answers.bucket}' at ${
        answers.endpoint || "AWS S3"
      } (${answers.region})` +
      `${
        tested ? ", connection tested" : ", not tested"
      }.\nSecret access key stored in ${r.secretLocation}.`,
  );
  return 0;
}
