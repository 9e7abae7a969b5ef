/**
 * Terminal prompts on stderr: a plain line, a masked secret (echoes '*'), and reading a secret
 * piped on stdin.
 *
 * @module
 */

import { EngineError } from "../engine/core/errors.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function say(text: string): void {
  Deno.stderr.writeSync(enc.encode(text));
}

/** True when prompts can be shown (stdin and stderr are terminals). */
export function canPrompt(): boolean {
  return Deno.stdin.isTerminal() && Deno.stderr.isTerminal();
}

/** Asks for one line of text; Enter alone gives `fallback`. */
export async function promptLine(question: string, fallback = ""): Promise<string> {
  say(fallback ? `${question} [${fallback}]: ` : `${question}: `);
  const buf = new Uint8Array(1024);
  let text = "";
  while (!text.includes("\n")) {
    const n = await Deno.stdin.read(buf);
    if (n === null) break;
    text += dec.decode(buf.subarray(0, n));
  }
  const line = text.split(/\r?\n/)[0]?.trim() ?? "";
  return line === "" ? fallback : line;
}

/** Asks for a secret without echoing it (each key shows '*'). Ctrl+C aborts. */
export async function promptSecret(question: string): Promise<string> {
  say(`${question}: `);
  Deno.stdin.setRaw(true);
  let secret = "";
  const buf = new Uint8Array(256);
  try {
    outer: while (true) {
      const n = await Deno.stdin.read(buf);
      if (n === null) break;
      for (const ch of dec.decode(buf.subarray(0, n))) {
        if (ch === "\r" || ch === "\n") break outer;
        if (ch === "\u0003") {
          throw new EngineError("Interrupted", "Interrupted: nothing was saved.");
        }
        if (ch === "\u0004" && secret === "") break outer;
        if (ch === "\u007f" || ch === "\b") {
          if (secret.length > 0) {
            secret = secret.slice(0, -1);
            say("\b \b");
          }
          continue;
        }
        if (ch >= " ") {
          secret += ch;
          say("*");
        }
      }
    }
  } finally {
    Deno.stdin.setRaw(false);
    say("\n");
  }
  return secret;
}

/** Reads all of stdin as the secret, dropping one trailing newline. */
export async function readSecretFromStdin(): Promise<string> {
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(4096);
  let total = 0;
  while (true) {
    const n = await Deno.stdin.read(buf);
    if (n === null) break;
    chunks.push(buf.slice(0, n));
    total += n;
    if (total > 64 * 1024) {
      throw new EngineError(
        "UsageError",
        "--secret-stdin: stdin is far too long for a secret key: pipe only the key.",
      );
    }
  }
  const all = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.length;
  }
  return dec.decode(all).replace(/\r?\n$/, "");
}
