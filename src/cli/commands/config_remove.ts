/**
 * `eigen-s3 config remove NAME`: deletes the profile and its stored secret.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { EngineError } from "../../engine/core/errors.ts";
import { updateConfig } from "../../engine/config/config.ts";

/** Runs config remove. */
export default async function configRemove(ctx: CliContext, args: unknown[]): Promise<number> {
  const name = String(args[0]);
  const config = await ctx.config();
  const profile = config.profiles[name];
  if (!profile) {
    const known = Object.keys(config.profiles);
    throw new EngineError(
      "NotConfigured",
      `Profile '${name}' does not exist${
        known.length ? ` (profiles: ${known.join(", ")})` : ""
      }: nothing removed.`,
    );
  }
  const backend = profile.secret_backend ?? "keychain";
  const store = await ctx.secrets();
  const secretDeleted = await store.remove(name, backend);
  await updateConfig(ctx.configPath, (c) => {
    delete c.profiles[name];
    if (c.default_profile === name) {
      const next = Object.keys(c.profiles)[0];
      if (next) c.default_profile = next;
      else delete c.default_profile;
    }
  });
  ctx.invalidateConfig();
  const result = {
    profile: name,
    removed: true,
    secret_deleted: secretDeleted,
    secret_backend: backend,
  };
  ctx.out.result(
    "config remove",
    result,
    () =>
      `Removed profile '${name}'${
        secretDeleted
          ? ` and its secret from ${store.describe(backend)}`
          : " (no stored secret was found)"
      }.`,
  );
  return 0;
}
