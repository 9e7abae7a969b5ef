/**
 * Runs `deno test` for the test runner, passing its output through as it comes, and reads from it
 * the counts and every ignored test with the reason its name gives (`[skipped: REASON]`).
 *
 * @module
 */

/** One ignored test and why. */
export interface Skipped {
  name: string;
  reason: string;
}

/** What one `deno test` run did. */
export interface DenoTestResult {
  code: number;
  passed: number;
  failed: number;
  /** Ignored tests that carry a reason; tests ignored without one are here too, so named. */
  skipped: Skipped[];
  /** How many of `skipped` gave no reason in their name. */
  unexplained: number;
}

/** Marks an AWS-semantics test in the main pass when its own pass follows (not a skip). */
export const AWS_PLACEHOLDER = "[in the AWS-semantics pass]";

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** Reads the test lines and the closing summary out of `deno test` output. */
export function parseDenoTest(text: string, code: number): DenoTestResult {
  const skipped: Skipped[] = [];
  let unexplained = 0;
  let passed = 0;
  let failed = 0;
  let summary = false;
  for (const raw of text.split("\n")) {
    const line = raw.replace(ANSI, "").trimEnd();
    const ignored = /^(\S.*) \.\.\. ignored \(/.exec(line);
    if (ignored) {
      const name = ignored[1]!;
      if (name.includes(AWS_PLACEHOLDER)) continue;
      const why = [...name.matchAll(/\[skipped: ([^\]]+)\]/g)].at(-1);
      if (why) {
        skipped.push({ name: name.replace(/\s*\[skipped: [^\]]+\]/g, "").trim(), reason: why[1]! });
      } else {
        skipped.push({ name, reason: "ignored, no reason in its name" });
        unexplained += 1;
      }
      continue;
    }
    const m = /^(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/.exec(line);
    if (m) {
      passed = Number(m[1]);
      failed = Number(m[2]);
      summary = true;
    }
  }
  // no closing line (a type error, a crash): the run failed even if no test did
  if (!summary && code !== 0) failed = Math.max(failed, 1);
  return { code, passed, failed, skipped, unexplained };
}

/**
 * Runs `deno test -A --sanitize-ops --sanitize-resources ARGS` with `env` added; `signal` kills
 * it (the runner's Ctrl+C/SIGTERM).
 */
export async function runDenoTest(
  args: string[],
  env: Record<string, string>,
  signal?: AbortSignal,
): Promise<DenoTestResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "--sanitize-ops", "--sanitize-resources", ...args],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
    signal,
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    text += decoder.decode(chunk, { stream: true });
  }
  const { code } = await child.status;
  return parseDenoTest(text, code);
}
