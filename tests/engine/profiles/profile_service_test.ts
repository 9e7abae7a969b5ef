import { join } from "node:path";
import {
  assertEquals,
  assertExcludes,
  assertIncludes,
  assertOk,
  assertRejects,
} from "../../support/assert.ts";
import {
  createTestBucket,
  rawClient,
  S3_ENDPOINT,
  s3Test,
  sandbox,
  TEST_ACCESS_KEY,
  TEST_SECRET_KEY,
} from "../../support/test_env.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import { loadConfig } from "../../../src/engine/config/config.ts";
import type { ProfileDraft } from "../../../src/engine/profiles/profile_fields.ts";
import {
  listBuckets,
  makeDefault,
  type ProfileContext,
  removeProfile,
  saveDefaults,
  saveProfile,
  testProfile,
} from "../../../src/engine/profiles/profile_service.ts";
import { FallbackSecretStore } from "../../../src/secrets/fallback_secret_store.ts";
import { FakeBackend } from "../../secrets/support/fake_backend.ts";

const FILE = "encrypted file ~/state/eigen/secrets.enc";

/** A sandboxed config path, a bucket on the test server and a store over in-memory backends. */
async function setup(label: string) {
  const raw = rawClient();
  const bucket = await createTestBucket(raw, label);
  const box = await sandbox();
  const keychain = new FakeBackend("keychain", "Secret Service (secret-tool)");
  const pass = new FakeBackend("pass", "pass (password-store)");
  const file = new FakeBackend("file", FILE);
  pass.availability = { available: false, reason: "pass is not installed", fix: "install pass" };
  const ctx: ProfileContext = {
    configPath: join(box.env.XDG_CONFIG_HOME!, "eigen", "s3-config.json"),
    secrets: new FallbackSecretStore({
      keychainLabel: "Secret Service",
      backends: { keychain, pass, file },
    }),
  };
  const draft = (over: Partial<ProfileDraft> = {}): ProfileDraft => ({
    name: "home",
    endpoint: `${S3_ENDPOINT}/`,
    region: "us-east-1",
    bucket: bucket.name,
    accessKeyId: TEST_ACCESS_KEY,
    secret: TEST_SECRET_KEY,
    pathPrefix: "/backups",
    ...over,
  });
  const exists = () => Deno.stat(ctx.configPath).then(() => true, () => false);
  return {
    bucket,
    ctx,
    draft,
    exists,
    keychain,
    file,
    async done() {
      await bucket.drop();
      raw.destroy();
      await box.cleanup();
    },
  };
}

