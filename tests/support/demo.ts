/**
 * `deno task demo`: eigen-s3 working with no account. Starts an in-process S3 endpoint (fauxqs)
 * on loopback, makes a sample bucket and photo folder in a throw-away home, and runs a short
 * scripted session of real eigen-s3 commands against it. `deno task demo:tui` (or
 * `deno task demo --tui`) opens the full-screen UI against the same endpoint instead, with a
 * saved profile "demo" and the sample folder at ~/Photos (needs a terminal).
 *
 * Nothing touches your real configuration: HOME and the XDG folders point at a temp dir.
 *
 * @module
 */

import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { startFakeS3 } from "./fauxqs_server.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const wantTui = Deno.args.includes("--tui");

const server = await startFakeS3(0);
const home = await Deno.makeTempDir({ prefix: "eigen-demo-" });
const photos = join(home, "Photos");
const env: Record<string, string> = {
  HOME: home,
  XDG_CONFIG_HOME: join(home, "config"),
  XDG_STATE_HOME: join(home, "state"),
  PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
  TERM: Deno.env.get("TERM") ?? "xterm-256color",
  DENO_DIR: Deno.env.get("DENO_DIR") ?? join(Deno.env.get("HOME") ?? "", ".cache", "deno"),
  AWS_ACCESS_KEY_ID: "DEMOACCESSKEY",
  AWS_SECRET_ACCESS_KEY: "demo-secret-not-checked-by-the-fake",
  AWS_ENDPOINT_URL: server.endpoint,
  AWS_REGION: "us-east-1",
  EIGEN_S3_PASSPHRASE: "demo",
};
if (Deno.env.get("NO_COLOR")) env.NO_COLOR = "1";

async function sample(path: string, size: number, mtime: Date): Promise<void> {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) {
    crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)));
  }
  await Deno.writeFile(path, bytes);
  await Deno.utime(path, mtime, mtime);
}

const configureDemo = [
  "--profile",
  "demo",
  "configure",
  "--endpoint",
  server.endpoint,
  "--region",
  "us-east-1",
  "--bucket",
  "demo-photos",
  "--access-key-id",
  "DEMOACCESSKEY",
  "--secret-stdin",
  "--secret-backend",
  "file",
];

async function eigen(args: string[], show = true, runEnv = env): Promise<number> {
  if (show) {
    console.log(`\n$ eigen-s3 ${args.map((a) => (/[\s#]/.test(a) ? `'${a}'` : a)).join(" ")}`);
  }
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN, ...args],
    env: runEnv,
    clearEnv: true,
    cwd: home,
    stdin: wantTui ? "inherit" : "null",
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return out.code;
}

const client = new S3Client({
  endpoint: server.endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});
let code = 0;
try {
  await client.send(new CreateBucketCommand({ Bucket: "demo-photos" }));
  const day = new Date("2024-07-14T10:00:00Z");
  await sample(join(photos, "2024", "beach.jpg"), 180_000, day);
  await sample(join(photos, "2024", "sunset.jpg"), 240_000, day);
  await sample(join(photos, "2024", "video clip.mp4"), 9_500_000, day);
  await sample(join(photos, "family", "grandma ü.heic"), 120_000, day);
  await sample(join(photos, ".thumbnails", "cache.db"), 4_000, day);

  console.log(`eigen-s3 demo: an S3 endpoint is running at ${server.endpoint} (fauxqs, in memory)`);
  console.log(`sample folder: ${photos}   (the home for this demo is a temp dir)`);
  if (wantTui) {
    // a saved profile, as after `eigen-s3 configure`: its secret in the encrypted file, whose
    // passphrase comes from the environment (EIGEN_S3_PASSPHRASE), so the UI asks nothing
    const tuiEnv = { ...env };
    for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL"]) {
      delete tuiEnv[k];
    }
    const configured = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", MAIN, ...configureDemo],
      env: tuiEnv,
      clearEnv: true,
      cwd: home,
      stdin: "piped",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const w = configured.stdin.getWriter();
    await w.write(new TextEncoder().encode(env.AWS_SECRET_ACCESS_KEY!));
    await w.close();
    const done = await configured.output();
    if (!done.success) {
      console.error(new TextDecoder().decode(done.stderr));
      throw new Error("configure for the demo profile failed");
    }
    console.log("profile: demo (the default), bucket demo-photos; sample folder ~/Photos");
    console.log("in the UI: 2 opens Backup, Enter on Local folder browses to ~/Photos; q quits");
    await new Promise((r) => setTimeout(r, 1500));
    code = await eigen(["tui"], false, tuiEnv);
  } else {
    const hasBackup = await Deno.stat(new URL("../../src/cli/commands/backup.ts", import.meta.url))
      .then(() => true, () => false);
    const hasRestore = await Deno.stat(
      new URL("../../src/cli/commands/restore.ts", import.meta.url),
    ).then(() => true, () => false);
    const steps: string[][] = [
      ["--bucket", "demo-photos", "test"],
      ["buckets"],
      ["--bucket", "demo-photos", "put", join(photos, "2024", "beach.jpg"), "single/beach.jpg"],
      ["--bucket", "demo-photos", "ls", "single/"],
      ["--bucket", "demo-photos", "get", "single/beach.jpg", join(home, "beach-copy.jpg")],
    ];
    if (hasBackup) {
      steps.push(["--bucket", "demo-photos", "backup", photos, "photos", "--dry-run"]);
      steps.push(["--bucket", "demo-photos", "backup", photos, "photos"]);
      steps.push(["--bucket", "demo-photos", "backup", photos, "photos"]);
      steps.push(["--bucket", "demo-photos", "ls", "photos/", "--recursive"]);
    }
    if (hasRestore) {
      steps.push(["--bucket", "demo-photos", "restore", "photos", join(home, "Restored")]);
    }
    steps.push(["history"]);
    for (const s of steps) {
      code = await eigen(s);
      if (code !== 0) break;
    }
    console.log(
      "\nThe full-screen UI on the same kind of endpoint: deno task demo:tui. Against your own\n" +
        "storage: eigen-s3 configure, then eigen-s3 (the full-screen UI).",
    );
  }
} finally {
  client.destroy();
  await server.stop();
  await Deno.remove(home, { recursive: true }).catch(() => {});
}
Deno.exit(code);
