/**
 * A check on every response before the SDK parses it: is this really an S3 server talking?
 * A captive portal, a web server or a reverse proxy on the wrong port answers `200 OK` with an
 * HTML page, and the SDK reads that as an empty listing, a successful upload (nothing stored) or
 * an object whose bytes are the page. A success that is an HTML page (for anything but an
 * object's own content), an object write/read without an ETag, or a 4xx error that is an HTML
 * page (S3 errors are XML; a HEAD's error has no body to tell) is refused with an error named
 * {@link NOT_S3_ERROR} that sdk_errors.ts turns into "did not answer like an S3 server". 5xx
 * pages (a proxy in front of a real server) stay retryable server errors. An answer with
 * `Content-Length: 0` is never "a page", whatever its Content-Type says.
 *
 * @module
 */

import type { S3Client } from "@aws-sdk/client-s3";

/** The `name` of the error thrown for a response that cannot come from an S3 server. */
export const NOT_S3_ERROR = "NotAnS3Response";

/** Operations whose Content-Type is the object's own (any type, HTML included). */
const OBJECT_CONTENT = new Set(["GetObjectCommand", "HeadObjectCommand"]);
/** Operations whose success always carries an ETag header on every S3 service. */
const ETAG_REQUIRED = new Set([
  "GetObjectCommand",
  "HeadObjectCommand",
  "PutObjectCommand",
  "UploadPartCommand",
]);

interface RawResponse {
  statusCode?: number;
  headers?: Record<string, string | undefined>;
}

/** Why a successful raw response cannot be S3's answer to `command`, or undefined. */
export function notS3Reason(command: string, res: RawResponse): string | undefined {
  const status = res.statusCode ?? 0;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers ?? {})) {
    if (v !== undefined) headers[k.toLowerCase()] = v;
  }
  // An empty answer is no page, whatever its label: moto (and some gateways) label every empty
  // reply text/html, including the 200 of an upload that took effect and the 404 of a HEAD.
  const empty = headers["content-length"] === "0";
  const html = !empty && (headers["content-type"] ?? "").toLowerCase().startsWith("text/html");
  if (status >= 400 && status <= 499) return html ? "an HTML page" : undefined;
  if (status < 200 || status > 299) return undefined; // 5xx: retried as server errors
  if (html && !OBJECT_CONTENT.has(command)) return "an HTML page";
  if (ETAG_REQUIRED.has(command) && !headers["etag"]) return "a reply without an ETag";
  return undefined;
}

/** Adds the check to `client` (once per client). */
export function guardS3Responses(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const res = result.response as RawResponse;
      const why = notS3Reason(context.commandName ?? "", res);
      if (why) {
        const err = new Error(`the server answered ${why} (HTTP ${res.statusCode})`);
        Object.assign(err, {
          name: NOT_S3_ERROR,
          $metadata: { httpStatusCode: res.statusCode },
          $response: res,
          detail: why,
        });
        throw err;
      }
      return result;
    },
    // "low": inside the SDK's deserializer, so the raw response is checked before it is parsed.
    { step: "deserialize", priority: "low", name: "eigenS3ResponseGuard" },
  );
}
