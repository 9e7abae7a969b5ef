/**
 * A thin shim over fauxqs's S3 so the embedded test server answers what it would otherwise get
 * wrong in silence. Everything it answers is derived from what fauxqs really stores; what it
 * cannot model is refused loudly (501 NotImplemented), never faked:
 *
 * - listings in UTF-8 byte order, as S3 lists (fauxqs sorts with localeCompare);
 * - ListObjectVersions of an unversioned bucket: every object once, VersionId "null";
 *   GetBucketVersioning says "never enabled"; PutBucketVersioning is refused (501);
 * - ListMultipartUploads and ListParts from the uploads and parts fauxqs holds (resume);
 * - Content-MD5 checked on PutObject/UploadPart/DeleteObjects (400 BadDigest), as S3 does;
 * - DeleteObjects keys with character references (&#xA;) decoded (fauxqs misses them);
 * - a versionId other than "null" is refused (400 InvalidArgument), not ignored;
 * - keys over 1024 bytes (KeyTooLongError) and keys with NUL (no listing could carry them) refused;
 * - GetBucketLocation; subresources fauxqs does not know (tagging, object lock, acl, policy…)
 *   get 501 instead of being taken for a listing or a plain PUT;
 * - request bodies up to 5 GiB (fauxqs stops at 11 MiB).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";

// deno-lint-ignore no-explicit-any
type Any = any;

const XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";
const OWNER = "<Owner><ID>embedded</ID><DisplayName>embedded</DisplayName></Owner>";
const enc = new TextEncoder();

/** Compares two keys as S3 does: by their UTF-8 bytes. */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function xml(s: string | number | boolean): string {
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

/** Loads fauxqs's S3 store class (not exported by the package) next to the app it serves. */
async function storeClass(): Promise<Any> {
  const base = import.meta.resolve("fauxqs");
  const mod = await import(new URL("./s3/s3Store.js", base).href);
  return mod.S3Store;
}

/** A fauxqs S3 store whose listings are in byte order. */
export async function createShimStore(): Promise<Any> {
  const S3Store = await storeClass();
  class ByteOrderStore extends S3Store {
    listObjects(bucket: string, options: Any): Any {
      const objects: Map<string, Any> | undefined = (this as Any).buckets.get(bucket);
      if (!objects) return super.listObjects(bucket, options); // NoSuchBucket, as fauxqs says it
      const prefix: string = options?.prefix ?? "";
      const delimiter: string | undefined = options?.delimiter || undefined;
      const maxKeys: number = options?.maxKeys ?? 1000;
      const after: string = options?.startAfter ?? options?.marker ?? "";
      const all = [...objects.values()].filter((o) => o.key.startsWith(prefix))
        .sort((a, b) => byteOrder(a.key, b.key));
      const result: Any[] = [];
      const prefixes: string[] = [];
      let isTruncated = false;
      for (const o of all) {
        if (after && byteOrder(o.key, after) <= 0) continue;
        let common: string | undefined;
        if (delimiter) {
          const i = o.key.indexOf(delimiter, prefix.length);
          if (i >= 0) common = o.key.slice(0, i + delimiter.length);
        }
        if (common !== undefined) {
          if ((after && byteOrder(common, after) <= 0) || prefixes.at(-1) === common) continue;
        }
        if (result.length + prefixes.length >= maxKeys) {
          isTruncated = true;
          break;
        }
        if (common !== undefined) prefixes.push(common);
        else result.push(o);
      }
      return { objects: result, commonPrefixes: prefixes, isTruncated };
    }
  }
  return new ByteOrderStore();
}

function send(reply: Any, status: number, body: string): Any {
  reply.header("content-type", "application/xml");
  reply.status(status).send(body);
  return reply;
}

function error(reply: Any, status: number, code: string, message: string): Any {
  return send(
    reply,
    status,
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${
      xml(message)
    }</Message><RequestId>embedded</RequestId></Error>`,
  );
}

const REFUSED = [
  "tagging",
  "object-lock",
  "retention",
  "legal-hold",
  "acl",
  "policy",
  "cors",
  "encryption",
  "replication",
  "website",
  "logging",
  "notification",
  "restore",
  "select",
  "torrent",
  "accelerate",
  "requestPayment",
  "ownershipControls",
  "publicAccessBlock",
];

/**
 * Registers the shim's hooks on a fauxqs app built with {@link createShimStore}'s store, before
 * it listens.
 */
export function installShim(app: Any, store: Any): void {
  app.removeContentTypeParser("*");
  app.addContentTypeParser(
    "*",
    { parseAs: "buffer", bodyLimit: 5 * 1024 ** 3 },
    (_req: Any, body: Any, done: Any) => done(null, body),
  );

  // fastify: an async hook ends the request when it returns the reply
  // deno-lint-ignore require-await
  app.addHook("onRequest", async (request: Any, reply: Any) => {
    const url = new URL(request.url, "http://embedded");
    const q = url.searchParams;
    const parts = url.pathname.split("/");
    const bucket = decodeURIComponent(parts[1] ?? "");
    const key = decodeURIComponent(parts.slice(2).join("/"));
    const method: string = request.method;
    if (!bucket) return;
    const refused = REFUSED.find((r) => q.has(r));
    if (refused) {
      return error(reply, 501, "NotImplemented", `?${refused} is not modelled by this server`);
    }
    const versionId = q.get("versionId");
    if (versionId !== null && versionId !== "null") {
      return error(reply, 400, "InvalidArgument", "Invalid version id specified");
    }
    if (q.has("versioning")) {
      if (method === "GET") {
        return send(reply, 200, `<VersioningConfiguration xmlns="${XMLNS}"/>`);
      }
      return error(reply, 501, "NotImplemented", "versioning is not modelled by this server");
    }
    if (key && (method === "PUT" || (method === "POST" && q.has("uploads")))) {
      if (enc.encode(key).length > 1024) {
        return error(reply, 400, "KeyTooLongError", "Your key is too long (over 1024 bytes).");
      }
      if (key.includes("\u0000")) {
        // no XML listing could carry it back (RGW refuses it too)
        return error(reply, 400, "InvalidArgument", "Object key contains a NUL character.");
      }
    }
    if (!store.buckets.has(bucket)) return; // fauxqs answers NoSuchBucket
    if (method !== "GET") return;
    if (!key && q.has("location")) {
      return send(reply, 200, `<LocationConstraint xmlns="${XMLNS}"/>`);
    }
    if (!key && q.has("versions")) return send(reply, 200, listVersions(store, bucket, q));
    if (!key && !q.has("lifecycle") && !q.has("uploads")) {
      return send(reply, 200, listObjects(store, bucket, q));
    }
    if (!key && q.has("uploads")) return send(reply, 200, listUploads(store, bucket, q));
    if (key && q.has("uploadId")) {
      const upload = store.multipartUploads.get(q.get("uploadId"));
      if (!upload || upload.bucket !== bucket || upload.key !== key) {
        return error(reply, 404, "NoSuchUpload", "The specified upload does not exist.");
      }
      return send(reply, 200, listParts(upload, q));
    }
  });

  // fastify: an async hook ends the request when it returns the reply
  // deno-lint-ignore require-await
  app.addHook("preHandler", async (request: Any, reply: Any) => {
    if (request.method === "POST" && /[?&]delete(=|&|$)/.test(request.url)) {
      // fauxqs reads DeleteObjects keys with a regex that knows only the five named entities:
      // hand it the keys with character references (&#xA; from the SDK) already decoded
      const body = Buffer.from(request.body ?? "").toString("utf8");
      request.body = Buffer.from(
        body.replace(
          /<Key>([\s\S]*?)<\/Key>/g,
          (_m: string, t: string) => `<Key>${namedOnly(t)}</Key>`,
        ),
      );
      if (typeof request.headers["content-md5"] === "string") request.rawMd5Body = body;
    }
    const md5 = request.headers["content-md5"];
    if (!["PUT", "POST"].includes(request.method) || typeof md5 !== "string") return;
    if (request.headers["x-amz-copy-source"]) return;
    const sha = String(request.headers["x-amz-content-sha256"] ?? "");
    if (sha.startsWith("STREAMING-")) return; // aws-chunked: fauxqs decodes it later
    const body: Uint8Array = request.rawMd5Body !== undefined
      ? enc.encode(request.rawMd5Body)
      : request.body instanceof Uint8Array
      ? request.body
      : enc.encode("");
    const got = createHash("md5").update(body).digest("base64");
    if (got !== md5) {
      return error(reply, 400, "BadDigest", "The Content-MD5 you specified did not match.");
    }
  });
}

/** XML text with every character reference decoded, then only &amp; &lt; &gt; escaped. */
function namedOnly(text: string): string {
  const decoded = text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_m, e) => {
    if (e[0] !== "#") return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[e as "amp"];
    return String.fromCodePoint(e[1] === "x" ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
  });
  return decoded.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
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

function listObjects(store: Any, bucket: string, q: URLSearchParams): string {
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

function listVersions(store: Any, bucket: string, q: URLSearchParams): string {
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

function listUploads(store: Any, bucket: string, q: URLSearchParams): string {
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

function listParts(upload: Any, q: URLSearchParams): string {
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
