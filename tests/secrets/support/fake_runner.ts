/**
 * A scripted {@link ToolRunner} for unit tests: answers calls in order and records them.
 *
 * @module
 */

import type { ToolRequest, ToolResult, ToolRunner } from "../../../src/lib/run_tool.ts";

/** An `exited` result. */
export function exited(code: number, stdout = "", stderr = ""): ToolResult {
  return { status: "exited", code, stdout, stderr };
}

/** A runner that returns `answers` one per call and throws when it runs out. */
export class FakeRunner {
  readonly calls: ToolRequest[] = [];
  readonly #answers: ToolResult[];

  constructor(answers: ToolResult[]) {
    this.#answers = [...answers];
  }

  readonly run: ToolRunner = (request) => {
    this.calls.push(request);
    const answer = this.#answers.shift();
    if (!answer) {
      return Promise.reject(
        new Error(`unexpected call: ${request.command} ${request.args.join(" ")}`),
      );
    }
    return Promise.resolve(answer);
  };

  /** Number of scripted answers not used yet. */
  get remaining(): number {
    return this.#answers.length;
  }
}

/** Wraps a runner and records every request, e.g. to check that a secret never reaches argv. */
export function recording(run: ToolRunner): { run: ToolRunner; calls: ToolRequest[] } {
  const calls: ToolRequest[] = [];
  return {
    calls,
    run: (request) => {
      calls.push(request);
      return run(request);
    },
  };
}

/** Whether some installed program called `name` is on PATH. */
export function onPath(name: string): boolean {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (!dir) continue;
    try {
      if (Deno.statSync(`${dir}/${name}`).isFile) return true;
    } catch {
      // not here
    }
  }
  return false;
}
