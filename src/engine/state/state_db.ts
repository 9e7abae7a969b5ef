/**
 * The local state database (`$XDG_STATE_HOME/eigen/state.db`, node:sqlite, WAL): a rebuildable
 * cache (manifest, resumable transfer records, run history), never the source of truth.
 * Each module creates its own tables with {@link StateDb.ensureSchema}.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { EngineError } from "../core/errors.ts";

/** An open state database. Close it when the run ends. */
export interface StateDb {
  readonly db: DatabaseSync;
  readonly path: string;
  /** Runs `sql` (CREATE TABLE IF NOT EXISTS ...) once per open database and name. */
  ensureSchema(name: string, sql: string): void;
  close(): void;
}

/** Opens (creating when needed) the state database in `dir`. */
export async function openStateDb(dir: string): Promise<StateDb> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, "state.db");
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
    db.exec("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
  } catch (e) {
    throw new EngineError(
      "ConfigError",
      `Cannot open the state database ${path} (${
        (e as Error).message
      }): check the folder's permissions, or move the file away (it is a cache and will be rebuilt).`,
      { cause: e },
    );
  }
  if (Deno.build.os !== "windows") await Deno.chmod(path, 0o600).catch(() => {});
  const done = new Set<string>();
  let closed = false;
  return {
    db,
    path,
    ensureSchema(name, sql) {
      if (done.has(name)) return;
      db.exec(sql);
      done.add(name);
    },
    close() {
      if (!closed) db.close();
      closed = true;
    },
  };
}

/** Runs `fn` inside one transaction (rolled back when it throws). */
export function inTransaction<T>(state: StateDb, fn: () => T): T {
  state.db.exec("BEGIN IMMEDIATE");
  try {
    const out = fn();
    state.db.exec("COMMIT");
    return out;
  } catch (e) {
    state.db.exec("ROLLBACK");
    throw e;
  }
}
