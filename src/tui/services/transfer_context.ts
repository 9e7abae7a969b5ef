/**
 * What the TUI's transfer planners get from the session: the CLI-style context, a client per
 * profile and the transfer defaults of the Settings screen.
 *
 * @module
 */

import type { Session } from "../../engine/session/session.ts";
import type { S3Context } from "../../engine/s3/client.ts";
import type { ConfigFile } from "../../engine/config/config.ts";
import { parseRate } from "../../engine/core/validate.ts";

/** Transfer settings from the Settings screen's defaults. */
export interface TransferDefaults {
  concurrency: number;
  bwlimit: number;
  storageClass?: string;
}

/** The defaults of the config file, with the engine's fallbacks. */
export function transferDefaults(config: ConfigFile): TransferDefaults {
  const d = config.defaults ?? {};
  const out: TransferDefaults = {
    concurrency: d.concurrency ?? 8,
    bwlimit: d.bwlimit
      ? parseRate(d.bwlimit, { field: "defaults.bwlimit", code: "ConfigError" })
      : 0,
  };
  if (d.storage_class) out.storageClass = d.storage_class;
  return out;
}

/** What the transfer planners need from the session. */
export interface TransferContext {
  ctx: Session;
  client(profile: string): Promise<S3Context>;
  defaults: TransferDefaults;
}
