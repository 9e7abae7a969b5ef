/**
 * The six benchmark scenarios of the benchmark issue, each run for every tool on the same data,
 * alternating the tool order run by run.
 *
 * @module
 */

import { join } from "node:path";
import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { changeFraction, makeBigFile, makeTree } from "./fixtures.ts";
import { measure, type Measurement } from "./measure.ts";
import type { Target, Tool } from "./peers.ts";
import { startS3Proxy } from "../tests/support/s3_proxy.ts";

/** Fixture sizes. */
export interface Sizes {
  smallFiles: number;
  smallMin: number;
  smallMax: number;
  treeFiles: number;
  changeFraction: number;
  bigFile: number;
  runs: number;
}

/** One tool's figures in one scenario. */
export interface ScenarioResult {
  scenario: number;
  title: string;
  tool: string;
  wallMs: number[];
  peakRssMiB: number;
  /** Requests per S3 operation in one extra run through a counting proxy. */
  requests?: Record<string, number>;
  /** Runs that exited non-zero or produced the wrong number of objects/files. */
  failures: string[];
}

/** Inputs of {@link runScenarios}. */
export interface ScenarioOptions {
  tools: Tool[];
  target: Target;
  client: S3Client;
  sizes: Sizes;
  only?: Set<number>;
  /** Do the extra request-counting runs. */
  count: boolean;
  log: (message: string) => void;
}

async function countKeys(client: S3Client, bucket: string, prefix: string): Promise<number> {
  let n = 0;
  let token: string | undefined;
  do {
    const out = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix + "/", ContinuationToken: token }),
    );
    n += out.KeyCount ?? 0;
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return n;
}

async function deletePrefix(client: S3Client, bucket: string, prefix: string): Promise<void> {
  for (;;) {
    const out = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix + "/" }),
    );
    const keys = (out.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (keys.length === 0) return;
    await client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }),
    );
  }
}

async function countFiles(dir: string): Promise<number> {
  let n = 0;
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) n += await countFiles(join(dir, e.name));
    else if (e.isFile && !e.name.endsWith(".eigen-part")) n += 1;
  }
  return n;
}

