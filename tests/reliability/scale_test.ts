/**
 * Scenario 8: scale. A tree of N small files is backed up and backed up again (a no-change
 * rerun) by the CLI under GNU time; peak RSS must stay under 300 MiB for both runs, every object
 * must hold its file's MD5 (its single-part ETag, listed with the independent client), and the
 * rerun must neither upload nor hash anything (so it sends no request per file, only listings;
 * the exact request count of such a rerun is checked in tests/cli/backup_cli_test.ts). A third
 * run without the state database hashes every file and uploads nothing, also under 300 MiB.
 *
 * CI runs N = 10,000 (about 40 s of PUTs on a two-core RGW). The full sizes are a command:
 *   deno task reliability:scale          (EIGEN_RELIABILITY_SCALE=20000,200000)
 * or any sizes: EIGEN_RELIABILITY_SCALE=50000 deno task test tests/reliability/scale_test.ts
 */

import { join } from "node:path";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { assertEquals, assertOk } from "../support/assert.ts";
import {
  createTestBucket,
  rawClient,
  runCli,
  S3_ENDPOINT,
  s3Test,
  sandbox,
} from "../support/test_env.ts";
import { cliEnv, lastJson, md5Hex, summary } from "../support/reliability.ts";

const SIZES = (Deno.env.get("EIGEN_RELIABILITY_SCALE") ?? "10000").split(",").map(Number);
const LIMIT_MIB = 300;
const TIME = "/usr/bin/time";
const hasTime = (() => {
  try {
    return Deno.statSync(TIME).isFile;
  } catch {
    return false;
  }
})();

/** Runs the CLI under GNU time; returns the run and its peak RSS in MiB. */
async function measured(args: string[], env: Record<string, string>) {
  const r = await runCli(args, env, undefined, undefined, [TIME, "-f", "EIGEN_PEAK_RSS_KB=%M"]);
  const m = /EIGEN_PEAK_RSS_KB=(\d+)/.exec(r.stderr);
  assertOk(m, `no RSS figure: ${r.stderr.slice(-500)}`);
  return { run: r, rssMiB: Number(m[1]) / 1024 };
}

for (const n of SIZES) {
  Deno.test(
    {
      ...s3Test(`scale: ${n.toLocaleString("en")} files back up and rerun under ${LIMIT_MIB} MiB`),
      ...(hasTime ? {} : { ignore: true, name: `scale ${n} [skipped: needs GNU time]` }),
    },
    async () => {
      const raw = rawClient();
      const bucket = await createTestBucket(raw, "relscale");
      const box = await sandbox();
      try {
        const src = join(box.home, "Many");
        const md5s: string[] = new Array(n);
        const started = performance.now();
        for (let i = 0; i < n; i += 1000) {
          const dir = join(src, `g${Math.floor(i / 10_000)}`, `d${Math.floor(i / 1000)}`);
          await Deno.mkdir(dir, { recursive: true });
          for (let j = i; j < Math.min(n, i + 1000); j++) {
            const text = `file ${j}\n`;
            await Deno.writeTextFile(join(dir, `f${j}.txt`), text);
            md5s[j] = md5Hex(new TextEncoder().encode(text));
          }
        }
        const treeSeconds = (performance.now() - started) / 1000;
        // Files changed less than 2 s before they are read are rehashed once by the next run
        // (manifest.ts, "racily clean"): let the tree settle so the rerun measures listing only.
        await new Promise((r) => setTimeout(r, 2500));
        const args = ["--json", "--bucket", bucket.name, "backup", src, "M", "--concurrency", "32"];
        const t0 = performance.now();
        const first = await measured(args, cliEnv(box, S3_ENDPOINT!));
        const firstSeconds = (performance.now() - t0) / 1000;
        assertEquals(first.run.code, 0, first.run.stdout.slice(-1500) + first.run.stderr);
        const r1 = lastJson(first.run.stdout).result as { files_uploaded: number };
        assertEquals(r1.files_uploaded, n);

        // Every object holds its file's bytes: single-part ETags are the MD5 of what is stored.
        const want = new Map<string, string>();
        for (let j = 0; j < n; j++) {
          want.set(`M/g${Math.floor(j / 10_000)}/d${Math.floor(j / 1000)}/f${j}.txt`, md5s[j]!);
        }
        let listed = 0;
        let token: string | undefined;
        do {
          const page = await raw.send(
            new ListObjectsV2Command({ Bucket: bucket.name, ContinuationToken: token }),
          );
          for (const o of page.Contents ?? []) {
            assertEquals(o.ETag?.replaceAll('"', ""), want.get(o.Key!), o.Key);
            listed += 1;
          }
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
        assertEquals(listed, n);

        const t1 = performance.now();
        const rerun = await measured(args, cliEnv(box, S3_ENDPOINT!));
        const rerunSeconds = (performance.now() - t1) / 1000;
        assertEquals(rerun.run.code, 0, rerun.run.stdout.slice(-1500));
        const r2 = lastJson(rerun.run.stdout).result as {
          files_uploaded: number;
          files_skipped: number;
          files_hashed: number;
        };
        await summary(
          `8 scale ${n}`,
          `files: ${n.toLocaleString("en")} (tree made in ${
            treeSeconds.toFixed(0)
          } s), first backup ${firstSeconds.toFixed(0)} s at peak RSS ${
            first.rssMiB.toFixed(0)
          } MiB, no-change rerun ${rerunSeconds.toFixed(1)} s at peak RSS ${
            rerun.rssMiB.toFixed(0)
          } MiB (${r2.files_hashed} hashed, ${r2.files_uploaded} uploaded), objects verified by MD5: ${listed}`,
          { files: n, rss: first.rssMiB, rerunRss: rerun.rssMiB, firstSeconds, rerunSeconds },
        );
        assertEquals([r2.files_uploaded, r2.files_skipped, r2.files_hashed], [0, n, 0]);
        assertOk(first.rssMiB < LIMIT_MIB, `first run peak RSS ${first.rssMiB.toFixed(0)} MiB`);
        assertOk(rerun.rssMiB < LIMIT_MIB, `rerun peak RSS ${rerun.rssMiB.toFixed(0)} MiB`);

        // The state database lost (a new machine, a wiped cache): every file is hashed and
        // compared with its ETag, nothing is uploaded, memory stays bounded.
        await Deno.remove(join(box.env.XDG_STATE_HOME!, "eigen"), { recursive: true });
        const t2 = performance.now();
        const lost = await measured(args, cliEnv(box, S3_ENDPOINT!));
        const lostSeconds = (performance.now() - t2) / 1000;
        assertEquals(lost.run.code, 0, lost.run.stdout.slice(-1500));
        const r3 = lastJson(lost.run.stdout).result as {
          files_uploaded: number;
          files_hashed: number;
        };
        await summary(
          `8 scale ${n} lost manifest`,
          `files: ${n.toLocaleString("en")}, rerun without state.db ${
            lostSeconds.toFixed(0)
          } s at peak RSS ${
            lost.rssMiB.toFixed(0)
          } MiB (${r3.files_hashed} hashed, ${r3.files_uploaded} uploaded)`,
          { files: n, lostRss: lost.rssMiB, lostSeconds },
        );
        assertEquals([r3.files_uploaded, r3.files_hashed], [0, n]);
        assertOk(
          lost.rssMiB < LIMIT_MIB,
          `lost-manifest rerun peak RSS ${lost.rssMiB.toFixed(0)} MiB`,
        );
      } finally {
        await bucket.drop();
        raw.destroy();
        await box.cleanup();
      }
    },
  );
}
