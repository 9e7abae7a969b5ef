/**
 * Scenario 4: `backup --delete` deletes nothing it should not. The source folder missing, a
 * dangling link, empty (an unmounted drive's mount point), unreadable, partly unreadable, a
 * folder that vanishes while it is walked, a file turned into a link or a pipe, an upload that
 * fails in the same run, more deletions than the guard allows: each run deletes nothing and exits
 * with its documented code (8 for a guard, 3 when a file failed). The final legitimate run
 * deletes exactly what is gone.
 *
 * Cases already covered elsewhere and not repeated here (listed in the summary):
 * tests/engine/backup/backup_test.ts "guards refuse (exit 8)" (>50%, empty, missing at the engine
 * level) and "a failed upload means no deletions", tests/cli/backup_cli_test.ts "delete guards
 * exit 8" (empty and missing through the CLI, history records exit 8), "unreadable files and
 * folders are reported (exit 3)", and the dry-run test (plans deletions, deletes nothing).
 */

import { join } from "node:path";
import { assertEquals, assertIncludes, assertOk } from "../support/assert.ts";
import {
  createTestBucket,
  rawClient,
  runCli,
  S3_ENDPOINT,
  s3Test,
  sandbox,
  WITHOUT_ROOT_FILE_ACCESS,
  writeFile,
} from "../support/test_env.ts";
import { type FaultRule, startS3Proxy } from "../support/s3_proxy.ts";
import { cliEnv, lastJson, storedObjects, summary } from "../support/reliability.ts";

const FILES = ["a/1", "a/2", "a/3", "a/4", "b/1", "b/2", "b/3", "c/1", "c/2", "c/3"];

