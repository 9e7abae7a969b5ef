/**
 * `eigen-s3 tui` (and eigen-s3 with no command on a terminal): the full-screen UI. Loaded only
 * when it runs, so `--help` never loads Ink or React.
 *
 * @module
 */

import process from "node:process";
import { createElement } from "react";
import { createSession, type Session } from "../engine/session/session.ts";
import { EngineError } from "../engine/core/errors.ts";
import { App } from "./app.tsx";
import { EngineServices } from "./services/engine_services.ts";
import { runFullScreen } from "./full_screen.ts";
import { PassphraseBridge } from "./services/passphrase_bridge.ts";
import { colorWanted } from "./theme.tsx";

/** Tells dispatch that this command owns the terminal (no stop notices on stderr). */
export const fullScreen = true;

/** What the TUI gets from the front end that starts it: the session and two global options. */
export interface TuiInvocation extends Session {
  readonly globals: { color?: boolean; verbose?: boolean };
}

/** Runs the TUI until the user quits; returns the exit code. */
export default async function tui(ctx: TuiInvocation): Promise<number> {
  if (!Deno.stdin.isTerminal() || !Deno.stdout.isTerminal()) {
    throw new EngineError(
      "UsageError",
      "The full-screen UI needs a terminal (stdin and stdout): run a command instead, see 'eigen-s3 --help'.",
    );
  }
  const bridge = new PassphraseBridge();
  // The TUI's own session: its secret store asks for a passphrase through the app, not stdin.
  const session = createSession({
    flags: ctx.flags,
    signal: ctx.signal,
    env: ctx.env,
    passphrasePrompt: () => Promise.resolve(bridge.ask),
  });
  const services = new EngineServices(session);
  let code = 0;
  // Ink's signal-exit re-sends SIGINT/SIGTERM to the process when it sees no other (Node-style)
  // listener, which can kill it before the transfers stop. dispatch's Deno listeners abort
  // ctx.signal and the app stops cleanly; these no-op listeners keep signal-exit from killing.
  const keep = () => {};
  const signals = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const s of signals) process.on(s, keep);
  try {
    const result = await runFullScreen(
      createElement(App, {
        services,
        bridge,
        color: colorWanted(ctx.globals.color, ctx.env),
        stopSignal: ctx.signal,
        onExit: (c: number) => {
          code = c;
        },
      }),
    );
    if (result.crashed) {
      const e = result.error;
      console.error(
        `eigen-s3: the full-screen UI stopped after an internal error: ${
          e instanceof Error ? e.message : String(e)
        } (please report it)`,
      );
      if (ctx.globals.verbose && e instanceof Error) console.error(e.stack);
      return 1;
    }
    return code;
  } finally {
    for (const s of signals) process.off(s, keep);
    bridge.cancelAll();
    services.close();
  }
}
