/**
 * The embedded S3 server: fauxqs (in-process, in memory) behind a thin shim (fauxqs_shim.ts) that
 * lists in byte order, answers ListObjectVersions/ListMultipartUploads/ListParts from what it
 * stores, checks Content-MD5, and refuses (501) what it cannot model. Used by `deno task demo`
 * and by the test suite on a machine without Ceph RGW. It accepts any key and secret, and has no
 * versioning, object lock or storage classes: tests that need those skip visibly on it (see
 * `needs` in test_env.ts).
 *
 * Run directly: `deno run -A tests/support/fauxqs_server.ts [PORT]` prints "ready <url>".
 *
 * @module
 */

import { buildApp } from "fauxqs";
import { createShimStore, installShim } from "./fauxqs_shim.ts";

/** A running embedded S3 endpoint. */
export interface FakeS3 {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts the embedded server on 127.0.0.1 (`port` 0 picks a free port). */
export async function startFakeS3(port = 0): Promise<FakeS3> {
  const s3Store = await createShimStore();
  const app = buildApp({ logger: false, stores: { s3Store } as never });
  installShim(app, s3Store);
  const address: string = await app.listen({ port, host: "127.0.0.1" });
  return { endpoint: address.replace("localhost", "127.0.0.1"), stop: () => app.close() };
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
