/**
 * What the tmux end-to-end tests share: the skip rule (tmux and an S3 server are needed, the
 * skip is visible) and the check that the terminal was given back as it was.
 *
 * @module
 */

import { assertEquals } from "../../support/assert.ts";
import { type Capability, s3Test } from "../../support/test_env.ts";
import { hasTmux, type TmuxApp } from "./tmux.ts";

const TMUX = await hasTmux();

/**
 * Test options of an end-to-end test: skipped (visibly) without tmux, without an S3 server, or
 * when the server lacks one of `needs`.
 */
export function e2e(
  name: string,
  ...needs: Capability[]
): { name: string; ignore: boolean; sanitizeResources: boolean; sanitizeOps: boolean } {
  const s3 = s3Test(name, ...needs);
  return {
    name: TMUX ? s3.name : `${name} [skipped: tmux is not installed]`,
    ignore: !TMUX || s3.ignore,
    // the proxy's keep-alive sockets and tmux child processes are closed in finally blocks
    sanitizeResources: false,
    sanitizeOps: false,
  };
}

/** The terminal was given back as it was: modes, main screen, visible cursor. */
export async function assertTerminalRestored(app: TmuxApp): Promise<void> {
  const { before, after } = await app.stty();
  // the window size may change (resize test); every mode must be as it was
  const modes = (s: string) => s.replace(/rows \d+; columns \d+;/, "");
  assertEquals(modes(after), modes(before), "stty -a changed");
  assertEquals(await app.paneVar("alternate_on"), "0", "still in the alternate screen");
  assertEquals(await app.paneVar("cursor_flag"), "1", "the cursor is hidden");
}
