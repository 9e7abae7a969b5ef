/**
 * An in-process S3 fake (fauxqs) on loopback, for `deno task demo` and for running the test
 * suite on a machine without Ceph RGW. It accepts any key and secret and cannot model
 * versioning, resume listings or signatures: tests that need those skip visibly on it.
 *
 * Run directly: `deno run -A tests/support/fauxqs_server.ts [PORT]` prints "ready <url>".
 *
 * @module
 */

import { startFauxqs } from "fauxqs";

/** A running fake S3 endpoint. */
export interface FakeS3 {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts fauxqs on 127.0.0.1 (`port` 0 picks a free port). */
export async function startFakeS3(port = 0): Promise<FakeS3> {
  const server = await startFauxqs({ port, host: "127.0.0.1", logger: false });
  return { endpoint: server.address, stop: () => server.stop() };
}

if (import.meta.main) {
  const s = await startFakeS3(Number(Deno.args[0] ?? 0));
  console.log(`ready ${s.endpoint}`);
  const stop = async () => {
    await s.stop();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
}
