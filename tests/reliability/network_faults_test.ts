/**
 * Scenario 1: the network misbehaves. Backups, reruns, restores and verifies run through the
 * fault-injecting proxy (connection resets, 503 SlowDown with Retry-After, latency, bodies cut
 * midway, responses lost after the server acted) and must still finish with every object intact,
 * the restored tree byte-identical and no multipart upload left open.
 */

import { join } from "node:path";
import { assertEquals, assertOk } from "../support/assert.ts";
import {
  createTestBucket,
  rawClient,
  rgwOnly,
  runCli,
  S3_ENDPOINT,
  s3Test,
  sandbox,
  writeFile,
} from "../support/test_env.ts";
import { type FaultRule, type RequestInfo, startS3Proxy } from "../support/s3_proxy.ts";
import {
  cliEnv,
  describeFaults,
  lastJson,
  md5Hex,
  MiB,
  mib,
  openUploads,
  seededBytes,
  seededRandom,
  snapshotTree,
  storedObjects,
  summary,
} from "../support/reliability.ts";

/** Writes a seeded tree: `small` files of 0-32 KiB in 40 folders plus multipart-sized ones. */
async function seededTree(
  root: string,
  seed: number,
  small: number,
  bigSizes: number[],
): Promise<Map<string, string>> {
  const random = seededRandom(seed);
  const md5s = new Map<string, string>();
  for (let i = 0; i < small; i++) {
    const rel = `d${String(i % 40).padStart(2, "0")}/f${String(i).padStart(5, "0")}.dat`;
    const bytes = seededBytes(Math.floor(random() * 32 * 1024), seed * 100_000 + i);
    await writeFile(join(root, rel), bytes);
    md5s.set(rel, md5Hex(bytes));
  }
  for (const [i, size] of bigSizes.entries()) {
    const rel = `big/video${i}.mp4`;
    const bytes = seededBytes(size, seed * 100_000 + 90_000 + i);
    await writeFile(join(root, rel), bytes);
    md5s.set(rel, md5Hex(bytes));
  }
  return md5s;
}

/** Asserts that the objects under `prefix` are exactly `expected` (rel path -> MD5). */
async function assertStoredExactly(
  raw: ReturnType<typeof rawClient>,
  bucket: string,
  prefix: string,
  expected: Map<string, string>,
): Promise<number> {
  const stored = await storedObjects(raw, bucket, prefix);
  assertEquals([...stored.keys()].sort(), [...expected.keys()].map((k) => prefix + k).sort());
  let bytes = 0;
  for (const [rel, md5] of expected) {
    const o = stored.get(prefix + rel)!;
    assertEquals(o.md5, md5, `bytes of ${rel}`);
    assertEquals(o.metaMd5, md5, `md5chksum metadata of ${rel}`);
    bytes += o.size;
  }
  return bytes;
}

const isMutation = (r: RequestInfo) =>
  ["PutObject", "UploadPart", "CreateMultipartUpload", "CompleteMultipartUpload", "DeleteObjects"]
    .includes(r.op);

