/**
 * Reusable transfer buffers. Every single-PUT file and every multipart part is read into a
 * buffer before it is sent; allocating a fresh ArrayBuffer each time churns gigabytes of
 * external memory that V8 frees lazily, which is what drove peak RSS up. Buffers come in
 * power-of-two size classes (64 KiB and up) and at most `keepPerClass` free ones are kept.
 *
 * @module
 */

const MIN_CLASS = 64 * 1024;

/** A pool of reusable byte buffers. */
export class BufferPool {
  readonly #free = new Map<number, Uint8Array[]>();

  /** Keeps at most `keepPerClass` idle buffers of each size class. */
  constructor(readonly keepPerClass = 16) {}

  /** A buffer of at least `size` bytes, returned as a view of exactly `size` bytes. */
  take(size: number): Uint8Array {
    const cls = sizeClass(size);
    const buf = this.#free.get(cls)?.pop() ?? new Uint8Array(cls);
    return buf.subarray(0, size);
  }

  /** Gives a buffer from {@link take} back; it must no longer be used by the caller. */
  give(view: Uint8Array): void {
    const whole = new Uint8Array(view.buffer, 0, view.buffer.byteLength);
    const cls = whole.length;
    if (cls !== sizeClass(cls)) return;
    const list = this.#free.get(cls) ?? [];
    if (list.length < this.keepPerClass) list.push(whole);
    this.#free.set(cls, list);
  }
}

/** The power-of-two class (at least 64 KiB) that holds `size` bytes. */
export function sizeClass(size: number): number {
  let cls = MIN_CLASS;
  while (cls < size) cls *= 2;
  return cls;
}

/** The pool shared by all transfers of this process. */
export const TRANSFER_BUFFERS: BufferPool = new BufferPool();
