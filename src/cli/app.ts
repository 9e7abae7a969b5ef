/**
 * The command tree (commander) and the one place that turns a command's outcome into output
 * and an exit code. Command modules are imported only when their command runs, so `--help`
 * and `--version` stay fast.
 *
 * @module
 */

import { DEFAULT_CONCURRENCY } from "../engine/core/concurrency.ts";
import { Command, CommanderError, Option } from "commander";
import { helpSettings, reflow } from "./help_format.ts";
import { suggest } from "../lib/suggest.ts";
import { VERSION } from "../version.ts";
import { lazy, type Loader } from "./command_module.ts";
import { addFilterOptions } from "./filter_flags.ts";

const collect = (value: string, previous: string[] = []) => [...previous, value];

const EXIT_HELP = `
Exit codes: 0 success, 1 failed, 2 usage error, 3 partial (some files failed), 4 not configured,
5 invalid credentials or access denied, 6 bucket or key not found, 7 network, 8 refused for
safety, 9 cut off by --max-duration or --max-transfer (run again to go on), 130 interrupted.

Settings come from flags, then AWS_* environment variables and ~/.aws files, then the profile
saved by 'eigen-s3 configure'. Keys are relative to the profile's path prefix.`;

/** Builds the command tree; `run` executes the chosen command. */
export function buildProgram(run: (cmd: Command, load: Loader) => Promise<void>): Command {
  const program = new Command("eigen-s3")
    .description(
      "Archival backups to S3-compatible storage: a full-screen UI and a scriptable CLI.",
    )
    .version(VERSION, "--version", "print the version")
    .helpOption("-h, --help", "show help")
    .option("--profile <name>", "use this saved profile")
    .option("--endpoint <url>", "S3 endpoint URL (e.g. https://s3.eu-central-003.backblazeb2.com)")
    .option("--region <region>", "region (default: profile, AWS_REGION, us-east-1)")
    .option("--bucket <name>", "bucket name")
    .option("--path-prefix <prefix>", "root prefix inside the bucket")
    .option("--json", "machine output: NDJSON on stdout")
    .option("--quiet", "no progress or notices")
    .option("--verbose", "more detail on stderr")
    .option("--no-color", "no colours (NO_COLOR is honoured too)")
    .option(
      "--no-key-cache",
      "do not keep the secrets file's key in the session keyring (also EIGEN_S3_KEY_CACHE=0)",
    )
    .addHelpText("after", reflow(EXIT_HELP))
    .showSuggestionAfterError(true)
    .configureHelp(helpSettings())
    .exitOverride();

  const act = (load: Loader) => async (...args: unknown[]) => {
    await run(args[args.length - 1] as Command, load);
  };

  program.command("configure")
    .description("create or update a profile (prompts on a terminal; secret via --secret-stdin)")
    .option("--access-key-id <id>", "access key id")
    .option("--secret-stdin", "read the secret access key from stdin")
    .addOption(
      new Option("--secret-backend <backend>", "where to keep the secret").choices([
        "keychain",
        "pass",
        "file",
      ]),
    )
    .option("--no-test", "save without testing the connection")
    .action(act(lazy("./commands/configure.ts")));

  const config = program.command("config").description("show, list or remove profiles");
  config.command("show").description("the active profile (never the secret)")
    .action(act(lazy("./commands/config_show.ts")));
  config.command("list").description("all profiles").action(
    act(lazy("./commands/config_list.ts")),
  );
  config.command("remove").description("delete a profile and its stored secret").argument("<name>")
    .action(act(lazy("./commands/config_remove.ts")));

  program.command("test").description("test the connection and bucket access")
    .action(act(lazy("./commands/test.ts")));
  program.command("buckets").description("list buckets").action(
    act(lazy("./commands/buckets.ts")),
  );
  program.command("ls").description("list objects (folders first unless --recursive)")
    .argument("[prefix]", "key prefix", "")
    .option("-r, --recursive", "list every object under the prefix")
    .option("--max-keys <n>", "show at most N entries", "1000")
    .option("--versions", "list object versions and delete markers")
    .action(act(lazy("./commands/ls.ts")));
  program.command("put").description("upload one file")
    .argument("<local_path>").argument(
      "[key]",
      "object key (default: the file name; ending in / appends it)",
    )
    .option("--meta <key=value>", "user metadata (repeatable)", collect, [])
    .option("--storage-class <class>", "e.g. STANDARD_IA, GLACIER, DEEP_ARCHIVE")
    .option("--content-type <type>", "override the type guessed from the extension")
    .addOption(new Option("--sse <mode>", "server-side encryption").choices(["AES256", "aws:kms"]))
    .option("--sse-kms-key-id <id>", "KMS key for --sse aws:kms (implies it)")
    .action(act(lazy("./commands/put.ts")));
  program.command("get").description("download one object (resumable, verified, mtime restored)")
    .argument("<key>").argument("[local_path]", "destination file or folder (default: ./<name>)")
    .option("--version-id <id>", "a specific version")
    .option("--request-thaw", "if the object is in GLACIER/DEEP_ARCHIVE, request a thaw")
    .option("--days <n>", "with --request-thaw: days the thawed copy stays readable (default 7)")
    .addOption(
      new Option("--tier <tier>", "thaw retrieval tier (default Standard)").choices([
        "Standard",
        "Bulk",
        "Expedited",
      ]),
    )
    .action(act(lazy("./commands/get.ts")));
  program.command("rm").description("delete objects").argument("<keys...>")
    .action(act(lazy("./commands/rm.ts")));
  program.command("history").description("past backup and restore runs, newest first")
    .option("--limit <n>", "how many", "20")
    .action(act(lazy("./commands/history.ts")));
  // -- further commands register below (backup, restore, verify, schedule, daemon, lifecycle, tui) --
  // backup (issue 4)
  const backup = program.command("backup")
    .description("back up a folder incrementally (only new and changed files are uploaded)")
    .argument("<local_folder>", "the folder to back up")
    .argument(
      "[s3_prefix]",
      "where under the path prefix (default: the folder's name; '' for the path prefix itself)",
    )
    .option("--dry-run", "show the full plan, change nothing anywhere")
    .option("--delete", "delete objects whose file is gone from the folder (guarded)")
    .option("--max-delete <n>", "most deletions allowed: a count or a percentage (default 50%)")
    .option("--exclude <glob>", "skip matching paths (repeatable; ** crosses folders)", collect, [])
    .option("--include-hidden", "also back up dotfiles and dot-folders")
    .option("--concurrency <n>", `files transferred at once (default ${DEFAULT_CONCURRENCY})`)
    .option("--storage-class <class>", "e.g. STANDARD_IA, GLACIER_IR, DEEP_ARCHIVE")
    .addOption(
      new Option("--sse <mode>", "server-side encryption").choices(["AES256", "aws:kms"]),
    )
    .option("--sse-kms-key-id <id>", "KMS key for --sse aws:kms")
    .option(
      "--bwlimit <rate>",
      "bandwidth limit across all uploads, e.g. 10M, or a timetable '08:00,512K 19:00,off'",
    )
    .option("--max-duration <duration>", "stop the run after DURATION, e.g. 5h, 90m (exit 9)")
    .option("--max-transfer <size>", "stop the run after sending SIZE, e.g. 10G (exit 9)")
    .option(
      "--cutoff-mode <mode>",
      "hard (stop uploads now; default), soft (let them finish) or cautious (never pass the size)",
    );
  addFilterOptions(backup, "backup")
    .addHelpText(
      "after",
      reflow(`
LOCAL_FOLDER/a/b.jpg is stored at <path_prefix><S3_PREFIX>/a/b.jpg (Unicode NFC). S3_PREFIX
defaults to the folder's own name: 'eigen-s3 backup ~/Photos' writes under 'Photos/'.
Unchanged files are found from a local manifest plus the listing (no request per file);
symbolic links are not followed. --delete is refused (exit 8) when the folder is missing or
empty, or when more than --max-delete objects would go; nothing is deleted when a file failed.
--max-duration/--max-transfer cut a run off cleanly: nothing is deleted, the report says what
was left, and the next run goes on (interrupted multipart uploads resume).
Exit: 0 all backed up, 3 some files failed (listed), 8 refused for safety, 9 cut off by
--max-duration or --max-transfer, 130 interrupted (run again to resume).`),
    )
    .action(act(lazy("./commands/backup.ts")));
  // restore + verify (issue 5)
  const restore = program.command("restore")
    .description(
      "restore a backed-up prefix into a folder (resumable, verified, never outside the folder)",
    )
    .argument("<s3_prefix>", "backup prefix (relative to the path prefix; '' for all)")
    .argument("<local_folder>", "destination folder (created when missing)")
    .option("--dry-run", "show the plan, change nothing")
    .option("--overwrite", "replace local files that differ (default: keep and report them)")
    .option("--exclude <glob>", "skip matching paths (repeatable; ** crosses folders)", collect, [])
    .option("--concurrency <n>", "parallel downloads", String(DEFAULT_CONCURRENCY))
    .option("--at <timestamp>", "restore as it was at this time (versioned buckets; ISO 8601)")
    .option(
      "--bwlimit <rate>",
      "bandwidth limit across all downloads, e.g. 10M, or a timetable '08:00,512K 19:00,off'",
    )
    .option("--request-thaw", "request a thaw of GLACIER/DEEP_ARCHIVE objects not yet readable")
    .option("--days <n>", "with --request-thaw: days the thawed copy stays readable (default 7)")
    .addOption(
      new Option("--tier <tier>", "thaw retrieval tier (default Standard)").choices([
        "Standard",
        "Bulk",
        "Expedited",
      ]),
    );
  addFilterOptions(restore, "restore")
    .addHelpText(
      "after",
      reflow(`
Exit: 0 all restored (identical, excluded and kept-different files count as done), 3 some
objects failed or are still in cold storage (run again later), 130 interrupted (run again to
resume). Unsafe keys ('..', absolute, backslash, NUL, names over 255 bytes) are reported and
skipped; symbolic links in LOCAL_FOLDER are never followed.`),
    )
    .action(act(lazy("./commands/restore.ts")));
  const verify = program.command("verify")
    .description("compare a folder with its backup (like rclone check)")
    .argument("<local_folder>", "the backed-up folder")
    .argument(
      "[s3_prefix]",
      "backup prefix (default: the folder's name, as for backup; '' for the path prefix itself)",
    )
    .option("--download", "read and hash the stored bytes instead of trusting stored MD5s")
    .option(
      "--exclude <glob>",
      "paths the backup excluded (repeatable; give its filters)",
      collect,
      [],
    )
    .option("--include-hidden", "the backup included hidden files")
    .option("--concurrency <n>", "parallel checks", String(DEFAULT_CONCURRENCY));
  addFilterOptions(verify, "verify")
    .addHelpText(
      "after",
      reflow(`
Exit: 0 only when every file matches and nothing is missing on either side; 3 when differences,
missing or unverifiable files were found (listed); 130 interrupted.`),
    )
    .action(act(lazy("./commands/verify.ts")));
  // tui (issue 6)
  program.command("tui").description("the full-screen UI")
    .action(act(lazy("../tui/command.ts")));
  // schedule, daemon, lifecycle (issue 7)
  const schedule = program.command("schedule")
    .description("scheduled backup jobs: add, list, show, remove, run now, install timers");
  const scheduleAdd = schedule.command("add")
    .description("save a scheduled backup job (--profile picks its profile)")
    .argument("<name>", "job name: letters, digits, '.', '_', '-'")
    .requiredOption("--folder <dir>", "the folder to back up")
    .requiredOption("--cron <expr>", "when: 5-field cron, e.g. '0 3 * * *', or @daily/@weekly")
    .option("--prefix <prefix>", "S3_PREFIX under the path prefix (default: the folder's name)")
    .option("--timezone <tz>", "IANA time zone of the schedule (default: the system's)")
    .option("--window <start-end>", "scheduled runs only start between HH:MM-HH:MM")
    .option("--exclude <glob>", "skip matching paths (repeatable)", collect, [])
    .option("--include-hidden", "also back up dotfiles and dot-folders")
    .option("--delete", "delete objects whose file is gone (guarded)")
    .option("--max-delete <n>", "most deletions allowed: a count or a percentage")
    .option("--concurrency <n>", "files transferred at once")
    .option("--storage-class <class>", "e.g. STANDARD_IA, GLACIER_IR, DEEP_ARCHIVE")
    .addOption(new Option("--sse <mode>", "server-side encryption").choices(["AES256", "aws:kms"]))
    .option("--sse-kms-key-id <id>", "KMS key for --sse aws:kms")
    .option("--bwlimit <rate>", "bandwidth limit, e.g. 10M, or a timetable '08:00,512K 19:00,10M'")
    .option("--max-duration <duration>", "cut each run off after DURATION, e.g. 5h (exit 9)")
    .option("--max-transfer <size>", "cut each run off after sending SIZE, e.g. 10G (exit 9)")
    .option("--cutoff-mode <mode>", "hard (default), soft or cautious")
    .option("--webhook <url>", "POST the run's JSON report here when it finishes")
    .option("--webhook-file <file>", "read the webhook URL from FILE ('-': stdin), not argv")
    .option("--webhook-token-env <name>", "send a bearer token read from $NAME at each run")
    .option(
      "--webhook-token-file <file>",
      "send a bearer token read from FILE (mode 600) at each run",
    )
    .option("--desktop", "show a desktop notification when it finishes")
    .addOption(
      new Option("--notify-on <when>", "notify always (default) or on failure only").choices([
        "always",
        "failure",
      ]),
    )
    .option("--replace", "overwrite a job of the same name");
  addFilterOptions(scheduleAdd, "schedule")
    .action(act(lazy("./commands/schedule_add.ts")));
  schedule.command("list").description("jobs with their next run and last result")
    .action(act(lazy("./commands/schedule_list.ts")));
  schedule.command("show").description("one job, its next runs and its last runs")
    .argument("<name>").action(act(lazy("./commands/schedule_show.ts")));
  schedule.command("remove").description("delete a job").argument("<name>")
    .action(act(lazy("./commands/schedule_remove.ts")));
  schedule.command("run").description("run a job now (exit 8 if it is already running)")
    .argument("<name>")
    .option("--scheduled", "as a timer would: skip when outside the job's time window")
    .addHelpText(
      "after",
      reflow(`
Exit: the backup's (0 done, 3 some files failed, 8 refused by a delete guard, 130 interrupted,
4-7 per the table in 'eigen-s3 --help'); 8 also when the job is already running (another
'schedule run' or the daemon holds its lock): the message names the process.`),
    )
    .action(act(lazy("./commands/schedule_run.ts")));
  schedule.command("install")
    .description("run the jobs on schedule with systemd timers, cron or launchd")
    .option("--systemd", "systemd user timers (default where systemctl exists)")
    .option("--cron", "a block in your crontab")
    .option("--launchd", "LaunchAgents (default on macOS)")
    .option("--dry-run", "show the files and commands, change nothing")
    .addHelpText(
      "after",
      reflow(`
systemd: ~/.config/systemd/user/eigen-s3-JOB.{service,timer} (OnCalendar from the cron
expression, Persistent=true); cron: a marked block in your crontab; launchd:
~/Library/LaunchAgents/com.eigen.eigen-s3.JOB.plist. Each runs 'eigen-s3 schedule run JOB
--scheduled'. Schedules a backend cannot express run under one 'eigen-s3 daemon' service.
Installing again replaces the earlier install; 'schedule uninstall' removes exactly it.`),
    )
    .action(act(lazy("./commands/schedule_install.ts")));
  schedule.command("uninstall").description("remove what 'schedule install' wrote")
    .action(act(lazy("./commands/schedule_uninstall.ts")));
  program.command("daemon")
    .description("run due jobs in the foreground, one log line per event (stop: SIGTERM)")
    .option("--job <name>", "only this job (repeatable)", collect, [])
    .addHelpText(
      "after",
      reflow(`
Runs each job when its cron schedule is due, one run per job at a time (a lock shared with
'schedule run'); after sleep or downtime a missed run is caught up once. SIGTERM/SIGINT stop
runs in flight cleanly and exit 0. Exit 4 when the config file is invalid at start or a --job
does not exist.`),
    )
    .action(act(lazy("./commands/daemon.ts")));
  const lifecycle = program.command("lifecycle")
    .description("bucket lifecycle rules for the profile's path prefix");
  lifecycle.command("show").description("the bucket's rules (eigen-s3's and others)")
    .action(act(lazy("./commands/lifecycle_show.ts")));
  lifecycle.command("set").description("set eigen-s3's rules; other rules are left alone")
    .option("--transition-days <n>", "move objects to --storage-class after N days ('off' removes)")
    .option("--storage-class <class>", "target of the transition, e.g. GLACIER, DEEP_ARCHIVE")
    .option("--noncurrent-days <n>", "expire noncurrent versions after N days ('off' removes)")
    .option("--abort-multipart-days <n>", "abort incomplete multipart uploads after N days")
    .option("--replace", "eigen-s3's rules become exactly the ones given")
    .option("--dry-run", "show the resulting rules, change nothing")
    .action(act(lazy("./commands/lifecycle_set.ts")));

  return program;
}

