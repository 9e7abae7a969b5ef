/**
 * Where eigen-s3 keeps its files (XDG base directories).
 *
 * @module
 */

import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/** Environment reader, injectable for tests. */
export type Env = (name: string) => string | undefined;

/** Reads the real process environment. */
export const processEnv: Env = (name) => Deno.env.get(name);

function home(env: Env): string {
  const h = env("HOME") || env("USERPROFILE");
  return h && isAbsolute(h) ? h : homedir();
}

/** An XDG variable's value when it is an absolute path (the spec says to ignore relative ones). */
function xdg(env: Env, name: string): string | undefined {
  const v = env(name);
  return v && isAbsolute(v) ? v : undefined;
}

/** `$XDG_CONFIG_HOME/eigen` (default `~/.config/eigen`). */
export function configDir(env: Env = processEnv): string {
  return join(xdg(env, "XDG_CONFIG_HOME") ?? join(home(env), ".config"), "eigen");
}

/** `$XDG_STATE_HOME/eigen` (default `~/.local/state/eigen`). */
export function stateDir(env: Env = processEnv): string {
  return join(xdg(env, "XDG_STATE_HOME") ?? join(home(env), ".local", "state"), "eigen");
}

/** The profiles file, `<configDir>/s3-config.json`. */
export function configFile(env: Env = processEnv): string {
  return join(configDir(env), "s3-config.json");
}
