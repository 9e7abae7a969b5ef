/**
 * The listings of the embedded server's shim (fauxqs_shim.ts), built from what fauxqs stores:
 * ListObjects V1/V2 and ListObjectVersions in UTF-8 byte order with correct markers,
 * ListMultipartUploads and ListParts.
 *
 * @module
 */

import { Buffer } from "node:buffer";

// deno-lint-ignore no-explicit-any
type Any = any;

const XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";
const OWNER = "<Owner><ID>embedded</ID><DisplayName>embedded</DisplayName></Owner>";

/** Compares two keys as S3 does: by their UTF-8 bytes. */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

export function xml(s: string | number | boolean): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(
    // control characters XML 1.0 cannot carry are written as numeric references (as S3 does)
    // deno-lint-ignore no-control-regex
    /[\x00-\x08\x0b\x0c\x0e-\x1f]/g,
    (c) => `&#${c.charCodeAt(0)};`,
  );
}

function keyOut(key: string, url: boolean): string {
  return xml(url ? encodeURIComponent(key).replaceAll("%2F", "/") : key);
}

function page(q: URLSearchParams, name: string): number {
  const n = Number(q.get(name) ?? 1000);
  return Number.isFinite(n) && n >= 0 ? Math.min(n, 1000) : 1000;
}

/** The last key or common prefix of a page, the marker of the next one. */
function lastOf(out: Any): string {
  return [...out.objects.map((o: Any) => o.key), ...out.commonPrefixes].sort(byteOrder).at(-1) ??
    "";
}

/** The ListObjects answer (XML). */
export function listObjects(store: Any, bucket: string, q: URLSearchParams): string {
  const v2 = q.get("list-type") === "2";
  const prefix = q.get("prefix") ?? "";
  const delimiter = q.get("delimiter") || undefined;
  const url = q.get("encoding-type") === "url";
  const token = q.get("continuation-token");
  const startAfter = q.get("start-after") ?? "";
  const marker = v2
    ? (token ? Buffer.from(token, "base64").toString("utf8") : startAfter)
    : q.get("marker") ?? "";
  const max = page(q, "max-keys");
  const out = store.listObjects(bucket, { prefix, delimiter, maxKeys: max, marker });
  const contents = out.objects.map((o: Any) =>
    `<Contents><Key>${keyOut(o.key, url)}</Key>` +
    `<LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${xml(o.etag)}</ETag>` +
    `<Size>${o.contentLength}</Size><StorageClass>STANDARD</StorageClass></Contents>`
  ).join("");
  const prefixes = out.commonPrefixes.map((p: string) =>
    `<CommonPrefixes><Prefix>${keyOut(p, url)}</Prefix></CommonPrefixes>`
  ).join("");
  const last = lastOf(out);
  const head = `<Name>${xml(bucket)}</Name><Prefix>${keyOut(prefix, url)}</Prefix>` +
    `<MaxKeys>${max}</MaxKeys>${delimiter ? `<Delimiter>${xml(delimiter)}</Delimiter>` : ""}` +
    `${url ? "<EncodingType>url</EncodingType>" : ""}<IsTruncated>${out.isTruncated}</IsTruncated>`;
  const paging = v2
    ? `<KeyCount>${out.objects.length + out.commonPrefixes.length}</KeyCount>` +
      (token ? `<ContinuationToken>${xml(token)}</ContinuationToken>` : "") +
      (startAfter ? `<StartAfter>${keyOut(startAfter, url)}</StartAfter>` : "") +
      (out.isTruncated
        ? `<NextContinuationToken>${Buffer.from(last, "utf8").toString("base64")}` +
          `</NextContinuationToken>`
        : "")
    : `<Marker>${keyOut(marker, url)}</Marker>` +
      (out.isTruncated && delimiter ? `<NextMarker>${keyOut(last, url)}</NextMarker>` : "");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="${XMLNS}">` +
    `${head}${paging}${contents}${prefixes}</ListBucketResult>`;
}

/** The ListVersions answer (XML). */
export function listVersions(store: Any, bucket: string, q: URLSearchParams): string {
  const prefix = q.get("prefix") ?? "";
  const delimiter = q.get("delimiter") || undefined;
  const marker = q.get("key-marker") ?? "";
  const url = q.get("encoding-type") === "url";
  const max = page(q, "max-keys");
  const out = store.listObjects(bucket, { prefix, delimiter, maxKeys: max, marker });
  const versions = out.objects.map((o: Any) =>
    `<Version><Key>${keyOut(o.key, url)}</Key><VersionId>null</VersionId>` +
    `<IsLatest>true</IsLatest><LastModified>${o.lastModified.toISOString()}</LastModified>` +
    `<ETag>${xml(o.etag)}</ETag><Size>${o.contentLength}</Size>` +
    `<StorageClass>STANDARD</StorageClass>${OWNER}</Version>`
  ).join("");
  const prefixes = out.commonPrefixes.map((p: string) =>
    `<CommonPrefixes><Prefix>${keyOut(p, url)}</Prefix></CommonPrefixes>`
  ).join("");
  const last = lastOf(out);
  const next = out.isTruncated
    ? `<NextKeyMarker>${keyOut(last, url)}</NextKeyMarker><NextVersionIdMarker>null` +
      `</NextVersionIdMarker>`
    : "";
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListVersionsResult xmlns="${XMLNS}">` +
    `<Name>${xml(bucket)}</Name><Prefix>${keyOut(prefix, url)}</Prefix>` +
    `<KeyMarker>${keyOut(marker, url)}</KeyMarker><VersionIdMarker></VersionIdMarker>` +
    `<MaxKeys>${max}</MaxKeys>${delimiter ? `<Delimiter>${xml(delimiter)}</Delimiter>` : ""}` +
    `${url ? "<EncodingType>url</EncodingType>" : ""}<IsTruncated>${out.isTruncated}` +
    `</IsTruncated>${next}${versions}${prefixes}</ListVersionsResult>`;
}

