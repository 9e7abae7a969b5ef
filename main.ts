/**
 * eigen-s3: archival backups to S3-compatible storage.
 * Entry point of the CLI and (with no command on a terminal) the full-screen UI.
 *
 * @module
 */

import { runCli } from "./src/cli/app.ts";

if (import.meta.main) {
  const code = await runCli(Deno.args);
  Deno.exit(code);
}
