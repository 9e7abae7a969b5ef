/**
 * Resolves the settings of one run: flags first, then the standard AWS environment variables
 * and shared files, then the eigen-s3 profile (config file + secret store).
 *
 * @module
 */

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { EngineError } from "../core/errors.ts";
import type { ConfigFile, ProfileConfig } from "./config.ts";
import type { Env } from "./paths.ts";
import {
  validateBucket,
  validateEndpoint,
  validatePathPrefix,
  validateProfileName,
  validateRegion,
} from "../core/validate.ts";
import type { SecretBackendName } from "../../secrets/mod.ts";

/** Global flags that select and override settings. */
export interface GlobalFlags {
  profile?: string;
  endpoint?: string;
  region?: string;
  bucket?: string;
  pathPrefix?: string;
  /** false (`--no-key-cache`): never keep the secrets file's key in the session keyring. */
  keyCache?: boolean;
}

/** Where the credentials of a run come from. */
export type CredentialKind = "flags-env" | "aws-profile" | "eigen-profile" | "aws-default-chain";

/** Everything an S3 operation needs to know about where it talks to. */
export interface ResolvedSettings {
  /** The eigen-s3 profile name in use (even when it does not exist yet, e.g. for configure). */
  profileName: string;
  /** The stored profile, when there is one. */
  profile?: ProfileConfig;
  /** Custom endpoint (scheme://host[:port]); undefined means AWS S3. */
  endpoint?: string;
  region: string;
  /** Bucket name; "" when none is known and the command does not need one. */
  bucket: string;
  /** "" or ends with "/". */
  pathPrefix: string;
  /** Access key id, when known without asking a provider (for display). */
  accessKeyId?: string;
  credentialKind: CredentialKind;
  /** Human description of where the credentials come from (never the secret). */
  credentialSource: string;
  /** Lazily resolves the credentials (reads the secret store only when first used). */
  credentials: AwsCredentialIdentityProvider;
}

/** Reads a profile's secret from wherever the profile says it is kept. */
export type SecretLoader = (profile: string, backend: SecretBackendName) => Promise<string | null>;

/** Inputs of {@link resolveSettings}. */
export interface ResolveOptions {
  flags: GlobalFlags;
  env: Env;
  config: ConfigFile;
  /** Path of the config file, for messages. */
  configPath: string;
  loadSecret: SecretLoader;
  /** When true (the default), a missing bucket is a NotConfigured error. */
  requireBucket?: boolean;
}

const flagRef = (field: string) => ({ field, code: "UsageError" as const });

function sharedCredentialsFileExists(env: Env): boolean {
  const home = env("HOME") ?? env("USERPROFILE") ?? "";
  const creds = env("AWS_SHARED_CREDENTIALS_FILE") ?? join(home, ".aws", "credentials");
  const conf = env("AWS_CONFIG_FILE") ?? join(home, ".aws", "config");
  return existsSync(creds) || existsSync(conf);
}

/** The profile name in use: --profile, EIGEN_S3_PROFILE, the file's default, or "default". */
export function selectProfileName(flags: GlobalFlags, env: Env, config: ConfigFile): string {
  const name = flags.profile ?? env("EIGEN_S3_PROFILE") ?? config.default_profile ?? "default";
  return validateProfileName(name, flagRef("--profile"));
}

