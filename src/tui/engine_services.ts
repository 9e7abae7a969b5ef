/**
 * The real {@link TuiServices}: profiles, connection tests, listings and history through the
 * engine and src/secrets, the same functions the CLI uses. Transfers live in
 * transfer_services.ts.
 *
 * @module
 */

import type { CliContext } from "../cli/context.ts";
import type { S3Context } from "../engine/client.ts";
import { createS3Client } from "../engine/client.ts";
import {
  type ConfigFile,
  type Defaults,
  loadConfig,
  updateConfig,
  validateConfig,
} from "../engine/config.ts";
import { listBuckets, testConnection } from "../engine/connection.ts";
import { EngineError } from "../engine/errors.ts";
import { sqliteHistory } from "../engine/history.ts";
import { fullKey } from "../engine/keys.ts";
import { listPage } from "../engine/listing.ts";
import { type ResolvedSettings, resolveSettings, selectProfileName } from "../engine/settings.ts";
import { parseRate, validateInt } from "../engine/validate.ts";
import { createSecretStore } from "../secrets/mod.ts";
import type { SecretStore } from "../secrets/secret_store.ts";
import type { PassphraseBridge } from "./passphrase_bridge.ts";
import type {
  BackupRequest,
  Capabilities,
  JobRow,
  LocalEntry,
  PlannedRun,
  ProfileDraft,
  RemotePage,
  RestoreRequest,
  SaveProfileResult,
  TuiServices,
} from "./services.ts";
import { TransferServices } from "./transfer_services.ts";
import { checkDraft, type CheckedDraft, field, folderEntries } from "./profile_draft.ts";

/** Objects per page in the bucket browser. */
export const REMOTE_PAGE_SIZE = 200;

/** Services backed by the engine, for one TUI session. */
export class EngineServices implements TuiServices {
  readonly configPath: string;
  #store: SecretStore;
  #clients = new Map<string, S3Context>();
  #transfers: TransferServices;

