// Frame sizes every backend checks, and the one way a backend copies a frame it must keep.

/** Destination MAC, source MAC, EtherType: anything shorter is not an Ethernet II frame. */
export const ETHERNET_HEADER_BYTES = 14;

/** The default largest frame: a 9216-byte jumbo frame, as most switches accept; FCS excluded. */
export const DEFAULT_MAX_FRAME_BYTES = 9216;

// Typed arrays of up to 64 bytes live on V8's heap and are cheap to allocate; a larger one gets
// its own backing store, which costs about a microsecond. Larger frames are therefore copied
// into views of a shared slab (the trick Node's Buffer pool uses). A slab stays alive while any
// frame cut from it does, so it is kept small. The first view of a heap array (`subarray`,
// `.buffer`) moves its bytes into a backing store of their own, the same microsecond: the
// forwarding path takes parts of small frames by copy (frameOf, copyBytes), never by view.
const SMALL_FRAME_BYTES = 64;
const SLAB_BYTES = 64 * 1024;
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;

/** Bytes `start` to `end` of `buf` as a frame to send: a view of them, but a copy when `buf`
 * is small enough to live on V8's heap, where the first view of it would move its bytes into
 * a backing store of their own (~1 µs, the cost that small copies avoid). A labelled frame
 * re-framed after its label is popped is such a case: 64 bytes in, a frame from offset 4 out. */
export function frameOf(buf: Uint8Array, start: number, end: number): Uint8Array {
  if (start === 0 && end === buf.length) return buf;
  return buf.length <= SMALL_FRAME_BYTES ? buf.slice(start, end) : buf.subarray(start, end);
}

/** `length` zeroed bytes of their own, larger than a heap array: a view of the shared slab
 * (a slab's bytes are handed out once, so they are still zero), or for a large frame a buffer
 * of its own. */
export function allocateFrame(length: number): Uint8Array {
  if (length > SLAB_BYTES / 4) return new Uint8Array(length);
  if (slabUsed + length > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const start = slabUsed;
  slabUsed = (start + length + 7) & ~7; // keep views 8-byte aligned for DataView-friendly reads
  return slab.subarray(start, start + length);
}

/** Copies bytes `start` to `end` of `from` into `to` at `at`, without making a view of a small
 * `from` (see frameOf). */
export function copyBytes(from: Uint8Array, start: number, end: number, to: Uint8Array, at: number): void {
  if (start === 0 && end === from.length) to.set(from, at);
  else if (from.length <= SMALL_FRAME_BYTES) for (let i = start; i < end; i++) to[at + i - start] = from[i];
  else to.set(from.subarray(start, end), at);
}

/** A private copy of `frame` that the receiver may keep and rewrite. */
export function copyFrame(frame: Uint8Array): Uint8Array {
  const len = frame.length;
  const copy = len <= SMALL_FRAME_BYTES ? new Uint8Array(len) : allocateFrame(len);
  copy.set(frame);
  return copy;
}
