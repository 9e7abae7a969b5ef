/**
 * Shared types and markers of `schedule install` (see service_files.ts).
 *
 * @module
 */

import type { Job } from "../schedule/jobs.ts";

/** Where scheduled runs are installed. */
export type ServiceBackend = "systemd" | "cron" | "launchd";

/** A job to install. */
export interface ServiceJob {
  name: string;
  job: Job;
}

/** Facts about this installation (fixed in golden tests). */
export interface ServiceEnv {
  /** The argv prefix that runs eigen-s3 (see programArgv). */
  program: string[];
  /** Variables the scheduled runs need (XDG_CONFIG_HOME/XDG_STATE_HOME when set). */
  env: Record<string, string>;
  /** `$XDG_CONFIG_HOME/systemd/user`. */
  systemdDir: string;
  /** `~/Library/LaunchAgents`. */
  launchAgentsDir: string;
  /** Log folder of cron and launchd runs. */
  logDir: string;
  /** The system's time zone (launchd cannot use another). */
  systemTimezone: string;
}

/** One file to write. */
export interface ServiceFile {
  path: string;
  content: string;
}

/** Everything an install writes and starts. */
export interface ServicePlan {
  backend: ServiceBackend;
  files: ServiceFile[];
  /** The crontab block (cron only). */
  crontabBlock: string | null;
  /** systemd units to enable and start (timers, and the daemon service). */
  units: string[];
  /** launchd labels to load, with their plist paths. */
  agents: { label: string; path: string }[];
  /** Jobs that run under the daemon service. */
  daemonJobs: string[];
  warnings: string[];
}

/** First line of every file and block eigen-s3 writes. */
export const MARK =
  "Written by 'eigen-s3 schedule install'; removed by 'eigen-s3 schedule uninstall'.";
/** Crontab block markers. */
export const CRON_BEGIN = "# >>> eigen-s3 schedule >>>";
/** See {@link CRON_BEGIN}. */
export const CRON_END = "# <<< eigen-s3 schedule <<<";
