/**
 * Gathers what the restore planner asks for: what is at a destination (lstat only), the MD5
 * of an existing local file, and an object's HEAD (md5chksum, mtime, thaw state). Each runs in
 * a bounded pool; a failure is recorded per object instead of failing the run.
 *
 * @module
 */

import type { S3Client } from "@aws-sdk/client-s3";
import type { EngineError } from "../core/errors.ts";
import { isAbortError } from "../core/errors.ts";
import { md5File } from "../core/hashing.ts";
import { knownMd5, META_MTIME, parseMtime } from "../s3/object_meta.ts";
import { needsThaw } from "../s3/cold_storage.ts";
import { headObject } from "../s3/object_head.ts";
import { joinInside, type TargetInspector } from "../local/safe_path.ts";
import type { EvidenceNeed, LocalState, RestoreSource } from "./restore_plan.ts";
import { type ErrorContext, toEngineError } from "../s3/sdk_errors.ts";
import { boundedEach } from "../../lib/task_pool.ts";

/** Where evidence is gathered from. */
export interface EvidenceContext {
  client: S3Client;
  bucket: string;
  root: string;
  inspector: TargetInspector;
  concurrency: number;
  signal?: AbortSignal;
}

/** HEADs one object: MD5 when knowable, the mtime metadata, and the thaw state of cold objects. */
export async function headFacts(
  client: S3Client,
  bucket: string,
  src: RestoreSource,
  signal?: AbortSignal,
): Promise<NonNullable<RestoreSource["head"]>> {
  const head = await headObject(client, {
    bucket,
    key: src.key,
    ...(src.versionId ? { versionId: src.versionId } : {}),
    signal,
    errors: headErrors(bucket, src.key),
  });
  const facts: NonNullable<RestoreSource["head"]> = {};
  const md5 = knownMd5(head.metadata, head.etag, head.sse);
  if (md5) facts.md5 = md5;
  const mtime = parseMtime(head.metadata[META_MTIME]);
  if (mtime !== undefined) facts.mtimeMs = mtime;
  if (needsThaw(head.storageClass ?? src.storageClass)) {
    facts.thaw = head.restore ?? { state: "frozen" };
  }
  return facts;
}

function headErrors(bucket: string, key: string): ErrorContext {
  return { action: `reading '${key}'`, bucket, key, fallback: "DownloadFailed" };
}

/**
 * Fills `local` and the sources' `head` for every need. Returns the objects whose evidence
 * could not be gathered (index -> error); an abort propagates.
 */
export async function gatherEvidence(
  needs: readonly EvidenceNeed[],
  remote: RestoreSource[],
  local: Map<string, LocalState>,
  ctx: EvidenceContext,
): Promise<Map<number, EngineError>> {
  const failed = new Map<number, EngineError>();
  await boundedEach(needs, ctx.concurrency, async (n) => {
    const src = remote[n.index]!;
    try {
      if (n.need === "stat") {
        local.set(n.path, { entry: await ctx.inspector.inspect(n.path.split("/")) });
      } else if (n.need === "local-md5") {
        const state = local.get(n.path)!;
        const path = joinInside(ctx.root, n.path.split("/"));
        state.md5 = (await md5File(path, ctx.signal)).hex;
      } else {
        src.head = await headFacts(ctx.client, ctx.bucket, src, ctx.signal);
      }
    } catch (e) {
      if (isAbortError(e) || ctx.signal?.aborted) throw e;
      failed.set(
        n.index,
        toEngineError(
          e,
          n.need === "head" ? headErrors(ctx.bucket, src.key) : {
            action: `checking local '${n.path}'`,
            bucket: ctx.bucket,
            key: src.key,
            fallback: "DownloadFailed",
          },
        ),
      );
    }
  }, ctx.signal);
  return failed;
}
