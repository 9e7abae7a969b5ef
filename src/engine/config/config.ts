/**
 * The profiles file `s3-config.json`: named profiles with the seed's non-secret fields, the
 * default profile, defaults and scheduled jobs. Mode 0600, written atomically, validated on
 * load with messages that name the bad field. Secrets are never stored here.
 *
 * @module
 */

import { dirname } from "node:path";
import { EngineError } from "../core/errors.ts";
import type { SecretBackendName } from "../../secrets/mod.ts";
import { SECRET_BACKEND_NAMES } from "../../secrets/mod.ts";
import { withFileLock } from "../../lib/file_lock.ts";
import {
  type FieldRef,
  parseRate,
  validateAccessKeyId,
  validateBucket,
  validateEndpoint,
  validateInt,
  validatePathPrefix,
  validateProfileName,
  validateRegion,
  validateStorageClass,
} from "../core/validate.ts";

/** One named profile: the seed's S3Config minus the secret. */
export interface ProfileConfig {
  /** Empty for AWS itself; otherwise scheme://host[:port]. */
  endpoint: string;
  region: string;
  bucket_name: string;
  access_key_id: string;
  /** "" or a prefix ending in "/". */
  path_prefix: string;
  /** ISO time of the last successful backup with this profile, or null. */
  last_sync_timestamp: string | null;
  /** Where the secret access key is kept. */
  secret_backend?: SecretBackendName;
}

/** Defaults the user can change in Settings. */
export interface Defaults {
  concurrency?: number;
  bwlimit?: string;
  storage_class?: string;
}

/** The whole file. Unknown top-level fields (e.g. future ones) are kept as they are. */
export interface ConfigFile {
  version: 1;
  default_profile?: string;
  profiles: Record<string, ProfileConfig>;
  defaults?: Defaults;
  /** Scheduled jobs, validated by the scheduling module. */
  jobs?: Record<string, unknown>;
  [extra: string]: unknown;
}

/** An empty configuration. */
export function emptyConfig(): ConfigFile {
  return { version: 1, profiles: {} };
}

function ref(file: string, path: string): FieldRef {
  return { field: `${file}: ${path}`, code: "ConfigError" };
}

/** Validates one profile read from the file (or about to be written). */
export function validateProfile(file: string, name: string, raw: unknown): ProfileConfig {
  const at = `profiles.${name}`;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new EngineError(
      "ConfigError",
      `${file}: ${at} must be an object: fix it or run 'eigen-s3 configure --profile ${name}'.`,
    );
  }
  const p = raw as Record<string, unknown>;
  const endpoint = p.endpoint === "" || p.endpoint === undefined || p.endpoint === null
    ? ""
    : validateEndpoint(p.endpoint, ref(file, `${at}.endpoint`));
  const backend = p.secret_backend;
  if (backend !== undefined && !SECRET_BACKEND_NAMES.includes(backend as SecretBackendName)) {
    throw new EngineError(
      "ConfigError",
      `${file}: ${at}.secret_backend: '${String(backend)}' must be one of ${
        SECRET_BACKEND_NAMES.join(", ")
      }.`,
    );
  }
  const last = p.last_sync_timestamp;
  if (
    last !== undefined && last !== null &&
    (typeof last !== "string" || Number.isNaN(Date.parse(last)))
  ) {
    throw new EngineError(
      "ConfigError",
      `${file}: ${at}.last_sync_timestamp: must be an ISO date or null.`,
    );
  }
  const out: ProfileConfig = {
    endpoint,
    region: validateRegion(p.region ?? "us-east-1", ref(file, `${at}.region`)),
    bucket_name: validateBucket(p.bucket_name, ref(file, `${at}.bucket_name`)),
    access_key_id: validateAccessKeyId(p.access_key_id, ref(file, `${at}.access_key_id`)),
    path_prefix: validatePathPrefix(p.path_prefix, ref(file, `${at}.path_prefix`)),
    last_sync_timestamp: (last as string | null | undefined) ?? null,
  };
  if (backend !== undefined) out.secret_backend = backend as SecretBackendName;
  return out;
}