/** Global options that take a value (the value is not a command name). */
const VALUE_OPTIONS = new Set(["--profile", "--endpoint", "--region", "--bucket", "--path-prefix"]);

/** Where the command name is in `argv` (after global options), or -1. */
function commandIndex(argv: string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") return i + 1 < argv.length ? i + 1 : -1;
    if (!a.startsWith("-")) return i;
    if (VALUE_OPTIONS.has(a)) i++;
  }
  return -1;
}

/**
 * `help CMD ...` becomes `CMD ... --help`; a first word that is no command is a usage error
 * with the closest command ("unknown command 'bakup'. Did you mean 'backup'?"), instead of
 * commander's "too many arguments" (the program itself takes no arguments: it opens the TUI).
 */
function checkCommand(program: Command, argv: string[]): string[] | { error: string } {
  const at = commandIndex(argv);
  if (at < 0) return argv;
  const word = argv[at]!;
  const names = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  if (word === "help") {
    const rest = argv.slice(at + 1);
    if (rest.length === 0) return [...argv.slice(0, at), "--help"];
    const next = checkCommand(program, rest);
    if ("error" in next) return next;
    return [...argv.slice(0, at), ...rest, "--help"];
  }
  if (names.includes(word)) return argv;
  const hint = suggest(word, [...names, "--version", "--help"]);
  return {
    error: `unknown command '${word}'.` +
      (hint ? ` Did you mean '${hint}'?` : " See 'eigen-s3 --help' for the commands."),
  };
}

