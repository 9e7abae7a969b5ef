import { assertEquals, assertRejects, assertThrows } from "../../support/assert.ts";
import { type ResolveOptions, resolveSettings } from "../../../src/engine/config/settings.ts";
import { EngineError } from "../../../src/engine/core/errors.ts";
import type { ConfigFile } from "../../../src/engine/config/config.ts";

const config: ConfigFile = {
  version: 1,
  default_profile: "home",
  profiles: {
    home: {
      endpoint: "http://127.0.0.1:7480",
      region: "eu-west-1",
      bucket_name: "photos",
      access_key_id: "PROFILEKEY",
      path_prefix: "base/",
      last_sync_timestamp: null,
      secret_backend: "file",
    },
    work: {
      endpoint: "https://s3.example.com",
      region: "us-east-2",
      bucket_name: "docs",
      access_key_id: "WORKKEY",
      path_prefix: "",
      last_sync_timestamp: null,
    },
  },
};

function opts(
  env: Record<string, string>,
  flags: ResolveOptions["flags"] = {},
  cfg = config,
): ResolveOptions {
  return {
    flags,
    env: (n) => env[n],
    config: cfg,
    configPath: "/cfg/s3-config.json",
    loadSecret: (profile, backend) => Promise.resolve(`secret-of-${profile}-in-${backend}`),
  };
}

Deno.test("profile values are used when nothing overrides them", async () => {
  const s = resolveSettings(opts({ HOME: "/nonexistent" }));
  assertEquals([s.profileName, s.endpoint, s.region, s.bucket, s.pathPrefix], [
    "home",
    "http://127.0.0.1:7480",
    "eu-west-1",
    "photos",
    "base/",
  ]);
  assertEquals(s.credentialKind, "eigen-profile");
  assertEquals(await s.credentials(), {
    accessKeyId: "PROFILEKEY",
    secretAccessKey: "secret-of-home-in-file",
  });
});

Deno.test("flags beat environment beats profile", () => {
  const env = { HOME: "/x", AWS_REGION: "ap-south-1", AWS_ENDPOINT_URL: "http://10.0.0.1:9000" };
  const s = resolveSettings(opts(env, { bucket: "other", pathPrefix: "/p/q/" }));
  assertEquals([s.endpoint, s.region, s.bucket, s.pathPrefix], [
    "http://10.0.0.1:9000",
    "ap-south-1",
    "other",
    "p/q/",
  ]);
  const f = resolveSettings(
    opts(env, { endpoint: "https://flag.example.com/", region: "us-west-2" }),
  );
  assertEquals([f.endpoint, f.region], ["https://flag.example.com", "us-west-2"]);
  const s3env = resolveSettings(opts({ ...env, AWS_ENDPOINT_URL_S3: "http://s3only:1" }));
  assertEquals(s3env.endpoint, "http://s3only:1");
});

Deno.test("environment credentials win over the profile's secret", async () => {
  const s = resolveSettings(
    opts({
      AWS_ACCESS_KEY_ID: "ENVKEY",
      AWS_SECRET_ACCESS_KEY: "envsecret",
      AWS_SESSION_TOKEN: "tok",
    }),
  );
  assertEquals(s.credentialKind, "flags-env");
  assertEquals(await s.credentials(), {
    accessKeyId: "ENVKEY",
    secretAccessKey: "envsecret",
    sessionToken: "tok",
  });
  assertEquals(s.bucket, "photos");
});

Deno.test("--profile and EIGEN_S3_PROFILE select a profile; an unknown one is NotConfigured", () => {
  assertEquals(resolveSettings(opts({}, { profile: "work" })).bucket, "docs");
  assertEquals(resolveSettings(opts({ EIGEN_S3_PROFILE: "work" })).bucket, "docs");
  const err = assertThrows(
    () => resolveSettings(opts({}, { profile: "nope" })),
    EngineError,
  ) as EngineError;
  assertEquals(err.code, "NotConfigured");
  assertEquals(
    err.message,
    "Profile 'nope' does not exist (profiles: home, work): run 'eigen-s3 configure --profile nope'.",
  );
});

Deno.test("nothing configured: NotConfigured with the fix", () => {
  const err = assertThrows(
    () => resolveSettings(opts({ HOME: "/nonexistent" }, {}, { version: 1, profiles: {} })),
    EngineError,
  ) as EngineError;
  assertEquals(err.code, "NotConfigured");
  assertEquals(err.exitCode, 4);
  assertEquals(err.message.includes("run 'eigen-s3 configure'"), true);
});

Deno.test("env credentials without a bucket: NotConfigured names --bucket", () => {
  const err = assertThrows(
    () =>
      resolveSettings(
        opts({ AWS_ACCESS_KEY_ID: "K", AWS_SECRET_ACCESS_KEY: "S" }, {}, {
          version: 1,
          profiles: {},
        }),
      ),
    EngineError,
  ) as EngineError;
  assertEquals(err.message, "No bucket given: pass --bucket NAME or run 'eigen-s3 configure'.");
});

Deno.test("bad flag values are usage errors naming the flag", () => {
  for (
    const [flags, needle] of [
      [{ endpoint: "nope" }, "--endpoint"],
      [{ region: "A B" }, "--region"],
      [{ bucket: "x" }, "--bucket"],
      [{ pathPrefix: "../x" }, "--path-prefix"],
    ] as const
  ) {
    const err = assertThrows(() => resolveSettings(opts({}, flags)), EngineError) as EngineError;
    assertEquals(err.code, "UsageError");
    assertEquals(err.exitCode, 2);
    assertEquals(err.message.startsWith(needle), true);
  }
});

Deno.test("a profile without a stored secret says how to store one", async () => {
  const s = resolveSettings({ ...opts({}), loadSecret: () => Promise.resolve(null) });
  const err = await assertRejects(() => s.credentials(), EngineError);
  assertEquals((err as EngineError).code, "NotConfigured");
  assertEquals((err as EngineError).message.includes("configure --profile home"), true);
});
