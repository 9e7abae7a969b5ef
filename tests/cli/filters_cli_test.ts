/**
 * The filter and window flags end to end (`deno run main.ts` against the test server): what a
 * dry run says each rule left out, `--dump filters`, `--files-from -`, the delete guard with a
 * filter that leaves no file, a run cut off by --max-transfer (exit 9), and scheduled jobs that
 * carry filters and limits.
 */

import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { assertEquals, assertIncludes, assertOk } from "../support/assert.ts";
import {
  createTestBucket,
  listKeys,
  rawClient,
  runCli,
  s3Test,
  sandbox,
  writeFile,
} from "../support/test_env.ts";
import { configureProfile } from "../support/schedule_support.ts";

async function setup(label: string) {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, label);
  const sb = await sandbox({ TZ: "UTC" });
  await configureProfile(sb, "default", bucket.name);
  const src = join(sb.home, "Docs");
  const files: Record<string, string> = {
    "a.txt": "alpha",
    "b.tmp": "temporary",
    "big.iso": "x".repeat(4096),
    "cache/c.txt": "cached",
    "cache/d.txt": "cached too",
    "scratch/.nobackup": "",
    "scratch/s.txt": "scratch",
    "odd name #1.txt": "odd",
  };
  for (const [p, text] of Object.entries(files)) await writeFile(join(src, p), text);
  return {
    raw,
    bucket: bucket.name,
    sb,
    src,
    cli: (args: string[], stdin?: string) => runCli(args, sb.env, stdin, sb.home),
    keys: () => listKeys(raw, bucket.name),
    async cleanup() {
      await sb.cleanup();
      await bucket.drop();
      raw.destroy();
    },
  };
}

Deno.test(
  s3Test("backup --dry-run: each rule says what it left out; --dump filters prints the rules"),
  async () => {
    const t = await setup("flt-dry");
    try {
      const args = [
        "backup",
        t.src,
        "--dry-run",
        "--exclude",
        "*.tmp",
        "--exclude",
        "/cache/**",
        "--exclude",
        "*.never",
        "--exclude-if-present",
        ".nobackup",
        "--max-size",
        "1K",
      ];
      const json = await t.cli(["--json", ...args]);
      assertEquals(json.code, 0, json.stderr);
      const result = json.json().at(-1)!.result as Record<string, unknown>;
      assertEquals(result.files_excluded, {
        "*.tmp": 1,
        "/cache/**": 2,
        "*.never": 0,
        "--exclude-if-present .nobackup": 1,
        "--max-size 1K": 1,
      });
      assertEquals((result.bytes_excluded as Record<string, number>)["--max-size 1K"], 4096);
      assertEquals(result.files_uploaded, 2);

      const human = await t.cli([...args, "--dump", "filters"]);
      assertEquals(human.code, 0, human.stderr);
      assertIncludes(human.stdout, "Left out by filters:");
      assertIncludes(human.stdout, "/cache/**                       2 file(s), 16 B");
      assertIncludes(human.stdout, "*.never                         0 file(s) (matched nothing)");
      assertIncludes(human.stderr, "--- filters (first match wins) ---");
      assertIncludes(human.stderr, "- *.tmp  (--exclude)");
      assertIncludes(human.stderr, "- files larger than 1024 bytes  (--max-size 1K)");
      assertEquals(await t.keys(), [], "a dry run sends nothing");
    } finally {
      await t.cleanup();
    }
  },
);

Deno.test(
  s3Test("backup --files-from - reads the list from stdin (CRLF, comments, odd names)"),
  async () => {
    const t = await setup("flt-from");
    try {
      const r = await t.cli(
        ["--json", "backup", t.src, "docs", "--files-from", "-"],
        "# what to keep\r\nodd name #1.txt\r\n/cache/c.txt\r\nmissing.txt\r\n",
      );
      assertEquals(r.code, 0, r.stderr);
      assertEquals(await t.keys(), ["docs/cache/c.txt", "docs/odd name #1.txt"]);
    } finally {
      await t.cleanup();
    }
  },
);

Deno.test(
  s3Test("delete guard: a filter that leaves no file never deletes (exit 8, nothing deleted)"),
  async () => {
    const t = await setup("flt-guard");
    try {
      assertEquals((await t.cli(["backup", t.src, "docs"])).code, 0);
      const before = await t.keys();
      // The list names files that are gone locally but still in the bucket.
      await Deno.remove(join(t.src, "a.txt"));
      await Deno.remove(join(t.src, "cache"), { recursive: true });
      const list = join(t.sb.home, "list.txt");
      await Deno.writeTextFile(list, "a.txt\ncache/c.txt\n");
      const r = await t.cli([
        "backup",
        t.src,
        "docs",
        "--files-from",
        list,
        "--delete",
        "--max-delete",
        "100%",
      ]);
      assertEquals(r.code, 8, r.stdout + r.stderr);
      assertIncludes(r.stderr, "the filters leave no file of");
      assertIncludes(r.stderr, "(guard: empty source folder)");
      assertEquals(await t.keys(), before);

      // A filter that matches no file and no key: nothing to delete, nothing deleted.
      const none = await t.cli(["backup", t.src, "docs", "--include", "*.nothing", "--delete"]);
      assertEquals(none.code, 0, none.stderr);
      assertEquals(await t.keys(), before);
      // Every file too young for --min-age, and so is every object: all are kept.
      const young = await t.cli(["backup", t.src, "docs", "--min-age", "100y", "--delete"]);
      assertEquals(young.code, 0, young.stdout + young.stderr);
      assertIncludes(young.stdout, "0 deleted");
      assertEquals(await t.keys(), before);
    } finally {
      await t.cleanup();
    }
  },
);

