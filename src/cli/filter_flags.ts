/**
 * The filter flags (rclone's names and meanings, see engine/local/filter_options.ts) as commander
 * options, registered on `backup`, `restore`, `verify` and `schedule add`. Only commander is
 * imported here: the command tree is built for `--help` too, which must stay fast.
 *
 * @module
 */

import { type Command, Option } from "commander";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Which command the flags are for (restore has no ages or markers: objects have neither). */
export type FilterFlagSet = "backup" | "restore" | "verify" | "schedule";

/** Adds the filter flags to `cmd` (`--exclude` is registered by each command itself). */
export function addFilterOptions(cmd: Command, set: FilterFlagSet): Command {
  const stdin = set === "schedule" ? "" : " ('-': stdin)";
  cmd
    .option(
      "--include <glob>",
      "take only matching paths (repeatable; includes are tried before excludes, first match wins)",
      collect,
      [],
    )
    .option("--include-from <file>", `read include patterns from FILE${stdin}`, collect, [])
    .option("--exclude-from <file>", `read exclude patterns from FILE${stdin}`, collect, [])
    .option(
      "--files-from <file>",
      `take exactly the paths listed in FILE, one per line${stdin}`,
      collect,
      [],
    )
    .option("--files-from0 <file>", "the same, NUL-separated (find -print0)", collect, []);
  if (set !== "restore") {
    cmd.option(
      "--exclude-if-present <name>",
      "skip every folder holding a file NAME, e.g. .nobackup (repeatable)",
      collect,
      [],
    );
  }
  cmd
    .option("--min-size <size>", "skip files smaller than SIZE (B, K, M, G, T: 500K, 2G)")
    .option("--max-size <size>", "skip files larger than SIZE");
  if (set !== "restore") {
    cmd
      .option("--min-age <age>", "skip files modified less than AGE ago (90d, 2w, 36h, or a date)")
      .option("--max-age <age>", "skip files modified more than AGE ago, or before a date");
  }
  if (set !== "schedule") {
    cmd.addOption(
      new Option("--dump <what>", "print the compiled filter rules (also with --verbose)")
        .choices(["filters"]),
    );
  }
  return cmd;
}
