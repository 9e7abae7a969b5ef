/**
 * Backup and restore for the TUI: a preview (the engine's own dry run) gives the plan summary
 * the user confirms, then the real run reports events. Only engine functions are called.
 *
 * @module
 */

import type { CliContext } from "../cli/context.ts";
import type { S3Context } from "../engine/client.ts";
import type { ConfigFile } from "../engine/config.ts";
import { parseRate } from "../engine/validate.ts";
import type { BackupRequest, Capabilities, PlannedRun, RestoreRequest } from "./services.ts";
import { planRestoreRun } from "./restore_service.ts";
import { planBackupRun } from "./backup_service.ts";

/** Transfer settings from the Settings screen's defaults. */
export interface TransferDefaults {
  concurrency: number;
  bwlimit: number;
  storageClass?: string;
}

/** The defaults of the config file, with the engine's fallbacks. */
export function transferDefaults(config: ConfigFile): TransferDefaults {
  const d = config.defaults ?? {};
  const out: TransferDefaults = {
    concurrency: d.concurrency ?? 8,
    bwlimit: d.bwlimit
      ? parseRate(d.bwlimit, { field: "defaults.bwlimit", code: "ConfigError" })
      : 0,
  };
  if (d.storage_class) out.storageClass = d.storage_class;
  return out;
}

/** What the transfer planners need from the session. */
export interface TransferContext {
  ctx: CliContext;
  client(profile: string): Promise<S3Context>;
  defaults: TransferDefaults;
}

/** Plans and runs transfers for one TUI session. */
export class TransferServices {
  constructor(
    private readonly ctx: CliContext,
    private readonly client: (profile: string) => Promise<S3Context>,
  ) {}

  /** Forgets anything cached for `profile` (after it changed). */
  forget(_profile: string): void {}

  /** Which transfers exist in this build. */
  capabilities(): Capabilities {
    return { backup: true, restore: true };
  }

  #context(config: ConfigFile): TransferContext {
    return { ctx: this.ctx, client: this.client, defaults: transferDefaults(config) };
  }

  /** Plans a backup. */
  planBackup(request: BackupRequest, config: ConfigFile, signal: AbortSignal): Promise<PlannedRun> {
    return planBackupRun(this.#context(config), request, signal);
  }

  /** Plans a restore. */
  planRestore(
    request: RestoreRequest,
    config: ConfigFile,
    signal: AbortSignal,
  ): Promise<PlannedRun> {
    return planRestoreRun(this.#context(config), request, signal);
  }
}
