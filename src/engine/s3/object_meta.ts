/**
 * rclone-compatible object metadata: `x-amz-meta-mtime` (unix seconds with fraction) and
 * `x-amz-meta-md5chksum` (base64 MD5 of the whole file), so rclone, stu and Cyberduck read
 * eigen-s3 archives and multipart objects stay verifiable.
 *
 * @module
 */

/** Metadata keys as the SDK exposes them (lower case, without the x-amz-meta- prefix). */
export const META_MTIME = "mtime";
/** See {@link META_MTIME}. */
export const META_MD5 = "md5chksum";

/** Formats a modification time (ms since the epoch) the way rclone stores it: "1700000000.123". */
export function formatMtime(mtimeMs: number): string {
  const seconds = Math.floor(mtimeMs / 1000);
  const frac = Math.round(mtimeMs - seconds * 1000);
  return frac === 0
    ? String(seconds)
    : `${seconds}.${String(frac).padStart(3, "0").replace(/0+$/, "")}`;
}

/** Parses rclone's mtime metadata into ms since the epoch, or undefined when absent/invalid. */
export function parseMtime(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value.trim())) return undefined;
  const ms = Math.round(Number(value) * 1000);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The metadata eigen-s3 writes on every upload. */
export function uploadMetadata(
  mtimeMs: number,
  md5Base64: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { ...extra, [META_MTIME]: formatMtime(mtimeMs), [META_MD5]: md5Base64 };
}

/** True when an ETag is a plain MD5 (single-part upload), not "<md5>-<parts>". */
export function isPlainMd5Etag(etag: string | undefined): boolean {
  return etag !== undefined && /^"?[0-9a-f]{32}"?$/i.test(etag);
}

/** Removes the quotes S3 puts around ETags. */
export function unquoteEtag(etag: string | undefined): string {
  return (etag ?? "").replaceAll('"', "");
}

/** base64 MD5 -> hex MD5; undefined when the text is not a base64 MD5. */
export function md5Base64ToHex(b64: string | undefined): string | undefined {
  if (!b64 || !/^[A-Za-z0-9+/]{22}==$/.test(b64)) return undefined;
  const bin = atob(b64);
  let hex = "";
  for (let i = 0; i < bin.length; i++) hex += bin.charCodeAt(i).toString(16).padStart(2, "0");
  return hex;
}

/** hex MD5 -> base64 MD5. */
export function md5HexToBase64(hex: string): string {
  let bin = "";
  for (let i = 0; i < hex.length; i += 2) {
    bin += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  }
  return btoa(bin);
}

/**
 * The MD5 (hex) of an object's content when it is knowable without downloading it: from
 * md5chksum metadata, else from a plain single-part ETag (unless SSE-KMS/C changed it).
 */
export function knownMd5(
  metadata: Record<string, string> | undefined,
  etag: string | undefined,
  sse?: string,
): string | undefined {
  const fromMeta = md5Base64ToHex(metadata?.[META_MD5]);
  if (fromMeta) return fromMeta;
  if (sse === "aws:kms" || sse === "aws:kms:dsse") return undefined;
  return isPlainMd5Etag(etag) ? unquoteEtag(etag).toLowerCase() : undefined;
}
