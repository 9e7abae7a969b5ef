/**
 * An exclusive advisory lock held while a read-modify-write of a file runs, so two processes
 * that update the same file one after the other each see the other's change (without it, both
 * read the old file and the second rename wins: a profile or a secret silently vanishes).
 *
 * The lock is taken on a sidecar `<file>.lock` that is never replaced (the file itself is
 * replaced by an atomic rename, which would leave a lock on the old inode). flock(2) on Unix,
 * LockFileEx on Windows, both released by the kernel if the process dies.
 *
 * @module
 */

import { dirname } from "node:path";

/**
 * Runs `fn` while holding the exclusive lock of `file`; waits for other holders first.
 *
 * @example
 * ```ts
 * await withFileLock("/home/me/.config/eigen/s3-config.json", async () => {
 *   // read, change, write the file
 * });
 * ```
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  await Deno.mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const lock = await Deno.open(`${file}.lock`, {
    read: true,
    write: true,
    create: true,
    mode: 0o600,
  });
  try {
    await lock.lock(true);
    return await fn();
  } finally {
    lock.close(); // closing releases the lock
  }
}
