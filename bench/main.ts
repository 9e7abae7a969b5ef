/**
 * `deno task bench [--quick] [--runs N] [--only 1,2,...] [--tools eigen-s3,rclone,...] [--out FILE]`
 *
 * Runs eigen-s3 and the installed peers (rclone, aws-cli, s3cmd) on the same deterministic data
 * against the same S3 server in the same run, alternating tools run by run, and reports the
 * median wall time, peak RSS, requests per operation (one extra run through a counting proxy)
 * and the ratio eigen-s3 / best peer. Uses RGW on 127.0.0.1:7480 (or EIGEN_BENCH_ENDPOINT),
 * starting one with tests/support/rgw.sh when none answers.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { awsTool, eigenTool, rcloneTool, s3cmdTool, type Target, type Tool } from "./peers.ts";
import { median } from "./measure.ts";
import { runScenarios, type ScenarioResult, type Sizes } from "./scenarios.ts";
import { renderTable } from "./report.ts";

const USAGE =
  `usage: deno task bench [--quick] [--runs N] [--only 1,2,...] [--tools LIST] [--out FILE] [--no-count]

  --quick      small sizes (400 files, 2,000-file tree, 128 MiB), one run: a smoke test
  --runs N     runs per tool and scenario (default 3; the median is reported)
  --only LIST  scenarios to run, e.g. 1,4 (1 initial, 2 no-change, 3 one-percent changed,
               4 large file, 5 restore, 6 startup)
  --tools LIST tools to run: eigen-s3,rclone,aws-cli,s3cmd (default: all that are installed)
  --out FILE   JSON report path (default .bench-out/bench-quick.json or bench-full.json)
  --no-count   skip the extra run through the request-counting proxy

Server: EIGEN_BENCH_ENDPOINT (default http://127.0.0.1:7480); a Ceph RGW is started with
tests/support/rgw.sh when none answers.`;

function parseCli() {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        help: { type: "boolean", short: "h", default: false },
        quick: { type: "boolean", default: false },
        runs: { type: "string" },
        only: { type: "string" },
        tools: { type: "string" },
        out: { type: "string" },
        "no-count": { type: "boolean", default: false },
      },
    }).values;
  } catch (err) {
    usageError(err instanceof Error ? err.message : String(err));
  }
}

const args = parseCli();
if (args.help) {
  console.log(USAGE);
  Deno.exit(0);
}

const ACCESS = Deno.env.get("EIGEN_BENCH_ACCESS_KEY") ?? "TESTACCESSKEY0000000";
const SECRET = Deno.env.get("EIGEN_BENCH_SECRET_KEY") ??
  "testsecretkey0000000000000000000000000000";
const RGW_SCRIPT = new URL("../tests/support/rgw.sh", import.meta.url).pathname;

async function reachable(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await r.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

let endpoint = Deno.env.get("EIGEN_BENCH_ENDPOINT") ?? "http://127.0.0.1:7480";
let startedRgw: string | undefined;
if (!(await reachable(endpoint))) {
  startedRgw = await Deno.makeTempDir({ prefix: "eigen-bench-rgw-" });
  console.error(`starting Ceph RGW for the benchmark (${RGW_SCRIPT})`);
  const out = await new Deno.Command(RGW_SCRIPT, { args: ["start"], env: { RGW_BASE: startedRgw } })
    .output();
  if (out.code !== 0) {
    console.error(new TextDecoder().decode(out.stderr));
    console.error("no S3 server: install ceph-mon ceph-osd radosgw or set EIGEN_BENCH_ENDPOINT");
    Deno.exit(1);
  }
  endpoint = "http://127.0.0.1:7480";
}

const quick = args.quick === true;
const sizes: Sizes = quick
  ? {
    smallFiles: 400,
    smallMin: 4096,
    smallMax: 65536,
    treeFiles: 2000,
    changeFraction: 0.01,
    bigFile: 128 * 1024 * 1024,
    runs: 1,
  }
  : {
    smallFiles: 5000,
    smallMin: 4096,
    smallMax: 65536,
    treeFiles: 20000,
    changeFraction: 0.01,
    bigFile: 1024 * 1024 * 1024,
    runs: 3,
  };
function usageError(message: string): never {
  console.error(`bench: ${message}\n\n${USAGE}`);
  Deno.exit(2);
}
if (args.runs !== undefined) {
  const runs = Number(args.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    usageError(`--runs must be a whole number >= 1, got "${args.runs}"`);
  }
  sizes.runs = runs;
}
const TOOL_NAMES = ["eigen-s3", "rclone", "aws-cli", "s3cmd"];
const unknownTool = args.tools?.split(",").find((t) => !TOOL_NAMES.includes(t));
if (unknownTool !== undefined) {
  usageError(`unknown tool "${unknownTool}" in --tools; choose from ${TOOL_NAMES.join(", ")}`);
}
const only = args.only ? new Set(args.only.split(",").map(Number)) : undefined;
if (only && [...only].some((n) => !Number.isInteger(n) || n < 1 || n > 6)) {
  usageError(`--only takes scenario numbers 1 to 6, got "${args.only}"`);
}

const workDir = await Deno.makeTempDir({ prefix: "eigen-bench-" });
const bucket = `bench-${Date.now().toString(36)}`;
const client = new S3Client({
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: ACCESS, secretAccessKey: SECRET },
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});
await client.send(new CreateBucketCommand({ Bucket: bucket }));
const target: Target = {
  endpoint,
  bucket,
  accessKey: ACCESS,
  secretKey: SECRET,
  concurrency: 8,
  workDir,
};
const all: Array<Tool | null> = [
  await eigenTool(target),
  await rcloneTool(target),
  await awsTool(target),
  await s3cmdTool(target),
];
const wanted = args.tools ? new Set(args.tools.split(",")) : undefined;
const tools = all.filter((t): t is Tool => t !== null && (!wanted || wanted.has(t.name)));
if (tools.length === 0) usageError(`no installed tool matches --tools "${args.tools}"`);
console.error(
  `benchmark: ${quick ? "quick" : "full"} mode, ${sizes.runs} run(s) each, tools: ${
    tools.map((t) => t.name).join(", ")
  }`,
);
console.error(`server: ${endpoint}, bucket ${bucket}, work dir ${workDir}`);

let results: ScenarioResult[] = [];
try {
  results = await runScenarios({
    tools,
    target,
    client,
    sizes,
    only,
    count: args["no-count"] !== true,
    log: (m) => console.error(m),
  });
} finally {
  client.destroy();
  await Deno.remove(workDir, { recursive: true }).catch(() => {});
  if (startedRgw) {
    await new Deno.Command(RGW_SCRIPT, { args: ["stop"], env: { RGW_BASE: startedRgw } }).output();
  }
}

console.log(renderTable(results));
const outFile = args.out ??
  join(
    new URL("../.bench-out/", import.meta.url).pathname,
    `bench-${quick ? "quick" : "full"}.json`,
  );
await Deno.mkdir(join(outFile, ".."), { recursive: true });
await Deno.writeTextFile(
  outFile,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      mode: quick ? "quick" : "full",
      sizes,
      machine: { cpus: navigator.hardwareConcurrency, os: Deno.build.os, deno: Deno.version.deno },
      results: results.map((r) => ({ ...r, median_ms: median(r.wallMs) })),
    },
    null,
    2,
  ) + "\n",
);
console.log(`\nJSON: ${outFile}`);
