/**
 * `boundedEach`: runs an async function over an array with at most N calls in flight, stops
 * cleanly on abort or on the first error (after the calls in flight settle, so nothing keeps
 * running in the background), then rethrows that error.
 *
 * @module
 */

/**
 * Runs `fn` over `items` with at most `limit` in flight. Stops taking new items when `signal`
 * aborts or `fn` throws; waits for the ones in flight, then rethrows the first error.
 */
export async function boundedEach<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !signal?.aborted && !failure) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (e) {
        failure ??= { error: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
}
