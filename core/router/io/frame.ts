// Frame sizes every backend checks, and the one way a backend copies a frame it must keep.

/** Destination MAC, source MAC, EtherType: anything shorter is not an Ethernet II frame. */
export const ETHERNET_HEADER_BYTES = 14;

/** The default largest frame: a 9216-byte jumbo frame, as most switches accept; FCS excluded. */
export const DEFAULT_MAX_FRAME_BYTES = 9216;

// Typed arrays of up to 64 bytes live on V8's heap and are cheap to allocate; a larger one gets
// its own backing store, which costs about a microsecond. Larger frames are therefore copied
// into views of a shared slab (the trick Node's Buffer pool uses). A slab stays alive while any
// frame cut from it does, so it is kept small.
const SMALL_FRAME_BYTES = 64;
const SLAB_BYTES = 64 * 1024;
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;

/** A private copy of `frame` that the receiver may keep and rewrite. */
export function copyFrame(frame: Uint8Array): Uint8Array {
  const len = frame.length;
  if (len <= SMALL_FRAME_BYTES || len > SLAB_BYTES / 4) {
    const copy = new Uint8Array(len);
    copy.set(frame);
    return copy;
  }
  if (slabUsed + len > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const start = slabUsed;
  slab.set(frame, start);
  slabUsed = (start + len + 7) & ~7; // keep views 8-byte aligned for DataView-friendly reads
  return slab.subarray(start, start + len);
}
