/**
 * The assertions the suite uses, on top of node:assert (JSR's @std/assert is not reachable
 * from every build machine). Named like @std/assert so tests read the usual way.
 *
 * @module
 */

import assert from "node:assert/strict";

/** Deep strict equality. */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  assert.deepStrictEqual(actual, expected, message);
}

/** Deep strict inequality. */
export function assertNotEquals<T>(actual: T, expected: T, message?: string): void {
  assert.notDeepStrictEqual(actual, expected, message);
}

/** Truthiness. */
export function assertOk(value: unknown, message?: string): asserts value {
  assert.ok(value, message);
}

/** `text` contains `part`. */
export function assertIncludes(text: string, part: string, message?: string): void {
  if (!text.includes(part)) {
    throw new assert.AssertionError({
      message: message ?? `expected to find ${JSON.stringify(part)} in ${JSON.stringify(text)}`,
    });
  }
}

/** `text` does not contain `part`. */
export function assertExcludes(text: string, part: string, message?: string): void {
  if (text.includes(part)) {
    throw new assert.AssertionError({
      message: message ?? `did not expect ${JSON.stringify(part)} in ${JSON.stringify(text)}`,
    });
  }
}

/** `fn` throws an instance of `type`; returns the error. */
export function assertThrows<E extends Error>(
  fn: () => unknown,
  type: new (...args: never[]) => E,
): E {
  try {
    fn();
  } catch (e) {
    if (e instanceof type) return e;
    throw new assert.AssertionError({ message: `expected ${type.name}, got ${String(e)}` });
  }
  throw new assert.AssertionError({ message: `expected ${type.name} to be thrown` });
}

/** `fn` rejects with an instance of `type`; returns the error. */
export async function assertRejects<E extends Error>(
  fn: () => Promise<unknown>,
  type: new (...args: never[]) => E,
): Promise<E> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof type) return e;
    throw new assert.AssertionError({ message: `expected ${type.name}, got ${String(e)}` });
  }
  throw new assert.AssertionError({ message: `expected ${type.name} to be rejected` });
}

/** Byte-for-byte equality (with a short message instead of a huge diff). */
export function assertBytes(
  actual: Uint8Array,
  expected: Uint8Array,
  message = "bytes differ",
): void {
  if (actual.length !== expected.length) {
    throw new assert.AssertionError({
      message: `${message}: length ${actual.length} != ${expected.length}`,
    });
  }
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) {
      throw new assert.AssertionError({ message: `${message}: first difference at byte ${i}` });
    }
  }
}
