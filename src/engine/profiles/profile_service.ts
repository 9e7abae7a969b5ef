/**
 * The profile use cases behind `eigen-s3 configure`, `config remove` and the TUI's S3
 * Configuration and Settings screens: test a draft, list its buckets, save it, remove a
 * profile, make one the default, save the transfer defaults.
 *
 * Saving follows one order, so a failure leaves nothing half written: check every field
 * ({@link checkDraft}), find the secret (typed, or the stored one), test the connection (unless
 * skipped; a failed test saves nothing), store the secret (removing the copy in the backend it
 * moved away from), then write the profile into the config file atomically (the first profile
 * becomes the default).
 *
 * ```ts
 * const r = await saveProfile(draft, { configPath, secrets, signal });
 * if (!r.saved) console.log(r.error.message, r.error.field); // e.g. InvalidCredentials, "secret"
 * ```
 *
 * @module
 */

import { EngineError } from "../core/errors.ts";
import { parseRate, validateInt } from "../core/validate.ts";
import {
  type ConfigFile,
  type Defaults,
  loadConfig,
  type ProfileConfig,
  updateConfig,
  validateConfig,
} from "../config/config.ts";
import {
  type ConnectionResult,
  listBuckets as listAllBuckets,
  type S3BucketInfo,
  type S3ConnectionStatus,
} from "../s3/connection.ts";
import type { SavedSecret, SecretBackendName, SecretStore } from "../../secrets/mod.ts";
import {
  checkDraft,
  type CheckedDraft,
  checkNamed,
  fieldError,
  PLAIN_WORDING,
  type ProfileDraft,
  type ProfileWording,
} from "./profile_fields.ts";
import { draftClient, testDraft } from "./profile_connection.ts";

/** Where profiles live and how messages name their fields. */
export interface ProfileContext {
  /** The config file (`s3-config.json`). */
  configPath: string;
  /** Where secret access keys are kept. */
  secrets: SecretStore;
  /** Stops a connection test or bucket list. */
  signal?: AbortSignal;
  /** How messages name the fields (default {@link PLAIN_WORDING}). */
  wording?: ProfileWording;
}

/** What {@link saveProfile} did. */
export type SaveProfileResult = SavedProfile | {
  saved: false;
  /** The failed connection test. */
  status: S3ConnectionStatus;
  /** Why it failed: the code gives the exit code, `field` the input to fix. */
  error: EngineError;
};

/** A profile written to the config file. */
export interface SavedProfile {
  saved: true;
  name: string;
  /** The profile as written. */
  profile: ProfileConfig;
  /** The whole config file after the write. */
  config: ConfigFile;
  /** False when the connection test was skipped. */
  tested: boolean;
  /** Where the secret is kept now. */
  secretBackend: SecretBackendName;
  /** e.g. "encrypted file ~/.local/state/eigen/secrets.enc". */
  secretLocation: string;
  /** True when the secret was written this time (typed, or moved to another backend). */
  secretStored: boolean;
  /** Why the preferred backend was not used, when it was not. */
  fallbackReason?: string;
  /** The backend the secret moved away from (its copy there is deleted when it can be). */
  secretMovedFrom?: SecretBackendName;
}

/** What {@link removeProfile} did. */
export interface RemovedProfile {
  name: string;
  /** The whole config file after the write. */
  config: ConfigFile;
  /** The backend that held the secret. */
  secretBackend: SecretBackendName;
  /** Its description, e.g. "Secret Service (secret-tool)". */
  secretLocation: string;
  /** False when no secret was stored there. */
  secretDeleted: boolean;
}

function missingProfile(name: string, config: ConfigFile, tail: string): EngineError {
  const known = Object.keys(config.profiles);
  return new EngineError(
    "NotConfigured",
    `Profile '${name}' does not exist${
      known.length ? ` (profiles: ${known.join(", ")})` : ""
    }${tail}`,
  );
}

/** The secret to use: the typed one, or the one stored for the saved profile. */
async function secretOf(
  d: CheckedDraft,
  saved: ProfileConfig | undefined,
  ctx: ProfileContext,
): Promise<string> {
  if (d.secret !== null) return d.secret;
  const wording = ctx.wording ?? PLAIN_WORDING;
  if (!saved) throw fieldError("secret", wording.missing.secret);
  const stored = await ctx.secrets.load(d.name, saved.secret_backend ?? "keychain");
  if (!stored) throw fieldError("secret", wording.noStoredSecret(d.name), "NotConfigured");
  return stored;
}

/** Tests a draft (HeadBucket) with its typed secret, or the stored one. */
export async function testProfile(
  draft: ProfileDraft,
  ctx: ProfileContext,
): Promise<ConnectionResult> {
  const d = checkDraft(draft, ctx.wording);
  const saved = (await loadConfig(ctx.configPath)).profiles[d.name];
  return await testDraft(d, await secretOf(d, saved, ctx), ctx.signal);
}

/** ListBuckets with a draft's keys (its bucket may still be empty). */
export async function listBuckets(
  draft: ProfileDraft,
  ctx: ProfileContext,
): Promise<S3BucketInfo[]> {
  const d = checkDraft(draft, ctx.wording, { needBucket: false });
  const saved = (await loadConfig(ctx.configPath)).profiles[d.name];
  const s3 = draftClient(d, await secretOf(d, saved, ctx));
  try {
    return await listAllBuckets(s3.client, d.endpointUrl, ctx.signal);
  } finally {
    s3.destroy();
  }
}

/**
 * Checks, tests (unless `skipTest`), stores the secret and writes the profile. A failed test is
 * a result (`saved: false`), not an exception; nothing is written then.
 */
