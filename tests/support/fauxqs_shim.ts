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
import {
  byteOrder,
  listObjects,
  listParts,
  listUploads,
  listVersions,
  xml,
} from "./fauxqs_listings.ts";

export { byteOrder };

// deno-lint-ignore no-explicit-any
type Any = any;

const XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";
const enc = new TextEncoder();

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
