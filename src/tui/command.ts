/**
 * `eigen-s3 tui` (and eigen-s3 with no command on a terminal): the full-screen UI. Loaded only
 * when it runs, so `--help` never loads Ink or React.
 *
 * The terminal is restored on every way out: normal quit, Ctrl+C, SIGTERM, an error inside the
 * app (React's error boundary, an exception in a key handler or a promise), and `Deno.exit`
 * (the unload event).
 *
 * @module
 */

import { createElement } from "react";
import { render } from "ink";
import type { CliContext } from "../cli/context.ts";
import { EngineError } from "../engine/errors.ts";
import { App } from "./app.tsx";
import { EngineServices } from "./engine_services.ts";
import { PassphraseBridge } from "./passphrase_bridge.ts";
import { colorWanted } from "./theme.tsx";

/** Tells dispatch that this command owns the terminal (no stop notices on stderr). */
export const fullScreen = true;

/** Runs the TUI until the user quits; returns the exit code. */
export default async function tui(ctx: CliContext): Promise<number> {
  if (!Deno.stdin.isTerminal() || !Deno.stdout.isTerminal()) {
    throw new EngineError(
      "UsageError",
      "The full-screen UI needs a terminal (stdin and stdout): run a command instead, see 'eigen-s3 --help'.",
    );
  }
  const bridge = new PassphraseBridge();
  const services = new EngineServices(ctx, bridge);
  let code = 0;
  let crash: unknown = null;
  const instance = render(
    createElement(App, {
      services,
      bridge,
      color: colorWanted(ctx.globals.color, ctx.env),
      stopSignal: ctx.signal,
      onExit: (c: number) => {
        code = c;
      },
    }),
    {
      alternateScreen: true,
      exitOnCtrlC: false,
      interactive: true,
      patchConsole: true,
      maxFps: 30,
    },
  );
  const fail = (error: unknown) => {
    crash ??= error;
    code = 1;
    instance.unmount();
  };
  const onError = (e: ErrorEvent) => {
    e.preventDefault();
    fail(e.error ?? e.message);
  };
  const onRejection = (e: PromiseRejectionEvent) => {
    e.preventDefault();
    fail(e.reason);
  };
  const onUnload = () => instance.unmount();
  addEventListener("error", onError);
  addEventListener("unhandledrejection", onRejection);
  addEventListener("unload", onUnload);
  try {
    await instance.waitUntilExit();
  } catch (e) {
    crash ??= e;
    code = 1;
  } finally {
    removeEventListener("error", onError);
    removeEventListener("unhandledrejection", onRejection);
    removeEventListener("unload", onUnload);
    bridge.cancelAll();
    services.close();
  }
  if (crash !== null) {
    const message = crash instanceof Error ? crash.message : String(crash);
    console.error(
      `eigen-s3: the full-screen UI stopped after an internal error: ${message} (please report it)`,
    );
    if (ctx.globals.verbose && crash instanceof Error) console.error(crash.stack);
  }
  return code;
}
