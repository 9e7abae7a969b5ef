/**
 * Concurrent writers lose nothing: several processes adding profiles to the config file, or
 * secrets to the encrypted secrets file, at the same moment all find their entry afterwards
 * (each read-modify-write holds the file's lock).
 *
 * @module
 */

import { join } from "node:path";
import { assertEquals } from "../../support/assert.ts";
import { tempDir } from "../../support/test_env.ts";

const CONFIG = new URL("../../../src/engine/config/config.ts", import.meta.url).href;
const SECRETS = new URL("../../../src/secrets/encrypted_file_backend.ts", import.meta.url).href;

/** Runs `code` in `n` processes at once (each gets its index as I); all must exit 0. */
async function inParallel(n: number, code: (i: number) => string): Promise<void> {
  const children = Array.from({ length: n }, (_, i) =>
    new Deno.Command(Deno.execPath(), {
      args: ["eval", "--quiet", code(i)],
      stdout: "piped",
      stderr: "piped",
    }).output());
  for (const out of await Promise.all(children)) {
    assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  }
}

Deno.test("config: six processes adding a profile at once keep all six", async () => {
  const dir = await tempDir("eigen-cfg-");
  try {
    const file = join(dir.path, "s3-config.json");
    await inParallel(6, (i) => `
      import { updateConfig } from ${JSON.stringify(CONFIG)};
      await updateConfig(${JSON.stringify(file)}, async (c) => {
        await new Promise((r) => setTimeout(r, 150)); // widen the read-modify-write window
        c.profiles["p${i}"] = { endpoint: "http://127.0.0.1:9", region: "us-east-1",
          bucket_name: "b${i}", access_key_id: "AK${i}", path_prefix: "" };
      });`);
    const saved = JSON.parse(await Deno.readTextFile(file));
    assertEquals(Object.keys(saved.profiles).sort(), ["p0", "p1", "p2", "p3", "p4", "p5"]);
  } finally {
    await dir.cleanup();
  }
});

Deno.test("encrypted secrets file: four processes storing a secret at once keep all four", async () => {
  const dir = await tempDir("eigen-sec-");
  try {
    const make = `new EncryptedFileBackend({ stateDir: ${JSON.stringify(dir.path)},
      env: { EIGEN_S3_PASSPHRASE: "pw", HOME: "/nonexistent" },
      kdf: { memoryKiB: 1024, passes: 1, parallelism: 1 } })`;
    // The file exists first (a new file asks for the passphrase twice; not what is tested here).
    await inParallel(1, () => `
      import { EncryptedFileBackend } from ${JSON.stringify(SECRETS)};
      await ${make}.set("seed", "s");`);
    await inParallel(4, (i) => `
      import { EncryptedFileBackend } from ${JSON.stringify(SECRETS)};
      await ${make}.set("p${i}", "secret-${i}");`);
    await inParallel(1, () => `
      import { EncryptedFileBackend } from ${JSON.stringify(SECRETS)};
      const b = ${make};
      for (const p of ["seed", "p0", "p1", "p2", "p3"]) {
        if ((await b.get(p)) === null) throw new Error("lost " + p);
      }`);
  } finally {
    await dir.cleanup();
  }
});
