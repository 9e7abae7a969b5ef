/**
 * The real {@link JobBackupRunner}: resolves the job's profile, opens a client and runs the
 * incremental backup (backup.ts) with the job's options and the config's defaults. The backup
 * engine records the run in the history (with the job's name) and updates the profile's
 * last_sync_timestamp.
 *
 * @module
 */

import { DEFAULT_CONCURRENCY } from "../core/concurrency.ts";
import type { ConfigFile } from "../config/config.ts";
import { createS3Client } from "../s3/client.ts";
import { runBackup } from "../backup/backup.ts";
import { parseMaxDelete } from "../backup/backup_guards.ts";
import { reportExitCode, reportStatus } from "../backup/backup_report.ts";
import { openBackupState } from "../backup/backup_state.ts";
import { EngineError } from "../core/errors.ts";
import { jobProfile } from "./jobs.ts";
import type { JobBackupRunner } from "./job_run.ts";
import { folderKeyPrefix } from "../core/keys.ts";
import { targetId } from "../state/multipart_records.ts";
import type { Env } from "../config/paths.ts";
import { resolveSettings, type SecretLoader } from "../config/settings.ts";
import { toEngineError } from "../s3/sdk_errors.ts";
import type { StateDb } from "../state/state_db.ts";
import { parseBwLimit, runLimit } from "../core/bwlimit.ts";
import { jobCutoff, jobFilterOptions } from "./job_filters.ts";

/** What the real runner needs. */
export interface JobBackupContext {
  /** Reads the config file (fresh for each run: profiles and defaults may have changed). */
  config: () => Promise<ConfigFile>;
  configPath: string;
  env: Env;
  loadSecret: SecretLoader;
  stateDir: string;
  /** The open state database (manifest, multipart records, history). */
  state: StateDb;
}

/** Creates the runner that backs up jobs for real. */
export function createJobBackupRunner(ctx: JobBackupContext): JobBackupRunner {
  return async (name, job, signal, events) => {
    const config = await ctx.config();
    const settings = resolveSettings({
      flags: { profile: jobProfile(job, config) },
      env: ctx.env,
      config,
      configPath: ctx.configPath,
      loadSecret: ctx.loadSecret,
    });
    const defaults = config.defaults ?? {};
    const concurrency = job.concurrency ?? defaults.concurrency ?? DEFAULT_CONCURRENCY;
    const rate = job.bwlimit ?? defaults.bwlimit;
    const ref = (field: string) => ({
      field: `jobs.${name}.${field}`,
      code: "ConfigError" as const,
    });
    const bwlimit = rate === undefined ? 0 : runLimit(parseBwLimit(rate, ref("bwlimit")), "up");
    const cutoff = jobCutoff(job, ref);
    const storageClass = job.storage_class ?? defaults.storage_class;
    const target = {
      profile: settings.profileName,
      bucket: settings.bucket,
      prefix: folderKeyPrefix(settings.pathPrefix, job.prefix),
    };
    const s3 = createS3Client(settings, { concurrency });
    try {
      const state = await openBackupState({
        stateDir: ctx.stateDir,
        target: targetId(settings.endpoint, settings.bucket),
        dryRun: false,
        configPath: ctx.configPath,
        state: ctx.state,
      });
      try {
        const report = await runBackup({
          client: s3.client,
          settings,
          localFolder: job.folder,
          s3Prefix: job.prefix,
          options: {
            ...jobFilterOptions(job),
            delete: job.delete,
            ...(job.max_delete ? { maxDelete: parseMaxDelete(job.max_delete) } : {}),
            includeHidden: job.include_hidden,
            maxDuration: cutoff.maxDuration,
            maxTransfer: cutoff.maxTransfer,
            cutoffMode: cutoff.mode,
            concurrency,
            bwlimit,
            upload: {
              ...(storageClass ? { storageClass } : {}),
              ...(job.sse ? { sse: job.sse } : {}),
              ...(job.sse_kms_key_id ? { sseKmsKeyId: job.sse_kms_key_id } : {}),
            },
          },
          state,
          job: name,
          events,
          signal,
        });
        return {
          status: reportStatus(report),
          exitCode: reportExitCode(report),
          report,
          error: null,
          target,
          recorded: true,
        };
      } catch (e) {
        const err = signal.aborted
          ? new EngineError("Interrupted", "Interrupted: stopped cleanly; the next run resumes.")
          : e instanceof EngineError
          ? e
          : toEngineError(e, { action: `backup of job '${name}'`, endpoint: settings.endpoint });
        return {
          status: err.exitCode === 130 ? "interrupted" : "failed",
          exitCode: err.exitCode,
          report: null,
          error: err.message,
          errorCode: err.code,
          target,
          recorded: true,
        };
      } finally {
        state.close();
      }
    } finally {
      s3.destroy();
    }
  };
}
