/**
 * Scenario 3: restores killed with SIGKILL at random moments (seeded delays), 20 times, while
 * objects in the bucket are overwritten and added between runs. After every kill, every file at
 * a final path holds the complete bytes of some version of its object; anything partial is a
 * `.eigen-part` file no larger than its object. Every ten kills a run is let finish: the folder
 * is then byte-identical to the bucket, with no `.eigen-part` left, and reruns resumed parts
 * (Range requests) instead of starting over.
 */

import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { assertEquals, assertOk } from "../support/assert.ts";
import {
  createTestBucket,
  rawClient,
  runCli,
  S3_ENDPOINT,
  s3Test,
  sandbox,
} from "../support/test_env.ts";
import {
  cliEnv,
  lastJson,
  MiB,
  mib,
  runAndKill,
  seededBytes,
  seededRandom,
  snapshotTree,
  spawnCli,
  summary,
} from "../support/reliability.ts";
import { md5Bytes } from "../../src/engine/core/hashing.ts";

const KILLS = Number(Deno.env.get("EIGEN_RELIABILITY_KILLS") ?? 20);
const PART = ".eigen-part";

Deno.test(
  s3Test(`kill -9: ${KILLS} SIGKILLs across restore runs never leave a partial file`),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "relrkill");
    const box = await sandbox();
    try {
      const random = seededRandom(77);
      const versions = new Map<string, Set<string>>();
      const current = new Map<string, { md5: string; size: number }>();
      let seed = 500;
      const put = async (rel: string, size: number) => {
        const bytes = seededBytes(size, seed++);
        const md5 = md5Bytes(bytes);
        await raw.send(
          new PutObjectCommand({
            Bucket: bucket.name,
            Key: `R/${rel}`,
            Body: bytes,
            Metadata: { md5chksum: md5.base64, mtime: "1700000000.5" },
          }),
        );
        if (!versions.has(rel)) versions.set(rel, new Set());
        versions.get(rel)!.add(md5.hex);
        current.set(rel, { md5: md5.hex, size });
      };
      const bigs = ["big/a.mov", "big/b.mov", "big/c.mov"];
      const bigSizes = [9 * MiB, 17 * MiB, 25 * MiB];
      for (const [i, rel] of bigs.entries()) await put(rel, bigSizes[i]!);
      for (let i = 0; i < 100; i++) {
        await put(`s${i % 10}/f${i}.jpg`, 1024 + Math.floor(random() * 63 * 1024));
      }
      const dest = join(box.home, "restored");
      const env = cliEnv(box, S3_ENDPOINT!);
      const args = [
        "--json",
        "--bucket",
        bucket.name,
        "restore",
        "R",
        dest,
        "--overwrite",
        "--bwlimit",
        "24M",
      ];

      /** Final paths hold complete versions; partial bytes only ever sit in .eigen-part files. */
      let partsSeen = 0;
      const checkNoPartialFile = async () => {
        const snap = await snapshotTree(dest);
        for (const [rel, e] of snap) {
          if (e.kind === "dir") continue;
          assertEquals(e.kind, "file", `${rel}: only regular files are written`);
          if (rel.endsWith(PART)) {
            const of = rel.slice(0, -PART.length);
            assertOk(versions.has(of), `${rel}: a part of no object`);
            partsSeen += 1;
            continue;
          }
          assertOk(versions.get(rel)?.has(e.md5!), `${rel}: not the complete bytes of any version`);
        }
        return snap;
      };
      let verifiedBytes = 0;
      let resumedBytes = 0;
      const converge = async () => {
        const r = await runCli(args, env);
        assertEquals(r.code, 0, r.stdout.slice(-1500) + r.stderr);
        const report = lastJson(r.stdout).result as { bytes_transferred: number };
        const snap = await checkNoPartialFile();
        const files = [...snap].filter(([, e]) => e.kind === "file");
        assertEquals(files.map(([rel]) => rel).sort(), [...current.keys()].sort(), "no part left");
        for (const [rel, e] of files) {
          assertEquals(e.md5, current.get(rel)!.md5, `${rel} is the object's current bytes`);
          verifiedBytes += e.size;
        }
        return report;
      };

      let killed = 0;
      let finishedFirst = 0;
      let changes = 0;
      for (let k = 1; k <= KILLS; k++) {
        if (await runAndKill(args, env, random) === "killed") killed += 1;
        else finishedFirst += 1;
        await checkNoPartialFile();
        // The bucket changes between runs: a big object rewritten (its part on disk is now stale),
        // a few small ones, one new.
        if (k % 2 === 0) {
          const i = (k / 2) % 3;
          await put(bigs[i]!, bigSizes[i]! + 8192 * k);
          for (let j = 0; j < 5; j++) {
            const n = Math.floor(random() * 100);
            await put(`s${n % 10}/f${n}.jpg`, 1024 + Math.floor(random() * 63 * 1024));
          }
          await put(`new/n${k}.jpg`, 3000 + k);
          changes += 7;
        }
        if (k % 10 === 0) await converge();
      }
      await converge();
      // One more kill on an unchanged bucket, mid-way through a big object: the rerun resumes it.
      const big = "big/c.mov";
      await put(big, 30 * MiB);
      const child = spawnCli(args, env);
      const part = join(dest, big + PART);
      for (let i = 0; i < 300; i++) {
        const size = (await Deno.stat(part).catch(() => null))?.size ?? 0;
        if (size > 4 * MiB) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill("SIGKILL");
      await child.output();
      killed += 1;
      const partBytes = (await Deno.stat(part)).size;
      await checkNoPartialFile();
      const last = await converge();
      resumedBytes = partBytes;
      assertEquals(last.bytes_transferred, 30 * MiB - partBytes, "the rerun fetched only the rest");
      assertOk(killed >= KILLS / 2, `only ${killed} of ${KILLS} kills hit a running restore`);
      await summary(
        "3 kill -9 during restore",
        `kills: ${
          KILLS + 1
        } (${killed} hit a running restore, ${finishedFirst} runs had finished first), ${changes} objects changed between runs, partial files at final paths: 0 (${partsSeen} .eigen-part files seen after kills), ${
          Math.floor(KILLS / 10) + 2
        } converged runs each byte-identical (${mib(verifiedBytes)} verified), last rerun resumed ${
          mib(resumedBytes)
        } with Range`,
        { kills: KILLS + 1, killed, bytes: verifiedBytes },
      );
    } finally {
      await bucket.drop();
      raw.destroy();
      await box.cleanup();
    }
  },
);
