/**
 * What every command gets: the engine's {@link Session} (config, settings, secrets, state, S3
 * clients, the abort signal) plus the parsed global options and the output.
 *
 * @module
 */

import type { Output } from "./output.ts";
import type { GlobalFlags } from "../engine/config/settings.ts";
import type { Env } from "../engine/config/paths.ts";
import { createSession, type Session } from "../engine/session/session.ts";

/** Global options after parsing (commander's camelCase names). */
export interface GlobalOptions extends GlobalFlags {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  color?: boolean;
}

/** Per-invocation services for commands. Create with {@link createContext}; call `close()`. */
export interface CliContext extends Session {
  readonly globals: GlobalOptions;
  readonly out: Output;
}

/** Builds the context of one command invocation. */
export function createContext(
  globals: GlobalOptions,
  out: Output,
  signal: AbortSignal,
  env?: Env,
): CliContext {
  const session = createSession({
    flags: globals,
    signal,
    ...(env ? { env } : {}),
    // Offered only on a terminal: elsewhere the encrypted file needs EIGEN_S3_PASSPHRASE, and
    // the store reports that as the reason instead of failing inside a prompt.
    passphrasePrompt: async () => {
      const { promptSecret, canPrompt } = await import("./prompt.ts");
      if (!canPrompt()) return undefined;
      return async (message: string, confirm: boolean) => {
        const first = await promptSecret(message);
        if (confirm && (await promptSecret("Repeat the passphrase")) !== first) {
          const { EngineError } = await import("../engine/core/errors.ts");
          throw new EngineError(
            "SecretStoreError",
            "The two passphrases differ: nothing was saved.",
          );
        }
        return first;
      };
    },
  });
  return Object.assign(session, { globals, out });
}
