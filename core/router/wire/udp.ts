// UDP (RFC 768) over IPv4. The checksum covers a pseudo-header made of the IPv4 source and
// destination, so parse and emit take those two addresses. A zero checksum on receive means
// the sender computed none; a computed zero is sent as 0xFFFF, its one's complement twin.

import type { Ipv4 } from "./addr";
import { finishChecksum, internetChecksum, pseudoHeaderSum, sumWords } from "./checksum";
import { WireError, truncated } from "./errors";
import { hex16 } from "./bytes";

const PROTOCOL_UDP = 17;

export interface UdpRepr {
  readonly srcPort: number;
  readonly dstPort: number;
  /** Length field minus the 8-byte header. */
  readonly payloadLength: number;
  /** Set when the datagram carries (or should carry) checksum 0, "none computed". */
  readonly noChecksum?: boolean;
}

export interface UdpPacket {
  readonly repr: UdpRepr;
  /** The payload as the length field bounds it. */
  readonly payload: Uint8Array;
}

export const UDP_HEADER_LENGTH = 8;

// Field offsets.
const SRC_PORT = 0;
const DST_PORT = 2;
const LENGTH = 4;
const CHECKSUM = 6;

/** Parses a datagram that arrived from `src` to `dst` (the pseudo-header's addresses). */
export function parseUdp(buf: Uint8Array, src: Ipv4, dst: Ipv4): UdpPacket | WireError {
  if (buf.length < UDP_HEADER_LENGTH) return truncated("udp", "header", 0, UDP_HEADER_LENGTH, buf.length);
  const length = (buf[LENGTH] << 8) | buf[LENGTH + 1];
  if (length < UDP_HEADER_LENGTH) return new WireError("udp", "length", LENGTH, `${length} is less than the 8-byte header`);
  if (length > buf.length) return truncated("udp", "length", LENGTH, length, buf.length);
  const checksum = (buf[CHECKSUM] << 8) | buf[CHECKSUM + 1];
  if (checksum !== 0 && internetChecksum(buf, 0, length, pseudoHeaderSum(src, dst, PROTOCOL_UDP, length)) !== 0) {
    return new WireError("udp", "checksum", CHECKSUM, `${hex16(checksum)}, computed ${hex16(computeChecksum(buf, 0, length, src, dst))}`);
  }
  const repr: UdpRepr = {
    srcPort: (buf[SRC_PORT] << 8) | buf[SRC_PORT + 1],
    dstPort: (buf[DST_PORT] << 8) | buf[DST_PORT + 1],
    payloadLength: length - UDP_HEADER_LENGTH,
    ...(checksum === 0 ? { noChecksum: true } : {}),
  };
  return { repr, payload: buf.subarray(UDP_HEADER_LENGTH, length) };
}

/** The checksum to send for the datagram at `buf[start, end)`, ignoring what its checksum field holds. */
function computeChecksum(buf: Uint8Array, start: number, end: number, src: Ipv4, dst: Ipv4): number {
  const initial = pseudoHeaderSum(src, dst, PROTOCOL_UDP, end - start);
  const sum = sumWords(buf, start + UDP_HEADER_LENGTH, end, sumWords(buf, start, start + CHECKSUM, initial));
  return finishChecksum(sum) || 0xffff;
}

/** Writes the 8-byte header at `offset`; returns 8. The payload (`repr.payloadLength` bytes)
 * must already sit right after the header in `buf`, because the checksum covers it. */
export function emitUdp(repr: UdpRepr, buf: Uint8Array, offset: number, src: Ipv4, dst: Ipv4): number {
  const length = UDP_HEADER_LENGTH + repr.payloadLength;
  if (length > 0xffff) throw new RangeError(`emitUdp: length ${length} exceeds 65535`);
  if (offset + length > buf.length) {
    throw new RangeError(`emitUdp: need ${length} bytes at offset ${offset}, buffer has ${buf.length}`);
  }
  buf[offset + SRC_PORT] = (repr.srcPort >>> 8) & 0xff;
  buf[offset + SRC_PORT + 1] = repr.srcPort & 0xff;
  buf[offset + DST_PORT] = (repr.dstPort >>> 8) & 0xff;
  buf[offset + DST_PORT + 1] = repr.dstPort & 0xff;
  buf[offset + LENGTH] = length >>> 8;
  buf[offset + LENGTH + 1] = length & 0xff;
  const checksum = repr.noChecksum ? 0 : computeChecksum(buf, offset, offset + length, src, dst);
  buf[offset + CHECKSUM] = checksum >>> 8;
  buf[offset + CHECKSUM + 1] = checksum & 0xff;
  return UDP_HEADER_LENGTH;
}

/** Header and payload in a new buffer; `payloadLength` is taken from `payload`. */
export function buildUdp(repr: UdpRepr, payload: Uint8Array, src: Ipv4, dst: Ipv4): Uint8Array {
  const out = new Uint8Array(UDP_HEADER_LENGTH + payload.length);
  out.set(payload, UDP_HEADER_LENGTH);
  emitUdp(repr.payloadLength === payload.length ? repr : { ...repr, payloadLength: payload.length }, out, 0, src, dst);
  return out;
}

// Hot-path accessors: no checks, no allocation.

export function udpSrcPort(buf: Uint8Array, offset: number): number {
  return (buf[offset + SRC_PORT] << 8) | buf[offset + SRC_PORT + 1];
}

export function udpDstPort(buf: Uint8Array, offset: number): number {
  return (buf[offset + DST_PORT] << 8) | buf[offset + DST_PORT + 1];
}

/** The length field: header plus payload. */
export function udpLength(buf: Uint8Array, offset: number): number {
  return (buf[offset + LENGTH] << 8) | buf[offset + LENGTH + 1];
}
