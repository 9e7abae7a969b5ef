/**
 * How `--help` is laid out: wrapped at word boundaries to the terminal's width (80 columns when
 * the output is not a terminal, or `COLUMNS`), global options listed under every command, and
 * long terms (`restore [options] <s3_prefix> <local_folder>`) on a line of their own so the
 * descriptions keep room to wrap instead of running past the edge.
 *
 * @module
 */

import { type Command, Help, type HelpConfiguration } from "commander";

/** Narrowest width wrapped to; below it lines are left as they are. */
const MIN_WIDTH = 40;
/** Widest term column; longer terms go on their own line. */
const MAX_TERM = 30;

/** The width help is wrapped to. */
export function helpWidth(): number {
  let width = 0;
  if (Deno.stdout.isTerminal()) {
    try {
      width = Deno.consoleSize().columns;
    } catch {
      width = 0;
    }
  }
  if (!width) width = Number(Deno.env.get("COLUMNS")) || 80;
  return Math.max(MIN_WIDTH, width);
}

/** Re-flows paragraphs (separated by blank lines) to `width` columns at word boundaries. */
export function wrapParagraphs(text: string, width: number): string {
  return text.split(/\n\s*\n/).map((para) => {
    const words = para.split(/\s+/).filter((w) => w !== "");
    const lines: string[] = [];
    let line = "";
    for (const w of words) {
      if (line === "") line = w;
      else if (line.length + 1 + w.length <= width) line += " " + w;
      else {
        lines.push(line);
        line = w;
      }
    }
    if (line !== "") lines.push(line);
    return lines.join("\n");
  }).join("\n\n");
}

/** Text for `addHelpText("after", …)`, wrapped when help is shown. */
export function reflow(text: string): () => string {
  const leading = text.startsWith("\n") ? "\n" : "";
  return () => leading + wrapParagraphs(text, helpWidth());
}

/** Help settings for the whole command tree (subcommands inherit them when created after). */
export function helpSettings(): HelpConfiguration {
  return {
    showGlobalOptions: true,
    helpWidth: helpWidth(),
    padWidth(cmd: Command, helper: Help): number {
      return Math.min(MAX_TERM, Help.prototype.padWidth.call(this, cmd, helper));
    },
    formatItem(term: string, termWidth: number, description: string, helper: Help): string {
      if (!description || helper.displayWidth(term) <= termWidth) {
        return Help.prototype.formatItem.call(this, term, termWidth, description, helper);
      }
      // A term wider than the column: the term alone, the description below it, aligned.
      const indent = " ".repeat(2 + termWidth + 2);
      const width = (this.helpWidth ?? 80) - indent.length;
      const wrapped = helper.boxWrap(description, Math.max(MIN_WIDTH, width));
      return `  ${term}\n${indent}${wrapped.replace(/\n/g, "\n" + indent)}`;
    },
  } as HelpConfiguration;
}
