import { join } from "node:path";
import { assertEquals, assertIncludes, assertOk, assertRejects } from "../../support/assert.ts";
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
import { FallbackSecretStore } from "../../../src/secrets/fallback_secret_store.ts";
import { ProfileServices } from "../../../src/tui/services/profile_services.ts";
import type { ProfileDraft } from "../../../src/tui/services/services.ts";
import { FakeBackend } from "../../secrets/support/fake_backend.ts";

Deno.test(
  s3Test("profile services: the form's draft through the engine, form wording", "signatures"),
  async () => {
    const raw = rawClient();
    const bucket = await createTestBucket(raw, "tuiprof");
    const box = await sandbox();
    const file = new FakeBackend("file", "encrypted file");
    const keychain = new FakeBackend("keychain", "kc");
    const reason = { available: false as const, reason: "no bus", fix: "use a file" };
    keychain.availability = reason;
    const pass = new FakeBackend("pass", "p");
    pass.availability = { ...reason, reason: "pass is not installed" };
    const store = new FallbackSecretStore({
      keychainLabel: "Secret Service",
      backends: { keychain, pass, file },
    });
    const forgotten: string[] = [];
    const services = new ProfileServices(
      join(box.env.XDG_CONFIG_HOME!, "eigen", "s3-config.json"),
      () => Promise.resolve(store),
      (name) => forgotten.push(name),
    );
    const signal = new AbortController().signal;
    const draft: ProfileDraft = {
      name: "home",
      endpoint: S3_ENDPOINT!,
      region: "",
      bucket: bucket.name,
      accessKeyId: TEST_ACCESS_KEY,
      secret: "",
      pathPrefix: "",
    };
    try {
      const noSecret = await assertRejects(
        () => services.saveProfile(draft, false, signal),
        EngineError,
      );
      assertEquals(
        [noSecret.field, noSecret.message],
        ["secret", "Secret key: type the secret access key."],
      );

      const wrong = await services.saveProfile(
        { ...draft, secret: "wrong-secret-000" },
        false,
        signal,
      );
      assertEquals(wrong.saved ? "saved" : wrong.status.bucket_accessible, false);
      assertEquals(forgotten, []);

      const saved = await services.saveProfile(
        { ...draft, secret: TEST_SECRET_KEY },
        false,
        signal,
      );
      assertOk(saved.saved);
      assertEquals([saved.tested, saved.config.profiles.home?.region], [true, "us-east-1"]);
      assertEquals(
        [saved.secretLocation, saved.fallbackReason, file.secrets.get("home")],
        [
          "encrypted file",
          "Secret Service unavailable (no bus): stored in the encrypted file",
          TEST_SECRET_KEY,
        ],
      );
      assertEquals(forgotten, ["home"]);

      // An empty secret field keeps the stored one.
      assertEquals((await services.testConnection(draft, signal)).bucket_accessible, true);

      const bad = await assertRejects(
        () => services.saveDefaults({ concurrency: 99 }),
        EngineError,
      );
      assertEquals(bad.field, "concurrency");
      assertIncludes(bad.message, "Concurrency: '99' must be a whole number");

      const after = await services.removeProfile("home");
      assertEquals([Object.keys(after.profiles), file.secrets.size], [[], 0]);
      assertEquals(forgotten, ["home", "home"]);
    } finally {
      await bucket.drop();
      raw.destroy();
      await box.cleanup();
    }
  },
);
