/**
 * Scenario 6: hostile local trees. One backup runs over a folder holding an unreadable file and
 * folder, symbolic-link loops, a named pipe and a socket, a path 100 folders deep, 200- and
 * 255-byte names, a name that is not valid UTF-8, names with control characters, an empty file
 * and a hard link, while a helper appends to a log file all along, a file grows while its upload
 * is held in the proxy, another vanishes while it waits for its turn, and a multipart file grows
 * between its parts. Each problem is reported (errors or skipped entries), nothing crashes, every
 * object holds bytes its file really had (md5chksum matching), and everything else is backed
 * up. A second run converges; a --delete run removes a control-character key (XML-unsafe).
 */

import { join } from "node:path";
import { assertEquals, assertExcludes, assertOk } from "../support/assert.ts";
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
import { type RequestInfo, startS3Proxy } from "../support/s3_proxy.ts";
import {
  cliEnv,
  lastJson,
  md5Hex,
  MiB,
  seededBytes,
  sleep,
  storedObjects,
  summary,
} from "../support/reliability.ts";

interface Report {
  files_uploaded: number;
  files_deleted: number;
  entries_skipped: number;
  errors: Array<{ key: string; code: string; message: string }>;
}

Deno.test(s3Test("hostile tree: every oddity is reported, the rest backed up"), async () => {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, "reltree");
  const box = await sandbox();
  const proxy = await startS3Proxy(S3_ENDPOINT!);
  let growing = true;
  let socket: Deno.Listener | undefined;
  try {
    const src = join(box.home, "T");
    const sh = async (script: string) => {
      const out = await new Deno.Command("sh", { args: ["-c", script], cwd: src }).output();
      assertOk(out.success, new TextDecoder().decode(out.stderr));
    };
    const regular = new Map<string, Uint8Array>();
    const put = async (rel: string, content: Uint8Array | string) => {
      const bytes = await writeFile(join(src, rel), content);
      regular.set(rel, bytes);
    };
    for (let i = 0; i < 30; i++) await put(`n-ok/f${i}.txt`, `ordinary ${i}`);
    await put("a-grow.log", "start\n");
    await put("b-big.bin", seededBytes(17 * MiB, 61));
    await put("c1-grows-while-held.txt", "c1 original");
    await put("c2-vanishes.txt", "c2");
    await put("c3-after.txt", "c3");
    const deep = Array.from({ length: 100 }, (_, i) => `d${i}`).join("/");
    await put(`d-deep/${deep}/bottom.txt`, "100 levels down");
    await put(`e-long/${"x".repeat(200)}`, "200-byte name");
    await put(`e-long/${"y".repeat(255)}`, "255-byte name");
    await put(`e-long/${"é".repeat(100)}`, "200 bytes of UTF-8 in 100 characters");
    await put("l-ctl\u0001.txt", "control character in the name");
    await put("m-esc\u001b[2J.txt", "escape sequence in the name");
    await put("o-zero", "");
    await Deno.link(join(src, "n-ok/f0.txt"), join(src, "p-hardlink.txt"));
    regular.set("p-hardlink.txt", regular.get("n-ok/f0.txt")!);
    await Deno.mkdir(join(src, "f-loop"));
    await Deno.symlink(".", join(src, "f-loop/self"));
    await Deno.symlink("loop2", join(src, "f-loop/loop1"));
    await Deno.symlink("loop1", join(src, "f-loop/loop2"));
    await Deno.symlink("..", join(src, "f-loop/up"));
    await sh("mkfifo g-fifo");
    const socketPath = join(src, "h-socket");
    socket = Deno.listen({ transport: "unix", path: socketPath }); // the file lives while it does
    await sh("touch \"$(printf 'i-bad\\377utf8')\"");
    await put("j-unreadable.txt", "secret");
    await Deno.chmod(join(src, "j-unreadable.txt"), 0o000);
    regular.delete("j-unreadable.txt");
    await put("k-locked/inner.txt", "locked away");
    await Deno.chmod(join(src, "k-locked"), 0o000);
    regular.delete("k-locked/inner.txt");

    // The held requests: c1's PUT (its bytes already read) and b's first UploadPart.
    let releaseC1 = () => {};
    let releaseB = () => {};
    let bParts = 0;
    const c1 = (r: RequestInfo) => r.op === "PutObject" && r.key === "T/c1-grows-while-held.txt";
    const firstPartOfB = (r: RequestInfo) =>
      r.op === "UploadPart" && r.key === "T/b-big.bin" && bParts++ === 0;
    proxy.setRules([
      { action: "hold", match: c1, until: new Promise<void>((r) => releaseC1 = r) },
      { action: "hold", match: firstPartOfB, until: new Promise<void>((r) => releaseB = r) },
    ]);
    const heldC1 = proxy.waitFor(c1).then(async () => {
      await Deno.writeTextFile(join(src, "c1-grows-while-held.txt"), " and more", { append: true });
      await Deno.remove(join(src, "c2-vanishes.txt"));
      regular.delete("c2-vanishes.txt");
      releaseC1();
    });
    const heldB = proxy.waitFor((r) => r.op === "UploadPart" && r.key === "T/b-big.bin").then(
      async () => {
        await Deno.writeFile(join(src, "b-big.bin"), seededBytes(MiB, 62), { append: true });
        releaseB();
      },
    );
    const log = (async () => {
      for (let i = 0; growing; i++) {
        await Deno.writeTextFile(join(src, "a-grow.log"), `line ${i}\n`, { append: true });
        await sleep(5);
      }
    })();

    const env = cliEnv(box, proxy.endpoint);
    const args = ["--json", "--bucket", bucket.name, "backup", src, "T", "--concurrency", "1"];
    const first = await runCli(args, env, undefined, undefined, WITHOUT_ROOT_FILE_ACCESS);
    growing = false;
    await log;
    await Promise.all([heldC1, heldB]);
    const out = first.stdout + first.stderr;
    assertEquals(first.code, 3, out.slice(-3000));
    assertExcludes(out, "internal error");
    assertExcludes(out, "    at ");
    const report = lastJson(first.stdout).result as Report;
    const errors = report.errors.map((e) => e.key);
    for (const k of ["T/i-bad\ufffdutf8", "T/j-unreadable.txt", "T/k-locked/"]) {
      assertOk(errors.includes(k), `${k} reported: ${JSON.stringify(report.errors)}`);
    }
    const unexpected = errors.filter(
      (k) =>
        !["T/i-bad\ufffdutf8", "T/j-unreadable.txt", "T/k-locked/", "T/a-grow.log"].includes(k),
    );
    assertEquals(unexpected, [], JSON.stringify(report.errors));
    assertEquals(report.entries_skipped, 6, "4 links, a pipe and a socket passed over");

    // Every object holds bytes its file had, with matching md5chksum metadata.
    const stored = await storedObjects(raw, bucket.name, "T/");
    for (const [key, o] of stored) assertEquals(o.metaMd5, o.md5, `${key}: metadata and bytes`);
    const now = async (rel: string) => md5Hex(await Deno.readFile(join(src, rel)));
    for (const [rel, bytes] of regular) {
      const o = stored.get(`T/${rel}`);
      if (rel === "a-grow.log") {
        if (o) {
          const whole = await Deno.readFile(join(src, rel));
          assertEquals(o.md5, md5Hex(whole.subarray(0, o.size)), "the log object is a prefix");
        }
        continue;
      }
      assertOk(o, `T/${JSON.stringify(rel)} backed up`);
      if (rel === "c1-grows-while-held.txt") {
        assertEquals(o.md5, md5Hex(bytes), "c1: the bytes read before the hold");
      } else if (rel === "b-big.bin") {
        assertEquals(o.md5, await now(rel), "b: retried with the grown content");
      } else assertEquals(o.md5, md5Hex(bytes), rel);
    }
    assertOk(!stored.has("T/c2-vanishes.txt"), "a file that vanished is not an error");
    const firstErrors = report.errors.length;

    // Second run, permissions back: only the bad name is left; c1's new bytes go up.
    await Deno.chmod(join(src, "j-unreadable.txt"), 0o644);
    await Deno.chmod(join(src, "k-locked"), 0o755);
    proxy.setRules([]);
    const second = await runCli(args, env);
    assertEquals(second.code, 3, second.stdout.slice(-2000));
    const r2 = lastJson(second.stdout).result as Report;
    assertEquals(r2.errors.map((e) => e.key), ["T/i-bad\ufffdutf8"]);
    assertEquals(r2.errors[0]!.message.includes("not valid UTF-8: rename the file"), true);
    const again = await storedObjects(raw, bucket.name, "T/");
    assertEquals(again.get("T/c1-grows-while-held.txt")!.md5, await now("c1-grows-while-held.txt"));
    assertEquals(again.get("T/a-grow.log")!.md5, await now("a-grow.log"));
    assertEquals(again.get("T/j-unreadable.txt")!.md5, await now("j-unreadable.txt"));
    assertEquals(again.get("T/k-locked/inner.txt")!.md5, await now("k-locked/inner.txt"));

    // The bad name renamed, the control-character file removed: --delete converges (the key
    // cannot travel in DeleteObjects' XML and is deleted on its own).
    await sh("mv \"$(printf 'i-bad\\377utf8')\" i-renamed");
    await Deno.remove(join(src, "l-ctl\u0001.txt"));
    const third = await runCli([...args, "--delete"], env);
    assertEquals(third.code, 0, third.stdout.slice(-2000));
    const r3 = lastJson(third.stdout).result as Report;
    assertEquals([r3.files_deleted, r3.errors], [1, []]);
    const final = await storedObjects(raw, bucket.name, "T/");
    assertOk(!final.has("T/l-ctl\u0001.txt") && final.has("T/i-renamed"));
    // And back: the odd names (255 bytes, control characters, 100 levels) restore byte-identical.
    const dest = join(box.home, "back");
    const restore = await runCli(["--json", "--bucket", bucket.name, "restore", "T", dest], env);
    assertEquals(restore.code, 0, restore.stdout.slice(-2000));
    for (const [key, o] of final) {
      const rel = key.slice(2);
      assertEquals(md5Hex(await Deno.readFile(join(dest, rel))), o.md5, `restored ${rel}`);
    }
    await summary(
      "6 hostile tree",
      `hostile local entries: 17 (unreadable file, unreadable folder, 4 symlinks incl. loops, FIFO, socket, 100-level path, 200/255-byte and 100-character names, invalid UTF-8 name, 2 control-character names, empty file, hard link, a log growing all run, a file growing while its PUT was held, a file vanishing before its turn, a multipart file growing between parts): first run exit 3 with ${firstErrors} reported errors, 6 skipped entries, no crash; every object's bytes were its file's; second run left only the bad name; --delete of a control-character key worked; the tree restored byte-identical`,
      { hostile: 17 },
    );
  } finally {
    growing = false;
    socket?.close();
    await Deno.chmod(join(box.home, "T", "j-unreadable.txt"), 0o644).catch(() => {});
    await Deno.chmod(join(box.home, "T", "k-locked"), 0o755).catch(() => {});
    await proxy.close();
    await bucket.drop();
    raw.destroy();
    await box.cleanup();
  }
});
