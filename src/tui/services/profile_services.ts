/**
 * Profiles for the TUI's S3 Configuration and Settings screens: a thin adapter from the form's
 * draft to the engine's profile use cases (engine/profiles/profile_service.ts, the same ones
 * `eigen-s3 configure` and `config remove` call), dropping cached clients of changed profiles.
 *
 * @module
 */

import type { ConfigFile, Defaults } from "../../engine/config/config.ts";
import type { S3BucketInfo, S3ConnectionStatus } from "../../engine/s3/connection.ts";
import {
  listBuckets,
  makeDefault,
  type ProfileContext,
  removeProfile,
  saveDefaults,
  saveProfile,
  testProfile,
} from "../../engine/profiles/profile_service.ts";
import type { SecretStore } from "../../secrets/mod.ts";
import type { ProfileDraft, SaveProfileResult } from "./services.ts";
import { DEFAULTS_LABELS, engineDraft, FORM_WORDING } from "./profile_draft.ts";

/** Profile operations for one TUI session. */
export class ProfileServices {
  /** `forget(name)` drops what the session caches for a changed profile (clients). */
  constructor(
    private readonly configPath: string,
    private readonly secrets: () => Promise<SecretStore>,
    private readonly forget: (name: string) => void,
  ) {}

  async #ctx(signal?: AbortSignal): Promise<ProfileContext> {
    return {
      configPath: this.configPath,
      secrets: await this.secrets(),
      wording: FORM_WORDING,
      ...(signal ? { signal } : {}),
    };
  }

  /** Tests a draft profile (its typed secret, else the stored one). */
  async testConnection(draft: ProfileDraft, signal: AbortSignal): Promise<S3ConnectionStatus> {
    return (await testProfile(engineDraft(draft), await this.#ctx(signal))).status;
  }

  /** ListBuckets with a draft profile's credentials. */
  async listBuckets(draft: ProfileDraft, signal: AbortSignal): Promise<S3BucketInfo[]> {
    return await listBuckets(engineDraft(draft), await this.#ctx(signal));
  }

  /** Tests (unless `skipTest`), stores the secret, writes the profile. */
  async saveProfile(
    draft: ProfileDraft,
    skipTest: boolean,
    signal: AbortSignal,
  ): Promise<SaveProfileResult> {
    const r = await saveProfile(engineDraft(draft), { ...await this.#ctx(signal), skipTest });
    if (!r.saved) return { saved: false, status: r.status };
    this.forget(r.name);
    const out: SaveProfileResult = {
      saved: true,
      config: r.config,
      secretLocation: r.secretLocation,
      tested: r.tested,
    };
    if (r.fallbackReason) out.fallbackReason = r.fallbackReason;
    return out;
  }

  /** Deletes a profile and its stored secret. */
  async removeProfile(name: string): Promise<ConfigFile> {
    const r = await removeProfile(name, await this.#ctx());
    this.forget(name);
    return r.config;
  }

  /** Makes `name` the default profile. */
  makeDefault(name: string): Promise<ConfigFile> {
    return makeDefault(name, { configPath: this.configPath });
  }

  /** Validates and saves the transfer defaults. */
  saveDefaults(defaults: Defaults): Promise<ConfigFile> {
    return saveDefaults(defaults, { configPath: this.configPath, labels: DEFAULTS_LABELS });
  }
}