Deno.test(
  s3Test("backup --max-transfer: exit 9, the report says what was left, the next run completes"),
  async () => {
    const t = await setup("flt-cut");
    try {
      await t.raw.send(new PutObjectCommand({ Bucket: t.bucket, Key: "docs/gone.txt", Body: "x" }));
      const args = [
        "backup",
        t.src,
        "docs",
        "--concurrency",
        "1",
        "--delete",
        "--max-delete",
        "100%",
      ];
      const cut = await t.cli(["--json", ...args, "--max-transfer", "3K", "--cutoff-mode", "SOFT"]);
      assertEquals(cut.code, 9, cut.stderr);
      const result = cut.json().at(-1)!.result as Record<string, Record<string, unknown>>;
      assertEquals(result.cut_off!.by, "max-transfer");
      assertEquals(result.cut_off!.mode, "soft");
      assertOk((result.cut_off!.files_left as number) > 0);
      assertEquals(result.cut_off!.deletions_skipped, 1);
      assertIncludes((await t.keys()).join(" "), "docs/gone.txt");

      const human = await t.cli([...args, "--max-transfer", "1B"]);
      assertEquals(human.code, 9, human.stderr);
      assertIncludes(human.stdout, "Cut off by --max-transfer");
      assertIncludes(human.stdout, "left for the next run, 1 deletion(s) not made");

      const rest = await t.cli(args);
      assertEquals(rest.code, 0, rest.stderr);
      assertEquals((await t.keys()).includes("docs/gone.txt"), false);
      assertEquals((await t.keys()).length, 7); // every file but the hidden marker

      const bad = await t.cli([...args, "--max-duration", "90"]);
      assertEquals(bad.code, 2);
      assertIncludes(bad.stderr, "--max-duration: '90' needs a unit");
    } finally {
      await t.cleanup();
    }
  },
);

Deno.test(
  s3Test("schedule add keeps filters and limits; schedule run applies them (exit 9)"),
  async () => {
    const t = await setup("flt-job");
    try {
      const list = join(t.sb.home, "excl.txt");
      await Deno.writeTextFile(list, "*.tmp\n/cache/**\n");
      const add = await t.cli([
        "schedule",
        "add",
        "docs",
        "--folder",
        t.src,
        "--cron",
        "@daily",
        "--exclude-from",
        "excl.txt",
        "--exclude-if-present",
        ".nobackup",
        "--max-size",
        "1K",
        "--max-transfer",
        "4B",
        "--cutoff-mode",
        "soft",
        "--bwlimit",
        "08:00,512K 19:00,off",
      ]);
      assertEquals(add.code, 0, add.stderr);
      const show = await t.cli(["--json", "schedule", "show", "docs"]);
      const job = (show.json().at(-1)!.result as Record<string, Record<string, unknown>>).job!;
      assertEquals(job.exclude_from, [list]);
      assertEquals(job.max_transfer, "4B");
      assertEquals(job.cutoff_mode, "soft");
      const text = await t.cli(["schedule", "show", "docs"]);
      assertIncludes(text.stdout, `exclude-from ${list}`);
      assertIncludes(text.stdout, "max-transfer 4B");

      const run = await t.cli(["schedule", "run", "docs"]);
      assertEquals(run.code, 9, run.stdout + run.stderr);
      assertIncludes(run.stdout, "cut-off (exit 9)");
      assertIncludes(run.stdout, "left for the next run");

      const stdin = await t.cli([
        "schedule",
        "add",
        "x",
        "--folder",
        t.src,
        "--cron",
        "@daily",
        "--files-from",
        "-",
      ]);
      assertEquals(stdin.code, 2);
      assertIncludes(stdin.stderr, "--files-from: a scheduled job cannot read standard input");
      const badAge = await t.cli([
        "schedule",
        "add",
        "y",
        "--folder",
        t.src,
        "--cron",
        "@daily",
        "--max-age",
        "soon",
      ]);
      assertEquals(badAge.code, 2);
      assertIncludes(badAge.stderr, "--max-age: 'soon' is not an age");
    } finally {
      await t.cleanup();
    }
  },
);