/** The ListUploads answer (XML). */
export function listUploads(store: Any, bucket: string, q: URLSearchParams): string {
  const prefix = q.get("prefix") ?? "";
  const keyMarker = q.get("key-marker") ?? "";
  const idMarker = q.get("upload-id-marker") ?? "";
  const max = page(q, "max-uploads");
  const ids: Set<string> = store.multipartUploadsByBucket.get(bucket) ?? new Set();
  const all = [...ids].map((id) => store.multipartUploads.get(id)).filter((u: Any) =>
    u && u.key.startsWith(prefix) &&
    (!keyMarker || byteOrder(u.key, keyMarker) > 0 ||
      (idMarker && u.key === keyMarker && u.uploadId > idMarker))
  ).sort((a: Any, b: Any) =>
    byteOrder(a.key, b.key) || a.initiated - b.initiated || (a.uploadId < b.uploadId ? -1 : 1)
  );
  const shown = all.slice(0, max);
  const truncated = all.length > shown.length;
  const last = shown.at(-1);
  const uploads = shown.map((u: Any) =>
    `<Upload><Key>${xml(u.key)}</Key><UploadId>${xml(u.uploadId)}</UploadId>` +
    `<Initiator><ID>embedded</ID><DisplayName>embedded</DisplayName></Initiator>${OWNER}` +
    `<StorageClass>STANDARD</StorageClass><Initiated>${u.initiated.toISOString()}</Initiated>` +
    `</Upload>`
  ).join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult xmlns="${XMLNS}">` +
    `<Bucket>${xml(bucket)}</Bucket><KeyMarker>${xml(keyMarker)}</KeyMarker>` +
    `<UploadIdMarker>${xml(idMarker)}</UploadIdMarker>` +
    `<NextKeyMarker>${truncated && last ? xml(last.key) : ""}</NextKeyMarker>` +
    `<NextUploadIdMarker>${truncated && last ? xml(last.uploadId) : ""}</NextUploadIdMarker>` +
    `<Prefix>${xml(prefix)}</Prefix><MaxUploads>${max}</MaxUploads>` +
    `<IsTruncated>${truncated}</IsTruncated>${uploads}</ListMultipartUploadsResult>`;
}

/** The ListParts answer (XML). */
export function listParts(upload: Any, q: URLSearchParams): string {
  const marker = Number(q.get("part-number-marker") ?? 0) || 0;
  const max = page(q, "max-parts");
  const all = [...upload.parts.values()].filter((p: Any) => p.partNumber > marker)
    .sort((a: Any, b: Any) => a.partNumber - b.partNumber);
  const shown = all.slice(0, max);
  const truncated = all.length > shown.length;
  const parts = shown.map((p: Any) =>
    `<Part><PartNumber>${p.partNumber}</PartNumber><LastModified>${p.lastModified.toISOString()}` +
    `</LastModified><ETag>${xml(p.etag)}</ETag><Size>${p.body.length}</Size></Part>`
  ).join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListPartsResult xmlns="${XMLNS}">` +
    `<Bucket>${xml(upload.bucket)}</Bucket><Key>${xml(upload.key)}</Key>` +
    `<UploadId>${xml(upload.uploadId)}</UploadId>` +
    `<Initiator><ID>embedded</ID><DisplayName>embedded</DisplayName></Initiator>${OWNER}` +
    `<StorageClass>STANDARD</StorageClass><PartNumberMarker>${marker}</PartNumberMarker>` +
    `<NextPartNumberMarker>${shown.at(-1)?.partNumber ?? marker}</NextPartNumberMarker>` +
    `<MaxParts>${max}</MaxParts><IsTruncated>${truncated}</IsTruncated>${parts}` +
    `</ListPartsResult>`;
}
