/**
 * `deno task test [ARGS]`: the whole suite, on whatever this machine has, with no manual step.
 *
 * The S3 server under test, first match wins:
 * 1. EIGEN_TEST_S3_ENDPOINT (kind EIGEN_TEST_S3_KIND, default rgw): that server;
 * 2. Ceph RGW installed (radosgw, ceph-mon, ceph-osd on PATH): a throw-away RGW started with
 *    tests/support/rgw.sh on free ports in a temp dir, stopped at the end (also on Ctrl+C);
 * 3. otherwise the embedded fauxqs server (fauxqs_server.ts), in this process.
 * Tests that need what the server cannot model are skipped by name (test_env.ts `s3Test`).
 *
 * Then an AWS-semantics pass of the tests declared with `awsTest` (aws_env.ts), against
 * EIGEN_TEST_AWS_ENDPOINT or a moto server started here when `python3 -m moto.server` runs.
 *
 * The first line names the servers and what is skipped; the last lines count the skipped tests
 * by reason and end with `summary: N passed, N failed, N skipped`. ARGS go to `deno test`
 * (e.g. a file, or `--filter NAME`). EIGEN_TEST_NO_RGW=1 / EIGEN_TEST_NO_MOTO=1 pretend RGW or
 * moto are not installed.
 *
 * @module
 */

import { relative } from "node:path";
import { SERVER_CAPABILITIES } from "./test_env.ts";
import { type DenoTestResult, runDenoTest } from "./test_output.ts";
import {
  motoVersion,
  rgwMissing,
  startEmbedded,
  startMoto,
  startRgw,
  type TestServer,
} from "./test_servers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const started: TestServer[] = [];
let stopping = false;
const interrupt = new AbortController();

let stopped: Promise<void> | undefined;
/** Stops what this run started, once; every caller waits for the same stop. */
function stopAll(): Promise<void> {
  stopped ??= (async () => {
    for (const s of started.splice(0).reverse()) await s.stop().catch(() => {});
  })();
  return stopped;
}

for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  Deno.addSignalListener(sig, async () => {
    if (stopping) return;
    stopping = true;
    interrupt.abort();
    console.error(`\ntest runner: ${sig}, stopping the servers it started`);
    await stopAll();
    Deno.exit(130);
  });
}

/** Test files under `paths` that declare AWS-semantics tests (awsTest). */
async function awsFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    for await (const e of Deno.readDir(dir)) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory && e.name !== "node_modules") await walk(p);
      else if (/_test\.tsx?$/.test(e.name) && (await Deno.readTextFile(p)).includes("awsTest(")) {
        out.push(p);
      }
    }
  }
  await walk(`${ROOT}tests`);
  const wanted = paths.map((p) => new URL(p, `file://${Deno.cwd()}/`).pathname.replace(/\/$/, ""));
  return out.filter((f) => wanted.some((w) => f === w || f.startsWith(`${w}/`)))
    .map((f) => relative(Deno.cwd(), f)).sort();
}

const KIND_NAMES: Record<string, string> = {
  rgw: "Ceph RGW",
  embedded: "embedded fauxqs",
  moto: "moto",
  aws: "AWS",
};

