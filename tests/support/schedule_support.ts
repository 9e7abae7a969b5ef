/**
 * Helpers for the scheduling tests: configure profiles in a sandbox, spawn the CLI without
 * waiting (concurrent runs, the daemon), read its output line by line.
 *
 * @module
 */

import { configureArgs, runCli, type Sandbox, TEST_SECRET_KEY } from "./test_env.ts";
import { assertEquals } from "./assert.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** Saves profile `name` for `bucket` on the test server (secret in the encrypted file). */
export async function configureProfile(sb: Sandbox, name: string, bucket: string): Promise<void> {
  const r = await runCli(
    ["--profile", name, ...configureArgs(bucket, undefined, ["--no-test"])],
    sb.env,
    TEST_SECRET_KEY + "\n",
  );
  assertEquals(r.code, 0, r.stderr);
}

/** A CLI process that is still running, with its output collected as it arrives. */
export interface LiveCli {
  child: Deno.ChildProcess;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when a stdout line matches (rejects after `timeoutMs`). */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Waits for the exit; returns the code and the whole output. */
  done(): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** Starts `eigen-s3 ARGS` in the sandbox without waiting for it. */
export function spawnCli(args: string[], env: Record<string, string>): LiveCli {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN, ...args],
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "";
  let err = "";
  const pump = async (s: ReadableStream<Uint8Array>, add: (t: string) => void) => {
    for await (const chunk of s.pipeThrough(new TextDecoderStream())) add(chunk);
  };
  const pumped = Promise.all([
    pump(child.stdout, (t) => (out += t)),
    pump(child.stderr, (t) => (err += t)),
  ]);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    async waitForLine(re, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        const line = out.split("\n").find((l) => re.test(l));
        if (line) return line;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(
        `no line matching ${re} within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`,
      );
    },
    async done() {
      const status = await child.status;
      await pumped;
      return { code: status.code, stdout: out, stderr: err };
    },
  };
}

/** Writes `count` files of `size` random bytes into `dir`. */
export async function fillFolder(dir: string, count: number, size: number): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const bytes = new Uint8Array(size);
    for (let off = 0; off < size; off += 65536) {
      crypto.getRandomValues(bytes.subarray(off, Math.min(size, off + 65536)));
    }
    await Deno.writeFile(`${dir}/file-${String(i).padStart(2, "0")}.bin`, bytes);
  }
}
