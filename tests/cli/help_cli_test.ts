/**
 * A newcomer's mistakes get help: typos of commands and options name the closest one (exit 2),
 * `help CMD` is `CMD --help`, help wraps at word boundaries to 80 columns when not on a
 * terminal, and every command's help lists the global options it accepts.
 *
 * @module
 */

import { assertEquals, assertExcludes, assertIncludes, assertOk } from "../support/assert.ts";
import { runCli, sandbox } from "../support/test_env.ts";

Deno.test("typos: a mistyped command says which one was meant, exit 2", async () => {
  const box = await sandbox();
  try {
    const cases: [string[], string][] = [
      [["bakup", "x"], "unknown command 'bakup'. Did you mean 'backup'?"],
      [["restor", "a", "b"], "unknown command 'restor'. Did you mean 'restore'?"],
      [["version"], "unknown command 'version'. Did you mean '--version'?"],
      [["config", "shwo"], "unknown command 'shwo'. Did you mean 'show'?"],
      [["backup", "--dryrun", "x"], "unknown option '--dryrun'. Did you mean '--dry-run'?"],
      [["help", "bakup"], "unknown command 'bakup'. Did you mean 'backup'?"],
      [["--profile", "p", "verfy", "x"], "unknown command 'verfy'. Did you mean 'verify'?"],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, box.env);
      assertEquals(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assertEquals(r.stderr.trim(), `eigen-s3: ${message}`, args.join(" "));
      assertEquals(r.stdout, "");
    }
    const far = await runCli(["xyzzy"], box.env);
    assertEquals(far.code, 2);
    assertIncludes(far.stderr, "unknown command 'xyzzy'. See 'eigen-s3 --help'");
    const json = await runCli(["--json", "bakup"], box.env);
    assertEquals(json.code, 2);
    assertEquals(json.json(), [{
      event: "error",
      error: { code: "UsageError", message: "unknown command 'bakup'. Did you mean 'backup'?" },
    }]);
  } finally {
    await box.cleanup();
  }
});

Deno.test("help CMD prints the same as CMD --help, exit 0", async () => {
  const box = await sandbox();
  try {
    for (const cmd of [["backup"], ["config", "show"], ["schedule", "add"]]) {
      const a = await runCli(["help", ...cmd], box.env);
      const b = await runCli([...cmd, "--help"], box.env);
      assertEquals(a.code, 0, a.stderr);
      assertEquals(a.stdout, b.stdout);
      assertIncludes(a.stdout, `Usage: eigen-s3 ${cmd.join(" ")}`);
    }
    const top = await runCli(["help"], box.env);
    assertEquals(top.code, 0);
    assertIncludes(top.stdout, "Usage: eigen-s3 [options] [command]");
  } finally {
    await box.cleanup();
  }
});

Deno.test("--help wraps at word boundaries within 80 columns and lists global options", async () => {
  const box = await sandbox();
  try {
    for (
      const args of [["--help"], ["backup", "--help"], ["restore", "--help"], [
        "configure",
        "--help",
      ]]
    ) {
      const r = await runCli(args, box.env);
      assertEquals(r.code, 0);
      for (const line of r.stdout.split("\n")) {
        assertOk(line.length <= 80, `${args.join(" ")}: line over 80 columns: ${line}`);
      }
      // A word is never split across lines: every word of the text appears whole.
      assertExcludes(r.stdout, "AWS_RE\n");
    }
    const configure = await runCli(["configure", "--help"], box.env);
    for (
      const flag of [
        "--endpoint",
        "--region",
        "--bucket",
        "--path-prefix",
        "--profile",
        "--access-key-id",
        "--secret-stdin",
        "--no-test",
      ]
    ) {
      assertIncludes(configure.stdout, flag);
    }
    const top = await runCli(["--help"], box.env);
    assertIncludes(top.stdout, "Exit codes: 0 success");
    assertIncludes(top.stdout, "AWS_REGION");
  } finally {
    await box.cleanup();
  }
});
