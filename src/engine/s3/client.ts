/**
 * The one S3 client factory: custom endpoints with path-style addressing, the checksum settings
 * S3-compatible services need, keep-alive connections sized to the transfer concurrency,
 * fast failure on unreachable endpoints and SDK retries with backoff.
 *
 * @module
 */

import { DEFAULT_CONCURRENCY } from "../core/concurrency.ts";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { ResolvedSettings } from "../config/settings.ts";
import { requireContentMd5 } from "./content_md5.ts";
import { guardS3Responses } from "./s3_response_guard.ts";
import { attachLeanS3 } from "./lean_s3.ts";
import { S3_REQUEST_ATTEMPTS } from "../core/retry.ts";

/** Tuning for {@link createS3Client}. */
export interface ClientOptions {
  /** Parallel requests expected; sizes the connection pool (default {@link DEFAULT_CONCURRENCY}). */
  concurrency?: number;
  /** Total attempts per request including the first (default {@link S3_REQUEST_ATTEMPTS}: 5). */
  maxAttempts?: number;
  /** TCP connect timeout in ms (default 5000). */
  connectTimeoutMs?: number;
  /** Idle socket timeout in ms while waiting for a response (default 120000). */
  socketTimeoutMs?: number;
}

/** An S3 client plus the settings it was made from; `destroy()` closes its sockets. */
export interface S3Context {
  client: S3Client;
  settings: ResolvedSettings;
  /** Closes pooled connections. Call when done. */
  destroy(): void;
}

/** True when the endpoint is AWS itself (no custom endpoint or an amazonaws.com host). */
export function isAwsEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint) return true;
  try {
    return new URL(endpoint).hostname.endsWith(".amazonaws.com");
  } catch {
    return false;
  }
}

const SILENT_LOGGER = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Creates the S3 client for `settings`. */
export function createS3Client(settings: ResolvedSettings, options: ClientOptions = {}): S3Context {
  const sockets = Math.max(4, (options.concurrency ?? DEFAULT_CONCURRENCY) * 2);
  const httpAgent = new HttpAgent({
    keepAlive: true,
    maxSockets: sockets,
    maxFreeSockets: sockets,
  });
  const httpsAgent = new HttpsAgent({
    keepAlive: true,
    maxSockets: sockets,
    maxFreeSockets: sockets,
  });
  const custom = !isAwsEndpoint(settings.endpoint);
  const client = new S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: custom,
    credentials: settings.credentials,
    maxAttempts: options.maxAttempts ?? S3_REQUEST_ATTEMPTS,
    // The engine never prints: without a logger the SDK falls back to console for some warnings.
    logger: SILENT_LOGGER,
    // S3-compatible services reject or corrupt the SDK's default streamed CRC32 trailers.
    ...(custom
      ? { requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" }
      : {}),
    requestHandler: new NodeHttpHandler({
      httpAgent,
      httpsAgent,
      connectionTimeout: options.connectTimeoutMs ?? 5000,
      requestTimeout: options.socketTimeoutMs ?? 120_000,
    }),
  });
  // A captive portal or web server answering 200 with a page must not pass for S3.
  guardS3Responses(client);
  // DeleteObjects and friends carry Content-MD5, which servers without flexible checksums need.
  requireContentMd5(client);
  // Small whole-object GETs and PUTs skip the SDK's per-request CPU on custom endpoints.
  if (custom && settings.endpoint) attachLeanS3(client, settings.endpoint);
  return {
    client,
    settings,
    destroy() {
      client.destroy();
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
