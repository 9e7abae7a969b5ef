/**
 * The real {@link TuiServices}: listings and history through the engine and src/secrets, the
 * same functions the CLI uses. Profiles live in profile_services.ts, backups in
 * backup_service.ts, restores in restore_service.ts, scheduled jobs in schedule_services.ts.
 *
 * @module
 */

import type { Session } from "../../engine/session/session.ts";
import { type ConfigFile, type Defaults, loadConfig } from "../../engine/config/config.ts";
import type { S3BucketInfo, S3ConnectionStatus } from "../../engine/s3/connection.ts";
import type { EventSink } from "../../engine/core/events.ts";
import { sqliteHistory } from "../../engine/state/history.ts";
import { listFolder } from "../../engine/s3/listing.ts";
import { selectProfileName } from "../../engine/config/settings.ts";
import type { SecretStore } from "../../secrets/mod.ts";
import type {
  BackupRequest,
  Capabilities,
  LocalEntry,
  PlannedRun,
  ProfileDraft,
  RemotePage,
  RestoreRequest,
  RunOutcome,
  SaveProfileResult,
  TuiServices,
} from "./services.ts";
import type { CronPreview, JobDraft, JobRow, SaveJobResult } from "./schedule_types.ts";
import { ScheduleServices } from "./schedule_services.ts";
import { ProfileServices } from "./profile_services.ts";
import { planBackupRun } from "./backup_service.ts";
import { planRestoreRun } from "./restore_service.ts";

/** Objects per page in the bucket browser. */
export const REMOTE_PAGE_SIZE = 200;

/** Services backed by the engine, for one TUI session. */
export class EngineServices implements TuiServices {
  readonly configPath: string;
  #store: Promise<SecretStore>;
  #schedule: ScheduleServices;
  #profiles: ProfileServices;

  constructor(private readonly session: Session) {
    this.configPath = session.configPath;
    this.#store = session.secrets();
    this.#schedule = new ScheduleServices(
      session,
      async (p, backend) => (await this.#store).load(p, backend),
    );
    this.#profiles = new ProfileServices(
      this.configPath,
      () => this.#store,
      (name) => this.#forget(name),
    );
  }

  loadConfig(): Promise<ConfigFile> {
    return loadConfig(this.configPath);
  }

  initialProfile(config: ConfigFile): string | null {
    try {
      const name = selectProfileName(this.session.flags, this.session.env, config);
      if (config.profiles[name]) return name;
    } catch {
      // an invalid --profile falls back to the saved ones
    }
    return Object.keys(config.profiles).sort()[0] ?? null;
  }

  #forget(name: string): void {
    this.session.forget(name);
  }

  testConnection(draft: ProfileDraft, signal: AbortSignal): Promise<S3ConnectionStatus> {
    return this.#profiles.testConnection(draft, signal);
  }

  listBuckets(draft: ProfileDraft, signal: AbortSignal): Promise<S3BucketInfo[]> {
    return this.#profiles.listBuckets(draft, signal);
  }

  saveProfile(
    draft: ProfileDraft,
    skipTest: boolean,
    signal: AbortSignal,
  ): Promise<SaveProfileResult> {
    return this.#profiles.saveProfile(draft, skipTest, signal);
  }

  removeProfile(name: string): Promise<ConfigFile> {
    return this.#profiles.removeProfile(name);
  }

  makeDefault(name: string): Promise<ConfigFile> {
    return this.#profiles.makeDefault(name);
  }

  saveDefaults(defaults: Defaults): Promise<ConfigFile> {
    return this.#profiles.saveDefaults(defaults);
  }

  async listRemote(
    profile: string,
    prefix: string,
    token: string | undefined,
    signal: AbortSignal,
  ): Promise<RemotePage> {
    const s3 = await this.session.clientFor(profile);
    const { bucket, pathPrefix } = s3.settings;
    return await listFolder(s3.client, bucket, {
      prefix,
      pathPrefix,
      token,
      maxKeys: REMOTE_PAGE_SIZE,
      signal,
    });
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
    return this.session.env("HOME") ?? this.session.env("USERPROFILE") ?? Deno.cwd();
  }

  async history(limit: number) {
    return sqliteHistory(await this.session.state()).list(limit);
  }

  jobs(): Promise<JobRow[]> {
    return this.#schedule.jobs();
  }

  cronPreview(cron: string, timezone: string, count: number): Promise<CronPreview> {
    return this.#schedule.cronPreview(cron, timezone, count);
  }

  saveJob(draft: JobDraft, editing: string | null): Promise<SaveJobResult> {
    return this.#schedule.saveJob(draft, editing);
  }

  removeJob(name: string): Promise<void> {
    return this.#schedule.removeJob(name);
  }

  runJob(name: string, sink: EventSink, signal: AbortSignal): Promise<RunOutcome> {
    return this.#schedule.runJob(name, sink, signal);
  }

  capabilities(): Capabilities {
    return { backup: true, restore: true };
  }

  planBackup(request: BackupRequest, signal: AbortSignal): Promise<PlannedRun> {
    return planBackupRun(this.session, request, signal);
  }

  planRestore(request: RestoreRequest, signal: AbortSignal): Promise<PlannedRun> {
    return planRestoreRun(this.session, request, signal);
  }

  close(): void {
    this.session.close();
  }
}
