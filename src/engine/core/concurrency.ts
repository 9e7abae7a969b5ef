/**
 * How much runs at once when nobody said: the one default for files transferred at once by a
 * backup (and the request slots their parts share), downloads of a restore, checks of a
 * verify, and the S3 connection pool sized for them. The config file's `defaults.concurrency`,
 * a job's `concurrency` and `--concurrency` override it.
 *
 * @module
 */

/** Files (or checks) in flight at once unless configured otherwise. */
export const DEFAULT_CONCURRENCY = 8;
