/**
 * What a command module is and how it is loaded: {@link CommandRun} is a command's
 * implementation, {@link lazy} imports it only when its command runs.
 *
 * @module
 */

import type { CliContext } from "./context.ts";

/** A command implementation: returns the exit code (0 success, 3 partial, ...). */
export type CommandRun = (
  ctx: CliContext,
  args: unknown[],
  opts: Record<string, unknown>,
) => Promise<number | void>;

/** Imports a command module. */
export type Loader = () => Promise<{ default: CommandRun }>;

/**
 * Loads a command module relative to this folder when its command runs. The specifier is built
 * at run time on purpose: `deno run` reads every statically visible import at start-up, and the
 * commands reach the whole engine, the AWS SDK and Ink, which made `--help` take 0.25 s instead
 * of 0.1 s. `deno compile` embeds them through `--include src`; `deno task check` checks `src/`.
 *
 * @example
 * ```ts
 * const load = lazy("./commands/test.ts");
 * const { default: run } = await load();
 * ```
 */
export function lazy(path: string): Loader {
  return () => import(new URL(path, import.meta.url).href);
}
