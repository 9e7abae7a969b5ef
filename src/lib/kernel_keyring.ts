/**
 * Linux's kernel key retention service (keyrings(7)) through libc's `syscall()`: a few bytes
 * kept in kernel memory (never written to disk), readable only by processes that possess the
 * keyring (the login session's, or the user's session keyring where a login has none), and
 * dropped by the kernel after a timeout.
 *
 * Elsewhere (macOS, Windows, a container whose seccomp profile forbids `add_key`, a libc that
 * cannot be opened) {@link openKernelKeyring} answers null and callers do without.
 *
 * @module
 */

/** A keyring that keeps small secrets for a bounded time. */
export interface KernelKeyring {
  /** The bytes stored under `description`, or null. */
  get(description: string): Uint8Array | null;
  /** Stores `bytes` under `description` for `seconds`; false when the kernel refused. */
  set(description: string, bytes: Uint8Array, seconds: number): boolean;
  /** Forgets `description`. */
  delete(description: string): void;
  /** Releases libc. */
  close(): void;
}

// Syscall numbers (asm/unistd.h).
const SYSCALLS: Record<string, { addKey: bigint; keyctl: bigint }> = {
  x86_64: { addKey: 248n, keyctl: 250n },
  aarch64: { addKey: 217n, keyctl: 219n },
};
const KEY_SPEC_SESSION_KEYRING = -3n;
const KEY_SPEC_USER_SESSION_KEYRING = -5n;
const KEYCTL_GET_KEYRING_ID = 0n;
const KEYCTL_REVOKE = 3n;
const KEYCTL_SETPERM = 5n;
const KEYCTL_SEARCH = 10n;
const KEYCTL_READ = 11n;
const KEYCTL_SET_TIMEOUT = 15n;
/** Possessor: view, read, write, search, link, setattr; user and others: nothing. */
const POSSESSOR_ONLY = 0x3f000000n;

const encoder = new TextEncoder();

function cString(s: string): Uint8Array<ArrayBuffer> {
  const bytes = encoder.encode(s);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

/**
 * The session keyring, or null where there is none to use.
 *
 * @example
 * ```ts
 * const ring = openKernelKeyring();
 * ring?.set("app:token", new Uint8Array([1, 2, 3]), 600);
 * ring?.get("app:token"); // Uint8Array [1, 2, 3] for the next 10 minutes
 * ring?.close();
 * ```
 */
export function openKernelKeyring(): KernelKeyring | null {
  if (Deno.build.os !== "linux") return null;
  const nr = SYSCALLS[Deno.build.arch];
  if (!nr) return null;
  let libc: Deno.DynamicLibrary<{
    syscall: { parameters: ["i64", "i64", "i64", "i64", "i64", "i64"]; result: "i64" };
  }>;
  try {
    libc = Deno.dlopen("libc.so.6", {
      syscall: { parameters: ["i64", "i64", "i64", "i64", "i64", "i64"], result: "i64" },
    });
  } catch {
    return null;
  }
  const call = (...args: bigint[]): bigint => {
    const a = [...args, 0n, 0n, 0n, 0n, 0n, 0n].slice(0, 6) as [
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
    ];
    return libc.symbols.syscall(...a) as bigint;
  };
  const ptr = (b: Uint8Array<ArrayBuffer>): bigint =>
    BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(b)));
  const type = cString("user");
  // The login session's keyring when this process has one (pam_keyinit gives every login its
  // own, inherited by the shell's commands). Without one, asking for "the session keyring"
  // would create a new one for this process alone, which the next command would not see: the
  // user-session keyring (shared by the user's processes without a session keyring) is used.
  const session = call(nr.keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0n);
  const userSession = call(nr.keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_SESSION_KEYRING, 0n);
  if (session < 0n && userSession < 0n) {
    libc.close();
    return null;
  }
  const ring = session >= 0n && session !== userSession
    ? KEY_SPEC_SESSION_KEYRING
    : KEY_SPEC_USER_SESSION_KEYRING;
  const find = (description: string): bigint => {
    const desc = cString(description);
    return call(nr.keyctl, KEYCTL_SEARCH, ring, ptr(type), ptr(desc), 0n);
  };
  return {
    get(description) {
      const id = find(description);
      if (id < 0n) return null;
      const buf = new Uint8Array(4096);
      const n = call(nr.keyctl, KEYCTL_READ, id, ptr(buf), BigInt(buf.length));
      if (n < 0n || n > BigInt(buf.length)) return null;
      const out = buf.slice(0, Number(n));
      buf.fill(0);
      return out;
    },
    set(description, bytes, seconds) {
      const desc = cString(description);
      const payload = new Uint8Array(bytes);
      const id = call(
        nr.addKey,
        ptr(type),
        ptr(desc),
        ptr(payload),
        BigInt(payload.length),
        ring,
      );
      payload.fill(0);
      if (id < 0n) return false;
      call(nr.keyctl, KEYCTL_SETPERM, id, POSSESSOR_ONLY);
      if (call(nr.keyctl, KEYCTL_SET_TIMEOUT, id, BigInt(Math.max(1, Math.round(seconds)))) < 0n) {
        call(nr.keyctl, KEYCTL_REVOKE, id);
        return false;
      }
      return true;
    },
    delete(description) {
      const id = find(description);
      if (id >= 0n) call(nr.keyctl, KEYCTL_REVOKE, id);
    },
    close() {
      libc.close();
    },
  };
}