Deno.test(
  s3Test("delete safety: nothing is deleted when the source cannot be trusted"),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "reldel");
    const box = await sandbox();
    const proxy = await startS3Proxy(S3_ENDPOINT!);
    const cases: string[] = [];
    try {
      const src = join(box.home, "Photos");
      for (const f of FILES) await writeFile(join(src, f), `content of ${f}`);
      const env = cliEnv(box, proxy.endpoint);
      const backup = (extra: string[], folder = src, wrap: string[] = []) =>
        runCli(
          ["--json", "--bucket", bucket.name, "backup", folder, "Photos", ...extra],
          env,
          undefined,
          box.home,
          wrap,
        );
      assertEquals((await backup([])).code, 0);
      const before = await storedObjects(raw, bucket.name);
      assertEquals(before.size, FILES.length);

      /** Runs one case: the exit code, the error code or message, and an untouched bucket. */
      const refused = async (
        name: string,
        run: Promise<{ code: number; stdout: string; stderr: string }>,
        exit: number,
        text: string,
      ) => {
        const r = await run;
        assertEquals(r.code, exit, `${name}: ${r.stdout}${r.stderr}`);
        assertIncludes(r.stdout + r.stderr, text, name);
        if (exit === 3) {
          assertEquals(
            (lastJson(r.stdout).result as { files_deleted: number }).files_deleted,
            0,
          );
        }
        const now = await storedObjects(raw, bucket.name);
        for (const [k, o] of before) assertEquals(now.get(k), o, `${name}: ${k} kept as it was`);
        cases.push(`${name} (exit ${exit})`);
      };

      await refused(
        "missing folder",
        backup(["--delete"], join(box.home, "NotThere")),
        8,
        "(guard: missing source folder)",
      );
      await Deno.symlink(join(box.home, "unplugged-drive"), join(box.home, "Link"));
      await refused(
        "dangling link as the folder",
        backup(["--delete"], join(box.home, "Link")),
        8,
        "(guard: missing source folder)",
      );

      // An unmounted drive leaves its mount point: an empty folder.
      await Deno.rename(src, join(box.home, "Photos.real"));
      await Deno.mkdir(src);
      await refused(
        "empty folder (unmounted drive)",
        backup(["--delete", "--max-delete", "100%"]),
        8,
        "(guard: empty source folder)",
      );
      await Deno.remove(src);
      await Deno.rename(join(box.home, "Photos.real"), src);

      await Deno.chmod(src, 0o000);
      const rootLocked = backup(
        ["--delete", "--max-delete", "100%"],
        src,
        WITHOUT_ROOT_FILE_ACCESS,
      );
      await refused(
        "unreadable folder",
        rootLocked,
        3,
        "cannot read the folder (permission denied)",
      )
        .finally(() => Deno.chmod(src, 0o755));

      // b/ unreadable and c/ gone: b's objects are protected, and a failure means no deletions.
      await Deno.rename(join(src, "c"), join(box.home, "c.away"));
      await Deno.chmod(join(src, "b"), 0o000);
      await refused(
        "unreadable subfolder, other files gone",
        backup(["--delete", "--max-delete", "100%"], src, WITHOUT_ROOT_FILE_ACCESS),
        3,
        "cannot read the folder (permission denied)",
      ).finally(() => Deno.chmod(join(src, "b"), 0o755));

      // An upload fails in the same run (the server refuses every PUT of the new file).
      await writeFile(join(src, "new.txt"), "new");
      const failNew: FaultRule = { action: "error500", match: (r) => r.key === "Photos/new.txt" };
      proxy.setRules([failNew]);
      await refused(
        "failed upload in the same run",
        backup(["--delete", "--max-delete", "100%"]),
        3,
        "Not deleting 3 object(s): 1 file(s) failed in this run",
      );
      proxy.setRules([]);

      await refused(
        "more deletions than --max-delete",
        backup(["--delete", "--max-delete", "2"]),
        8,
        "Refusing to delete 3 of 10 object(s)",
      );
      await Deno.rename(join(src, "a"), join(box.home, "a.away"));
      await refused(
        "more than half (the default guard)",
        backup(["--delete"]),
        8,
        "Refusing to delete 7 of 11 object(s) under s3://",
      );
      await Deno.rename(join(box.home, "a.away"), join(src, "a"));

      const plan = await runCli(
        ["--json", "--bucket", bucket.name, "backup", src, "Photos", "--delete", "--dry-run"],
        env,
      );
      assertEquals(plan.code, 0);
      assertEquals((lastJson(plan.stdout).result as { files_deleted: number }).files_deleted, 3);
      cases.push("dry run (plans 3 deletions, exit 0)");

      // The legitimate run deletes exactly what is gone (c/1-3), and uploads new.txt.
      const real = await backup(["--delete"]);
      assertEquals(real.code, 0, real.stdout + real.stderr);
      const after = await storedObjects(raw, bucket.name);
      assertEquals(
        [...after.keys()],
        [...FILES.filter((f) => !f.startsWith("c/")), "new.txt"].map((f) => `Photos/${f}`).sort(),
      );
      for (const [k, o] of after) if (before.has(k)) assertEquals(o, before.get(k));
      assertOk(cases.length >= 9);
      await summary(
        "4 delete safety",
        `cases: ${cases.length} run here (${
          cases.join("; ")
        }), objects wrongly deleted: 0; the legitimate run deleted exactly 3. Reused, not repeated: backup_test.ts guards (>50%, empty, missing) and failed-upload; backup_cli_test.ts guards via the CLI with history exit 8, unreadable files/folders exit 3; dry-run tests`,
        { cases: cases.length },
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
  s3Test("delete safety: links, pipes and folders that vanish mid-run keep their objects"),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "reldel2");
    const box = await sandbox();
    const proxy = await startS3Proxy(S3_ENDPOINT!);
    try {
      const src = join(box.home, "Photos");
      const files = [...FILES, "d/1", "d/2", "e.jpg", "f.jpg", "g/1", "h/1", "h/2", "h/3"];
      for (const f of files) await writeFile(join(src, f), `content of ${f}`);
      const env = cliEnv(box, proxy.endpoint);
      const backup = (extra: string[]) =>
        runCli(["--json", "--bucket", bucket.name, "backup", src, "Photos", ...extra], env);
      assertEquals((await backup([])).code, 0);
      const before = await storedObjects(raw, bucket.name);

      // The library moved to another disk and left links behind: a folder and a file.
      const elsewhere = join(box.home, "external");
      await Deno.mkdir(elsewhere);
      await Deno.rename(join(src, "d"), join(elsewhere, "d"));
      await Deno.symlink(join(elsewhere, "d"), join(src, "d"));
      await Deno.rename(join(src, "e.jpg"), join(elsewhere, "e.jpg"));
      await Deno.symlink(join(elsewhere, "e.jpg"), join(src, "e.jpg"));
      // A file replaced by a named pipe.
      await Deno.remove(join(src, "f.jpg"));
      await new Deno.Command("mkfifo", { args: [join(src, "f.jpg")] }).output();
      // g/ is really gone: its one object may go.
      await Deno.remove(join(src, "g"), { recursive: true });

      // b/2 and b/3 change; the upload of b/2 is held, so the walk stops right after b/3, before
      // it reads c/. Then c/ vanishes (a drive unplugged mid-run) and the upload goes on.
      await Deno.writeTextFile(join(src, "b/2"), "changed b/2, longer");
      await Deno.writeTextFile(join(src, "b/3"), "changed b/3, longer");
      let release = () => {};
      const gate = new Promise<void>((r) => release = r);
      proxy.setRules([{ action: "hold", until: gate, match: (r) => r.key === "Photos/b/2" }]);
      const held = proxy.waitFor((r) => r.key === "Photos/b/2" && r.op === "PutObject");
      const run = backup(["--delete", "--concurrency", "1", "--max-delete", "100%"]);
      await held;
      await Deno.rename(join(src, "c"), join(box.home, "c.unplugged"));
      release();
      const r = await run;
      assertEquals(r.code, 0, r.stdout + r.stderr);
      const report = lastJson(r.stdout).result as { files_deleted: number; files_uploaded: number };
      assertEquals([report.files_uploaded, report.files_deleted], [2, 1], r.stdout);
      const after = await storedObjects(raw, bucket.name);
      const kept = files.filter((f) =>
        !f.startsWith("g/") && !f.startsWith("b/2") && !f.startsWith("b/3")
      );
      for (const f of kept) {
        assertEquals(after.get(`Photos/${f}`), before.get(`Photos/${f}`), `${f} kept as it was`);
      }
      assertEquals(after.has("Photos/g/1"), false, "a folder really gone is deleted");
      await summary(
        "4b delete safety: links, pipes, vanishing folders",
        "cases: 4 (folder moved away and replaced by a link, file replaced by a link, file replaced by a named pipe, folder vanished while the walk ran): their objects kept, exit 0; the one folder really gone was deleted",
        { cases: 4 },
      );
    } finally {
      await proxy.close();
      await bucket.drop();
      raw.destroy();
      await box.cleanup();
    }
  },
);
