/**
 * Content-MD5 on the requests S3 documents as requiring it, whatever the SDK's checksum mode.
 *
 * Since v3.729 the SDK sends a CRC32 (`x-amz-checksum-crc32`) instead of Content-MD5 on
 * operations marked "checksum required". AWS takes either; servers that predate flexible
 * checksums (older MinIO, Dell ECS, s3proxy, several gateways) refuse a DeleteObjects without
 * Content-MD5 ("MissingContentMD5"), so `backup --delete` and `rm` fail there. This middleware
 * computes the MD5 of the (small, XML) body, sets Content-MD5 and drops the SDK's CRC headers,
 * as AWS's own "MD5 fallback" note for third-party S3 describes.
 *
 * @module
 */

import type { S3Client } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";

/** Operations whose request S3 documents as requiring Content-MD5. */
export const CONTENT_MD5_REQUIRED: ReadonlySet<string> = new Set([
  "DeleteObjectsCommand",
  "PutObjectRetentionCommand",
  "PutObjectLegalHoldCommand",
  "PutObjectLockConfigurationCommand",
  "PutBucketLifecycleConfigurationCommand",
]);

interface MutableRequest {
  headers: Record<string, string>;
  body?: unknown;
}

/** The bytes of a request body the SDK built (a string or bytes for these operations). */
function bodyBytes(body: unknown): Uint8Array | undefined {
  if (body === undefined || body === null) return new Uint8Array();
  if (typeof body === "string") return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  return undefined;
}

/** Adds the middleware to `client` (once per client). */
export function requireContentMd5(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => (args) => {
      const request = args.request as MutableRequest;
      if (CONTENT_MD5_REQUIRED.has(context.commandName ?? "") && request?.headers) {
        const bytes = bodyBytes(request.body);
        if (bytes) {
          for (const name of Object.keys(request.headers)) {
            const lower = name.toLowerCase();
            if (
              lower.startsWith("x-amz-checksum-") || lower === "x-amz-sdk-checksum-algorithm" ||
              lower === "content-md5"
            ) delete request.headers[name];
          }
          request.headers["content-md5"] = createHash("md5").update(bytes).digest("base64");
        }
      }
      return next(args);
    },
    // After the SDK's checksum middleware ("build"), before signing ("finalizeRequest").
    { step: "build", priority: "low", name: "eigenS3ContentMd5" },
  );
}
