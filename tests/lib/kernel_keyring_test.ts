/**
 * The kernel keyring: bytes round-trip, only the session's processes may read them (possessor
 * permissions), and the kernel drops them after the timeout. Skipped visibly where the kernel
 * offers no keyring to this process (not Linux, or a seccomp profile that forbids add_key).
 *
 * @module
 */

import { assertEquals, assertOk } from "../support/assert.ts";
import { openKernelKeyring } from "../../src/lib/kernel_keyring.ts";

const ring = openKernelKeyring();
const probe = ring?.set("eigen-s3:test-probe", new Uint8Array([1]), 5) ?? false;
ring?.delete("eigen-s3:test-probe");
ring?.close();

Deno.test({
  name: probe
    ? "kernel keyring: round trip, possessor-only permissions, expiry"
    : "kernel keyring: round trip, possessor-only permissions, expiry [skipped: no kernel keyring here]",
  ignore: !probe,
  async fn() {
    const k = openKernelKeyring()!;
    try {
      const name = `eigen-s3:test-${crypto.randomUUID()}`;
      assertOk(k.set(name, new Uint8Array([7, 8, 9]), 1));
      assertEquals(k.get(name), new Uint8Array([7, 8, 9]));
      // /proc/keys lists the key with possessor-only permissions (3f000000).
      const line = (await Deno.readTextFile("/proc/keys")).split("\n").find((l) =>
        l.endsWith(name) || l.includes(`${name}:`)
      );
      assertOk(line, "the key is listed in /proc/keys");
      assertEquals(line.split(/\s+/)[4], "3f000000", line);
      await new Promise((r) => setTimeout(r, 2100));
      assertEquals(k.get(name), null, "expired after its timeout");
      const other = `eigen-s3:test-${crypto.randomUUID()}`;
      k.set(other, new Uint8Array([1]), 60);
      k.delete(other);
      assertEquals(k.get(other), null);
    } finally {
      k.close();
    }
  },
});
