/**
 * The AWS-semantics pass: tests of behaviour that Ceph RGW and the embedded server cannot show
 * (storage classes GLACIER/DEEP_ARCHIVE and InvalidObjectState, versions, object lock, SSE-KMS)
 * run against EIGEN_TEST_AWS_ENDPOINT, which `deno task test` points at a moto server it starts
 * when moto is installed (`python3 -m moto.server`). Declare them with {@link awsTest}; the
 * runner finds the files that do and runs them once more with `--filter "[aws]"`.
 *
 * @module
 */

import { S3Client } from "@aws-sdk/client-s3";
import {
  type Capability,
  SERVER_CAPABILITIES,
  TEST_ACCESS_KEY,
  TEST_SECRET_KEY,
} from "./test_env.ts";
import { AWS_PLACEHOLDER } from "./test_output.ts";

/** The AWS-semantics server (null outside the AWS pass). */
export const AWS_ENDPOINT: string | null = Deno.env.get("EIGEN_TEST_AWS_ENDPOINT") || null;
/** Its kind: "moto" (started by the runner) or "aws" (a real account, all capabilities). */
export const AWS_KIND: string = Deno.env.get("EIGEN_TEST_AWS_KIND") ?? "aws";
const caps = new Set(SERVER_CAPABILITIES[AWS_KIND] ?? SERVER_CAPABILITIES.aws);

/**
 * Options of an AWS-semantics test: `Deno.test(awsTest("GLACIER reads", "cold-storage"), fn)`.
 * Its name ends in "[aws]". Outside the AWS pass it is ignored: as a placeholder when the pass
 * follows, otherwise visibly skipped ("[skipped: needs the AWS-semantics pass …]").
 */
export function awsTest(name: string, ...needs: Capability[]): { name: string; ignore: boolean } {
  const tagged = `${name} [aws]`;
  if (AWS_ENDPOINT === null) {
    return Deno.env.get("EIGEN_TEST_AWS_PASS") === "later"
      ? { name: `${tagged} ${AWS_PLACEHOLDER}`, ignore: true }
      : {
        name:
          `${tagged} [skipped: needs the AWS-semantics pass (moto, or EIGEN_TEST_AWS_ENDPOINT)]`,
        ignore: true,
      };
  }
  const missing = needs.filter((c) => !caps.has(c));
  return missing.length === 0
    ? { name: tagged, ignore: false }
    : { name: `${tagged} [skipped: needs ${missing.join(", ")}; ${AWS_KIND}]`, ignore: true };
}

/** A plain SDK client on the AWS-semantics server, for asserting on what it stores. */
export function awsClient(): S3Client {
  return new S3Client({
    endpoint: AWS_ENDPOINT ?? "http://127.0.0.1:5000",
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** Environment that points the CLI at the AWS-semantics server with `bucket`. */
export function awsEnvFor(bucket: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: TEST_SECRET_KEY,
    AWS_ENDPOINT_URL: AWS_ENDPOINT ?? "http://127.0.0.1:5000",
    AWS_REGION: "us-east-1",
    EIGEN_TEST_BUCKET: bucket,
  };
}
