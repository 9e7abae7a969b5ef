/**
 * What every command gets: global options, output, the abort signal, and lazy access to the
 * config file, settings resolution, the secret store, the state database and S3 clients.
 *
 * @module
 */

import type { Output } from "./output.ts";
import type { ConfigFile } from "../engine/config/config.ts";
import type { GlobalFlags, ResolvedSettings } from "../engine/config/settings.ts";
import type { S3Context } from "../engine/s3/client.ts";
import type { StateDb } from "../engine/state/state_db.ts";
import type { SecretStore } from "../secrets/mod.ts";
import { configFile, type Env, processEnv, stateDir } from "../engine/config/paths.ts";

/** Global options after parsing (commander's camelCase names). */
export interface GlobalOptions extends GlobalFlags {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  color?: boolean;
}

/** Per-invocation services for commands. Create with {@link createContext}; call `close()`. */
export interface CliContext {
  readonly globals: GlobalOptions;
  readonly out: Output;
  readonly signal: AbortSignal;
  readonly env: Env;
  readonly configPath: string;
  readonly stateDir: string;
  /** Reads and validates the config file (cached for the run). */
  config(): Promise<ConfigFile>;
  /** Forgets the cached config (after writing it). */
  invalidateConfig(): void;
  /** Resolves flags/env/profile. */
  settings(opts?: { requireBucket?: boolean }): Promise<ResolvedSettings>;
  /** An S3 client for `settings` (closed by `close()`). */
  s3(
    settings: ResolvedSettings,
    opts?: { concurrency?: number; maxAttempts?: number },
  ): Promise<S3Context>;
  /** The secret store (loaded on first use). */
  secrets(): Promise<SecretStore>;
  /** The state database (opened on first use, closed by `close()`). */
  state(): Promise<StateDb>;
  /** Releases clients and the database. */
  close(): void;
}

/** Builds the context of one command invocation. */
export function createContext(
  globals: GlobalOptions,
  out: Output,
  signal: AbortSignal,
  env: Env = processEnv,
): CliContext {
  const clients: S3Context[] = [];
  let cachedConfig: ConfigFile | undefined;
  let store: SecretStore | undefined;
  let db: StateDb | undefined;
  const cfgPath = configFile(env);
  const stDir = stateDir(env);

  const ctx: CliContext = {
    globals,
    out,
    signal,
    env,
    configPath: cfgPath,
    stateDir: stDir,
    async config() {
      if (!cachedConfig) {
        const { loadConfig } = await import("../engine/config/config.ts");
        cachedConfig = await loadConfig(cfgPath);
      }
      return cachedConfig;
    },
    invalidateConfig() {
      cachedConfig = undefined;
    },
    async settings(opts = {}) {
      const { resolveSettings } = await import("../engine/config/settings.ts");
      const config = await ctx.config();
      return resolveSettings({
        flags: globals,
        env,
        config,
        configPath: cfgPath,
        requireBucket: opts.requireBucket,
        loadSecret: async (profile, backend) => (await ctx.secrets()).load(profile, backend),
      });
    },
    async s3(settings, opts = {}) {
      const { createS3Client } = await import("../engine/s3/client.ts");
      const c = createS3Client(settings, opts);
      clients.push(c);
      return c;
    },
    async secrets() {
      if (!store) {
        const { createSecretStore } = await import("../secrets/mod.ts");
        const { promptSecret, canPrompt } = await import("./prompt.ts");
        store = createSecretStore({
          stateDir: stDir,
          env: Deno.env.toObject(),
          // Offered only on a terminal: elsewhere the encrypted file needs EIGEN_S3_PASSPHRASE,
          // and the store reports that as the reason instead of failing inside a prompt.
          ...(canPrompt()
            ? {
              promptPassphrase: async (message: string, confirm: boolean) => {
                const first = await promptSecret(message);
                if (confirm && (await promptSecret("Repeat the passphrase")) !== first) {
                  const { EngineError } = await import("../engine/core/errors.ts");
                  throw new EngineError(
                    "SecretStoreError",
                    "The two passphrases differ: nothing was saved.",
                  );
                }
                return first;
              },
            }
            : {}),
        });
      }
      return store;
    },
    async state() {
      if (!db) {
        const { openStateDb } = await import("../engine/state/state_db.ts");
        db = await openStateDb(stDir);
      }
      return db;
    },
    close() {
      for (const c of clients.splice(0)) c.destroy();
      db?.close();
      db = undefined;
    },
  };
  return ctx;
}