let code = 1;
try {
  const env: Record<string, string> = {};
  const givenKind = Deno.env.get("EIGEN_TEST_S3_KIND") ?? "rgw";
  const kind = givenKind === "fauxqs" ? "embedded" : givenKind;
  let main: TestServer;
  const given = Deno.env.get("EIGEN_TEST_S3_ENDPOINT");
  const noRgw = rgwMissing();
  if (given) {
    const name = KIND_NAMES[kind] ?? `kind ${kind}`;
    main = {
      endpoint: given,
      label: `${name} at ${given.replace(/^https?:\/\//, "")} (EIGEN_TEST_S3_ENDPOINT)`,
      stop: () => Promise.resolve(),
    };
    env.EIGEN_TEST_S3_KIND = kind;
  } else if (noRgw === null) {
    main = await startRgw((stop) => started.push({ endpoint: "", label: "RGW", stop }));
    env.EIGEN_TEST_S3_KIND = "rgw";
  } else {
    main = await startEmbedded(noRgw);
    started.push(main);
    env.EIGEN_TEST_S3_KIND = "embedded";
  }
  env.EIGEN_TEST_S3_ENDPOINT = main.endpoint;

  const args = Deno.args.length > 0 ? Deno.args : ["tests/"];
  const paths = args.filter((a) => !a.startsWith("-"));
  const awsTests = await awsFiles(paths.length ? paths : ["tests/"]);
  let aws: TestServer | null = null;
  let noAws = "";
  const givenAws = Deno.env.get("EIGEN_TEST_AWS_ENDPOINT");
  if (awsTests.length === 0) {
    noAws = "no AWS-semantics test selected";
  } else if (givenAws) {
    aws = {
      endpoint: givenAws,
      label: `AWS pass on ${givenAws} (EIGEN_TEST_AWS_ENDPOINT)`,
      stop: () => Promise.resolve(),
    };
  } else {
    const version = await motoVersion();
    if (version) {
      aws = startMoto(version); // imports while the main pass runs
      started.push(aws);
      env.EIGEN_TEST_AWS_KIND = "moto";
    } else {
      noAws = Deno.env.get("EIGEN_TEST_NO_MOTO") === "1"
        ? "EIGEN_TEST_NO_MOTO=1"
        : "moto not installed";
    }
  }

  const caps = Deno.env.get("EIGEN_TEST_S3_CAPS")?.split(",") ??
    SERVER_CAPABILITIES[env.EIGEN_TEST_S3_KIND!];
  const mainCaps = ["signatures", "versioning", "object-lock", "lifecycle", "rgw"];
  const lacking = mainCaps.filter((c) => !((caps ?? []) as string[]).includes(c));
  const skips = [
    ...(lacking.length ? [`tests that need ${lacking.join(", ")}`] : []),
    ...(aws || awsTests.length === 0 ? [] : [`the AWS-semantics tests (${noAws})`]),
  ];
  console.log(
    `test servers: ${main.label}, ${aws ? aws.label : `no AWS pass (${noAws})`}; skipped: ${
      skips.length ? skips.join("; ") : "none"
    }`,
  );

  const results: DenoTestResult[] = [];
  // the AWS tests appear in the main pass as placeholders only when their own pass follows
  results.push(
    await runDenoTest(
      args,
      { ...env, ...(aws ? { EIGEN_TEST_AWS_PASS: "later" } : {}) },
      interrupt.signal,
    ),
  );
  if (stopping) await new Promise(() => {}); // interrupted: the signal handler stops and exits
  if (aws) {
    const files = awsTests;
    if (files.length > 0) {
      await aws.ready;
      console.log(`\nAWS-semantics pass on ${aws.endpoint}: ${files.join(" ")}`);
      results.push(
        await runDenoTest(["--filter", "[aws]", ...files], {
          ...env,
          EIGEN_TEST_AWS_ENDPOINT: aws.endpoint,
          EIGEN_TEST_AWS_KIND: env.EIGEN_TEST_AWS_KIND ?? Deno.env.get("EIGEN_TEST_AWS_KIND") ??
            "aws",
        }, interrupt.signal),
      );
    }
  }

  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const skipped = results.flatMap((r) => r.skipped);
  const unexplained = results.reduce((n, r) => n + r.unexplained, 0);
  const byReason = new Map<string, number>();
  for (const s of skipped) {
    const why = s.reason.split("; ")[0]!; // "needs versioning; the embedded fauxqs server"
    byReason.set(why, (byReason.get(why) ?? 0) + 1);
  }
  console.log("");
  if (skipped.length > 0) {
    console.log(`skipped tests (${skipped.length}), by name:`);
    for (const s of skipped) console.log(`  - ${s.name}  [${s.reason}]`);
  }
  console.log(`test servers: ${main.label}${aws ? `, ${aws.label}` : ""}`);
  const reasons = [...byReason].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} (${n})`);
  console.log(`skipped ${skipped.length}${reasons.length ? `: ${reasons.join(", ")}` : ""}`);
  if (unexplained > 0) console.log(`ignored without a stated reason: ${unexplained}`);
  const ok = results.every((r) => r.code === 0) && failed === 0;
  console.log(`summary: ${passed} passed, ${failed} failed, ${skipped.length} skipped`);
  code = ok ? 0 : results.find((r) => r.code !== 0)?.code ?? 1;
} catch (e) {
  console.error(`test runner: ${e instanceof Error ? e.message : e}`);
  code = 1;
} finally {
  await stopAll();
}
Deno.exit(code);