  constructor(private readonly ctx: CliContext, bridge: PassphraseBridge) {
    this.configPath = ctx.configPath;
    this.#store = createSecretStore({
      stateDir: ctx.stateDir,
      env: Deno.env.toObject(),
      promptPassphrase: bridge.ask,
    });
    this.#transfers = new TransferServices(ctx, (name) => this.#client(name, true));
  }

  loadConfig(): Promise<ConfigFile> {
    return loadConfig(this.configPath);
  }

  initialProfile(config: ConfigFile): string | null {
    try {
      const name = selectProfileName(this.ctx.globals, this.ctx.env, config);
      if (config.profiles[name]) return name;
    } catch {
      // an invalid --profile falls back to the saved ones
    }
    return Object.keys(config.profiles).sort()[0] ?? null;
  }

  async #settings(name: string, requireBucket: boolean): Promise<ResolvedSettings> {
    const config = await this.loadConfig();
    return resolveSettings({
      flags: { profile: name },
      env: this.ctx.env,
      config,
      configPath: this.configPath,
      requireBucket,
      loadSecret: (profile, backend) => this.#store.load(profile, backend),
    });
  }

  async #client(name: string, requireBucket: boolean): Promise<S3Context> {
    const cached = this.#clients.get(name);
    if (cached) return cached;
    const s3 = createS3Client(await this.#settings(name, requireBucket), { concurrency: 8 });
    this.#clients.set(name, s3);
    return s3;
  }

  #forget(name: string): void {
    this.#clients.get(name)?.destroy();
    this.#clients.delete(name);
    this.#transfers.forget(name);
  }

  async #secretOf(d: CheckedDraft): Promise<string> {
    if (d.secret !== "") return d.secret;
    const config = await this.loadConfig();
    const p = config.profiles[d.name];
    const stored = p ? await this.#store.load(d.name, p.secret_backend ?? "keychain") : null;
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

  async testConnection(draft: ProfileDraft, signal: AbortSignal) {
    const d = checkDraft(draft);
    const s3 = await this.#draftClient(d);
    try {
      return (await testConnection(s3.client, d.bucket, d.endpointUrl, signal)).status;
    } finally {
      s3.destroy();
    }
  }

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
    let secretLocation = this.#store.describe(backend);
    let fallbackReason: string | undefined;
    if (d.secret !== "" || !before) {
      const saved = await this.#store.save(d.name, secret);
      if (before?.secret_backend && before.secret_backend !== saved.backend) {
        await this.#store.remove(d.name, before.secret_backend).catch(() => false);
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
    this.#forget(d.name);
    const out: SaveProfileResult = { saved: true, config, secretLocation, tested: !skipTest };
    if (fallbackReason) out.fallbackReason = fallbackReason;
    return out;
  }

  async removeProfile(name: string): Promise<ConfigFile> {
    const p = (await this.loadConfig()).profiles[name];
    if (p) await this.#store.remove(name, p.secret_backend ?? "keychain").catch(() => false);
    this.#forget(name);
    return await updateConfig(this.configPath, (c) => {
      delete c.profiles[name];
      if (c.default_profile === name) {
        const next = Object.keys(c.profiles).sort()[0];
        if (next) c.default_profile = next;
        else delete c.default_profile;
      }
    });
  }

  async makeDefault(name: string): Promise<ConfigFile> {
    return await updateConfig(this.configPath, (c) => {
      if (!c.profiles[name]) {
        throw new EngineError("NotConfigured", `Profile '${name}' does not exist.`);
      }
      c.default_profile = name;
    });
  }

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

  async listRemote(
    profile: string,
    prefix: string,
    token: string | undefined,
    signal: AbortSignal,
  ): Promise<RemotePage> {
    const s3 = await this.#client(profile, true);
    const { bucket, pathPrefix } = s3.settings;
    const full = fullKey(pathPrefix, prefix);
    const page = await listPage(s3.client, bucket, full, {
      delimiter: "/",
      token,
      maxKeys: REMOTE_PAGE_SIZE,
      signal,
    });
    const entries = folderEntries(page, prefix, pathPrefix, full);
    return page.nextToken ? { entries, nextToken: page.nextToken } : { entries };
  }

  async listLocal(path: string): Promise<LocalEntry[]> {
    const out: LocalEntry[] = [];
    for await (const e of Deno.readDir(path)) {
      let isDir = e.isDirectory;
      if (e.isSymlink) {
        isDir = await Deno.stat(`${path}/${e.name}`).then((s) => s.isDirectory, () => false);
      }
      out.push({ name: e.name, isDir });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  homeDir(): string {
    return this.ctx.env("HOME") ?? this.ctx.env("USERPROFILE") ?? Deno.cwd();
  }

  async history(limit: number) {
    return sqliteHistory(await this.ctx.state()).list(limit);
  }

  async jobs(): Promise<JobRow[]> {
    const { listJobs } = await import("../engine/job_service.ts");
    const config = await this.loadConfig();
    return listJobs(config, this.configPath, sqliteHistory(await this.ctx.state())).map((j) => ({
      name: j.name,
      what: j.job
        ? `${j.job.cron} · ${j.job.folder} -> ${j.job.prefix || "/"}`
        : j.error ?? "invalid",
      nextRun: j.next_run,
      lastStatus: j.last_result?.status ?? null,
      valid: j.job !== null,
    }));
  }

  capabilities(): Capabilities {
    return this.#transfers.capabilities();
  }

  async planBackup(request: BackupRequest, signal: AbortSignal): Promise<PlannedRun> {
    return await this.#transfers.planBackup(request, await this.loadConfig(), signal);
  }

  async planRestore(request: RestoreRequest, signal: AbortSignal): Promise<PlannedRun> {
    return await this.#transfers.planRestore(request, await this.loadConfig(), signal);
  }

  close(): void {
    for (const c of this.#clients.values()) c.destroy();
    this.#clients.clear();
  }
}