/** Applies `fn` to `cmd` and every command below it. */
function eachCommand(cmd: Command, fn: (c: Command) => void): void {
  fn(cmd);
  for (const c of cmd.commands) eachCommand(c, fn);
}

/** Runs eigen-s3 with `argv` (without the program name); resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  let exitCode = 0;
  const program = buildProgram(async (cmd, load) => {
    const { dispatch } = await import("./dispatch.ts");
    exitCode = await dispatch(cmd, load);
  });
  eachCommand(program, (c) =>
    c.configureOutput({
      writeErr: (s) => {
        if (!json) Deno.stderr.writeSync(new TextEncoder().encode(s));
      },
      outputError: (s, write) => write(commanderMessage(s) + "\n"),
    }));
  program.action(async () => {
    const { dispatchDefault } = await import("./dispatch.ts");
    exitCode = await dispatchDefault(program);
  });
  const checked = checkCommand(program, argv);
  if ("error" in checked) {
    if (json) {
      console.log(
        JSON.stringify({ event: "error", error: { code: "UsageError", message: checked.error } }),
      );
    } else {
      Deno.stderr.writeSync(new TextEncoder().encode(`eigen-s3: ${checked.error}\n`));
    }
    return 2;
  }
  try {
    await program.parseAsync(checked, { from: "user" });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (
      e.code === "commander.helpDisplayed" || e.code === "commander.version" ||
      e.code === "commander.help"
    ) return 0;
    if (json) {
      const message = commanderMessage(e.message).replace(/^eigen-s3: /, "");
      console.log(JSON.stringify({ event: "error", error: { code: "UsageError", message } }));
    }
    return 2;
  }
  return exitCode;
}

/**
 * commander's error text in eigen-s3's words: "eigen-s3: unknown option '--dryrun'. Did you mean
 * '--dry-run'?" on one line (commander writes "error: …" and "(Did you mean --dry-run?)").
 */
function commanderMessage(text: string): string {
  return text.trim().replace(/^error: /, "eigen-s3: ").replace(
    /\s*\(Did you mean ([^)?]+)\?\)$/,
    ". Did you mean '$1'?",
  );
}