Deno.test(
  s3Test(
    "faults: 2,000 files back up, rerun, restore and verify through resets, SlowDown and latency",
  ),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "relnet");
    const box = await sandbox();
    const rules: FaultRule[] = [
      { action: "reset", fraction: 0.05 },
      { action: "slowdown", fraction: 0.05, retryAfter: 1 },
      { action: "latency", ms: 20 },
    ];
    const proxy = await startS3Proxy(S3_ENDPOINT!, { rules, seed: 1 });
    try {
      const src = join(box.home, "Photos");
      const expected = await seededTree(src, 1, 1996, [9 * MiB, 12 * MiB, 17 * MiB, 20 * MiB]);
      assertEquals(expected.size, 2000);
      const env = cliEnv(box, proxy.endpoint);
      const timings: string[] = [];
      const cli = async (args: string[]) => {
        const t0 = performance.now();
        const r = await runCli(["--json", "--bucket", bucket.name, ...args], env);
        timings.push(`${args[0]} ${((performance.now() - t0) / 1000).toFixed(1)}s`);
        return r;
      };

      const first = await cli(["backup", src, "Photos"]);
      assertEquals(first.code, 0, first.stdout.slice(-2000) + first.stderr);
      const report = lastJson(first.stdout).result as Record<string, unknown>;
      assertEquals([report.files_uploaded, report.errors], [2000, []]);
      const backupFaults = describeFaults(proxy.faults());
      const backupRequests = proxy.requests.length;
      const bytes = await assertStoredExactly(raw, bucket.name, "Photos/", expected);
      assertEquals(await openUploads(raw, bucket.name), [], "no multipart upload left open");

      proxy.clear();
      const rerun = await cli(["backup", src, "Photos"]);
      assertEquals(rerun.code, 0, rerun.stdout.slice(-2000) + rerun.stderr);
      const again = lastJson(rerun.stdout).result as Record<string, unknown>;
      assertEquals([again.files_uploaded, again.files_skipped], [0, 2000]);
      const rerunFaults = describeFaults(proxy.faults());

      proxy.clear();
      proxy.setRules([
        { action: "cut-body", fraction: 0.05, match: (r) => r.op === "GetObject" },
        ...rules,
      ]);
      const dest = join(box.home, "restored");
      // d00-d09 and big/ (504 files, the four multipart-sized ones included) keep CI time down.
      const restore = await cli(["restore", "Photos", dest, "--exclude", "d[123]?"]);
      assertEquals(restore.code, 0, restore.stdout.slice(-2000) + restore.stderr);
      const snap = await snapshotTree(dest);
      const files = [...snap].filter(([, e]) => e.kind === "file");
      const wanted = [...expected.keys()].filter((rel) => !/^d[123]/.test(rel)).sort();
      assertEquals(files.map(([rel]) => rel).sort(), wanted, "only final files, no .eigen-part");
      for (const [rel, e] of files) assertEquals(e.md5, expected.get(rel), `restored ${rel}`);
      const restoreFaults = describeFaults(proxy.faults());

      proxy.clear();
      proxy.setRules(rules);
      const verify = await cli(["verify", src, "Photos"]);
      assertEquals(verify.code, 0, verify.stdout.slice(-2000) + verify.stderr);
      const verifyFaults = describeFaults(proxy.faults());

      const total = backupFaults.total + rerunFaults.total + restoreFaults.total +
        verifyFaults.total;
      await summary(
        "1 network faults",
        `faults injected: ${total} (backup: ${backupFaults.text} over ${backupRequests} requests; rerun: ${rerunFaults.text}; restore: ${restoreFaults.text}; verify: ${verifyFaults.text}), files verified: 2000 stored, ${files.length} restored, 2000 verified, bytes: ${
          mib(bytes)
        } stored and read back`,
        { faults: total, files: 2000, restored: files.length, bytes, timings },
      );
      assertOk(backupFaults.total > 100, "faults were really injected");
      console.log(timings.join(", "));
    } finally {
      await proxy.close();
      await bucket.drop();
      raw.destroy();
      await box.cleanup();
    }
  },
);

