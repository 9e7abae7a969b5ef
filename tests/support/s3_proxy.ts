/**
 * A loopback HTTP proxy between eigen-s3 and the S3 server, for tests and benchmarks.
 * It counts requests by S3 operation, and injects faults on chosen requests: connection resets,
 * stalls, latency, 500 errors, 503 SlowDown with Retry-After, response bodies cut midway,
 * responses lost after the server acted (`drop-response`), requests held until a test lets
 * them go (`hold`), and canned answers (`respond`, e.g. an ExpiredToken error).
 * The Host header is forwarded unchanged, so SigV4 signatures stay valid.
 *
 * @module
 */

import http from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the proxy saw it. */
export interface RequestInfo {
  /** 1-based sequence number. */
  n: number;
  method: string;
  path: string;
  /** S3 operation guessed from method and query, e.g. "PutObject", "UploadPart", "ListObjectsV2". */
  op: string;
  /** The fault applied, if any. */
  fault?: FaultAction;
  /** Request headers (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  /** The object key (decoded; path-style addressing), "" for bucket and service requests. */
  key: string;
}

/** What a fault does. */
export type FaultAction =
  | "reset"
  | "stall"
  | "latency"
  | "error500"
  | "slowdown"
  | "cut-body"
  /** Forward the request, let the server act on it, then close the connection unanswered. */
  | "drop-response"
  /** Hold the request until `until` settles, then forward it. */
  | "hold"
  /** Answer with `respond` instead of forwarding. */
  | "respond";

/** A canned answer for the `respond` action. */
export interface CannedResponse {
  status: number;
  /** An S3 error code: the body becomes `<Error><Code>code</Code>...` (unless `body` is given). */
  code?: string;
  message?: string;
  body?: string;
  headers?: Record<string, string>;
}

/** When and how to inject a fault. Rules are tried in order; the first that fires wins. */
export interface FaultRule {
  action: FaultAction;
  /** Fire on this fraction of matching requests (seeded, repeatable). Without `fraction` and `at`, every match fires. */
  fraction?: number;
  /** Fire on these request numbers (1-based, counting all requests). */
  at?: number[];
  /** Only requests for which this returns true (default: all). */
  match?: (req: RequestInfo) => boolean;
  /** stall/latency duration (default 20 ms for latency, 30 s for stall). */
  ms?: number;
  /** Retry-After seconds for slowdown (default 1). */
  retryAfter?: number;
  /** For `hold`: the request is forwarded once this settles. */
  until?: Promise<unknown>;
  /** For `respond`: what to answer. */
  respond?: CannedResponse;
}

/** A running proxy. */
export interface S3Proxy {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  /** Every request so far, in order. */
  readonly requests: RequestInfo[];
  /** Requests per operation. */
  counts(): Record<string, number>;
  /** Faults injected per action. */
  faults(): Record<string, number>;
  /** Replaces the fault rules. */
  setRules(rules: FaultRule[]): void;
  /** Forgets recorded requests (rules stay). */
  clear(): void;
  /** Resolves with the first request from now on for which `match` returns true. */
  waitFor(match: (req: RequestInfo) => boolean, timeoutMs?: number): Promise<RequestInfo>;
  close(): Promise<void>;
}

/** Names the S3 operation of a request from its method and query string. */
export function classify(method: string, url: string, copySource = false): string {
  const u = new URL(url, "http://x");
  const q = u.searchParams;
  const parts = u.pathname.split("/").filter((p) => p !== "");
  const onBucket = parts.length <= 1;
  switch (method) {
    case "GET":
      if (onBucket && parts.length === 0) return "ListBuckets";
      if (q.has("uploadId")) return "ListParts";
      if (q.has("uploads")) return "ListMultipartUploads";
      if (q.has("versions")) return "ListObjectVersions";
      if (q.has("lifecycle")) return "GetBucketLifecycle";
      if (onBucket) return q.get("list-type") === "2" ? "ListObjectsV2" : "ListObjects";
      return "GetObject";
    case "HEAD":
      return onBucket ? "HeadBucket" : "HeadObject";
    case "PUT":
      if (q.has("partNumber")) return "UploadPart";
      if (onBucket) {
        return q.has("lifecycle")
          ? "PutBucketLifecycle"
          : q.has("versioning")
          ? "PutBucketVersioning"
          : "CreateBucket";
      }
      return copySource ? "CopyObject" : "PutObject";
    case "POST":
      if (q.has("uploads")) return "CreateMultipartUpload";
      if (q.has("uploadId")) return "CompleteMultipartUpload";
      if (q.has("delete")) return "DeleteObjects";
      if (q.has("restore")) return "RestoreObject";
      return "POST";
    case "DELETE":
      if (q.has("uploadId")) return "AbortMultipartUpload";
      return onBucket ? "DeleteBucket" : "DeleteObject";
  }
  return method;
}

/** The decoded object key of a path-style request URL ("" for bucket and service requests). */
export function objectKey(url: string): string {
  const path = new URL(url, "http://x").pathname;
  const slash = path.indexOf("/", 1);
  if (slash < 0) return "";
  try {
    return decodeURIComponent(path.slice(slash + 1));
  } catch {
    return path.slice(slash + 1);
  }
}

