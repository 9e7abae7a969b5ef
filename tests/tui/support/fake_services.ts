/**
 * A fake {@link TuiServices} for reducer, effect and component tests: an in-memory config,
 * a bucket made of keys, a local disk made of folders, and scripted transfers.
 *
 * @module
 */

import type { ConfigFile, Defaults } from "../../../src/engine/config/config.ts";
import type { EngineEvent } from "../../../src/engine/core/events.ts";
import type { HistoryRecord } from "../../../src/engine/state/history.ts";
import type {
  BackupRequest,
  LocalEntry,
  PlannedRun,
  PlanSummary,
  ProfileDraft,
  RemoteEntry,
  RemotePage,
  RestoreRequest,
  RunOutcome,
  SaveProfileResult,
  TuiServices,
} from "../../../src/tui/services/services.ts";
import type {
  CronPreview,
  JobDraft,
  JobRow,
  SaveJobResult,
} from "../../../src/tui/services/schedule_types.ts";
import { FakeJobs } from "./fake_jobs.ts";

/** A scripted transfer: the plan, the events it emits and how it ends. */
export interface ScriptedRun {
  summary: PlanSummary;
  events?: EngineEvent[];
  /** Wait for abort instead of finishing (for stop tests). */
  hang?: boolean;
  outcome?: RunOutcome;
}

/** The fake. Fields are public so tests can look and change. */
export class FakeServices implements TuiServices {
  configPath = "/fake/s3-config.json";
  config: ConfigFile;
  /** Keys of the bucket (relative to the path prefix), for listRemote. */
  keys: string[] = [];
  pageSize = 200;
  folders: Record<string, string[]> = {
    "/home/me": ["Documents", "Photos"],
    "/home/me/Photos": [],
  };
  records: HistoryRecord[] = [];
  backupRun: ScriptedRun | null = null;
  restoreRun: ScriptedRun | null = null;
  calls: string[] = [];
  backupRequests: BackupRequest[] = [];
  restoreRequests: RestoreRequest[] = [];
  testResult = { connected: true, bucket_accessible: true, error_message: null as string | null };
  /** Scheduled jobs (one, "nightly", to start with). */
  jobStore = new FakeJobs();

  constructor(config?: ConfigFile) {
    this.config = config ?? { version: 1, profiles: {} };
    this.jobStore.put({ name: "nightly" });
  }

  loadConfig(): Promise<ConfigFile> {
    this.calls.push("loadConfig");
    return Promise.resolve(structuredClone(this.config));
  }

  initialProfile(config: ConfigFile): string | null {
    return config.default_profile ?? Object.keys(config.profiles).sort()[0] ?? null;
  }

  testConnection(draft: ProfileDraft) {
    this.calls.push(`test:${draft.name}`);
    return Promise.resolve({ ...this.testResult });
  }

  listBuckets() {
    this.calls.push("listBuckets");
    return Promise.resolve([
      { name: "photos", creation_date: "2026-01-02T00:00:00.000Z" },
      { name: "videos", creation_date: null },
    ]);
  }

  saveProfile(draft: ProfileDraft, skipTest: boolean): Promise<SaveProfileResult> {
    this.calls.push(`save:${draft.name}:${skipTest}`);
    if (!skipTest && !this.testResult.bucket_accessible) {
      return Promise.resolve({ saved: false, status: { ...this.testResult } });
    }
    this.config.profiles[draft.name] = {
      endpoint: draft.endpoint,
      region: draft.region,
      bucket_name: draft.bucket,
      access_key_id: draft.accessKeyId,
      path_prefix: draft.pathPrefix,
      last_sync_timestamp: null,
      secret_backend: "file",
    };
    this.config.default_profile ??= draft.name;
    return Promise.resolve({
      saved: true,
      config: structuredClone(this.config),
      secretLocation: "encrypted file ~/.local/state/eigen/secrets.enc",
      tested: !skipTest,
    });
  }

  removeProfile(name: string): Promise<ConfigFile> {
    this.calls.push(`remove:${name}`);
    delete this.config.profiles[name];
    if (this.config.default_profile === name) delete this.config.default_profile;
    return Promise.resolve(structuredClone(this.config));
  }

  makeDefault(name: string): Promise<ConfigFile> {
    this.config.default_profile = name;
    return Promise.resolve(structuredClone(this.config));
  }

  saveDefaults(defaults: Defaults): Promise<ConfigFile> {
    this.calls.push(`defaults:${JSON.stringify(defaults)}`);
    this.config.defaults = defaults;
    return Promise.resolve(structuredClone(this.config));
  }

