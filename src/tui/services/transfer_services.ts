/**
 * Backup and restore for the TUI: a preview (the engine's own dry run) gives the plan summary
 * the user confirms, then the real run reports events. Only engine functions are called.
 *
 * @module
 */

import type { Session } from "../../engine/session/session.ts";
import type { S3Context } from "../../engine/s3/client.ts";
import type { ConfigFile } from "../../engine/config/config.ts";
import { type TransferContext, transferDefaults } from "./transfer_context.ts";
import type { BackupRequest, Capabilities, PlannedRun, RestoreRequest } from "./services.ts";
import { planRestoreRun } from "./restore_service.ts";
import { planBackupRun } from "./backup_service.ts";

/** Plans and runs transfers for one TUI session. */
export class TransferServices {
  constructor(
    private readonly ctx: Session,
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
