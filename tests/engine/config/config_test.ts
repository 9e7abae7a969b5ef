import { assertEquals, assertRejects, assertThrows } from "../../support/assert.ts";
import { join } from "node:path";
import {
  emptyConfig,
  loadConfig,
  saveConfig,
  updateConfig,
  validateConfig,
} from "../../../src/engine/config/config.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import { tempDir } from "../../support/test_env.ts";

const good = {
  endpoint: "http://127.0.0.1:7480",
  region: "us-east-1",
  bucket_name: "photos",
  access_key_id: "AKIAEXAMPLE",
  path_prefix: "backups",
  last_sync_timestamp: null,
};

function configError(fn: () => unknown, includes: string): void {
  const err = assertThrows(fn, EngineError) as EngineError;
  assertEquals(err.code, "ConfigError");
  if (!err.message.includes(includes)) {
    throw new Error(`message "${err.message}" lacks "${includes}"`);
  }
}

Deno.test("validateConfig normalises a good profile", () => {
  const c = validateConfig("f.json", {
    version: 1,
    profiles: { home: good },
    default_profile: "home",
  });
  assertEquals(c.profiles.home?.path_prefix, "backups/");
  assertEquals(c.default_profile, "home");
});

Deno.test("validateConfig names every malformed field", () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ endpoint: "not a url" }, "profiles.p.endpoint"],
    [{ endpoint: "ftp://host" }, "profiles.p.endpoint"],
    [{ endpoint: "http://host/path" }, "must not have a path"],
    [{ region: "US East" }, "profiles.p.region"],
    [{ bucket_name: "a" }, "profiles.p.bucket_name"],
    [{ bucket_name: 42 }, "profiles.p.bucket_name"],
    [{ access_key_id: "has space" }, "profiles.p.access_key_id"],
    [{ path_prefix: "a/../b" }, "profiles.p.path_prefix"],
    [{ last_sync_timestamp: "yesterday" }, "profiles.p.last_sync_timestamp"],
    [{ secret_backend: "plaintext" }, "profiles.p.secret_backend"],
  ];
  for (const [patch, needle] of cases) {
    configError(() => validateConfig("f.json", { profiles: { p: { ...good, ...patch } } }), needle);
  }
  configError(() => validateConfig("f.json", []), "must hold a JSON object");
  configError(() => validateConfig("f.json", { version: 2, profiles: {} }), "version");
  configError(
    () => validateConfig("f.json", { profiles: { p: good }, default_profile: "q" }),
    "default_profile",
  );
  configError(() => validateConfig("f.json", { profiles: { "bad name": good } }), "profile name");
  configError(() => validateConfig("f.json", { profiles: {}, jobs: [] }), "jobs");
  for (
    const [defaults, needle] of [
      [{ concurrency: 0 }, "defaults.concurrency"],
      [{ bwlimit: "fast" }, "defaults.bwlimit: 'fast' is not a rate"],
      [{ bwlimit: 100 }, "defaults.bwlimit"],
      [{ storage_class: "cold storage" }, "defaults.storage_class: 'cold storage'"],
      [{ storage_class: 5 }, "defaults.storage_class"],
    ] as const
  ) {
    configError(() => validateConfig("f.json", { profiles: {}, defaults }), needle);
  }
  validateConfig("f.json", {
    profiles: {},
    defaults: { bwlimit: "10M", storage_class: "GLACIER_IR" },
  });
});

Deno.test("saveConfig writes atomically with mode 0600 and keeps unknown fields", async () => {
  const dir = await tempDir();
  try {
    const file = join(dir.path, "eigen", "s3-config.json");
    const cfg = {
      ...emptyConfig(),
      profiles: { default: { ...good, path_prefix: "" } },
      jobs: { nightly: { x: 1 } },
    };
    await saveConfig(file, cfg);
    assertEquals((await Deno.stat(file)).mode! & 0o777, 0o600);
    const back = await loadConfig(file);
    assertEquals(back.profiles.default?.bucket_name, "photos");
    assertEquals(back.jobs, { nightly: { x: 1 } });
    await updateConfig(file, (c) => {
      c.default_profile = "default";
    });
    assertEquals((await loadConfig(file)).default_profile, "default");
    // No temporary file is left; the lock file of updateConfig stays (it is never replaced).
    const leftovers = [...Deno.readDirSync(join(dir.path, "eigen"))].map((e) => e.name).sort();
    assertEquals(leftovers, ["s3-config.json", "s3-config.json.lock"]);
  } finally {
    await dir.cleanup();
  }
});

Deno.test("loadConfig: missing file is empty, bad JSON and unsafe modes are refused", async () => {
  const dir = await tempDir();
  try {
    const file = join(dir.path, "s3-config.json");
    assertEquals(await loadConfig(file), emptyConfig());
    await Deno.writeTextFile(file, "{ nope", { mode: 0o600 });
    await Deno.chmod(file, 0o600);
    const bad = await assertRejects(() => loadConfig(file), EngineError);
    assertEquals((bad as EngineError).code, "ConfigError");
    assertEquals((bad as EngineError).message.includes("is not valid JSON"), true);
    await Deno.writeTextFile(file, JSON.stringify({ profiles: {} }));
    await Deno.chmod(file, 0o666);
    const unsafe = await assertRejects(() => loadConfig(file), EngineError);
    assertEquals((unsafe as EngineError).message.includes(`chmod 600 ${file}`), true);
    assertEquals((unsafe as EngineError).exitCode, 4);
  } finally {
    await dir.cleanup();
  }
});