Deno.test(
  s3Test("saveProfile tests the connection, stores the secret, writes the profile"),
  async () => {
    const t = await setup("psave");
    try {
      const r = await saveProfile(t.draft(), t.ctx);
      assertOk(r.saved, JSON.stringify(r));
      assertEquals(
        [r.tested, r.secretBackend, r.secretLocation, r.secretStored, r.fallbackReason],
        [true, "keychain", "Secret Service (secret-tool)", true, undefined],
      );
      assertEquals(t.keychain.secrets.get("home"), TEST_SECRET_KEY);
      const text = await Deno.readTextFile(t.ctx.configPath);
      assertExcludes(text, TEST_SECRET_KEY);
      assertEquals((await Deno.stat(t.ctx.configPath)).mode! & 0o777, 0o600);
      const config = await loadConfig(t.ctx.configPath);
      assertEquals(config.default_profile, "home", "the first profile is the default");
      assertEquals(config.profiles.home, {
        endpoint: S3_ENDPOINT!,
        region: "us-east-1",
        bucket_name: t.bucket.name,
        access_key_id: TEST_ACCESS_KEY,
        path_prefix: "backups/",
        last_sync_timestamp: null,
        secret_backend: "keychain",
      });

      // Keeping the stored secret: tested with it, not written again.
      t.keychain.log.length = 0;
      const kept = await saveProfile(t.draft({ secret: null, pathPrefix: "" }), t.ctx);
      assertOk(kept.saved);
      assertEquals([kept.secretStored, kept.secretBackend], [false, "keychain"]);
      assertEquals(t.keychain.log, ["get home"]);
      assertEquals(kept.profile.path_prefix, "");

      // Moving a kept secret to another backend removes the old copy.
      const moved = await saveProfile(t.draft({ secret: null, secretBackend: "file" }), t.ctx);
      assertOk(moved.saved);
      assertEquals(
        [moved.secretBackend, moved.secretLocation, moved.secretMovedFrom],
        ["file", FILE, "keychain"],
      );
      assertEquals(t.file.secrets.get("home"), TEST_SECRET_KEY);
      assertEquals(t.keychain.secrets.has("home"), false, "no orphan in the keychain");
      assertEquals(moved.config.profiles.home!.secret_backend, "file");

      // The keychain is gone: a new secret falls back to the file and says why.
      t.keychain.availability = {
        available: false,
        reason: "no D-Bus session bus",
        fix: "use --secret-backend file",
      };
      const fallback = await saveProfile(t.draft({ name: "work" }), t.ctx);
      assertOk(fallback.saved);
      assertEquals(fallback.secretBackend, "file");
      assertIncludes(fallback.fallbackReason ?? "", "Secret Service unavailable (no D-Bus");
      assertEquals(fallback.config.default_profile, "home", "the default stays");
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("a wrong secret: saved false, field and exit code, nothing written", "signatures"),
  async () => {
    const t = await setup("pwrong");
    try {
      const r = await saveProfile(t.draft({ secret: "not-the-right-secret-0000000000" }), t.ctx);
      assertOk(!r.saved);
      assertEquals([r.error.field, r.error.exitCode], ["secret", 5], r.error.message);
      assertEquals([r.status.connected, r.status.bucket_accessible], [true, false]);
      assertExcludes(r.error.message, "not-the-right-secret");
      assertEquals(await t.exists(), false, "no config file");
      assertEquals([...t.keychain.log, ...t.file.log].filter((l) => l.startsWith("set")), []);

      const noBucket = await saveProfile(t.draft({ bucket: `${t.bucket.name}-none` }), t.ctx);
      assertOk(!noBucket.saved);
      assertEquals([noBucket.error.field, noBucket.error.exitCode], ["bucket", 6]);

      const down = await saveProfile(t.draft({ endpoint: "http://127.0.0.1:1" }), t.ctx);
      assertOk(!down.saved);
      assertEquals([down.error.field, down.error.exitCode], ["endpoint", 7]);
      assertEquals(down.status.connected, false);
      assertEquals(await t.exists(), false);

      // Skipping the test saves what the user asked for.
      const skipped = await saveProfile(t.draft({ secret: "another-secret-00000000" }), {
        ...t.ctx,
        skipTest: true,
      });
      assertOk(skipped.saved);
      assertEquals(skipped.tested, false);
      const tested = await testProfile(t.draft({ secret: null }), t.ctx);
      assertEquals([tested.status.bucket_accessible, tested.error?.field], [false, "secret"]);
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("bad fields and missing secrets throw with the field, write nothing"),
  async () => {
    const t = await setup("pfield");
    try {
      const cases: Array<[Partial<ProfileDraft>, string, string, number]> = [
        [{ endpoint: "http//oops" }, "endpoint", "endpoint: 'http//oops' is not a URL", 2],
        [{ bucket: "" }, "bucket", "bucket_name: no bucket given", 2],
        [{ accessKeyId: "K" }, "accessKeyId", "access_key_id: must be", 2],
        [{ name: "bad name" }, "name", "profile: 'bad name' is not a profile name", 2],
        [{ secret: "" }, "secret", "the secret access key is empty", 2],
        [{ secret: null }, "secret", "no secret access key given", 2],
      ];
      for (const [over, field, message, exit] of cases) {
        const e = await assertRejects(() => saveProfile(t.draft(over), t.ctx), EngineError);
        assertEquals([e.field, e.exitCode], [field, exit], JSON.stringify(over));
        assertIncludes(e.message, message);
      }
      assertEquals(await t.exists(), false);

      // A saved profile whose secret is gone: NotConfigured (exit 4), about the secret.
      assertOk((await saveProfile(t.draft(), { ...t.ctx, skipTest: true })).saved);
      t.keychain.secrets.clear();
      const gone = await assertRejects(
        () => saveProfile(t.draft({ secret: null }), t.ctx),
        EngineError,
      );
      assertEquals([gone.field, gone.exitCode], ["secret", 4]);
      assertIncludes(gone.message, "Profile 'home' has no stored secret access key");
    } finally {
      await t.done();
    }
  },
);

Deno.test(
  s3Test("testProfile and listBuckets use the stored secret of a saved profile"),
  async () => {
    const t = await setup("plist");
    try {
      assertOk((await saveProfile(t.draft(), t.ctx)).saved);
      const ok = await testProfile(t.draft({ secret: null }), t.ctx);
      assertEquals(ok, {
        status: { connected: true, bucket_accessible: true, error_message: null },
      });
      const names = (await listBuckets(t.draft({ secret: null, bucket: "" }), t.ctx)).map((b) =>
        b.name
      );
      assertOk(names.includes(t.bucket.name), names.join(", "));
    } finally {
      await t.done();
    }
  },
);

Deno.test(s3Test("removeProfile deletes the profile and its secret; makeDefault"), async () => {
  const t = await setup("premove");
  try {
    for (const name of ["home", "work", "attic"]) {
      assertOk((await saveProfile(t.draft({ name }), { ...t.ctx, skipTest: true })).saved);
    }
    const config = await makeDefault("work", t.ctx);
    assertEquals(config.default_profile, "work");
    const missing = await assertRejects(() => makeDefault("nope", t.ctx), EngineError);
    assertEquals(missing.exitCode, 4);
    assertIncludes(missing.message, "Profile 'nope' does not exist (profiles: home, work, attic)");

    const r = await removeProfile("work", t.ctx);
    assertEquals(
      [r.secretDeleted, r.secretBackend, r.secretLocation],
      [true, "keychain", "Secret Service (secret-tool)"],
    );
    assertEquals(t.keychain.secrets.has("work"), false);
    assertEquals(Object.keys(r.config.profiles), ["home", "attic"]);
    assertEquals(r.config.default_profile, "home", "the first remaining profile in the file");
    assertEquals(Object.keys((await loadConfig(t.ctx.configPath)).profiles), ["home", "attic"]);

    t.keychain.secrets.delete("attic");
    const noSecret = await removeProfile("attic", t.ctx);
    assertEquals(noSecret.secretDeleted, false);

    const again = await assertRejects(() => removeProfile("work", t.ctx), EngineError);
    assertEquals([again.code, again.exitCode], ["NotConfigured", 4]);
    assertEquals(again.message, "Profile 'work' does not exist (profiles: home): nothing removed.");

    await removeProfile("home", t.ctx);
    const empty = await loadConfig(t.ctx.configPath);
    assertEquals([Object.keys(empty.profiles), empty.default_profile], [[], undefined]);
  } finally {
    await t.done();
  }
});

Deno.test("saveDefaults checks each value, names the field, and an empty set removes them", async () => {
  const box = await sandbox();
  try {
    const configPath = join(box.env.XDG_CONFIG_HOME!, "eigen", "s3-config.json");
    const saved = await saveDefaults(
      { concurrency: 8, bwlimit: "10M", storage_class: "STANDARD_IA" },
      { configPath },
    );
    assertEquals(saved.defaults, { concurrency: 8, bwlimit: "10M", storage_class: "STANDARD_IA" });
    assertEquals((await loadConfig(configPath)).defaults, saved.defaults);
    const labels = { concurrency: "Concurrency", bwlimit: "Bandwidth", storage_class: "Class" };
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ concurrency: 0 }, "concurrency", "Concurrency: '0' must be a whole number from 1 to 64"],
      [{ bwlimit: "fast" }, "bwlimit", "Bandwidth: 'fast' is not a rate"],
      [{ storage_class: "_AB" }, "storage_class", "Class: '_AB' is not a storage class name"],
    ];
    for (const [over, field, message] of cases) {
      const e = await assertRejects(
        () => saveDefaults(over, { configPath, labels }),
        EngineError,
      );
      assertEquals([e.field, e.exitCode], [field, 2]);
      assertIncludes(e.message, message);
    }
    assertEquals((await loadConfig(configPath)).defaults, saved.defaults, "unchanged");
    assertEquals((await saveDefaults({}, { configPath })).defaults, undefined);
  } finally {
    await box.cleanup();
  }
});