/** Resolves the settings of a run. Throws NotConfigured with the fix when something is missing. */
export function resolveSettings(opts: ResolveOptions): ResolvedSettings {
  const { flags, env, config } = opts;
  const profileName = selectProfileName(flags, env, config);
  const profile = config.profiles[profileName];
  const explicitProfile = flags.profile !== undefined || env("EIGEN_S3_PROFILE") !== undefined;
  if (!profile && explicitProfile) {
    const known = Object.keys(config.profiles);
    throw new EngineError(
      "NotConfigured",
      `Profile '${profileName}' does not exist${
        known.length ? ` (profiles: ${known.join(", ")})` : ""
      }: run 'eigen-s3 configure --profile ${profileName}'.`,
    );
  }

  const envEndpoint = env("AWS_ENDPOINT_URL_S3") || env("AWS_ENDPOINT_URL");
  const endpoint = flags.endpoint !== undefined
    ? validateEndpoint(flags.endpoint, flagRef("--endpoint"))
    : envEndpoint
    ? validateEndpoint(
      envEndpoint,
      flagRef(env("AWS_ENDPOINT_URL_S3") ? "AWS_ENDPOINT_URL_S3" : "AWS_ENDPOINT_URL"),
    )
    : profile?.endpoint || undefined;
  const region = flags.region !== undefined
    ? validateRegion(flags.region, flagRef("--region"))
    : env("AWS_REGION") || env("AWS_DEFAULT_REGION") || profile?.region || "us-east-1";
  const bucket = flags.bucket !== undefined
    ? validateBucket(flags.bucket, flagRef("--bucket"))
    : profile?.bucket_name ?? "";
  const pathPrefix = flags.pathPrefix !== undefined
    ? validatePathPrefix(flags.pathPrefix, flagRef("--path-prefix"))
    : profile?.path_prefix ?? "";

  const envKey = env("AWS_ACCESS_KEY_ID");
  const envSecret = env("AWS_SECRET_ACCESS_KEY");
  let credentialKind: CredentialKind;
  let credentialSource: string;
  let credentials: AwsCredentialIdentityProvider;
  let accessKeyId: string | undefined;

  if (envKey && envSecret) {
    credentialKind = "flags-env";
    credentialSource = "environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)";
    accessKeyId = envKey;
    const token = env("AWS_SESSION_TOKEN");
    const identity: AwsCredentialIdentity = token
      ? { accessKeyId: envKey, secretAccessKey: envSecret, sessionToken: token }
      : { accessKeyId: envKey, secretAccessKey: envSecret };
    credentials = () => Promise.resolve(identity);
  } else if (env("AWS_PROFILE")) {
    const awsProfile = env("AWS_PROFILE")!;
    credentialKind = "aws-profile";
    credentialSource = `AWS shared config profile '${awsProfile}'`;
    credentials = lazyProvider(async () =>
      (await import("@aws-sdk/credential-providers")).fromIni({ profile: awsProfile })
    );
  } else if (profile) {
    credentialKind = "eigen-profile";
    const backend = profile.secret_backend ?? "keychain";
    credentialSource = `eigen-s3 profile '${profileName}' (secret in ${backend})`;
    accessKeyId = profile.access_key_id;
    let cached: AwsCredentialIdentity | undefined;
    credentials = async () => {
      if (cached) return cached;
      const secret = await opts.loadSecret(profileName, backend);
      if (!secret) {
        throw new EngineError(
          "NotConfigured",
          `Profile '${profileName}' has no secret access key in ${backend}: run 'eigen-s3 configure --profile ${profileName}' to store it.`,
        );
      }
      cached = { accessKeyId: profile.access_key_id, secretAccessKey: secret };
      return cached;
    };
  } else if (sharedCredentialsFileExists(env) || (!endpoint && (flags.bucket !== undefined))) {
    credentialKind = "aws-default-chain";
    credentialSource = "AWS default credential chain (shared files, SSO, instance role)";
    credentials = lazyProvider(async () =>
      (await import("@aws-sdk/credential-providers")).fromNodeProviderChain()
    );
  } else {
    throw new EngineError(
      "NotConfigured",
      `No eigen-s3 profile is configured (looked in ${opts.configPath}): run 'eigen-s3 configure', or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY and pass --endpoint and --bucket.`,
    );
  }

  if (!bucket && opts.requireBucket !== false) {
    throw new EngineError(
      "NotConfigured",
      profile
        ? `Profile '${profileName}' has no bucket: pass --bucket or run 'eigen-s3 configure --profile ${profileName}'.`
        : "No bucket given: pass --bucket NAME or run 'eigen-s3 configure'.",
    );
  }

  const out: ResolvedSettings = {
    profileName,
    region,
    bucket,
    pathPrefix,
    credentialKind,
    credentialSource,
    credentials,
  };
  if (profile) out.profile = profile;
  if (endpoint) out.endpoint = endpoint;
  if (accessKeyId) out.accessKeyId = accessKeyId;
  return out;
}

function lazyProvider(
  make: () => Promise<AwsCredentialIdentityProvider>,
): AwsCredentialIdentityProvider {
  let provider: AwsCredentialIdentityProvider | undefined;
  return async (options) => {
    provider ??= await make();
    return provider(options);
  };
}
