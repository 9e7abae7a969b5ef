import { busyMessage, lockPath, tryLockJob } from "../../../src/engine/schedule/job_lock.ts";
import { assertEquals, assertOk } from "../../support/assert.ts";
import { tempDir } from "../../support/test_env.ts";

const LOCK_MODULE = new URL("../../../src/engine/schedule/job_lock.ts", import.meta.url).href;

/** A child process that takes the lock of `job`, says "locked" and waits to be killed. */
async function holdInChild(dir: string, job: string): Promise<Deno.ChildProcess> {
  const code = `
    import { tryLockJob } from ${JSON.stringify(LOCK_MODULE)};
    const r = await tryLockJob(${JSON.stringify(dir)}, ${JSON.stringify(job)});
    console.log("lock" in r ? "locked" : "busy");
    setInterval(() => {}, 1000);
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const { value } = await reader.read();
  await reader.cancel();
  assertEquals(value?.trim(), "locked");
  return child;
}

Deno.test("job lock: one holder per job in a process; released on release()", async () => {
  const dir = await tempDir();
  try {
    const a = await tryLockJob(dir.path, "photos", new Date("2025-01-01T03:00:00Z"));
    assertOk("lock" in a);
    const b = await tryLockJob(dir.path, "photos");
    assertOk("busy" in b);
    assertEquals(b.busy.pid, Deno.pid);
    assertEquals(b.busy.since, "2025-01-01T03:00:00.000Z");
    const other = await tryLockJob(dir.path, "docs");
    assertOk("lock" in other);
    other.lock.release();
    a.lock.release();
    a.lock.release(); // twice is harmless
    const c = await tryLockJob(dir.path, "photos");
    assertOk("lock" in c);
    c.lock.release();
    assertEquals((await Deno.stat(lockPath(dir.path, "photos"))).mode! & 0o777, 0o600);
  } finally {
    await dir.cleanup();
  }
});

Deno.test("job lock: held across processes, and freed when the holder is killed", async () => {
  const dir = await tempDir();
  try {
    const child = await holdInChild(dir.path, "photos");
    const busy = await tryLockJob(dir.path, "photos");
    assertOk("busy" in busy);
    assertEquals(busy.busy.pid, child.pid);
    assertEquals(
      busyMessage("photos", { pid: 7, host: "nas", since: "2025-01-01T03:00:00.000Z" }),
      "Job 'photos' is already running by process 7 on nas since 2025-01-01T03:00:00.000Z: not starting a second backup of it at the same time. Wait for that run to finish (see 'eigen-s3 schedule list').",
    );
    child.kill("SIGKILL");
    await child.status;
    const after = await tryLockJob(dir.path, "photos");
    assertOk("lock" in after, "the kernel releases the lock of a dead process");
    // And the other way round: a child cannot take a lock this process holds.
    const code = `
      import { tryLockJob } from ${JSON.stringify(LOCK_MODULE)};
      const r = await tryLockJob(${JSON.stringify(dir.path)}, "photos");
      console.log("busy" in r ? "busy " + r.busy.pid : "locked");
    `;
    const out = await new Deno.Command(Deno.execPath(), { args: ["eval", "--quiet", code] })
      .output();
    assertEquals(new TextDecoder().decode(out.stdout).trim(), `busy ${Deno.pid}`);
    after.lock.release();
  } finally {
    await dir.cleanup();
  }
});