/** Validates a whole parsed file. */
export function validateConfig(file: string, raw: unknown): ConfigFile {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new EngineError(
      "ConfigError",
      `${file}: must hold a JSON object: fix it or move it away and run 'eigen-s3 configure'.`,
    );
  }
  const r = raw as Record<string, unknown>;
  if (r.version !== undefined && r.version !== 1) {
    throw new EngineError(
      "ConfigError",
      `${file}: version: ${
        String(r.version)
      } is not supported by this eigen-s3 (expected 1): upgrade eigen-s3.`,
    );
  }
  const profilesRaw = r.profiles ?? {};
  if (typeof profilesRaw !== "object" || profilesRaw === null || Array.isArray(profilesRaw)) {
    throw new EngineError("ConfigError", `${file}: profiles must be an object of named profiles.`);
  }
  const profiles: Record<string, ProfileConfig> = {};
  for (const [name, p] of Object.entries(profilesRaw)) {
    validateProfileName(name, ref(file, `profiles.${name}`));
    profiles[name] = validateProfile(file, name, p);
  }
  if (
    r.default_profile !== undefined &&
    (typeof r.default_profile !== "string" || !(r.default_profile in profiles))
  ) {
    throw new EngineError(
      "ConfigError",
      `${file}: default_profile: '${String(r.default_profile)}' is not one of the profiles (${
        Object.keys(profiles).join(", ") || "none"
      }).`,
    );
  }
  const defaults = r.defaults;
  if (defaults !== undefined) {
    if (typeof defaults !== "object" || defaults === null) {
      throw new EngineError("ConfigError", `${file}: defaults must be an object.`);
    }
    const d = defaults as Record<string, unknown>;
    if (d.concurrency !== undefined) {
      validateInt(d.concurrency, ref(file, "defaults.concurrency"), 1, 64);
    }
    if (d.bwlimit !== undefined) parseRate(d.bwlimit, ref(file, "defaults.bwlimit"));
    if (d.storage_class !== undefined) {
      d.storage_class = validateStorageClass(d.storage_class, ref(file, "defaults.storage_class"));
    }
  }
  if (
    r.jobs !== undefined && (typeof r.jobs !== "object" || r.jobs === null || Array.isArray(r.jobs))
  ) {
    throw new EngineError("ConfigError", `${file}: jobs must be an object of named jobs.`);
  }
  return { ...r, version: 1, profiles } as ConfigFile;
}

/** Reads and validates the config file; a missing file is an empty configuration. */
export async function loadConfig(file: string): Promise<ConfigFile> {
  let text: string;
  try {
    const st = await Deno.stat(file);
    if (Deno.build.os !== "windows" && st.mode !== null && (st.mode & 0o022) !== 0) {
      throw new EngineError(
        "ConfigError",
        `${file} is writable by other users (mode ${
          (st.mode & 0o777).toString(8)
        }): run 'chmod 600 ${file}'.`,
      );
    }
    text = await Deno.readTextFile(file);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return emptyConfig();
    if (e instanceof EngineError) throw e;
    if (e instanceof Deno.errors.IsADirectory) {
      throw new EngineError(
        "ConfigError",
        `${file} is a directory, not the config file: move it away.`,
      );
    }
    throw new EngineError("ConfigError", `Cannot read ${file}: ${(e as Error).message}.`, {
      cause: e,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new EngineError(
      "ConfigError",
      `${file} is not valid JSON (${
        (e as Error).message
      }): fix it or move it away and run 'eigen-s3 configure'.`,
      { cause: e },
    );
  }
  return validateConfig(file, raw);
}

/** Writes `text` to `file` atomically (temp file in the same folder, then rename), mode 0600. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(file);
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    const f = await Deno.open(tmp, { write: true, createNew: true, mode: 0o600 });
    try {
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
      let off = 0;
      while (off < bytes.length) off += await f.write(bytes.subarray(off));
      await f.sync();
    } finally {
      f.close();
    }
    if (Deno.build.os !== "windows") await Deno.chmod(tmp, 0o600);
    await Deno.rename(tmp, file);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/** Validates and writes the config file atomically with mode 0600. */
export async function saveConfig(file: string, config: ConfigFile): Promise<void> {
  const valid = validateConfig(file, config);
  await writeFileAtomic(file, JSON.stringify(valid, null, 2) + "\n");
}

/**
 * Re-reads the file, applies `change`, writes it back; returns the new configuration. Holds the
 * file's lock throughout, so concurrent updates (two `configure`s, a backup recording its last
 * sync while a job is saved) apply one after the other and none is lost.
 */
export function updateConfig(
  file: string,
  change: (config: ConfigFile) => void | Promise<void>,
): Promise<ConfigFile> {
  return withFileLock(file, async () => {
    const config = await loadConfig(file);
    await change(config);
    await saveConfig(file, config);
    return config;
  });
}
