/**
 * One error type for every expected failure, and the one table that maps it to exit codes.
 *
 * @module
 */

/** Domain error codes (DESIGN.md, extending the seed's S3Error). */
export type ErrorCode =
  | "NotConfigured"
  | "InvalidCredentials"
  | "AccessDenied"
  | "BucketNotFound"
  | "KeyNotFound"
  | "UploadFailed"
  | "DownloadFailed"
  | "ListFailed"
  | "ConfigError"
  | "UsageError"
  | "SdkError"
  | "NetworkError"
  | "SecretStoreError"
  | "UnsafeOperation"
  | "ColdStorage"
  | "Interrupted";

/** Exit code for each error code; 0 (success) and 3 (partial) come from results, not errors. */
export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  NotConfigured: 4,
  ConfigError: 4,
  InvalidCredentials: 5,
  AccessDenied: 5,
  BucketNotFound: 6,
  KeyNotFound: 6,
  UploadFailed: 1,
  DownloadFailed: 1,
  ListFailed: 1,
  SdkError: 1,
  SecretStoreError: 1,
  UsageError: 2,
  NetworkError: 7,
  UnsafeOperation: 8,
  // An object still in cold storage: pending, as for a restore with frozen objects.
  ColdStorage: 3,
  Interrupted: 130,
};

/** Exit code when a run finished but some files failed. */
export const EXIT_PARTIAL = 3;

/** Exit code when a run was cut off by --max-duration or --max-transfer (clean, resumable). */
export const EXIT_CUT_OFF = 9;

/** Options for {@link EngineError}. */
export interface EngineErrorOptions {
  /** True when trying the same thing again may succeed (throttling, resets, timeouts). */
  retryable?: boolean;
  /** The underlying error (SDK, filesystem, tool). Never shown to users verbatim with secrets. */
  cause?: unknown;
  /**
   * The input the error is about, as the caller named it (a flag such as "--endpoint", a config
   * field such as "defaults.bwlimit", a form field such as "cron"), so a front end can point at
   * it without reading the message.
   */
  field?: string;
}

/** The single domain error of eigen-s3: a code, a message that says what to do, retryability. */
export class EngineError extends Error {
  override readonly name = "EngineError";
  /** What kind of failure this is; decides the exit code. */
  readonly code: ErrorCode;
  /** Whether the operation may succeed when tried again. */
  readonly retryable: boolean;
  /** The input this error is about, when it is about one (see {@link EngineErrorOptions.field}). */
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: EngineErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.field = options.field;
  }

  /** The process exit code for this error. */
  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

/** Exit code for any thrown value: EngineError codes, everything else is 1. */
export function exitCodeFor(error: unknown): number {
  return error instanceof EngineError ? error.exitCode : 1;
}

/** True when `error` is an abort caused by an AbortSignal (ours or the SDK's). */
export function isAbortError(error: unknown): boolean {
  if (error instanceof EngineError) return error.code === "Interrupted";
  if (typeof error !== "object" || error === null) return false;
  const name = (error as { name?: unknown }).name;
  return name === "AbortError";
}

/** Throws an Interrupted EngineError when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new EngineError("Interrupted", "Interrupted: stopped cleanly before finishing.");
  }
}
