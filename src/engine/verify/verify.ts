/**
 * Verify, like `rclone check`: compares a local folder with the objects under its backup prefix
 * and lists what differs and what is missing on either side. The local side is backup's own
 * walk (same hidden-file, filter, symlink rules), merged in key order with the listing by the
 * march (local/march.ts), so memory stays bounded; content is checked by verify_check.ts in a
 * bounded pool.
 *
 * Exit codes (`exitCode`): 0 only when every file matches and nothing is missing on either
 * side; 3 when the run finished and found differences, missing files, files it could not
 * verify or could not read; 130 interrupted. Failures that stop the whole run (listing,
 * credentials, a missing LOCAL_FOLDER) are thrown as EngineErrors (1, 2, 5, 6, 7).
 *
 * @module
 */

import { DEFAULT_CONCURRENCY } from "../core/concurrency.ts";
import type { S3Client } from "@aws-sdk/client-s3";
import { EngineError, EXIT_PARTIAL, isAbortError } from "../core/errors.ts";
import {
  type EventSink,
  newOperationId,
  NO_EVENTS,
  progressPayload,
  throttleProgress,
} from "../core/events.ts";
import type { Filter } from "../local/filter.ts";
import { type FilterInput, type FilterOptions, loadFilter } from "../local/filter_options.ts";
import { compareKeys } from "../core/keys.ts";
import { iterateObjects, type RemoteObject } from "../s3/listing.ts";
import { type LocalError, type LocalExcluded, type LocalFile, walkFolder } from "../local/walk.ts";
import { remoteFilter } from "../local/key_filter.ts";
import { march } from "../local/march.ts";
import { TaskPool } from "../../lib/task_pool.ts";
import { toEngineError } from "../s3/sdk_errors.ts";
import { type History, recordRun, type RunStatus } from "../state/history.ts";
import { checkContent } from "./verify_check.ts";

/**
 * Everything verify needs. The filter flags (see filter_options.ts) should be the backup's:
 * what they leave out is not compared and not reported missing on either side.
 */
export interface VerifyOptions extends FilterOptions {
  client: S3Client;
  bucket: string;
  /** Full key prefix of the backup ("" or ending in "/"). */
  keyPrefix: string;
  localFolder: string;
  endpoint?: string;
  /** Read and hash the remote bytes instead of trusting stored MD5s. */
  download?: boolean;
  includeHidden?: boolean;
  /** Parallel checks (default {@link DEFAULT_CONCURRENCY}). */
  concurrency?: number;
  signal?: AbortSignal;
  onEvent?: EventSink;
  history?: { store: History; profile: string; job?: string };
  /** Standard input, for list files given as '-' (CLI only). */
  input?: FilterInput;
}

/** One file in a verify list. */
export interface VerifyItem {
  /** Relative local path ("/"-separated). */
  path: string;
  /** The full key. */
  key: string;
  reason: string;
}

/** What verify found (snake_case, as printed with `--json`). */
export interface VerifyReport {
  /** True when everything matched and nothing is missing. */
  matched: boolean;
  files_checked: number;
  files_matched: number;
  differences: VerifyItem[];
  /** Local files with no object. */
  missing_remote: VerifyItem[];
  /** Objects with no local file. */
  missing_local: VerifyItem[];
  /** Same size, but no MD5 is stored to compare (use `download`). */
  unverified: VerifyItem[];
  errors: Array<VerifyItem & { code: string }>;
  bytes_hashed: number;
  bytes_downloaded: number;
  duration_ms: number;
  /** Local files each filter rule left out, by rule (as backup's `files_excluded`). */
  files_excluded?: Record<string, number>;
  /** Their bytes, by the same rules. */
  bytes_excluded?: Record<string, number>;
}

/** What verify returns. */
export interface VerifyResult {
  report: VerifyReport;
  status: RunStatus;
  exitCode: number;
}

interface RemoteRel extends RemoteObject {
  rel: string;
}

