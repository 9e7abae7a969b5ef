/**
 * The transfer settings a run takes from the config file's `defaults` (the Settings screen)
 * when nothing more specific is given: parallel transfers, bandwidth limit, storage class.
 *
 * @module
 */

import { DEFAULT_CONCURRENCY } from "../core/concurrency.ts";
import { parseRate } from "../core/validate.ts";
import type { ConfigFile } from "./config.ts";

/** Transfer settings from the config's defaults, with the engine's fallbacks. */
export interface TransferDefaults {
  concurrency: number;
  /** Bytes per second across all transfers; 0: unlimited. */
  bwlimit: number;
  /** Storage class for uploads; absent: the bucket's default. */
  storageClass?: string;
}

/**
 * The config's defaults with fallbacks filled in ({@link DEFAULT_CONCURRENCY} transfers, no
 * limit).
 *
 * @example
 * ```ts
 * transferDefaults({ version: 1, profiles: {}, defaults: { bwlimit: "1M" } });
 * // { concurrency: 8, bwlimit: 1048576 }
 * ```
 */
export function transferDefaults(config: ConfigFile): TransferDefaults {
  const d = config.defaults ?? {};
  const out: TransferDefaults = {
    concurrency: d.concurrency ?? DEFAULT_CONCURRENCY,
    bwlimit: d.bwlimit
      ? parseRate(d.bwlimit, { field: "defaults.bwlimit", code: "ConfigError" })
      : 0,
  };
  if (d.storage_class) out.storageClass = d.storage_class;
  return out;
}
