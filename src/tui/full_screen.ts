/**
 * Runs an Ink element full screen (alternate screen, raw keys, no Ctrl+C exit) and gives the
 * terminal back on every way out: a normal exit, an error thrown while rendering (React's error
 * boundary), an exception in a key handler or a rejected promise (the global error events),
 * and `Deno.exit` (the unload event).
 *
 * @module
 */

import type { ReactElement } from "react";
import { render } from "ink";

/** How a full-screen run ended. */
export interface FullScreenResult {
  /** True when the app crashed (the terminal was still restored). */
  crashed: boolean;
  /** The error that ended it. */
  error: unknown;
}

/** Renders `element` full screen until it exits or crashes. */
export async function runFullScreen(element: ReactElement): Promise<FullScreenResult> {
  let error: unknown = null;
  let crashed = false;
  const instance = render(element, {
    alternateScreen: true,
    exitOnCtrlC: false,
    // Ink renders only a final frame when it thinks it runs in CI (CI=true); this is a terminal.
    interactive: true,
    patchConsole: true,
    maxFps: 30,
  });
  const fail = (e: unknown) => {
    if (!crashed) error = e;
    crashed = true;
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
    if (!crashed) error = e;
    crashed = true;
  } finally {
    removeEventListener("error", onError);
    removeEventListener("unhandledrejection", onRejection);
    removeEventListener("unload", onUnload);
  }
  return { crashed, error };
}
