/**
 * Partial downloads: the name a download is written under until it is complete, verified and
 * renamed into place.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { md5Bytes } from "../core/hashing.ts";

/** Suffix of partial downloads. */
export const PART_SUFFIX = ".eigen-part";

/** The longest file name, in bytes, on the file systems eigen-s3 writes to (ext4, APFS, NTFS). */
export const NAME_MAX = 255;
const utf8 = new TextEncoder();

/**
 * The partial file of `dest`: `dest` + {@link PART_SUFFIX}, or, when that name would pass the
 * 255-byte limit of file names, the name cut short plus `~` and 8 hex digits of its MD5 (so a
 * file with a 250-byte name can still be restored). Always in the same folder.
 *
 * @example
 * ```ts
 * partPathFor("/photos/a.jpg"); // "/photos/a.jpg.eigen-part"
 * ```
 */
export function partPathFor(dest: string): string {
  const name = basename(dest);
  if (utf8.encode(name + PART_SUFFIX).length <= NAME_MAX) return dest + PART_SUFFIX;
  const tag = `~${md5Bytes(utf8.encode(name)).hex.slice(0, 8)}${PART_SUFFIX}`;
  let short = "";
  for (const ch of name) {
    if (utf8.encode(short + ch + tag).length > NAME_MAX) break;
    short += ch;
  }
  return join(dirname(dest), short + tag);
}
