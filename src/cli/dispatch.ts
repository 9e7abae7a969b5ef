/**
 * Runs one command: sets up output, Ctrl+C/SIGTERM handling and the context, maps whatever the
 * command throws to one message and the documented exit code.
 *
 * @module
 */

import type { Command } from "commander";
import { type CommandRun, lazy } from "./command_module.ts";
import { createContext, type GlobalOptions } from "./context.ts";
import { Output } from "./output.ts";
import { EngineError } from "../engine/core/errors.ts";
import { toEngineError } from "../engine/s3/sdk_errors.ts";

const BUG_TYPES = [TypeError, RangeError, ReferenceError, SyntaxError];

/** The full command path, e.g. "config show". */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c && c.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/**
 * Installs SIGINT/SIGTERM handlers that abort `controller`; a second Ctrl+C exits at once.
 * While `quiet()` is true (a full-screen command owns the terminal) no notice is printed.
 */
export function installStopHandlers(
  controller: AbortController,
  out: Output,
  quiet: () => boolean = () => false,
): () => void {
  let count = 0;
  const onSignal = () => {
    count += 1;
    if (count === 1) {
      if (!quiet()) out.notice("Stopping cleanly... (press Ctrl+C again to quit at once)");
      controller.abort(new EngineError("Interrupted", "Interrupted: stopped cleanly."));
    } else {
      out.finish();
      Deno.exit(130);
    }
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  return () => {
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
  };
}

/** Output options from global flags and the environment. */
export function outputFor(globals: GlobalOptions): Output {
  return new Output({
    json: globals.json === true,
    quiet: globals.quiet === true,
    verbose: globals.verbose === true,
    color: globals.color !== false && !Deno.env.get("NO_COLOR"),
  });
}

/** Runs the command `cmd` whose implementation `load` imports; returns the exit code. */
export async function dispatch(
  cmd: Command,
  load: () => Promise<{ default: CommandRun }>,
): Promise<number> {
  const globals = cmd.optsWithGlobals() as GlobalOptions;
  const out = outputFor(globals);
  const controller = new AbortController();
  // A full-screen command (the TUI) reads Ctrl+C as a key in raw mode; a signal (SIGTERM, or
  // SIGINT from kill) aborts ctx.signal and the TUI stops cleanly without notices on stderr.
  let fullScreen = false;
  const removeHandlers = installStopHandlers(controller, out, () => fullScreen);
  const ctx = createContext(globals, out, controller.signal);
  const name = commandPath(cmd);
  try {
    const impl = await load();
    fullScreen = (impl as { fullScreen?: boolean }).fullScreen === true;
    const code = await impl.default(ctx, cmd.processedArgs as unknown[], cmd.opts());
    return code ?? 0;
  } catch (e) {
    if (BUG_TYPES.some((t) => e instanceof t)) {
      out.error(
        new EngineError(
          "SdkError",
          `internal error in '${name}': ${(e as Error).message} (please report it)`,
        ),
      );
      if (globals.verbose) console.error((e as Error).stack);
      return 1;
    }
    const err = controller.signal.aborted && !(e instanceof EngineError && e.code !== "Interrupted")
      ? new EngineError("Interrupted", "Interrupted: stopped cleanly.")
      : toEngineError(e, { action: name });
    out.error(err);
    if (globals.verbose && err.cause instanceof Error) {
      console.error(err.cause.stack ?? String(err.cause));
    }
    return err.exitCode;
  } finally {
    ctx.close();
    removeHandlers();
    out.finish();
  }
}

/** No command: the TUI on an interactive terminal (stdin and stdout); otherwise help and exit 2. */
export function dispatchDefault(program: Command): Promise<number> {
  if (Deno.stdin.isTerminal() && Deno.stdout.isTerminal()) {
    return dispatch(program, lazy("../tui/command.ts"));
  }
  Deno.stderr.writeSync(new TextEncoder().encode(program.helpInformation()));
  return Promise.resolve(2);
}
