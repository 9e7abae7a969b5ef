/**
 * A lean GET of a whole small object: signed with the SDK's own SigV4 signer and credentials,
 * sent with Deno's native fetch instead of the SDK's middleware stack and node:http layer.
 *
 * Why: on restores of many small files the client's CPU per request decides the time on a
 * small machine (it shares the cores with the server when both run locally, and every
 * millisecond of CPU is one the transfers wait for). Measured here: 3,000 GETs of 20 KB took
 * 3.2 s of CPU through the SDK and 1.3 s through this path.
 *
 * It answers only the plain case: a 200 whose Content-Length is the size the listing gave,
 * with an ETag and no Content-Encoding. Anything else returns `null` and the caller sends the
 * request through the SDK, which owns retries, error classification and the S3-response guard.
 * After a refusal of the signature (400/401/403) or a third network failure it stays off for
 * the client's lifetime: a proxy, a certificate or an auth scheme it does not handle costs a
 * request or three, not one per file.
 *
 * @module
 */

import type { S3Client } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { throwIfAborted } from "./errors.ts";

/** The parts of a GetObject answer the download path reads. */
export interface WholeObject {
  ETag: string;
  ContentLength: number;
  LastModified?: Date;
  Metadata: Record<string, string>;
  ServerSideEncryption?: string;
  /** The content, one chunk. */
  Body: Uint8Array[];
}

/** One whole-object GET. */
export interface WholeGetRequest {
  bucket: string;
  key: string;
  versionId?: string;
  /** The size the listing gave; the answer must match it. */
  size: number;
  signal?: AbortSignal;
}

/** Gets small objects whole, or says `null` (use the SDK). */
export interface SignedGet {
  get(req: WholeGetRequest): Promise<WholeObject | null>;
}

/** Network failures after which the lean path is turned off. */
const MAX_NETWORK_FAILURES = 3;
/** Requests that have not answered within this time are given up (and sent via the SDK). */
const TIMEOUT_MS = 60_000;
/** SHA-256 of the empty payload of a GET. */
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const PROXY_VARS = [
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "ALL_PROXY",
  "http_proxy",
  "https_proxy",
  "all_proxy",
];

const registry = new WeakMap<S3Client, SignedGet>();

/** The lean GET attached to `client` by {@link attachSignedGet}, if any. */
export function signedGetFor(client: S3Client): SignedGet | undefined {
  return registry.get(client);
}

/**
 * Attaches a lean GET to `client`, which must address `endpoint` path-style (a custom
 * endpoint). AWS itself keeps the SDK path: virtual-hosted addressing and its endpoint rules
 * stay the SDK's.
 */
export function attachSignedGet(client: S3Client, endpoint: string): void {
  // Deno's fetch follows proxy variables, the SDK's node:http layer does not: with one set,
  // every request keeps the SDK's route.
  if (PROXY_VARS.some((name) => Deno.env.get(name))) return;
  let base: URL;
  try {
    base = new URL(endpoint);
  } catch {
    return;
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") return;
  const signer = new SignatureV4({
    service: "s3",
    region: client.config.region,
    credentials: client.config.credentials,
    sha256: client.config.sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const prefix = base.pathname.replace(/\/+$/, "");
  let off = false;
  let networkFailures = 0;

  registry.set(client, {
    async get(req) {
      if (off || !pathSafe(req.key)) return null;
      const path = `${prefix}/${encodeSegment(req.bucket)}/${
        req.key.split("/").map(encodeSegment).join("/")
      }`;
      const query: Record<string, string> = req.versionId ? { versionId: req.versionId } : {};
      const signed = await signer.sign({
        method: "GET",
        protocol: base.protocol,
        hostname: base.hostname,
        ...(base.port ? { port: Number(base.port) } : {}),
        path,
        query,
        headers: { host: base.host, "x-amz-content-sha256": EMPTY_SHA256 },
      });
      const url = `${base.origin}${path}${
        req.versionId ? `?versionId=${encodeURIComponent(req.versionId)}` : ""
      }`;
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), TIMEOUT_MS);
      const signal = req.signal ? AbortSignal.any([req.signal, timeout.signal]) : timeout.signal;
      try {
        const res = await fetch(url, { headers: signed.headers, signal });
        const etag = res.headers.get("etag");
        const encoding = res.headers.get("content-encoding");
        if (
          res.status !== 200 || !etag || (encoding && encoding !== "identity") ||
          res.headers.get("content-length") !== String(req.size)
        ) {
          await res.body?.cancel();
          if (res.status === 400 || res.status === 401 || res.status === 403) off = true;
          return null;
        }
        const bytes = await res.bytes();
        if (bytes.length !== req.size) return null;
        return wholeObject(res.headers, etag, bytes);
      } catch {
        throwIfAborted(req.signal);
        // Our own timeout is a slow server, not a broken path: the SDK retries it by its rules.
        if (!timeout.signal.aborted && ++networkFailures >= MAX_NETWORK_FAILURES) off = true;
        return null;
      } finally {
        clearTimeout(timer);
      }
    },
  });
}

function wholeObject(headers: Headers, etag: string, bytes: Uint8Array): WholeObject {
  const metadata: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (name.startsWith("x-amz-meta-")) metadata[name.slice(11)] = value;
  }
  const out: WholeObject = {
    ETag: etag,
    ContentLength: bytes.length,
    Metadata: metadata,
    Body: [bytes],
  };
  const modified = headers.get("last-modified");
  if (modified) {
    const d = new Date(modified);
    if (!Number.isNaN(d.getTime())) out.LastModified = d;
  }
  const sse = headers.get("x-amz-server-side-encryption");
  if (sse) out.ServerSideEncryption = sse;
  return out;
}

/** S3's encoding of one path segment: everything but unreserved characters. */
function encodeSegment(s: string): string {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * URL parsers fold "." and ".." segments (even percent-encoded): such keys go through the SDK,
 * whose HTTP layer sends the path as it is.
 */
function pathSafe(key: string): boolean {
  return key.length > 0 && key.split("/").every((s) => s !== "." && s !== "..");
}
