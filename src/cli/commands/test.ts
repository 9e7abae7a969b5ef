/**
 * `eigen-s3 test`: connection and bucket access (S3ConnectionStatus); the exit code says why
 * it failed (5 credentials, 6 bucket, 7 network).
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { testConnection } from "../../engine/s3/connection.ts";
import { connect } from "./common.ts";

/** Runs test. */
export default async function test(ctx: CliContext): Promise<number> {
  const s3 = await connect(ctx);
  const { status, error } = await testConnection(
    s3.client,
    s3.settings.bucket,
    s3.settings.endpoint,
    ctx.signal,
  );
  const where = s3.settings.endpoint ?? "AWS S3";
  ctx.out.result(
    "test",
    status,
    () =>
      status.bucket_accessible
        ? `OK: connected to ${where}; bucket '${s3.settings.bucket}' is accessible (credentials: ${s3.settings.credentialSource}).`
        : `FAILED: ${status.connected ? "connected, but " : ""}${status.error_message}`,
  );
  return error ? error.exitCode : 0;
}