/** A small seeded PRNG (mulberry32) so fault patterns repeat run to run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Starts a proxy to `target` (e.g. http://127.0.0.1:7480) on a free loopback port. */
export async function startS3Proxy(
  target: string,
  options: { rules?: FaultRule[]; seed?: number } = {},
): Promise<S3Proxy> {
  const up = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
  const random = seededRandom(options.seed ?? 42);
  let rules = options.rules ?? [];
  const requests: RequestInfo[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const sockets = new Set<import("node:net").Socket>();
  let n = 0;
  const waiters = new Set<{ match: (r: RequestInfo) => boolean; resolve(r: RequestInfo): void }>();

  const pick = (info: RequestInfo): FaultRule | undefined => {
    for (const r of rules) {
      if (r.match && !r.match(info)) continue;
      if (r.at === undefined && r.fraction === undefined) return r;
      if (r.at?.includes(info.n)) return r;
      if (r.fraction !== undefined && random() < r.fraction) return r;
    }
    return undefined;
  };

  const server = http.createServer(async (req, res) => {
    n += 1;
    const info: RequestInfo = {
      n,
      method: req.method ?? "GET",
      path: req.url ?? "/",
      op: classify(
        req.method ?? "GET",
        req.url ?? "/",
        req.headers["x-amz-copy-source"] !== undefined,
      ),
      headers: req.headers,
      key: objectKey(req.url ?? "/"),
    };
    requests.push(info);
    const rule = pick(info);
    if (rule) info.fault = rule.action;
    for (const w of waiters) {
      if (w.match(info)) {
        waiters.delete(w);
        w.resolve(info);
      }
    }
    if (rule?.action === "hold") {
      await (rule.until ?? Promise.resolve()).catch(() => {});
      if (req.socket.destroyed) return;
    }
    if (rule?.action === "respond") {
      const canned = rule.respond ?? { status: 500, code: "InternalError" };
      req.resume();
      req.on("end", () => {
        const body = canned.body ??
          `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${
            canned.code ?? "InternalError"
          }</Code><Message>${canned.message ?? ""}</Message></Error>`;
        res.writeHead(canned.status, { "content-type": "application/xml", ...canned.headers });
        res.end(req.method === "HEAD" ? undefined : body);
      });
      return;
    }
    if (rule?.action === "reset") {
      req.socket.destroy();
      return;
    }
    if (rule?.action === "stall" || rule?.action === "latency") {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          timers.delete(t);
          resolve();
        }, rule.ms ?? (rule.action === "stall" ? 30_000 : 20));
        timers.add(t);
      });
      if (req.socket.destroyed) return;
    }
    if (rule?.action === "error500" || rule?.action === "slowdown") {
      req.resume();
      req.on("end", () => {
        const slow = rule.action === "slowdown";
        const code = slow ? "SlowDown" : "InternalError";
        res.writeHead(slow ? 503 : 500, {
          "content-type": "application/xml",
          ...(slow ? { "retry-after": String(rule.retryAfter ?? 1) } : {}),
        });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected by the test proxy</Message></Error>`,
        );
      });
      return;
    }
    const headers = { ...req.headers };
    delete headers.expect; // never signed; the proxy answers 100-continue itself
    const upstream = http.request(
      {
        host: up.hostname,
        port: Number(up.port || 80),
        method: req.method,
        path: req.url,
        headers,
        agent,
      },
      (ures) => {
        if (rule?.action === "drop-response") {
          // The server has acted on the request; the client never learns the outcome.
          ures.resume();
          ures.on("end", () => req.socket.destroy());
          ures.on("error", () => req.socket.destroy());
          return;
        }
        res.writeHead(ures.statusCode ?? 502, ures.headers);
        if (rule?.action === "cut-body") {
          const total = Number(ures.headers["content-length"] ?? 0);
          let sent = 0;
          ures.on("data", (chunk: Uint8Array) => {
            if (sent >= total / 2) return;
            res.write(
              chunk.subarray(0, Math.max(0, Math.min(chunk.length, Math.ceil(total / 2) - sent))),
            );
            sent += chunk.length;
            if (sent >= total / 2) {
              ures.destroy();
              res.socket?.destroy();
            }
          });
          ures.on("end", () => res.socket?.destroy());
          return;
        }
        ures.pipe(res);
      },
    );
    upstream.on("socket", (sock) => sock.setNoDelay(true));
    upstream.on("error", () => res.socket?.destroy());
    req.pipe(upstream);
  });
  server.on("connection", (s) => {
    // Without it, a response written in pieces waits on Nagle + delayed ACK (~40 ms a piece):
    // a 300 KB listing page took a second through the proxy instead of 100 ms.
    s.setNoDelay(true);
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  const tally = (key: (r: RequestInfo) => string | undefined) => {
    const out: Record<string, number> = {};
    for (const r of requests) {
      const k = key(r);
      if (k) out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    counts: () => tally((r) => r.op),
    faults: () => tally((r) => r.fault),
    setRules(r) {
      rules = r;
    },
    clear() {
      requests.length = 0;
    },
    waitFor(match, timeoutMs = 60_000) {
      return new Promise<RequestInfo>((resolve, reject) => {
        const w = {
          match,
          resolve: (r: RequestInfo) => {
            clearTimeout(t);
            timers.delete(t);
            resolve(r);
          },
        };
        const t = setTimeout(() => {
          timers.delete(t);
          waiters.delete(w);
          reject(new Error(`no matching request within ${timeoutMs} ms`));
        }, timeoutMs);
        timers.add(t);
        waiters.add(w);
      });
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sleep(0);
    },
  };
}
