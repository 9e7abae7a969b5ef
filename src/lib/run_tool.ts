/**
 * The one way src/secrets runs an external tool (secret-tool, security, powershell, pass):
 * argv without secrets, the secret on stdin, stdout/stderr captured, and a hard timeout that
 * kills the child (unlock and pinentry prompts can wait forever).
 *
 * @module
 */

/** One tool invocation. */
export interface ToolRequest {
  /** Program name looked up in PATH, e.g. "secret-tool". */
  command: string;
  /** Arguments. Never put a secret here. */
  args: readonly string[];
  /** Written to the child's stdin, then stdin is closed. Empty when absent. */
  stdin?: string;
  /**
   * The child's environment (this process's when absent). Entries whose value is undefined and
   * secrets (see {@link childEnv}) are left out.
   */
  env?: Record<string, string | undefined>;
  /** Milliseconds before the child is killed and the result is `timeout`. */
  timeoutMs: number;
}

/** What happened to one invocation. */
export type ToolResult =
  | { status: "exited"; code: number; stdout: string; stderr: string }
  | { status: "timeout"; stdout: string; stderr: string }
  | { status: "not-found" };

/** Runs a tool; injectable so the macOS and Windows backends can be tested anywhere. */
export type ToolRunner = (request: ToolRequest) => Promise<ToolResult>;

/** How long output is still read after the child exited (a grandchild may hold the pipes). */
const DRAIN_GRACE_MS = 500;

/** Reads a byte stream to the end, or until `cancel()` is called. */
function collect(
  stream: ReadableStream<Uint8Array>,
): { done: Promise<void>; text(): string; cancel(): Promise<void> } {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  const done = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        chunks.push(value);
      }
    } catch {
      // cancelled or broken pipe: keep what was read
    }
  })();
  return {
    done,
    text: () => {
      const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) {
        all.set(c, at);
        at += c.length;
      }
      return new TextDecoder().decode(all);
    },
    cancel: async () => {
      await reader.cancel().catch(() => {});
      await done;
    },
  };
}

/**
 * Variables a child never gets: credentials and passphrases of this process. A tool does not
 * need them, and a daemon it starts (gpg-agent autostarted by pass, a D-Bus activation) would
 * keep them long after this process exits.
 */
export const WITHHELD_ENV: readonly string[] = [
  "EIGEN_S3_PASSPHRASE",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_ACCESS_KEY_ID",
  "EIGEN_S3_WEBHOOK_TOKEN",
];

/** True for a variable that looks like a secret (and is not one a tool reads as a setting). */
function looksSecret(name: string): boolean {
  const upper = name.toUpperCase();
  if (WITHHELD_ENV.includes(upper)) return true;
  if (upper.startsWith("PASSWORD_STORE_")) return false; // pass's own settings
  return /(SECRET|PASSPHRASE|_TOKEN$|PASSWORD$)/.test(upper);
}

/**
 * The environment a child gets: `env` (or this process's) without undefined entries and without
 * secrets ({@link WITHHELD_ENV} and names that look like one).
 *
 * @example
 * ```ts
 * childEnv({ PATH: "/usr/bin", AWS_SECRET_ACCESS_KEY: "s" }); // { PATH: "/usr/bin" }
 * ```
 */
export function childEnv(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && !looksSecret(k)) out[k] = v;
  }
  return out;
}

/** Waits for `p` at most `ms` milliseconds; true when it settled in time. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The real {@link ToolRunner}, built on Deno.Command. */
export const runTool: ToolRunner = async (request) => {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(request.command, {
      args: [...request.args],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: childEnv(request.env),
      clearEnv: true,
    }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { status: "not-found" };
    throw error;
  }
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }, request.timeoutMs);

  const writer = child.stdin.getWriter();
  const fed = (async () => {
    try {
      if (request.stdin) await writer.write(new TextEncoder().encode(request.stdin));
      await writer.close();
    } catch {
      // the child exited (or was killed) without reading everything
      await writer.abort().catch(() => {});
    }
  })();

  const status = await child.status;
  clearTimeout(timer);
  await fed;
  // A grandchild (e.g. gpg started by pass) can keep the pipes open after the child is gone.
  const drained = await settlesWithin(
    Promise.all([stdout.done, stderr.done]),
    timedOut ? 0 : DRAIN_GRACE_MS,
  );
  if (!drained) await Promise.all([stdout.cancel(), stderr.cancel()]);

  if (timedOut) return { status: "timeout", stdout: stdout.text(), stderr: stderr.text() };
  return {
    status: "exited",
    code: status.code,
    stdout: stdout.text(),
    stderr: stderr.text(),
  };
};

/** Options every tool-based backend takes. */
export interface ToolBackendOptions {
  /** How tools are run; {@link runTool} by default, a fake in tests. */
  run?: ToolRunner;
  /** The tools' complete environment; this process's environment by default. */
  env?: Record<string, string | undefined>;
  /** Per-call timeout in milliseconds (default {@link DEFAULT_TOOL_TIMEOUT_MS}). */
  timeoutMs?: number;
}

/** Default per-call timeout: long enough for an unlock prompt, short enough to notice a hang. */
export const DEFAULT_TOOL_TIMEOUT_MS = 10_000;

/** "10 s" for messages. */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
