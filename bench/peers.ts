/**
 * How each tool is run for each benchmark action: eigen-s3 and the peers people would otherwise
 * use (rclone copy, aws s3 sync, s3cmd sync), with matched concurrency, against the same
 * endpoint and bucket. Each tool writes under its own prefix.
 *
 * @module
 */

import { join } from "node:path";

/** Where and how the tools talk to S3. */
export interface Target {
  endpoint: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  concurrency: number;
  /** Folder for the tools' config/state files. */
  workDir: string;
}

/** One tool under test. */
export interface Tool {
  name: string;
  /** Backs up (copies) folder `src` to `prefix` (keys `prefix/rel/path`). */
  backup(src: string, prefix: string, endpoint?: string): string[];
  /** Restores `prefix` into folder `dst`. */
  restore(prefix: string, dst: string, endpoint?: string): string[];
  /** Lists `prefix` (cold start of a small command). */
  ls(prefix: string, endpoint?: string): string[];
  /** Prints help (cold start). */
  help(): string[];
  env: Record<string, string>;
}

const MAIN = new URL("../main.ts", import.meta.url).pathname;

function which(tool: string): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      if (Deno.statSync(join(dir, tool)).isFile) return join(dir, tool);
    } catch { /* keep looking */ }
  }
  return null;
}

function baseEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    LANG: "C.UTF-8",
    NO_COLOR: "1",
  };
}

/** eigen-s3, run from this checkout with `deno run` (the compiled binary starts faster). */
export async function eigenTool(t: Target): Promise<Tool> {
  const home = join(t.workDir, "eigen-home");
  await Deno.mkdir(home, { recursive: true });
  const deno = Deno.execPath();
  const base = (
    endpoint?: string,
  ) => [
    deno,
    "run",
    "-A",
    "--quiet",
    MAIN,
    "--endpoint",
    endpoint ?? t.endpoint,
    "--bucket",
    t.bucket,
    "--quiet",
  ];
  return {
    name: "eigen-s3",
    backup: (
      src,
      prefix,
      ep,
    ) => [...base(ep), "backup", src, prefix, "--concurrency", String(t.concurrency)],
    restore: (
      prefix,
      dst,
      ep,
    ) => [...base(ep), "restore", prefix, dst, "--concurrency", String(t.concurrency)],
    ls: (prefix, ep) => [...base(ep), "ls", prefix + "/"],
    help: () => [deno, "run", "-A", "--quiet", MAIN, "--help"],
    env: {
      ...baseEnv(home),
      DENO_DIR: Deno.env.get("DENO_DIR") ?? join(Deno.env.get("HOME") ?? "/root", ".cache", "deno"),
      XDG_CONFIG_HOME: join(home, "config"),
      XDG_STATE_HOME: join(home, "state"),
      AWS_ACCESS_KEY_ID: t.accessKey,
      AWS_SECRET_ACCESS_KEY: t.secretKey,
      AWS_REGION: "us-east-1",
    },
  };
}

