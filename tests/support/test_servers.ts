/**
 * The S3 servers `deno task test` can start by itself: Ceph RGW (tests/support/rgw.sh, on free
 * ports in a temp dir), moto (the AWS-semantics pass) and the embedded fauxqs server. Each start
 * returns a handle whose `stop()` is safe to call twice.
 *
 * Switches for trying the fallbacks on a machine that has everything: EIGEN_TEST_NO_RGW=1 and
 * EIGEN_TEST_NO_MOTO=1 make the detection answer "not installed".
 *
 * @module
 */

import { join } from "node:path";
import { startFakeS3 } from "./fauxqs_server.ts";

/** A server the runner started (or was given). */
export interface TestServer {
  /** e.g. http://127.0.0.1:41237 */
  endpoint: string;
  /** What the first line says, e.g. "Ceph RGW (started on 127.0.0.1:41237)". */
  label: string;
  /** Resolves when it answers (rejects when it cannot start); absent when already up. */
  ready?: Promise<void>;
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** `count` distinct free ports. */
export function freePorts(count: number): number[] {
  const held = Array.from({ length: count }, () => Deno.listen({ hostname: "127.0.0.1", port: 0 }));
  const ports = held.map((l) => (l.addr as Deno.NetAddr).port);
  for (const l of held) l.close();
  return ports;
}

/** The full path of `name` on PATH, or null (like `command -v`). */
export function which(name: string): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (!dir) continue;
    const path = join(dir, name);
    try {
      const st = Deno.statSync(path);
      if (st.isFile && (st.mode ?? 0o111) & 0o111) return path;
    } catch {
      // not here
    }
  }
  return null;
}

/** Why RGW cannot be started here, or null when it can (radosgw, ceph-mon, ceph-osd on PATH). */
export function rgwMissing(): string | null {
  if (Deno.env.get("EIGEN_TEST_NO_RGW") === "1") return "EIGEN_TEST_NO_RGW=1";
  const missing = ["radosgw", "radosgw-admin", "ceph-mon", "ceph-osd", "ceph", "curl"].filter((t) =>
    which(t) === null
  );
  return missing.length === 0 ? null : `no Ceph RGW installed (${missing.join(", ")} not found)`;
}

async function waitHttp(url: string, seconds: number, alive: () => boolean): Promise<boolean> {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end && alive()) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return false;
}

const RGW_SH = new URL("./rgw.sh", import.meta.url).pathname;

/**
 * Starts a throw-away Ceph RGW on free ports (S3 and both mon ports) in a temp dir. `track`
 * receives the stop function before anything starts, so an interrupt during the start still
 * stops what was started.
 */
export async function startRgw(track: (stop: () => Promise<void>) => void): Promise<TestServer> {
  const base = await Deno.makeTempDir({ prefix: "eigen-test-rgw-" });
  const [s3, v2, v1] = freePorts(3) as [number, number, number];
  const env = {
    RGW_BASE: join(base, "rgw"),
    RGW_PORT: String(s3),
    RGW_MON_V2_PORT: String(v2),
    RGW_MON_V1_PORT: String(v1),
  };
  const starting = new Deno.Command("bash", {
    args: [RGW_SH, "start"],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const started = starting.output();
  let stopped: Promise<void> | undefined;
  const stop = () =>
    stopped ??= (async () => {
      try {
        starting.kill("SIGTERM"); // still starting: no daemon may be launched after the stop
      } catch {
        // it had finished
      }
      await started.catch(() => {});
      await new Deno.Command("bash", {
        args: [RGW_SH, "stop"],
        env,
        stdout: "null",
        stderr: "null",
      })
        .output().catch(() => {});
      await Deno.remove(base, { recursive: true }).catch(() => {});
    })();
  track(stop);
  const out = await started;
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-8).join("\n");
    await stop();
    throw new Error(`tests/support/rgw.sh start failed (exit ${out.code}):\n${text}`);
  }
  return {
    endpoint: `http://127.0.0.1:${s3}`,
    label: `Ceph RGW (started on 127.0.0.1:${s3})`,
    stop,
  };
}

/** moto's version when `python3 -m moto.server` can run here, else null. */
export async function motoVersion(): Promise<string | null> {
  if (Deno.env.get("EIGEN_TEST_NO_MOTO") === "1" || which("python3") === null) return null;
  try {
    const out = await new Deno.Command("python3", {
      args: ["-c", "import moto, moto.server; print(moto.__version__)"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      signal: AbortSignal.timeout(30_000),
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

/**
 * Starts `python3 -m moto.server` on a free loopback port; returns at once (moto takes some
 * seconds to import), `ready` tells when it answers.
 */
export function startMoto(version: string): TestServer {
  const port = freePort();
  const child = new Deno.Command("python3", {
    args: ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const stop = async () => {
    if (exited) return;
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
    const timer = setTimeout(() => {
      if (!exited) child.kill("SIGKILL");
    }, 3000);
    await status;
    clearTimeout(timer);
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const ready = waitHttp(`${endpoint}/moto-api/`, 120, () => !exited).then(async (ok) => {
    if (ok) return;
    await stop();
    throw new Error(`moto ${version} did not answer on ${endpoint}`);
  });
  ready.catch(() => {}); // awaited by the runner; never an unhandled rejection meanwhile
  const short = version.split(".").slice(0, 2).join(".");
  return { endpoint, label: `moto ${short} AWS pass (127.0.0.1:${port})`, ready, stop };
}

/** Starts the embedded fauxqs server (with its shim) in this process. */
export async function startEmbedded(why: string): Promise<TestServer> {
  const s = await startFakeS3(0);
  let stopped = false;
  return {
    endpoint: s.endpoint,
    label: `embedded fauxqs 2.4.1 (${new URL(s.endpoint).host}; ${why})`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await s.stop();
    },
  };
}
