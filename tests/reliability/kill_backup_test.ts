/**
 * Scenario 2: backups killed with SIGKILL at random moments (seeded delays), 20 times, while the
 * tree keeps changing between runs. After every kill, every object in the bucket holds bytes that
 * some version of its local file really had, and its md5chksum metadata matches those bytes
 * (never a torn or mixed object). Every ten kills a run is let finish: the bucket is then an
 * exact copy of the folder, and the only multipart uploads left open are ones without a single
 * part (a kill between the server creating an upload and eigen-s3 recording it).
 */

import { join } from "node:path";
import { ListPartsCommand } from "@aws-sdk/client-s3";
import { assertEquals, assertOk } from "../support/assert.ts";
import {
  createTestBucket,
  rawClient,
  runCli,
  S3_ENDPOINT,
  s3Test,
  sandbox,
  writeFile,
} from "../support/test_env.ts";
import {
  cliEnv,
  lastJson,
  md5Hex,
  MiB,
  mib,
  openUploads,
  runAndKill,
  seededBytes,
  seededRandom,
  storedObjects,
  summary,
} from "../support/reliability.ts";

const KILLS = Number(Deno.env.get("EIGEN_RELIABILITY_KILLS") ?? 20);

Deno.test(
  s3Test(`kill -9: ${KILLS} SIGKILLs across backup runs never leave a torn object`),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "relkill");
    const box = await sandbox();
    try {
      const random = seededRandom(2024);
      const src = join(box.home, "Videos");
      /** Every content each path has ever had (MD5s), and what it holds now. */
      const versions = new Map<string, Set<string>>();
      const current = new Map<string, string>();
      let seed = 1;
      const put = async (rel: string, size: number) => {
        const bytes = seededBytes(size, seed++);
        await writeFile(join(src, rel), bytes);
        const md5 = md5Hex(bytes);
        if (!versions.has(rel)) versions.set(rel, new Set());
        versions.get(rel)!.add(md5);
        current.set(rel, md5);
      };
      const bigs = ["big/a.mov", "big/b.mov", "big/c.mov"];
      const bigSizes = [9 * MiB, 17 * MiB, 25 * MiB];
      for (const [i, rel] of bigs.entries()) await put(rel, bigSizes[i]!);
      for (let i = 0; i < 150; i++) {
        await put(`s${i % 10}/f${i}.jpg`, 1024 + Math.floor(random() * 63 * 1024));
      }
      const env = cliEnv(box, S3_ENDPOINT!);
      const args = [
        "--json",
        "--bucket",
        bucket.name,
        "backup",
        src,
        "V",
        "--delete",
        "--bwlimit",
        "24M",
      ];

      /** Every object holds some real version of its file, with matching md5chksum metadata. */
      const checkNoTornObject = async () => {
        const stored = await storedObjects(raw, bucket.name, "V/");
        for (const [key, o] of stored) {
          const rel = key.slice(2);
          assertOk(versions.get(rel)?.has(o.md5), `${key}: bytes of no version of the file`);
          assertEquals(o.metaMd5, o.md5, `${key}: md5chksum metadata does not match the bytes`);
        }
        return stored;
      };
      let verifiedBytes = 0;
      const converge = async () => {
        const r = await runCli(args, env);
        assertEquals(r.code, 0, r.stdout.slice(-1500) + r.stderr);
        const stored = await checkNoTornObject();
        assertEquals([...stored.keys()].sort(), [...current.keys()].map((k) => `V/${k}`).sort());
        for (const [rel, md5] of current) {
          assertEquals(stored.get(`V/${rel}`)!.md5, md5, `V/${rel} is the current version`);
          verifiedBytes += stored.get(`V/${rel}`)!.size;
        }
        const open = await openUploads(raw, bucket.name);
        for (const u of open) {
          const parts = await raw.send(
            new ListPartsCommand({ Bucket: bucket.name, Key: u.key, UploadId: u.uploadId }),
          );
          assertEquals(parts.Parts ?? [], [], `${u.key}: an open upload with parts was left`);
        }
        return open.length;
      };

      let killed = 0;
      let finishedFirst = 0;
      let leftOpen = 0;
      let mutations = 0;
      for (let k = 1; k <= KILLS; k++) {
        if (await runAndKill(args, env, random) === "killed") killed += 1;
        else finishedFirst += 1;
        await checkNoTornObject();

        // Change the tree: one big file rewritten, ten small ones, one deleted, one added.
        await put(bigs[k % 3]!, bigSizes[k % 3]! + (k % 2 === 0 ? 4096 : -4096) * k);
        for (let i = 0; i < 10; i++) {
          const n = Math.floor(random() * 150);
          if (current.has(`s${n % 10}/f${n}.jpg`)) {
            await put(`s${n % 10}/f${n}.jpg`, 1024 + Math.floor(random() * 63 * 1024));
          }
        }
        const gone = [...current.keys()].filter((p) => p.startsWith("s"))[k * 7 % 100]!;
        await Deno.remove(join(src, gone));
        current.delete(gone);
        await put(`new/n${k}.jpg`, 2048 + k);
        mutations += 13;

        if (k % 10 === 0) leftOpen += await converge();
      }
      leftOpen += await converge();
      const again = await runCli(args, env);
      assertEquals(again.code, 0);
      const rerun = lastJson(again.stdout).result as {
        files_uploaded: number;
        files_deleted: number;
      };
      assertEquals(
        [rerun.files_uploaded, rerun.files_deleted],
        [0, 0],
        "a converged rerun is a no-op",
      );
      assertOk(killed >= KILLS / 2, `only ${killed} of ${KILLS} kills hit a running backup`);
      await summary(
        "2 kill -9 during backup",
        `kills: ${KILLS} (${killed} hit a running backup, ${finishedFirst} runs had finished first), ${mutations} file changes between runs, torn objects: 0, ${
          Math.floor(KILLS / 10) + 1
        } converged runs each an exact copy (${current.size} files, ${
          mib(verifiedBytes)
        } verified in total), empty uploads left by a kill between create and record: ${leftOpen}`,
        { kills: KILLS, killed, bytes: verifiedBytes, leftOpen },
      );
    } finally {
      await bucket.drop();
      raw.destroy();
      await box.cleanup();
    }
  },
);