  listRemote(_profile: string, prefix: string, token: string | undefined): Promise<RemotePage> {
    this.calls.push(`list:${prefix}:${token ?? ""}`);
    const seen = new Set<string>();
    const entries: RemoteEntry[] = [];
    for (const k of [...this.keys].sort()) {
      if (!k.startsWith(prefix)) continue;
      const rest = k.slice(prefix.length);
      const slash = rest.indexOf("/");
      if (slash >= 0) {
        const folder = prefix + rest.slice(0, slash + 1);
        if (seen.has(folder)) continue;
        seen.add(folder);
        entries.push({
          key: folder,
          name: rest.slice(0, slash + 1),
          isFolder: true,
          size: 0,
          lastModified: null,
          storageClass: null,
        });
      } else {
        entries.push({
          key: k,
          name: rest,
          isFolder: false,
          size: 1000,
          lastModified: "2026-11-01T10:00:00.000Z",
          storageClass: "STANDARD",
        });
      }
    }
    const start = token ? Number(token) : 0;
    const page = entries.slice(start, start + this.pageSize);
    const next = start + this.pageSize < entries.length ? String(start + this.pageSize) : undefined;
    return Promise.resolve(next ? { entries: page, nextToken: next } : { entries: page });
  }

  listLocal(path: string): Promise<LocalEntry[]> {
    const dirs = this.folders[path];
    if (!dirs) return Promise.reject(new Error(`${path}: no such folder`));
    return Promise.resolve(dirs.map((name) => ({ name, isDir: true })));
  }

  homeDir(): string {
    return "/home/me";
  }

  jobs(): Promise<JobRow[]> {
    this.calls.push("jobs");
    return Promise.resolve(this.jobStore.rows());
  }

  cronPreview(cron: string, timezone: string, count: number): Promise<CronPreview> {
    return Promise.resolve(this.jobStore.preview(cron, timezone, count));
  }

  saveJob(draft: JobDraft, editing: string | null): Promise<SaveJobResult> {
    return Promise.resolve(this.jobStore.save(draft, editing));
  }

  removeJob(name: string): Promise<void> {
    this.jobStore.remove(name);
    return Promise.resolve();
  }

  runJob(name: string, sink: (e: EngineEvent) => void, signal: AbortSignal): Promise<RunOutcome> {
    return this.jobStore.runJob(name, sink, signal);
  }

  history(): Promise<HistoryRecord[]> {
    return Promise.resolve(this.records);
  }

  capabilities() {
    return { backup: true, restore: true };
  }

  #planned(run: ScriptedRun | null): PlannedRun {
    if (!run) throw new Error("no scripted run");
    return {
      summary: run.summary,
      discard: () => this.calls.push("discard"),
      run: async (sink, signal) => {
        for (const e of run.events ?? []) {
          sink(e);
          await new Promise((r) => setTimeout(r, 1));
        }
        if (run.hang) {
          await new Promise<void>((resolve) => {
            if (signal.aborted) return resolve();
            signal.addEventListener("abort", () => resolve(), { once: true });
          });
          return { ...doneOutcome(), status: "interrupted" };
        }
        return run.outcome ?? doneOutcome();
      },
    };
  }

  planBackup(request: BackupRequest): Promise<PlannedRun> {
    this.backupRequests.push(request);
    return Promise.resolve(this.#planned(this.backupRun));
  }

  planRestore(request: RestoreRequest): Promise<PlannedRun> {
    this.restoreRequests.push(request);
    return Promise.resolve(this.#planned(this.restoreRun));
  }

  close(): void {}
}

/** A successful outcome. */
export function doneOutcome(over: Partial<RunOutcome> = {}): RunOutcome {
  return {
    status: "success",
    transferred: 2,
    deleted: 0,
    skipped: 1,
    bytes: 3000,
    durationMs: 1200,
    errors: [],
    ...over,
  };
}

/** A plan summary. */
export function summary(over: Partial<PlanSummary> = {}): PlanSummary {
  return {
    transfers: 2,
    transferBytes: 3000,
    deletes: 0,
    skips: 1,
    route: "/home/me/Photos -> s3://photos/Photos/",
    notes: [],
    lines: [{ action: "upload", name: "a.jpg", size: 1000, reason: "new" }],
    ...over,
  };
}

/** A config with one saved profile. */
export function oneProfile(): ConfigFile {
  return {
    version: 1,
    default_profile: "home",
    profiles: {
      home: {
        endpoint: "http://127.0.0.1:7480",
        region: "us-east-1",
        bucket_name: "photos",
        access_key_id: "AKIAEXAMPLE",
        path_prefix: "",
        last_sync_timestamp: null,
        secret_backend: "file",
      },
    },
  };
}
