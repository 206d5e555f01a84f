// Headroom: the bytes in front of an L3 packet in its buffer. Receive buffers already hold the
// Ethernet header there, and packets the router builds leave room on purpose, so pushing an
// Ethernet header, MPLS labels or a GRE + outer IPv4 header is a write in place. Only when the
// room is short is the packet copied, once, into a buffer with plenty in front.

import { allocateFrame, copyBytes } from "../io/frame";

/** Room left in front of packets the router builds: Ethernet + 802.1Q (18), a few labels, GRE
 * with key (8) and an outer IPv4 header (20), and later ESP with its IV, twice over. */
export const HEADROOM_BYTES = 160;

/** Copies `buf[start, end)` into a new buffer at offset HEADROOM_BYTES (followed by `tailroom`
 * spare bytes). The packet then spans [HEADROOM_BYTES, HEADROOM_BYTES + (end - start)). */
export function moveToHeadroom(buf: Uint8Array, start: number, end: number, tailroom = 0): Uint8Array {
  // From the frame slab: a buffer of its own costs ~1 µs, per packet forwarded (a 64-byte
  // frame into an MPLS VPN gets two labels more than its receive buffer has room for).
  const out = allocateFrame(HEADROOM_BYTES + (end - start) + tailroom);
  copyBytes(buf, start, end, out, HEADROOM_BYTES);
  return out;
}

/** A new buffer for a packet of `length` bytes at offset HEADROOM_BYTES, zeroed, from the
 * frame slab (every TCP segment is built afresh from its send queue and sent at once, so the
 * slab's views are short-lived; a buffer of its own per segment held TCP to ~1.4 Gbit/s). */
export function allocatePacket(length: number): Uint8Array {
  return allocateFrame(HEADROOM_BYTES + length);
}