function rotate<T>(items: T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** Runs the chosen scenarios; returns one result per scenario and tool. */
export async function runScenarios(o: ScenarioOptions): Promise<ScenarioResult[]> {
  const { tools, target, client, sizes, log } = o;
  const results: ScenarioResult[] = [];
  const want = (n: number) => !o.only || o.only.has(n);
  const result = (scenario: number, title: string, tool: Tool): ScenarioResult => {
    let r = results.find((x) => x.scenario === scenario && x.tool === tool.name);
    if (!r) {
      r = { scenario, title, tool: tool.name, wallMs: [], peakRssMiB: 0, failures: [] };
      results.push(r);
    }
    return r;
  };
  const record = (r: ScenarioResult, m: Measurement, ok: boolean, what: string) => {
    r.wallMs.push(m.wallMs);
    r.peakRssMiB = Math.max(r.peakRssMiB, m.peakRssMiB);
    if (m.code !== 0 || !ok) {
      r.failures.push(`${what}: exit ${m.code} ${m.stderrTail}`.slice(0, 300));
    }
    log(
      `  ${r.tool.padEnd(9)} ${what.padEnd(14)} ${(m.wallMs / 1000).toFixed(2)} s  ${
        m.peakRssMiB.toFixed(0)
      } MiB  exit ${m.code}${ok ? "" : " WRONG RESULT"}`,
    );
  };
  const counted = async (r: ScenarioResult, cmd: (endpoint: string) => string[], tool: Tool) => {
    if (!o.count) return;
    const proxy = await startS3Proxy(target.endpoint);
    try {
      const m = await measure(cmd(proxy.endpoint), tool.env);
      if (m.code !== 0) {
        r.failures.push(`counting run: exit ${m.code} ${m.stderrTail}`.slice(0, 300));
      }
      r.requests = proxy.counts();
    } finally {
      await proxy.close();
    }
  };

  const smallTree = join(target.workDir, "small-tree");
  const needSmall = want(1) || want(5) || want(6);
  if (needSmall) {
    const bytes = await makeTree(smallTree, sizes.smallFiles, sizes.smallMin, sizes.smallMax, 1);
    log(`fixture: ${sizes.smallFiles} files, ${(bytes / 1048576).toFixed(0)} MiB`);
  }

  if (want(1)) {
    const title = `initial backup, ${sizes.smallFiles} files of 4-64 KiB`;
    log(`scenario 1: ${title}`);
    for (let run = 0; run < sizes.runs; run++) {
      for (const tool of rotate(tools, run)) {
        const prefix = `s1/${tool.name}/r${run}`;
        const m = await measure(tool.backup(smallTree, prefix), tool.env);
        record(
          result(1, title, tool),
          m,
          (await countKeys(client, target.bucket, prefix)) === sizes.smallFiles,
          `run ${run + 1}`,
        );
        await deletePrefix(client, target.bucket, prefix);
      }
    }
    for (const tool of tools) {
      const prefix = `s1/${tool.name}/count`;
      await counted(result(1, title, tool), (ep) => tool.backup(smallTree, prefix, ep), tool);
      await deletePrefix(client, target.bucket, prefix);
    }
  }

  if (want(2) || want(3)) {
    const tree = join(target.workDir, "big-tree");
    const bytes = await makeTree(tree, sizes.treeFiles, sizes.smallMin, sizes.smallMax, 2);
    log(
      `fixture: ${sizes.treeFiles} files, ${
        (bytes / 1048576).toFixed(0)
      } MiB; initial sync of each tool (not timed)`,
    );
    for (const tool of tools) {
      const m = await measure(tool.backup(tree, `s2/${tool.name}`), tool.env);
      log(
        `  ${tool.name.padEnd(9)} setup          ${(m.wallMs / 1000).toFixed(2)} s  exit ${m.code}`,
      );
    }
    if (want(2)) {
      const title = `no-change rerun, ${sizes.treeFiles} files`;
      log(`scenario 2: ${title}`);
      for (let run = 0; run < sizes.runs; run++) {
        for (const tool of rotate(tools, run)) {
          const m = await measure(tool.backup(tree, `s2/${tool.name}`), tool.env);
          record(result(2, title, tool), m, true, `run ${run + 1}`);
        }
      }
      for (const tool of tools) {
        await counted(
          result(2, title, tool),
          (ep) => tool.backup(tree, `s2/${tool.name}`, ep),
          tool,
        );
      }
    }
    if (want(3)) {
      const title = `rerun after ${
        (sizes.changeFraction * 100).toFixed(0)
      }% changed, ${sizes.treeFiles} files`;
      log(`scenario 3: ${title}`);
      for (let run = 0; run < sizes.runs; run++) {
        await changeFraction(tree, sizes.treeFiles, sizes.changeFraction, run);
        for (const tool of rotate(tools, run)) {
          const m = await measure(tool.backup(tree, `s2/${tool.name}`), tool.env);
          record(result(3, title, tool), m, true, `run ${run + 1}`);
        }
      }
      await changeFraction(tree, sizes.treeFiles, sizes.changeFraction, 99);
      for (const tool of tools) {
        await counted(
          result(3, title, tool),
          (ep) => tool.backup(tree, `s2/${tool.name}`, ep),
          tool,
        );
      }
    }
    for (const tool of tools) await deletePrefix(client, target.bucket, `s2/${tool.name}`);
    await Deno.remove(tree, { recursive: true });
  }

  if (want(4)) {
    const dir = join(target.workDir, "big-file");
    await makeBigFile(join(dir, "video.mov"), sizes.bigFile, 4);
    const title = `one ${(sizes.bigFile / 1048576).toFixed(0)} MiB file`;
    log(`scenario 4: ${title}`);
    for (let run = 0; run < sizes.runs; run++) {
      for (const tool of rotate(tools, run)) {
        const prefix = `s4/${tool.name}/r${run}`;
        const m = await measure(tool.backup(dir, prefix), tool.env);
        record(
          result(4, title, tool),
          m,
          (await countKeys(client, target.bucket, prefix)) === 1,
          `run ${run + 1}`,
        );
        await deletePrefix(client, target.bucket, prefix);
      }
    }
    await Deno.remove(dir, { recursive: true });
  }

  if (want(5) || want(6)) {
    const eigen = tools.find((t) => t.name === "eigen-s3") ?? tools[0]!;
    const seeded = await measure(eigen.backup(smallTree, "s5/src"), eigen.env);
    if (seeded.code !== 0) log(`  seeding s5/src with ${eigen.name} failed: ${seeded.stderrTail}`);
  }
  if (want(5)) {
    const title = `restore ${sizes.smallFiles} files into an empty folder`;
    log(`scenario 5: ${title}`);
    for (let run = 0; run < sizes.runs; run++) {
      for (const tool of rotate(tools, run)) {
        const dst = join(target.workDir, "restore", `${tool.name}-r${run}`);
        await Deno.mkdir(dst, { recursive: true });
        const m = await measure(tool.restore("s5/src", dst), tool.env);
        record(
          result(5, title, tool),
          m,
          (await countFiles(dst)) === sizes.smallFiles,
          `run ${run + 1}`,
        );
        await Deno.remove(dst, { recursive: true });
      }
    }
    for (const tool of tools) {
      const dst = join(target.workDir, "restore", `${tool.name}-count`);
      await Deno.mkdir(dst, { recursive: true });
      await counted(result(5, title, tool), (ep) => tool.restore("s5/src", dst, ep), tool);
      await Deno.remove(dst, { recursive: true });
    }
  }
  if (want(6)) {
    log("scenario 6: cold start (--help, ls)");
    const runs = Math.max(5, sizes.runs);
    for (let run = 0; run < runs; run++) {
      for (const tool of rotate(tools, run)) {
        record(
          result(6, "cold start: --help", { ...tool, name: `${tool.name}` }),
          await measure(tool.help(), tool.env),
          true,
          `help ${run + 1}`,
        );
        record(
          result(7, "cold start: ls of a prefix", tool),
          await measure(tool.ls("s5/src"), tool.env),
          true,
          `ls ${run + 1}`,
        );
      }
    }
  }
  return results;
}
