/**
 * Runs eigen-s3 in a real terminal: a private tmux server (its own socket), one 80x24 session
 * whose shell records `stty -a` before and after the app and the app's exit code. Keys go in
 * with send-keys, the screen comes out with capture-pane.
 *
 * @module
 */

import { join } from "node:path";

/** True when tmux can be run here. */
export async function hasTmux(): Promise<boolean> {
  try {
    const out = await new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

const shq = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
const MAIN = new URL("../../../main.ts", import.meta.url).pathname;
const REPO = new URL("../../../", import.meta.url).pathname;

/** One app in one tmux session. */
export class TmuxApp {
  readonly socket = `eigen-tui-${Deno.pid}-${Math.random().toString(36).slice(2, 8)}`;
  readonly session = "app";
  #dir: string;

  private constructor(dir: string) {
    this.#dir = dir;
  }

  /** Starts `deno run -A main.ts ARGS` (or `entry`) with exactly `env` in a tmux session. */
  static async start(
    env: Record<string, string>,
    dir: string,
    args: string[] = [],
    size = { columns: 80, rows: 24 },
    entry = MAIN,
  ): Promise<TmuxApp> {
    const app = new TmuxApp(dir);
    const envArgs = Object.entries(env).map(([k, v]) => `${k}=${shq(v)}`).join(" ");
    const script = [
      "#!/bin/sh",
      `cd ${shq(REPO)}`,
      `stty -a > ${shq(join(dir, "stty_before"))}`,
      `env -i ${envArgs} TERM="$TERM" ${shq(Deno.execPath())} run -A --quiet ${shq(entry)} ${
        args.map(shq).join(" ")
      }`,
      `echo $? > ${shq(join(dir, "exit_code.tmp"))}`,
      `stty -a > ${shq(join(dir, "stty_after"))}`,
      `mv ${shq(join(dir, "exit_code.tmp"))} ${shq(join(dir, "exit_code"))}`,
      "exec sleep 600",
    ].join("\n");
    const path = join(dir, "run.sh");
    await Deno.writeTextFile(path, script + "\n", { mode: 0o755 });
    await app.#tmux(
      "new-session",
      "-d",
      "-s",
      app.session,
      "-x",
      String(size.columns),
      "-y",
      String(size.rows),
      `sh ${shq(path)}`,
    );
    return app;
  }

  async #tmux(...args: string[]): Promise<string> {
    const out = await new Deno.Command("tmux", {
      args: ["-L", this.socket, "-f", "/dev/null", ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`tmux ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
    }
    return new TextDecoder().decode(out.stdout);
  }

  /** The screen as text. */
  screen(): Promise<string> {
    return this.#tmux("capture-pane", "-p", "-t", this.session);
  }

  /** The screen with escape sequences (colours). */
  screenWithEscapes(): Promise<string> {
    return this.#tmux("capture-pane", "-p", "-e", "-t", this.session);
  }

  /** Sends key names (tmux syntax: Enter, Tab, Up, C-c, Escape, Space, BSpace). */
  async keys(...keys: string[]): Promise<void> {
    for (const k of keys) {
      await this.#tmux("send-keys", "-t", this.session, k);
      await new Promise((r) => setTimeout(r, 60));
    }
  }

  /** Types text literally. */
  async type(text: string): Promise<void> {
    await this.#tmux("send-keys", "-t", this.session, "-l", text);
    await new Promise((r) => setTimeout(r, 100));
  }

  /** Waits until the screen shows `text`; returns the screen. */
  async waitFor(text: string | RegExp, timeoutMs = 15_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < end) {
      last = await this.screen();
      if (typeof text === "string" ? last.includes(text) : text.test(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the screen never showed ${String(text)}; it shows:\n${last}`);
  }

  /** A tmux pane variable, e.g. alternate_on or cursor_flag. */
  async paneVar(name: string): Promise<string> {
    return (await this.#tmux("display", "-p", "-t", this.session, `#{${name}}`)).trim();
  }

  /** Waits until a pane variable has `value`. */
  async waitForVar(name: string, value: string, timeoutMs = 5000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if ((await this.paneVar(name)) === value) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${name} never became ${value}`);
  }

  /** Resizes the window. */
  async resize(columns: number, rows: number): Promise<void> {
    await this.#tmux(
      "resize-window",
      "-t",
      this.session,
      "-x",
      String(columns),
      "-y",
      String(rows),
    );
  }

  /** Waits for the app to exit; returns its exit code. */
  async exitCode(timeoutMs = 20_000): Promise<number> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      try {
        return Number((await Deno.readTextFile(join(this.#dir, "exit_code"))).trim());
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`the app did not exit; the screen shows:\n${await this.screen()}`);
  }

  /** `stty -a` before and after the app. */
  async stty(): Promise<{ before: string; after: string }> {
    return {
      before: await Deno.readTextFile(join(this.#dir, "stty_before")),
      after: await Deno.readTextFile(join(this.#dir, "stty_after")),
    };
  }

  /** Stops the tmux server (and everything in it). */
  async close(): Promise<void> {
    await this.#tmux("kill-server").catch(() => "");
  }
}
