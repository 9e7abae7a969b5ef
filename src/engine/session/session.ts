/**
 * The composition root of one invocation: the config file, settings resolution, the secret
 * store, the state database and S3 clients, each created on first use and released by
 * `close()`. Both front ends build one: the CLI per command (`cli/context.ts` adds its output),
 * the TUI per session (clients cached per profile).
 *
 * Everything heavy is imported when first asked for, so a command that never talks to S3 never
 * loads the SDK, and `--help` loads none of it.
 *
 * @example
 * ```ts
 * const session = createSession({ flags: {}, signal: AbortSignal.timeout(10_000) });
 * try {
 *   const s3 = await session.s3(await session.settings({ requireBucket: true }));
 *   // ... call one engine function with s3.client and s3.settings
 * } finally {
 *   session.close();
 * }
 * ```
 *
 * @module
 */

import type { ConfigFile } from "../config/config.ts";
import { configFile, type Env, processEnv, stateDir } from "../config/paths.ts";
import type { GlobalFlags, ResolvedSettings } from "../config/settings.ts";
import type { ClientOptions, S3Context } from "../s3/client.ts";
import type { StateDb } from "../state/state_db.ts";
import type { PassphrasePrompt, SecretStore } from "../../secrets/mod.ts";
import type { KernelKeyring } from "../../lib/kernel_keyring.ts";

/** How a session is made. */
export interface SessionOptions {
  /** Global flags (`--profile`, `--endpoint`, ...); the first source of settings. */
  flags: GlobalFlags;
  /** Stops whatever the session's users run. */
  signal: AbortSignal;
  /** Environment reader (default: the process environment). */
  env?: Env;
  /**
   * The way to ask for the encrypted secrets file's passphrase, looked up once when the secret
   * store is first needed: a prompt, or undefined when nobody can answer (no terminal).
   */
  passphrasePrompt?: () => Promise<PassphrasePrompt | undefined>;
}

/** Per-invocation services. Create with {@link createSession}; call `close()` when done. */
export interface Session {
  readonly flags: GlobalFlags;
  readonly signal: AbortSignal;
  readonly env: Env;
  readonly configPath: string;
  readonly stateDir: string;
  /** Reads and validates the config file (cached until {@link Session.invalidateConfig}). */
  config(): Promise<ConfigFile>;
  /** Forgets the cached config (after writing it). */
  invalidateConfig(): void;
  /** Resolves flags, environment and profile (`profile` overrides `--profile`). */
  settings(opts?: { requireBucket?: boolean; profile?: string }): Promise<ResolvedSettings>;
  /** A new S3 client for `settings` (closed by `close()`). */
  s3(settings: ResolvedSettings, opts?: ClientOptions): Promise<S3Context>;
  /** The client of a saved profile, made once and kept (forget it when the profile changes). */
  clientFor(profile: string): Promise<S3Context>;
  /** Closes and forgets the cached client of `profile`. */
  forget(profile: string): void;
  /** The secret store (loaded on first use). */
  secrets(): Promise<SecretStore>;
  /** The state database (opened on first use, closed by `close()`). */
  state(): Promise<StateDb>;
  /** Releases clients and the database. */
  close(): void;
}

/** Builds the session of one invocation. */
export function createSession(options: SessionOptions): Session {
  const env = options.env ?? processEnv;
  const clients: S3Context[] = [];
  const byProfile = new Map<string, Promise<S3Context>>();
  let cachedConfig: ConfigFile | undefined;
  let store: SecretStore | undefined;
  let db: StateDb | undefined;
  let keyring: KernelKeyring | null = null;
  const cfgPath = configFile(env);
  const stDir = stateDir(env);

  const session: Session = {
    flags: options.flags,
    signal: options.signal,
    env,
    configPath: cfgPath,
    stateDir: stDir,
    async config() {
      if (!cachedConfig) {
        const { loadConfig } = await import("../config/config.ts");
        cachedConfig = await loadConfig(cfgPath);
      }
      return cachedConfig;
    },
    invalidateConfig() {
      cachedConfig = undefined;
    },
    async settings(opts = {}) {
      const { resolveSettings } = await import("../config/settings.ts");
      const config = await session.config();
      return resolveSettings({
        flags: opts.profile !== undefined ? { profile: opts.profile } : options.flags,
        env,
        config,
        configPath: cfgPath,
        requireBucket: opts.requireBucket,
        loadSecret: async (profile, backend) => (await session.secrets()).load(profile, backend),
      });
    },
    async s3(settings, opts = {}) {
      const { createS3Client } = await import("../s3/client.ts");
      const c = createS3Client(settings, opts);
      clients.push(c);
      return c;
    },
    clientFor(profile) {
      let made = byProfile.get(profile);
      if (!made) {
        made = (async () => {
          session.invalidateConfig();
          const settings = await session.settings({ profile, requireBucket: true });
          return await session.s3(settings);
        })();
        byProfile.set(profile, made);
        made.catch(() => byProfile.delete(profile));
      }
      return made;
    },
    forget(profile) {
      const made = byProfile.get(profile);
      byProfile.delete(profile);
      made?.then((c) => {
        c.destroy();
        const i = clients.indexOf(c);
        if (i >= 0) clients.splice(i, 1);
      }, () => {});
    },
    async secrets() {
      if (!store) {
        const { createSecretStore } = await import("../../secrets/mod.ts");
        const prompt = await options.passphrasePrompt?.();
        // The secrets file's key stays in the login session's kernel keyring for 10 minutes,
        // unless --no-key-cache or EIGEN_S3_KEY_CACHE=0 says otherwise.
        if (!store && options.flags.keyCache !== false && env("EIGEN_S3_KEY_CACHE") !== "0") {
          const { openKernelKeyring } = await import("../../lib/kernel_keyring.ts");
          keyring = openKernelKeyring();
        }
        store ??= createSecretStore({
          stateDir: stDir,
          env: Deno.env.toObject(),
          ...(prompt ? { promptPassphrase: prompt } : {}),
          ...(keyring ? { keyCache: keyring } : {}),
        });
      }
      return store;
    },
    async state() {
      if (!db) {
        const { openStateDb } = await import("../state/state_db.ts");
        db = await openStateDb(stDir);
      }
      return db;
    },
    close() {
      for (const c of clients.splice(0)) c.destroy();
      byProfile.clear();
      db?.close();
      db = undefined;
      keyring?.close();
      keyring = null;
    },
  };
  return session;
}
