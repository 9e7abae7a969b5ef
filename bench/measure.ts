/**
 * Runs one command and measures it: wall time (high-resolution clock around the process) and
 * peak RSS (GNU time's maximum resident set size, which covers the whole process). Each run
 * starts after `sync`, so no tool pays for the disk writeback of the run before it.
 *
 * @module
 */

/** One measured run. */
export interface Measurement {
  wallMs: number;
  /** Peak resident set size in MiB (0 when /usr/bin/time is missing). */
  peakRssMiB: number;
  code: number;
  stderrTail: string;
}

const GNU_TIME = "/usr/bin/time";
let hasTime: boolean | undefined;

/** Runs `cmd` with `env` (merged over a minimal base), cwd `cwd`; never throws on exit codes. */
export async function measure(
  cmd: string[],
  env: Record<string, string>,
  cwd?: string,
): Promise<Measurement> {
  hasTime ??= await Deno.stat(GNU_TIME).then(() => true, () => false);
  const marker = "EIGEN_BENCH_RSS_KB=";
  const argv = hasTime ? [GNU_TIME, "-f", `${marker}%M`, ...cmd] : cmd;
  await settleDisk();
  const started = performance.now();
  const out = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    env,
    clearEnv: true,
    cwd,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const wallMs = performance.now() - started;
  const stderr = new TextDecoder().decode(out.stderr);
  const m = new RegExp(`${marker}(\\d+)`).exec(stderr);
  const peakRssMiB = m ? Number(m[1]) / 1024 : 0;
  const tail = stderr.replace(new RegExp(`${marker}\\d+\\s*`), "").trim().split("\n").slice(-3)
    .join(" | ");
  return { wallMs, peakRssMiB, code: out.code, stderrTail: tail };
}

/** Flushes dirty pages to disk (`sync`), when the command exists. */
async function settleDisk(): Promise<void> {
  try {
    await new Deno.Command("sync", { stdout: "null", stderr: "null" }).output();
  } catch {
    // No sync command (Windows): runs start as they are.
  }
}

/** The median of `values` (NaN for none). */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
