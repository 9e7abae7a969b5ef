/**
 * Opens the local state a backup run uses: the manifest, multipart records and history in
 * `$XDG_STATE_HOME/eigen/state.db`. A dry run gets a read-only view that never creates or
 * writes the database.
 *
 * @module
 */

import { join } from "node:path";
import type { BackupState } from "./backup.ts";
import { sqliteHistory } from "../state/history.ts";
import { readOnlyManifest, sqliteManifest } from "../state/manifest.ts";
import { sqliteMultipartRecords } from "../state/multipart_records.ts";
import { openStateDb, type StateDb } from "../state/state_db.ts";

/** Backup state plus `close()`. */
export interface OpenBackupState extends BackupState {
  close(): void;
}

/**
 * Opens the backup state for `target` ("endpoint|bucket"). With `state` given (an open state
 * database the caller owns), it is used and not closed; otherwise `stateDir` is opened.
 */
export async function openBackupState(opts: {
  stateDir: string;
  target: string;
  dryRun: boolean;
  configPath?: string;
  state?: StateDb;
}): Promise<OpenBackupState> {
  if (opts.dryRun) {
    const manifest = readOnlyManifest(
      opts.state?.path ?? join(opts.stateDir, "state.db"),
      opts.target,
    );
    return { manifest, close: () => manifest.close() };
  }
  const state = opts.state ?? await openStateDb(opts.stateDir);
  const out: OpenBackupState = {
    manifest: sqliteManifest(state, opts.target),
    records: sqliteMultipartRecords(state),
    history: sqliteHistory(state),
    close: () => {
      if (!opts.state) state.close();
    },
  };
  if (opts.configPath) out.configPath = opts.configPath;
  return out;
}
