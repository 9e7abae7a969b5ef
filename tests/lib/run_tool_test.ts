import assert from "node:assert/strict";
import { runTool } from "../../src/lib/run_tool.ts";

const PATH = Deno.env.get("PATH");

Deno.test("runTool passes stdin verbatim and captures stdout", async () => {
  const stdin = "s3cr3t/+= ünïcode\nsecond line\n";
  const result = await runTool({ command: "cat", args: [], stdin, timeoutMs: 5000 });
  assert.deepEqual(result, { status: "exited", code: 0, stdout: stdin, stderr: "" });
});

Deno.test("runTool reports exit code and stderr", async () => {
  const result = await runTool({
    command: "sh",
    args: ["-c", "echo out; echo err >&2; exit 3"],
    timeoutMs: 5000,
  });
  assert.deepEqual(result, { status: "exited", code: 3, stdout: "out\n", stderr: "err\n" });
});

Deno.test("runTool reports a missing program as not-found", async () => {
  const result = await runTool({ command: "eigen-s3-no-such-tool", args: [], timeoutMs: 5000 });
  assert.deepEqual(result, { status: "not-found" });
});

Deno.test("runTool kills the child on timeout", async () => {
  const started = performance.now();
  const result = await runTool({
    command: "sh",
    args: ["-c", "echo waiting; exec sleep 30"],
    timeoutMs: 300,
  });
  const elapsed = performance.now() - started;
  assert.equal(result.status, "timeout");
  assert.ok(elapsed < 3000, `took ${elapsed} ms`);
});

Deno.test("runTool gives the child exactly the env it is given", async () => {
  const result = await runTool({
    command: "sh",
    args: ["-c", 'printf "%s|%s|%s" "$EIGEN_A" "${EIGEN_B-unset}" "${HOME-unset}"'],
    env: { PATH, EIGEN_A: "a", EIGEN_B: undefined },
    timeoutMs: 5000,
  });
  assert.deepEqual(result, { status: "exited", code: 0, stdout: "a|unset|unset", stderr: "" });
});

Deno.test("runTool returns when a grandchild keeps the output pipes open", async () => {
  const started = performance.now();
  const result = await runTool({
    command: "sh",
    args: ["-c", "sleep 2 & echo started"],
    timeoutMs: 10_000,
  });
  const elapsed = performance.now() - started;
  assert.deepEqual(result, { status: "exited", code: 0, stdout: "started\n", stderr: "" });
  assert.ok(elapsed < 1800, `took ${elapsed} ms`);
});

Deno.test("runTool survives a child that exits without reading stdin", async () => {
  const result = await runTool({
    command: "true",
    args: [],
    stdin: "x".repeat(1 << 20),
    timeoutMs: 5000,
  });
  assert.deepEqual(result, { status: "exited", code: 0, stdout: "", stderr: "" });
});

Deno.test("runTool: a child never gets this process's credentials or passphrase", async () => {
  const env = {
    PATH: PATH ?? "/usr/bin:/bin",
    HOME: "/home/x",
    PASSWORD_STORE_DIR: "/home/x/.password-store",
    EIGEN_S3_PASSPHRASE: "pp",
    AWS_SECRET_ACCESS_KEY: "sk",
    AWS_SESSION_TOKEN: "tok",
    AWS_ACCESS_KEY_ID: "AKID",
    MY_API_SECRET: "x",
    GITHUB_TOKEN: "y",
  };
  const result = await runTool({ command: "env", args: [], env, timeoutMs: 5000 });
  assert.equal(result.status, "exited");
  const names = (result as { stdout: string }).stdout.split("\n").map((l) => l.split("=")[0])
    .filter((n) => n);
  assert.deepEqual(names.sort(), ["HOME", "PASSWORD_STORE_DIR", "PATH"]);
  // Without an explicit environment the child gets this process's, scrubbed the same way.
  Deno.env.set("EIGEN_S3_PASSPHRASE", "leak?");
  try {
    const inherited = await runTool({ command: "env", args: [], timeoutMs: 5000 });
    assert.ok(!(inherited as { stdout: string }).stdout.includes("EIGEN_S3_PASSPHRASE"));
  } finally {
    Deno.env.delete("EIGEN_S3_PASSPHRASE");
  }
});
