/**
 * Key mapping between local relative paths and object keys: POSIX separators, Unicode NFC, no
 * double slashes. Backup stores `relative/path` at `<path_prefix><S3_PREFIX>/<relative/path>`;
 * restore is the exact inverse.
 *
 * @module
 */

/** Trims slashes at both ends, collapses repeated slashes and NFC-normalises: "a//b/" -> "a/b". */
export function cleanPrefix(prefix: string): string {
  return prefix.normalize("NFC").split("/").filter((p) => p !== "").join("/");
}

/** Joins key parts with single slashes, dropping empty parts; the result is NFC. */
export function joinKey(...parts: string[]): string {
  return parts.map(cleanPrefix).filter((p) => p !== "").join("/");
}

/**
 * The key prefix (ending in "/", or "" for the bucket root) under which a folder is backed up:
 * `<path_prefix><S3_PREFIX>/`.
 */
export function folderKeyPrefix(pathPrefix: string, s3Prefix: string): string {
  const joined = joinKey(pathPrefix, s3Prefix);
  return joined === "" ? "" : `${joined}/`;
}

/** The full key of a user-given key (put/get/rm/ls arguments are relative to the path prefix). */
export function fullKey(pathPrefix: string, key: string): string {
  const k = key.normalize("NFC").replace(/^\/+/, "");
  return pathPrefix ? `${pathPrefix}${k}` : k;
}

/**
 * The full key of a user-given key that names an existing object (get, rm): exactly as typed,
 * after the path prefix. Normalising it (NFC, leading slashes) could name another object: `rm
 * /a` must never delete `a`, nor `rm` of an NFD name its NFC twin.
 */
export function existingKey(pathPrefix: string, key: string): string {
  return `${pathPrefix}${key}`;
}

/** Strips the profile's path prefix from a full key (keys shown to users are relative to it). */
export function displayKey(pathPrefix: string, key: string): string {
  return pathPrefix && key.startsWith(pathPrefix) ? key.slice(pathPrefix.length) : key;
}

/** A local relative path (any OS separators) as the relative part of a key. */
export function relPathToKeyPart(relPath: string): string {
  return relPath.replaceAll("\\", "/").normalize("NFC");
}

/** Compares two keys in S3 listing order (UTF-8 byte order). */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  // UTF-16 code unit order differs from UTF-8 byte order only for surrogate pairs vs U+E000-U+FFFF.
  const len = Math.min(a.length, b.length);
  for (let i = 0; i < len; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    if (sa !== sb) return sa ? 1 : -1;
    return ca - cb;
  }
  return a.length - b.length;
}

/** `text` percent-encoded as S3 signs it: everything but unreserved characters (also `!'()*`). */
export function encodeStrict(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `key` as a URL path: each "/"-separated segment encoded by {@link encodeStrict}. */
export function encodeKeyPath(key: string): string {
  return key.split("/").map(encodeStrict).join("/");
}
