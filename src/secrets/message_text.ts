/**
 * Small text helpers for SecretStoreError messages and backend descriptions.
 *
 * @module
 */

/** Replaces a leading `home` directory in `path` with `~` for messages. */
export function tildePath(path: string, home: string | undefined): string {
  if (!home || home === "/") return path;
  const h = home.endsWith("/") || home.endsWith("\\") ? home.slice(0, -1) : home;
  if (path === h) return "~";
  if (path.startsWith(h + "/") || path.startsWith(h + "\\")) return "~" + path.slice(h.length);
  return path;
}

/** The first non-empty line of a tool's stderr, trimmed and shortened for an error message. */
export function firstLine(text: string): string {
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0) ?? "";
  return line.length > 160 ? line.slice(0, 157) + "..." : line;
}
