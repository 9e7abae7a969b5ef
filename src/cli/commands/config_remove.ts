/**
 * `eigen-s3 config remove NAME`: deletes the profile and its stored secret
 * (the engine's {@link removeProfile}).
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { removeProfile } from "../../engine/profiles/profile_service.ts";

/** Runs config remove. */
export default async function configRemove(ctx: CliContext, args: unknown[]): Promise<number> {
  const name = String(args[0]);
  const r = await removeProfile(name, {
    configPath: ctx.configPath,
    secrets: await ctx.secrets(),
  });
  ctx.invalidateConfig();
  const result = {
    profile: name,
    removed: true,
    secret_deleted: r.secretDeleted,
    secret_backend: r.secretBackend,
  };
  ctx.out.result(
    "config remove",
    result,
    () =>
      `Removed profile '${name}'${
        r.secretDeleted
          ? ` and its secret from ${r.secretLocation}`
          : " (no stored secret was found)"
      }.`,
  );
  return 0;
}
