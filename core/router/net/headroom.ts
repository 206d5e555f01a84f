// Headroom: the bytes in front of an L3 packet in its buffer. Receive buffers already hold the
// Ethernet header there, and packets the router builds leave room on purpose, so pushing an
// Ethernet header, MPLS labels or a GRE + outer IPv4 header is a write in place. Only when the
// room is short is the packet copied, once, into a buffer with plenty in front.

/** Room left in front of packets the router builds: Ethernet + 802.1Q (18), a few labels, GRE
 * with key (8) and an outer IPv4 header (20), and later ESP with its IV, twice over. */
export const HEADROOM_BYTES = 160;

/** Copies `buf[start, end)` into a new buffer at offset HEADROOM_BYTES (followed by `tailroom`
 * spare bytes). The packet then spans [HEADROOM_BYTES, HEADROOM_BYTES + (end - start)). */
export function moveToHeadroom(buf: Uint8Array, start: number, end: number, tailroom = 0): Uint8Array {
  const out = new Uint8Array(HEADROOM_BYTES + (end - start) + tailroom);
  out.set(buf.subarray(start, end), HEADROOM_BYTES);
  return out;
}

/** A new buffer for a packet of `length` bytes at offset HEADROOM_BYTES. */
export function allocatePacket(length: number): Uint8Array {
  return new Uint8Array(HEADROOM_BYTES + length);
}