Deno.test(
  rgwOnly(
    "faults: responses lost after the server acted (PUT, parts, create, complete, delete) change nothing",
  ),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "reldrop");
    const box = await sandbox();
    const rules: FaultRule[] = [{ action: "drop-response", fraction: 0.15, match: isMutation }];
    const proxy = await startS3Proxy(S3_ENDPOINT!, { rules, seed: 2 });
    try {
      const src = join(box.home, "Docs");
      const expected = await seededTree(src, 2, 300, [9 * MiB, 10 * MiB, 11 * MiB, 13 * MiB]);
      const env = cliEnv(box, proxy.endpoint);
      const cli = (args: string[]) => runCli(["--json", "--bucket", bucket.name, ...args], env);
      const first = await cli(["backup", src, "Docs"]);
      assertEquals(first.code, 0, first.stdout.slice(-3000) + first.stderr);
      let bytes = await assertStoredExactly(raw, bucket.name, "Docs/", expected);
      assertEquals(await openUploads(raw, bucket.name), [], "no multipart upload left open");
      const faultsFirst = describeFaults(proxy.faults());

      // Change a third of the files, delete 20 (through --delete), and back up again.
      proxy.clear();
      const random = seededRandom(22);
      let n = 0;
      for (const rel of [...expected.keys()]) {
        const roll = random();
        if (roll < 0.3 || rel.startsWith("big/video1")) {
          const bytes = seededBytes(rel.startsWith("big/") ? 9 * MiB + n : 1000 + n, 7000 + n);
          await Deno.writeFile(join(src, rel), bytes);
          expected.set(rel, md5Hex(bytes));
        } else if (roll > 0.93 && n < 20 && !rel.startsWith("big/")) {
          await Deno.remove(join(src, rel));
          expected.delete(rel);
        }
        n++;
      }
      const second = await cli(["backup", src, "Docs", "--delete"]);
      assertEquals(second.code, 0, second.stdout.slice(-3000) + second.stderr);
      bytes += await assertStoredExactly(raw, bucket.name, "Docs/", expected);
      assertEquals(await openUploads(raw, bucket.name), [], "no multipart upload left open");
      const faultsSecond = describeFaults(proxy.faults());
      await summary(
        "1b lost responses",
        `faults injected: ${
          faultsFirst.total + faultsSecond.total
        } (first run: ${faultsFirst.text}; changes and --delete: ${faultsSecond.text}), files verified: ${expected.size} twice, bytes: ${
          mib(bytes)
        }, open multipart uploads left: 0`,
        { faults: faultsFirst.total + faultsSecond.total, files: expected.size * 2, bytes },
      );
    } finally {
      await proxy.close();
      await bucket.drop();
      raw.destroy();
      await box.cleanup();
    }
  },
);

Deno.test(
  s3Test("faults: a lost CreateMultipartUpload answer leaves no orphaned upload (put and backup)"),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "relcreate");
    const box = await sandbox();
    // The first CreateMultipartUpload reaches the server, which creates an upload, but its answer
    // is lost: the retry creates a second one. Only the second is ever completed.
    let dropped = 0;
    const firstCreate = (r: RequestInfo) => r.op === "CreateMultipartUpload" && dropped++ === 0;
    const proxy = await startS3Proxy(S3_ENDPOINT!, {
      rules: [{ action: "drop-response", match: firstCreate }],
    });
    try {
      const env = cliEnv(box, proxy.endpoint);
      const bytes = seededBytes(9 * MiB, 5);
      await writeFile(join(box.home, "in", "big.bin"), bytes);
      const put = await runCli(
        ["--json", "--bucket", bucket.name, "put", join(box.home, "in", "big.bin"), "one/big.bin"],
        env,
      );
      assertEquals(put.code, 0, put.stdout + put.stderr);
      assertEquals(proxy.counts().CreateMultipartUpload, 2, "the lost create was retried");
      assertEquals(await openUploads(raw, bucket.name), [], "put: no orphan");

      dropped = 0;
      proxy.clear();
      const backup = await runCli(
        ["--json", "--bucket", bucket.name, "backup", join(box.home, "in"), "two"],
        env,
      );
      assertEquals(backup.code, 0, backup.stdout + backup.stderr);
      assertEquals(proxy.counts().CreateMultipartUpload, 2, "the lost create was retried");
      assertEquals(await openUploads(raw, bucket.name), [], "backup: no orphan");
      const stored = await storedObjects(raw, bucket.name);
      assertEquals([...stored.keys()], ["one/big.bin", "two/big.bin"]);
      for (const o of stored.values()) assertEquals(o.md5, md5Hex(bytes));
    } finally {
      await proxy.close();
      await bucket.drop();
      raw.destroy();
      await box.cleanup();
    }
  },
);