export async function saveProfile(
  draft: ProfileDraft,
  ctx: ProfileContext & { skipTest?: boolean },
): Promise<SaveProfileResult> {
  const d = checkDraft(draft, ctx.wording);
  const before = (await loadConfig(ctx.configPath)).profiles[d.name];
  const secret = await secretOf(d, before, ctx);
  const tested = ctx.skipTest !== true;
  if (tested) {
    const r = await testDraft(d, secret, ctx.signal);
    if (r.error) return { saved: false, status: r.status, error: r.error };
  }

  // A kept secret stays where it is unless another backend is asked for.
  const current = before ? before.secret_backend ?? "keychain" : undefined;
  const moving = d.secretBackend !== undefined && d.secretBackend !== current;
  let stored: SavedSecret | undefined;
  if (d.secret !== null || moving) {
    stored = await ctx.secrets.save(d.name, secret, d.secretBackend);
    if (current !== undefined && current !== stored.backend) {
      // The old copy must not linger where nothing points at it any more.
      await ctx.secrets.remove(d.name, current).catch(() => false);
    }
  }
  // Without a new secret there is a saved profile (secretOf made sure), so `current` is set.
  const backend = stored?.backend ?? current!;

  let profile: ProfileConfig | undefined;
  const config = await updateConfig(ctx.configPath, (c) => {
    profile = {
      endpoint: d.endpoint,
      region: d.region,
      bucket_name: d.bucket,
      access_key_id: d.accessKeyId,
      path_prefix: d.pathPrefix,
      last_sync_timestamp: c.profiles[d.name]?.last_sync_timestamp ?? null,
      secret_backend: backend,
    };
    c.profiles[d.name] = profile;
    c.default_profile ??= d.name;
  });
  const out: SavedProfile = {
    saved: true,
    name: d.name,
    profile: profile!,
    config,
    tested,
    secretBackend: backend,
    secretLocation: stored?.description ?? ctx.secrets.describe(backend),
    secretStored: stored !== undefined,
  };
  if (stored?.fallbackReason) out.fallbackReason = stored.fallbackReason;
  if (stored && current !== undefined && current !== stored.backend) {
    out.secretMovedFrom = current;
  }
  return out;
}

/**
 * Deletes the profile's stored secret, then the profile. When the secret cannot be deleted the
 * profile stays, so no secret is left behind that nothing points at. The next default is the
 * first remaining profile in the file.
 */
export async function removeProfile(name: string, ctx: ProfileContext): Promise<RemovedProfile> {
  const before = await loadConfig(ctx.configPath);
  const profile = before.profiles[name];
  if (!profile) throw missingProfile(name, before, ": nothing removed.");
  const backend = profile.secret_backend ?? "keychain";
  const secretDeleted = await ctx.secrets.remove(name, backend);
  const config = await updateConfig(ctx.configPath, (c) => {
    delete c.profiles[name];
    if (c.default_profile === name) {
      const next = Object.keys(c.profiles)[0];
      if (next) c.default_profile = next;
      else delete c.default_profile;
    }
  });
  return {
    name,
    config,
    secretBackend: backend,
    secretLocation: ctx.secrets.describe(backend),
    secretDeleted,
  };
}

/** Makes `name` the default profile; returns the new config. */
export async function makeDefault(
  name: string,
  ctx: Pick<ProfileContext, "configPath">,
): Promise<ConfigFile> {
  return await updateConfig(ctx.configPath, (c) => {
    if (!c.profiles[name]) throw missingProfile(name, c, ".");
    c.default_profile = name;
  });
}

/** How messages name the transfer defaults (the TUI passes its labels). */
export type DefaultsLabels = Readonly<Record<keyof Defaults, string>>;

/** The config file's names of the defaults. */
export const PLAIN_DEFAULTS_LABELS: DefaultsLabels = {
  concurrency: "defaults.concurrency",
  bwlimit: "defaults.bwlimit",
  storage_class: "defaults.storage_class",
};

/**
 * Checks and saves the transfer defaults (an empty object removes them); returns the new config.
 * Errors carry the key of {@link Defaults} in `field`.
 */
export async function saveDefaults(
  defaults: Defaults,
  ctx: Pick<ProfileContext, "configPath"> & { labels?: DefaultsLabels },
): Promise<ConfigFile> {
  const labels = ctx.labels ?? PLAIN_DEFAULTS_LABELS;
  const d: Defaults = {};
  if (defaults.concurrency !== undefined) {
    d.concurrency = checkNamed(
      "concurrency",
      labels.concurrency,
      (ref) => validateInt(defaults.concurrency, ref, 1, 64),
    );
  }
  if (defaults.bwlimit !== undefined) {
    checkNamed("bwlimit", labels.bwlimit, (ref) => parseRate(defaults.bwlimit, ref));
    d.bwlimit = defaults.bwlimit;
  }
  if (defaults.storage_class !== undefined) {
    // The rule the config file is checked with on load.
    if (!/^[A-Z][A-Z0-9_]{1,63}$/.test(defaults.storage_class)) {
      throw new EngineError(
        "UsageError",
        `${labels.storage_class}: '${defaults.storage_class}' is not a storage class name such as STANDARD_IA or DEEP_ARCHIVE.`,
        { field: "storage_class" },
      );
    }
    d.storage_class = defaults.storage_class;
  }
  return await updateConfig(ctx.configPath, (c) => {
    if (Object.keys(d).length === 0) delete c.defaults;
    else c.defaults = d;
    validateConfig(ctx.configPath, c);
  });
}
