/**
 * Runs inside tests/support/with_keyring.sh (a private D-Bus session with gnome-keyring) and
 * prints, as one JSON object, what the secret-tool backend did in each scenario step.
 * secret_tool_backend_test.ts spawns it and asserts on the result.
 *
 *   deno run -A secret_tool_child.ts unlocked|no-login-keyring|no-provider
 *
 * @module
 */

import { join } from "node:path";
import { createSecretStore } from "../../../src/secrets/mod.ts";
import { runTool } from "../../../src/lib/run_tool.ts";
import { SecretStoreError } from "../../../src/secrets/secret_store.ts";
import { SecretToolBackend } from "../../../src/secrets/secret_tool_backend.ts";
import { recording } from "./fake_runner.ts";

/** What one step returned or threw. */
export type Outcome =
  | { ok: unknown }
  | { error: { reason: string; fix: string; unavailable: boolean } };

/** Secrets the unlocked scenario stores (the parent checks none of them reached argv). */
export const CHILD_SECRETS = ["first s3cr3t/+=", "second\nwith trailing newline\n"];

async function outcome(step: () => Promise<unknown>): Promise<Outcome> {
  try {
    const value = await step();
    return { ok: value === undefined ? "done" : value }; // JSON has no undefined
  } catch (error) {
    if (error instanceof SecretStoreError) {
      return { error: { reason: error.reason, fix: error.fix, unavailable: error.unavailable } };
    }
    return { error: { reason: `unexpected: ${error}`, fix: "", unavailable: false } };
  }
}

async function search(profile: string): Promise<{ stdout: string; stderr: string }> {
  const result = await runTool({
    command: "secret-tool",
    args: ["search", "--all", "service", "eigen-s3", "account", profile],
    timeoutMs: 10_000,
  });
  if (result.status !== "exited") throw new Error(`search: ${result.status}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

async function lockDefaultCollection(): Promise<string> {
  const result = await runTool({
    command: "gdbus",
    args: [
      "call",
      "--session",
      "-d",
      "org.freedesktop.secrets",
      "-o",
      "/org/freedesktop/secrets",
      "-m",
      "org.freedesktop.Secret.Service.Lock",
      "['/org/freedesktop/secrets/collection/login']",
    ],
    timeoutMs: 10_000,
  });
  return result.status === "exited" ? result.stdout.trim() : result.status;
}

async function unlocked(): Promise<Record<string, unknown>> {
  const rec = recording(runTool);
  const backend = new SecretToolBackend({ run: rec.run });
  const [first, second] = CHILD_SECRETS as [string, string];
  const out: Record<string, unknown> = {};
  out.probe = await outcome(() => backend.probe());
  out.getMissing = await outcome(() => backend.get("default"));
  out.deleteMissing = await outcome(() => backend.delete("default"));
  out.set = await outcome(() => backend.set("default", first));
  out.get = await outcome(() => backend.get("default"));
  out.searchAfterSet = await search("default");
  out.overwrite = await outcome(() => backend.set("default", second));
  out.getOverwritten = await outcome(() => backend.get("default"));
  out.searchAfterOverwrite = await search("default");
  out.setOther = await outcome(() => backend.set("work", "other-secret"));
  out.delete = await outcome(() => backend.delete("default"));
  out.getDeleted = await outcome(() => backend.get("default"));
  out.deleteAgain = await outcome(() => backend.delete("default"));
  out.getOther = await outcome(() => backend.get("work"));

  // Locked collection: the item "work" exists but cannot be read, written or deleted.
  out.lock = await lockDefaultCollection();
  out.lockedGet = await outcome(() => backend.get("work"));
  out.lockedGetMissing = await outcome(() => backend.get("nobody"));
  out.lockedSet = await outcome(() => backend.set("work", "x"));
  out.lockedDelete = await outcome(() => backend.delete("work"));
  out.lockedProbe = await outcome(() => backend.probe());

  // No session bus: the same session, but the backend's tools do not get the bus address.
  const noBus = new SecretToolBackend({
    env: { ...Deno.env.toObject(), DBUS_SESSION_BUS_ADDRESS: undefined },
  });
  out.noBusProbe = await outcome(() => noBus.probe());
  out.noBusSet = await outcome(() => noBus.set("default", "x"));
  const deadBus = new SecretToolBackend({
    env: { ...Deno.env.toObject(), DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/eigen-bus" },
  });
  out.deadBusGet = await outcome(() => deadBus.get("default"));

  out.argv = rec.calls.map((c) => [c.command, ...c.args]);
  return out;
}

async function withoutKeyring(): Promise<Record<string, unknown>> {
  const backend = new SecretToolBackend();
  return {
    probe: await outcome(() => backend.probe()),
    set: await outcome(() => backend.set("default", "x")),
    get: await outcome(() => backend.get("default")),
    chain: await outcome(() => saveThroughTheChain()),
  };
}

/** The whole automatic choice on this machine (pass is installed but has no store here). */
async function saveThroughTheChain(): Promise<unknown> {
  const env: Record<string, string | undefined> = {
    ...Deno.env.toObject(),
    EIGEN_S3_PASSPHRASE: "chain passphrase",
  };
  const store = createSecretStore({
    os: "linux",
    env,
    stateDir: join(env.XDG_STATE_HOME ?? "", "eigen"),
  });
  const saved = await store.save("default", "chain-secret");
  return { saved, loaded: await store.load("default", saved.backend) };
}

if (import.meta.main) {
  const result = Deno.args[0] === "unlocked" ? await unlocked() : await withoutKeyring();
  console.log(JSON.stringify(result));
}
