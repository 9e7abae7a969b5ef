/**
 * One run of a job at a time, across processes: an exclusive advisory lock (flock on Unix,
 * LockFileEx on Windows, via Deno.FsFile.tryLock) on `$XDG_STATE_HOME/eigen/locks/JOB.lock`.
 * The kernel releases it when the holder exits, however it dies, so a crash never leaves a
 * stale lock. The holder writes its pid and start time into the file for the loser's message.
 *
 * @module
 */

import { join } from "node:path";
import { hostname } from "node:os";
import { EngineError } from "../core/errors.ts";

/** Who holds a lock, as written in the lock file (null fields when unknown). */
export interface LockHolder {
  pid: number | null;
  host: string | null;
  since: string | null;
}

/** A held lock: release it when the run ends (closing the process also releases it). */
export interface JobLock {
  readonly path: string;
  release(): void;
}

/** The lock file of `job` in `lockDir`. */
export function lockPath(lockDir: string, job: string): string {
  return join(lockDir, `${job}.lock`);
}

/** The folder of job locks: `<stateDir>/locks`. */
export function lockDirIn(stateDir: string): string {
  return join(stateDir, "locks");
}

function readHolder(file: Deno.FsFile): LockHolder {
  try {
    const buf = new Uint8Array(1024);
    file.seekSync(0, Deno.SeekMode.Start);
    const n = file.readSync(buf) ?? 0;
    const raw = JSON.parse(new TextDecoder().decode(buf.subarray(0, n))) as Record<string, unknown>;
    return {
      pid: typeof raw.pid === "number" ? raw.pid : null,
      host: typeof raw.host === "string" ? raw.host : null,
      since: typeof raw.since === "string" ? raw.since : null,
    };
  } catch {
    return { pid: null, host: null, since: null };
  }
}

/**
 * Tries to take the lock of `job` without waiting. Returns the lock, or who holds it.
 * `now` is the start time written for others to see.
 */
export async function tryLockJob(
  lockDir: string,
  job: string,
  now: Date = new Date(),
): Promise<{ lock: JobLock } | { busy: LockHolder }> {
  await Deno.mkdir(lockDir, { recursive: true, mode: 0o700 });
  const path = lockPath(lockDir, job);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true, write: true, create: true, mode: 0o600 });
  } catch (e) {
    throw new EngineError(
      "ConfigError",
      `Cannot open the job lock ${path} (${(e as Error).message}): check the folder's permissions.`,
      { cause: e },
    );
  }
  let locked: boolean;
  try {
    locked = await file.tryLock(true);
  } catch (e) {
    file.close();
    throw new EngineError(
      "ConfigError",
      `Cannot lock ${path} (${
        (e as Error).message
      }): is the state folder on a file system without locks?`,
      { cause: e },
    );
  }
  if (!locked) {
    const holder = readHolder(file);
    file.close();
    return { busy: holder };
  }
  const info = JSON.stringify({ pid: Deno.pid, host: hostname(), since: now.toISOString() });
  file.truncateSync(0);
  file.seekSync(0, Deno.SeekMode.Start);
  file.writeSync(new TextEncoder().encode(info + "\n"));
  let released = false;
  return {
    lock: {
      path,
      release() {
        if (released) return;
        released = true;
        try {
          file.truncateSync(0);
        } catch {
          // The lock goes with the descriptor anyway.
        }
        file.close();
      },
    },
  };
}

/** The message for a job whose lock is held elsewhere. */
export function busyMessage(job: string, holder: LockHolder): string {
  const who = holder.pid !== null
    ? ` by process ${holder.pid}${holder.host ? ` on ${holder.host}` : ""}${
      holder.since ? ` since ${holder.since}` : ""
    }`
    : "";
  return `Job '${job}' is already running${who}: not starting a second backup of it at the same time. Wait for that run to finish (see 'eigen-s3 schedule list').`;
}
