/**
 * A tiny full-screen app for the crash tests: `deno run -A crash_app.tsx MODE`, where MODE is
 * "key" (an exception in a key handler), "render" (an exception while rendering) or
 * "promise" (an unhandled rejection). Press x to crash, q to quit normally.
 *
 * @module
 */

import { Text, useApp, useInput } from "ink";
import { createElement, useState } from "react";
import { runFullScreen } from "../../../src/tui/full_screen.ts";

const mode = Deno.args[0] ?? "key";

function Crasher() {
  const [boom, setBoom] = useState(false);
  const { exit } = useApp();
  useInput((input) => {
    if (input === "q") exit();
    if (input !== "x") return;
    if (mode === "key") throw new Error("boom in a key handler");
    if (mode === "promise") void Promise.reject(new Error("boom in a promise"));
    if (mode === "render") setBoom(true);
  });
  if (boom) throw new Error("boom while rendering");
  return <Text>crash test ({mode}): press x</Text>;
}

const result = await runFullScreen(createElement(Crasher));
console.error(result.crashed ? `crashed: ${(result.error as Error)?.message}` : "clean exit");
Deno.exit(result.crashed ? 1 : 0);
