/**
 * The march: one sorted merge of the local side with the remote side, modelled on rclone's
 * `fs/march`. Both inputs arrive sorted by key (S3 listing order, {@link compareKeys}); the
 * march pairs them up and yields, in key order, a local-only entry, a remote-only entry, or
 * both sides of one key. It knows nothing of transfers, manifests or reports: backup's plan and
 * verify decide what a pair means.
 *
 * Algorithm: hold the head of each side; compare their keys; yield the smaller head alone (or
 * both when equal) and pull the next item of the side(s) just yielded. A side is pulled only
 * after the consumer has taken the previous pair, so memory stays bounded (one item per side)
 * and whatever a source does as it is pulled (a filtered listing noting a foreign key, a walk
 * noting an unreadable folder) happens before the next pair is yielded. When the consumer
 * stops early, both sources are closed.
 *
 * @example
 * ```ts
 * import { march } from "./march.ts";
 *
 * const seen: string[] = [];
 * const pairs = march(["a", "c"], ["b", "c"], { localKey: (l) => l, remoteKey: (r) => r });
 * for await (const p of pairs) seen.push(`${p.kind} ${p.key}`);
 * // seen: ["local-only a", "remote-only b", "both c"]
 * ```
 *
 * @module
 */

import { compareKeys } from "../core/keys.ts";

/** One step of the march: a key seen on one side or on both. */
export type MarchPair<L, R> =
  | { kind: "local-only"; key: string; local: L }
  | { kind: "remote-only"; key: string; remote: R }
  | { kind: "both"; key: string; local: L; remote: R };

/** How the march reads the key of an item of each side. */
export interface MarchKeys<L, R> {
  /** The key of a local item (the full object key it maps to). */
  localKey(local: L): string;
  /** The key of a remote item. */
  remoteKey(remote: R): string;
}

/** Either kind of iterable the march reads. */
export type MarchSource<T> = AsyncIterable<T> | Iterable<T>;

/**
 * Merges two sorted streams by key. Items whose keys are out of order are not an error: the
 * march compares the two heads as they come, so each item is still yielded exactly once.
 */
export async function* march<L, R>(
  local: MarchSource<L>,
  remote: MarchSource<R>,
  keys: MarchKeys<L, R>,
): AsyncGenerator<MarchPair<L, R>> {
  const li = toAsync(local);
  const ri = toAsync(remote);
  try {
    let l = await pull(li);
    let r = await pull(ri);
    while (l !== undefined || r !== undefined) {
      if (l === undefined) {
        yield { kind: "remote-only", key: keys.remoteKey(r!.value), remote: r!.value };
        r = await pull(ri);
        continue;
      }
      const lkey = keys.localKey(l.value);
      if (r === undefined) {
        yield { kind: "local-only", key: lkey, local: l.value };
        l = await pull(li);
        continue;
      }
      const rkey = keys.remoteKey(r.value);
      const c = compareKeys(lkey, rkey);
      if (c < 0) {
        yield { kind: "local-only", key: lkey, local: l.value };
        l = await pull(li);
      } else if (c > 0) {
        yield { kind: "remote-only", key: rkey, remote: r.value };
        r = await pull(ri);
      } else {
        yield { kind: "both", key: lkey, local: l.value, remote: r.value };
        r = await pull(ri);
        l = await pull(li);
      }
    }
  } finally {
    await Promise.allSettled([li.return?.(), ri.return?.()]);
  }
}

/** The next item wrapped (so an `undefined` item is not taken for the end), or undefined. */
async function pull<T>(it: AsyncIterator<T>): Promise<{ value: T } | undefined> {
  const r = await it.next();
  return r.done ? undefined : { value: r.value };
}

function toAsync<T>(source: MarchSource<T>): AsyncIterator<T> {
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  const it = source[Symbol.iterator]();
  return {
    next: () => Promise.resolve(it.next()),
    return: (value?: unknown) => Promise.resolve(it.return?.(value) ?? { done: true, value }),
  };
}