/**
 * The objects under the prefix that take part, by backup's own rules (folder markers, hidden
 * and excluded keys left out). A key no local path can map to ('..', '.' or empty parts, not
 * NFC) is passed to `unmappable` with the reason.
 */
async function* remoteFiles(
  opts: VerifyOptions,
  filter: Filter,
  unmappable: (item: VerifyItem) => void,
): AsyncGenerator<RemoteRel> {
  const rules = { keyPrefix: opts.keyPrefix, includeHidden: opts.includeHidden, filter };
  for await (const o of iterateObjects(opts.client, opts.bucket, opts.keyPrefix, opts.signal)) {
    const rel = o.key.slice(opts.keyPrefix.length);
    const why = remoteFilter(rel, rules);
    if (why === "") continue;
    if (why !== undefined) {
      unmappable({ path: rel, key: o.key, reason: why });
      continue;
    }
    yield { ...o, rel };
  }
}

/**
 * The regular files of backup's walk of `root`, and what the filter left out by size, age or
 * marker (still there: its objects are not missing locally); an unreadable entry is passed to
 * `unreadable` as the walk passes it (an unreadable root fails the run).
 */
async function* localFiles(
  root: string,
  opts: VerifyOptions,
  filter: Filter,
  unreadable: (entry: LocalError) => void,
): AsyncGenerator<LocalFile | LocalExcluded> {
  const walk = walkFolder(root, {
    includeHidden: opts.includeHidden ?? false,
    filter,
    signal: opts.signal,
  });
  for await (const entry of walk) {
    if (entry.kind === "file" || entry.kind === "excluded") yield entry;
    else if (entry.kind === "error") {
      if (entry.relPath === "") throw new EngineError("UsageError", `${root}: ${entry.message}`);
      unreadable(entry);
    }
  }
}

async function checkRoot(folder: string): Promise<string> {
  try {
    const st = await Deno.stat(folder);
    if (!st.isDirectory) {
      throw new EngineError(
        "UsageError",
        `'${folder}' is not a folder: give the backed-up folder.`,
      );
    }
    return await Deno.realPath(folder);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new EngineError("UsageError", `Folder '${folder}' does not exist: check the path.`);
    }
    throw e;
  }
}

