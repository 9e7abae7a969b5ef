/**
 * Profiles for the TUI's S3 Configuration and Settings screens: connection tests and bucket
 * lists with a draft's credentials, Save (secret into src/secrets, profile into the config),
 * remove, make default, and the transfer defaults. Only engine and secrets functions.
 *
 * @module
 */

import type { S3Context } from "../../engine/s3/client.ts";
import { createS3Client } from "../../engine/s3/client.ts";
import {
  type ConfigFile,
  type Defaults,
  loadConfig,
  updateConfig,
  validateConfig,
} from "../../engine/config/config.ts";
import { listBuckets, testConnection } from "../../engine/s3/connection.ts";
import { EngineError } from "../../engine/core/errors.ts";
import { parseRate, validateInt } from "../../engine/core/validate.ts";
import type { SecretStore } from "../../secrets/mod.ts";
import type { ProfileDraft, SaveProfileResult } from "./services.ts";
import { checkDraft, type CheckedDraft, field } from "./profile_draft.ts";

/** Profile operations for one TUI session. */
export class ProfileServices {
  /** `forget(name)` drops what the session caches for a changed profile (clients). */
  constructor(
    private readonly configPath: string,
    private readonly secrets: () => Promise<SecretStore>,
    private readonly forget: (name: string) => void,
  ) {}

  /** The config file. */
  loadConfig(): Promise<ConfigFile> {
    return loadConfig(this.configPath);
  }

  async #secretOf(d: CheckedDraft): Promise<string> {
    if (d.secret !== "") return d.secret;
    const config = await this.loadConfig();
    const p = config.profiles[d.name];
    const stored = p
      ? await (await this.secrets()).load(d.name, p.secret_backend ?? "keychain")
      : null;
    if (!stored) {
      throw new EngineError(
        "NotConfigured",
        `Secret key: profile '${d.name}' has no stored secret access key: type it in the Secret key field.`,
      );
    }
    return stored;
  }

  async #draftClient(d: CheckedDraft): Promise<S3Context> {
    const secret = await this.#secretOf(d);
    return createS3Client({
      profileName: d.name,
      ...(d.endpointUrl ? { endpoint: d.endpointUrl } : {}),
      region: d.region,
      bucket: d.bucket,
      pathPrefix: d.pathPrefix,
      credentialKind: "eigen-profile",
      credentialSource: "the form",
      credentials: () => Promise.resolve({ accessKeyId: d.accessKeyId, secretAccessKey: secret }),
    }, { maxAttempts: 2 });
  }

  /** Tests a draft profile (its typed secret, else the stored one). */
  async testConnection(draft: ProfileDraft, signal: AbortSignal) {
    const d = checkDraft(draft);
    const s3 = await this.#draftClient(d);
    try {
      return (await testConnection(s3.client, d.bucket, d.endpointUrl, signal)).status;
    } finally {
      s3.destroy();
    }
  }

  /** ListBuckets with a draft profile's credentials. */
  async listBuckets(draft: ProfileDraft, signal: AbortSignal) {
    if (draft.accessKeyId === "") {
      throw new EngineError(
        "UsageError",
        "Bucket: the bucket list needs the access key id and secret key: fill those in first.",
      );
    }
    const d = checkDraft({ ...draft, bucket: draft.bucket || "placeholder" });
    const s3 = await this.#draftClient(d);
    try {
      return await listBuckets(s3.client, d.endpointUrl, signal);
    } finally {
      s3.destroy();
    }
  }

  /** Tests (unless `skipTest`), stores the secret, writes the profile. */
  async saveProfile(
    draft: ProfileDraft,
    skipTest: boolean,
    signal: AbortSignal,
  ): Promise<SaveProfileResult> {
    const d = checkDraft(draft);
    const secret = await this.#secretOf(d);
    if (!skipTest) {
      const s3 = await this.#draftClient({ ...d, secret });
      try {
        const { status } = await testConnection(s3.client, d.bucket, d.endpointUrl, signal);
        if (!status.bucket_accessible) return { saved: false, status };
      } finally {
        s3.destroy();
      }
    }
    const before = (await this.loadConfig()).profiles[d.name];
    let backend = before?.secret_backend ?? "keychain";
    const store = await this.secrets();
    let secretLocation = store.describe(backend);
    let fallbackReason: string | undefined;
    if (d.secret !== "" || !before) {
      const saved = await store.save(d.name, secret);
      if (before?.secret_backend && before.secret_backend !== saved.backend) {
        await store.remove(d.name, before.secret_backend).catch(() => false);
      }
      backend = saved.backend;
      secretLocation = saved.description;
      fallbackReason = saved.fallbackReason;
    }
    const config = await updateConfig(this.configPath, (c) => {
      c.profiles[d.name] = {
        endpoint: d.endpoint,
        region: d.region,
        bucket_name: d.bucket,
        access_key_id: d.accessKeyId,
        path_prefix: d.pathPrefix,
        last_sync_timestamp: c.profiles[d.name]?.last_sync_timestamp ?? null,
        secret_backend: backend,
      };
      c.default_profile ??= d.name;
    });
    this.forget(d.name);
    const out: SaveProfileResult = { saved: true, config, secretLocation, tested: !skipTest };
    if (fallbackReason) out.fallbackReason = fallbackReason;
    return out;
  }

  /** Deletes a profile and its stored secret. */
  async removeProfile(name: string): Promise<ConfigFile> {
    const p = (await this.loadConfig()).profiles[name];
    if (p) {
      await (await this.secrets()).remove(name, p.secret_backend ?? "keychain").catch(() => false);
    }
    this.forget(name);
    return await updateConfig(this.configPath, (c) => {
      delete c.profiles[name];
      if (c.default_profile === name) {
        const next = Object.keys(c.profiles).sort()[0];
        if (next) c.default_profile = next;
        else delete c.default_profile;
      }
    });
  }

  /** Makes `name` the default profile. */
  async makeDefault(name: string): Promise<ConfigFile> {
    return await updateConfig(this.configPath, (c) => {
      if (!c.profiles[name]) {
        throw new EngineError("NotConfigured", `Profile '${name}' does not exist.`);
      }
      c.default_profile = name;
    });
  }

  /** Validates and saves the transfer defaults. */
  async saveDefaults(defaults: Defaults): Promise<ConfigFile> {
    const d: Defaults = {};
    if (defaults.concurrency !== undefined) {
      d.concurrency = validateInt(defaults.concurrency, field("Concurrency"), 1, 64);
    }
    if (defaults.bwlimit !== undefined) {
      parseRate(defaults.bwlimit, field("Bandwidth limit"));
      d.bwlimit = defaults.bwlimit;
    }
    if (defaults.storage_class !== undefined) {
      if (!/^[A-Z_]{3,40}$/.test(defaults.storage_class)) {
        throw new EngineError(
          "UsageError",
          `Storage class: '${defaults.storage_class}' is not a storage class name.`,
        );
      }
      d.storage_class = defaults.storage_class;
    }
    return await updateConfig(this.configPath, (c) => {
      if (Object.keys(d).length === 0) delete c.defaults;
      else c.defaults = d;
      validateConfig(this.configPath, c);
    });
  }
}