/** rclone copy with --transfers/--checkers matched to our concurrency. */
export async function rcloneTool(t: Target): Promise<Tool | null> {
  const bin = which("rclone");
  if (!bin) return null;
  const home = join(t.workDir, "rclone-home");
  await Deno.mkdir(home, { recursive: true });
  const env = (endpoint: string) => ({
    ...baseEnv(home),
    RCLONE_CONFIG_BENCH_TYPE: "s3",
    RCLONE_CONFIG_BENCH_PROVIDER: "Other",
    RCLONE_CONFIG_BENCH_ENDPOINT: endpoint,
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: t.accessKey,
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: t.secretKey,
    RCLONE_CONFIG_BENCH_REGION: "us-east-1",
    RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: "true",
  });
  // The endpoint lives in the environment: a proxy run swaps it via `withEndpoint`.
  const flags = ["--transfers", String(t.concurrency), "--checkers", String(t.concurrency * 2)];
  const tool: Tool & { withEndpoint?: string } = {
    name: "rclone",
    backup: (
      src,
      prefix,
      ep,
    ) => [
      "env",
      ...kv(env(ep ?? t.endpoint)),
      bin,
      "copy",
      src,
      `bench:${t.bucket}/${prefix}`,
      ...flags,
    ],
    restore: (
      prefix,
      dst,
      ep,
    ) => [
      "env",
      ...kv(env(ep ?? t.endpoint)),
      bin,
      "copy",
      `bench:${t.bucket}/${prefix}`,
      dst,
      ...flags,
    ],
    ls: (
      prefix,
      ep,
    ) => ["env", ...kv(env(ep ?? t.endpoint)), bin, "lsf", `bench:${t.bucket}/${prefix}/`],
    help: () => [bin, "--help"],
    env: baseEnv(home),
  };
  return tool;
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function kv(env: Record<string, string>): string[] {
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

/** aws-cli v2 `s3 sync` with max_concurrent_requests matched. */
export async function awsTool(t: Target): Promise<Tool | null> {
  // aws-cli v2 from Debian lives in /usr/bin; an unrelated v1 may come first on PATH.
  const bin = ["/usr/bin/aws"].find((p) => exists(p)) ?? which("aws");
  if (!bin) return null;
  const home = join(t.workDir, "aws-home");
  await Deno.mkdir(home, { recursive: true });
  const cfg = join(home, "config");
  await Deno.writeTextFile(
    cfg,
    `[default]\nregion = us-east-1\ns3 =\n  max_concurrent_requests = ${t.concurrency}\n  addressing_style = path\n`,
  );
  const ep = (e?: string) => ["--endpoint-url", e ?? t.endpoint, "--only-show-errors"];
  return {
    name: "aws-cli",
    backup: (src, prefix, e) => [bin, "s3", "sync", src, `s3://${t.bucket}/${prefix}`, ...ep(e)],
    restore: (prefix, dst, e) => [bin, "s3", "sync", `s3://${t.bucket}/${prefix}`, dst, ...ep(e)],
    ls: (
      prefix,
      e,
    ) => [bin, "s3", "ls", `s3://${t.bucket}/${prefix}/`, "--endpoint-url", e ?? t.endpoint],
    help: () => [bin, "--version"],
    env: {
      ...baseEnv(home),
      AWS_CONFIG_FILE: cfg,
      AWS_SHARED_CREDENTIALS_FILE: join(home, "none"),
      AWS_ACCESS_KEY_ID: t.accessKey,
      AWS_SECRET_ACCESS_KEY: t.secretKey,
      AWS_PAGER: "",
    },
  };
}

/** s3cmd sync (single-threaded by design: it has no concurrency option). */
export async function s3cmdTool(t: Target): Promise<Tool | null> {
  const bin = which("s3cmd");
  if (!bin) return null;
  const home = join(t.workDir, "s3cmd-home");
  await Deno.mkdir(home, { recursive: true });
  const cfg = (endpoint: string) => {
    const host = new URL(endpoint).host;
    const path = join(home, `s3cfg-${host.replace(/[^0-9a-z]/gi, "_")}`);
    Deno.writeTextFileSync(
      path,
      `[default]\naccess_key = ${t.accessKey}\nsecret_key = ${t.secretKey}\nhost_base = ${host}\nhost_bucket = ${host}\nuse_https = False\nbucket_location = us-east-1\nsignature_v2 = False\nprogress_meter = False\n`,
    );
    return path;
  };
  return {
    name: "s3cmd",
    backup: (
      src,
      prefix,
      e,
    ) => [bin, "-c", cfg(e ?? t.endpoint), "sync", src + "/", `s3://${t.bucket}/${prefix}/`],
    restore: (
      prefix,
      dst,
      e,
    ) => [bin, "-c", cfg(e ?? t.endpoint), "sync", `s3://${t.bucket}/${prefix}/`, dst + "/"],
    ls: (prefix, e) => [bin, "-c", cfg(e ?? t.endpoint), "ls", `s3://${t.bucket}/${prefix}/`],
    help: () => [bin, "--version"],
    env: baseEnv(home),
  };
}