/** Runs verify (see the module description). */
export async function runVerify(opts: VerifyOptions): Promise<VerifyResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const { sink, flush } = throttleProgress(opts.onEvent ?? NO_EVENTS);
  const op = newOperationId("verify");
  const report: VerifyReport = {
    matched: false,
    files_checked: 0,
    files_matched: 0,
    differences: [],
    missing_remote: [],
    missing_local: [],
    unverified: [],
    errors: [],
    bytes_hashed: 0,
    bytes_downloaded: 0,
    duration_ms: 0,
  };
  let status: RunStatus = "success";
  let exitCode = 0;
  let errorText: string | null = null;
  const pool = new TaskPool(opts.concurrency ?? DEFAULT_CONCURRENCY);
  let queued = 0;
  let read = 0;
  const keyOf = (rel: string) => opts.keyPrefix + rel;

  const check = async (l: LocalFile, r: RemoteRel): Promise<void> => {
    queued += l.size * (opts.download ? 2 : 1);
    const item = { path: l.relPath, key: r.key };
    const errors = { action: `checking '${l.relPath}'`, bucket: opts.bucket, key: r.key };
    try {
      const outcome = await checkContent({
        client: opts.client,
        bucket: opts.bucket,
        key: r.key,
        size: r.size,
        etag: r.etag,
        path: l.path,
        localSize: l.size,
        download: opts.download ?? false,
        signal: opts.signal,
        errors,
        onRead: (kind, n) => {
          if (kind === "hashed") report.bytes_hashed += n;
          else report.bytes_downloaded += n;
          read += n;
          sink({ type: "progress", progress: progressPayload(op, l.relPath, read, queued) });
        },
      });
      report.files_checked += 1;
      if (outcome.result === "match") report.files_matched += 1;
      else if (outcome.result === "differ") {
        report.differences.push({ ...item, reason: outcome.reason });
      } else report.unverified.push({ ...item, reason: outcome.reason });
    } catch (e) {
      if (isAbortError(e) || opts.signal?.aborted) return;
      const err = toEngineError(e, errors);
      report.errors.push({ ...item, reason: err.message, code: err.code });
      sink({
        type: "file-error",
        operation_id: op,
        file_name: l.relPath,
        code: err.code,
        message: err.message,
      });
    }
  };

  let lastFilter: Filter | undefined;
  try {
    const filter = await loadFilter(opts, new Date(), opts.input);
    lastFilter = filter;
    const root = await checkRoot(opts.localFolder);
    const unreadable: string[] = [];
    const local = localFiles(root, opts, filter, (value) => {
      if (value.isDir) unreadable.push(value.relPath + "/");
      report.errors.push({
        path: value.relPath,
        key: keyOf(value.relPath),
        reason: value.message,
        code: "AccessDenied",
      });
    });
    const remote = remoteFiles(opts, filter, (item) => report.missing_local.push(item));
    const pairs = march(local, remote, {
      localKey: (l) => keyOf(l.kind === "excluded" && l.isDir ? `${l.relPath}/` : l.relPath),
      remoteKey: (r) => r.key,
    });
    for await (const pair of pairs) {
      if (opts.signal?.aborted) break;
      if (pair.kind !== "remote-only" && pair.local.kind === "excluded") {
        if (pair.local.isDir) unreadable.push(`${pair.local.relPath}/`);
        continue;
      }
      if (pair.kind === "local-only") {
        const l = pair.local as LocalFile;
        report.missing_remote.push({
          path: l.relPath,
          key: keyOf(l.relPath),
          reason: "no object in the bucket",
        });
      } else if (pair.kind === "remote-only") {
        const r = pair.remote;
        const filtered = filter.attributes(r.size, r.lastModified?.getTime());
        if (!filtered && !unreadable.some((d) => r.rel.startsWith(d))) {
          report.missing_local.push({ path: r.rel, key: r.key, reason: "no local file" });
        }
      } else {
        const { local, remote } = pair;
        await pool.submit(() => check(local as LocalFile, remote), opts.signal);
      }
    }
  } catch (e) {
    if (!(isAbortError(e) || opts.signal?.aborted)) {
      await pool.drain();
      const err = toEngineError(e, {
        action: "verify",
        endpoint: opts.endpoint,
        bucket: opts.bucket,
        fallback: "ListFailed",
      });
      status = "failed";
      exitCode = err.exitCode;
      errorText = err.message;
      record();
      throw err;
    }
  }
  await pool.drain();
  if (lastFilter && lastFilter.counts.size > 0) {
    report.files_excluded = lastFilter.counts.files();
    report.bytes_excluded = lastFilter.counts.bytes();
  }
  for (
    const list of [
      report.differences,
      report.missing_remote,
      report.missing_local,
      report.unverified,
      report.errors,
    ]
  ) {
    list.sort((a, b) => compareKeys(a.path, b.path));
  }
  report.matched = report.differences.length + report.missing_remote.length +
      report.missing_local.length + report.unverified.length + report.errors.length === 0;
  if (opts.signal?.aborted) {
    status = "interrupted";
    exitCode = 130;
  } else if (!report.matched) {
    status = "partial";
    exitCode = EXIT_PARTIAL;
  }
  record();
  return { report, status, exitCode };

  function record() {
    report.duration_ms = Math.round(performance.now() - started);
    flush();
    if (!opts.history) return;
    recordRun(opts.history.store, {
      command: "verify",
      job: opts.history.job,
      profile: opts.history.profile,
      bucket: opts.bucket,
      prefix: opts.keyPrefix,
      localPath: opts.localFolder,
      startedAt,
      status,
      exitCode,
      report,
      error: errorText,
    });
  }
}
