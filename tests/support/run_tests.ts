/**
 * `deno task test`: runs the whole suite against a real S3 server when one is up (Ceph RGW on
 * 127.0.0.1:7480, or EIGEN_TEST_S3_ENDPOINT), otherwise starts an in-process fauxqs fake and
 * runs the suite against it (tests that need a real server skip visibly).
 *
 * Extra arguments are passed to `deno test` (e.g. a file or `--filter NAME`).
 *
 * @module
 */

const RGW = "http://127.0.0.1:7480";

async function reachable(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

const env: Record<string, string> = {};
let fake: Deno.ChildProcess | undefined;
const given = Deno.env.get("EIGEN_TEST_S3_ENDPOINT");
if (given) {
  console.error(
    `test server: ${given} (from EIGEN_TEST_S3_ENDPOINT, kind ${
      Deno.env.get("EIGEN_TEST_S3_KIND") ?? "rgw"
    })`,
  );
} else if (await reachable(RGW)) {
  env.EIGEN_TEST_S3_ENDPOINT = RGW;
  env.EIGEN_TEST_S3_KIND = "rgw";
  console.error(`test server: Ceph RGW at ${RGW}`);
} else {
  fake = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./fauxqs_server.ts", import.meta.url).pathname, "0"],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = fake.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  reader.releaseLock();
  const m = /ready (\S+)/.exec(text);
  if (!m) {
    console.error("could not start the fauxqs fake S3 server");
    Deno.exit(1);
  }
  env.EIGEN_TEST_S3_ENDPOINT = m[1]!;
  env.EIGEN_TEST_S3_KIND = "fauxqs";
  console.error(
    `test server: no RGW on ${RGW}; using the fauxqs fake at ${m[1]} (RGW-only tests are skipped)`,
  );
}

const args = Deno.args.length > 0 ? Deno.args : ["tests/"];
const test = new Deno.Command(Deno.execPath(), {
  args: ["test", "-A", "--sanitize-ops", "--sanitize-resources", ...args],
  env,
  stdin: "null",
  stdout: "inherit",
  stderr: "inherit",
});
const { code } = await test.output();
if (fake) {
  fake.kill("SIGTERM");
  await fake.status;
}
Deno.exit(code);
