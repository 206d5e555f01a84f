// The IPv4 header (RFC 791; DSCP/ECN per RFC 2474 and RFC 3168). Parsing validates what a
// router must before forwarding (version, IHL, total length against the buffer, the header
// checksum); options are kept as raw bytes because FlexLab neither sets nor acts on them.
// The accessors at the end are for the forwarding path, which touches bytes in place.

import { formatIpv4, readIpv4, writeIpv4, type Ipv4 } from "./addr";
import { finishChecksum, internetChecksum, sumWords } from "./checksum";
import { WireError, truncated } from "./errors";
import { hex16 } from "./bytes";

/** IP protocol numbers FlexLab carries. Any other number is kept as is and round-trips. */
export const IpProtocol = {
  Icmp: 1,
  Ipip: 4,
  Tcp: 6,
  Udp: 17,
  Gre: 47,
  Esp: 50,
} as const;

const protocolNames = new Map<number, string>(Object.entries(IpProtocol).map(([name, value]) => [value, name]));

/** "Gre", "Esp", or "Unknown(89)". */
export function ipProtocolName(n: number): string {
  return protocolNames.get(n) ?? `Unknown(${n})`;
}

export interface Ipv4Repr {
  /** Differentiated services code point, 0..63 (the top six bits of the old TOS byte). */
  readonly dscp: number;
  /** Explicit congestion notification, 0..3. */
  readonly ecn: number;
  readonly identification: number;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  /** Offset of this fragment in the original payload, in bytes: a multiple of 8, at most 65528. */
  readonly fragmentOffsetBytes: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly src: Ipv4;
  readonly dst: Ipv4;
  /** Raw option bytes, a multiple of 4 and at most 40; absent when IHL is 5. */
  readonly options?: Uint8Array;
  /** Total length minus header length. */
  readonly payloadLength: number;
}

export interface Ipv4Packet {
  readonly repr: Ipv4Repr;
  /** The payload as the total length field bounds it; link-layer padding beyond it is dropped. */
  readonly payload: Uint8Array;
}

export const IPV4_MIN_HEADER_LENGTH = 20;
export const IPV4_MAX_HEADER_LENGTH = 60;

// Field offsets.
const VER_IHL = 0;
const TOS = 1;
const TOTAL_LENGTH = 2;
const IDENT = 4;
const FLAGS_FRAG = 6;
const TTL = 8;
const PROTOCOL = 9;
const CHECKSUM = 10;
const SRC = 12;
const DST = 16;

const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;
const FRAG_MASK = 0x1fff;

/** Header length in bytes for a repr (options included); `ipv4HeaderLengthAt` reads a packet's. */
export function ipv4HeaderLength(repr: Ipv4Repr): number {
  return IPV4_MIN_HEADER_LENGTH + (repr.options?.length ?? 0);
}

/** Why the IPv4 header at hand is not one a router may act on (RFC 1812 §5.2.2). */
export const Ipv4HeaderFault = {
  None: 0,
  /** The buffer ends before the header or before the total length. */
  Truncated: 1,
  Version: 2,
  /** IHL below 5 words. */
  HeaderLength: 3,
  /** Total length shorter than the header. */
  TotalLength: 4,
  Checksum: 5,
} as const;
export type Ipv4HeaderFault = (typeof Ipv4HeaderFault)[keyof typeof Ipv4HeaderFault];

/**
 * Validates the header of the packet at `buf[offset, limit)` the way RFC 1812 §5.2.2 asks
 * before a router acts on it: version, IHL, total length against the header and the buffer,
 * header checksum. Allocation-free, for the forwarding path; `parseIpv4` runs the same
 * checks and turns a fault into a WireError naming the field.
 */
export function checkIpv4Header(buf: Uint8Array, offset: number, limit: number): Ipv4HeaderFault {
  const available = limit - offset;
  if (available < IPV4_MIN_HEADER_LENGTH) return Ipv4HeaderFault.Truncated;
  const verIhl = buf[offset + VER_IHL];
  if (verIhl >>> 4 !== 4) return Ipv4HeaderFault.Version;
  const headerLength = (verIhl & 0x0f) << 2;
  if (headerLength < IPV4_MIN_HEADER_LENGTH) return Ipv4HeaderFault.HeaderLength;
  if (headerLength > available) return Ipv4HeaderFault.Truncated;
  const totalLength = (buf[offset + TOTAL_LENGTH] << 8) | buf[offset + TOTAL_LENGTH + 1];
  if (totalLength < headerLength) return Ipv4HeaderFault.TotalLength;
  if (totalLength > available) return Ipv4HeaderFault.Truncated;
  if (internetChecksum(buf, offset, offset + headerLength) !== 0) return Ipv4HeaderFault.Checksum;
  return Ipv4HeaderFault.None;
}

/** The WireError for a header `checkIpv4Header` found at fault, at the start of `buf`. */
function headerError(buf: Uint8Array, fault: Ipv4HeaderFault): WireError {
  if (buf.length < IPV4_MIN_HEADER_LENGTH) return truncated("ipv4", "header", 0, IPV4_MIN_HEADER_LENGTH, buf.length);
  const ihl = buf[VER_IHL] & 0x0f;
  const headerLength = ihl * 4;
  const totalLength = (buf[TOTAL_LENGTH] << 8) | buf[TOTAL_LENGTH + 1];
  switch (fault) {
    case Ipv4HeaderFault.Version:
      return new WireError("ipv4", "version", VER_IHL, `${buf[VER_IHL] >>> 4}, expected 4`);
    case Ipv4HeaderFault.HeaderLength:
      return new WireError("ipv4", "IHL", VER_IHL, `${ihl} words, the minimum is 5`);
    case Ipv4HeaderFault.TotalLength:
      return new WireError("ipv4", "total length", TOTAL_LENGTH, `${totalLength} is less than the ${headerLength}-byte header`);
    case Ipv4HeaderFault.Checksum: {
      const expected = finishChecksum(sumWords(buf, SRC, headerLength, sumWords(buf, 0, CHECKSUM)));
      const found = (buf[CHECKSUM] << 8) | buf[CHECKSUM + 1];
      return new WireError("ipv4", "header checksum", CHECKSUM, `${hex16(found)}, computed ${hex16(expected)}`);
    }
    default:
      if (headerLength > buf.length) return truncated("ipv4", "IHL", VER_IHL, headerLength, buf.length);
      return truncated("ipv4", "total length", TOTAL_LENGTH, totalLength, buf.length);
  }
}

export function parseIpv4(buf: Uint8Array): Ipv4Packet | WireError {
  const fault = checkIpv4Header(buf, 0, buf.length);
  if (fault !== Ipv4HeaderFault.None) return headerError(buf, fault);
  const headerLength = (buf[VER_IHL] & 0x0f) * 4;
  const totalLength = (buf[TOTAL_LENGTH] << 8) | buf[TOTAL_LENGTH + 1];
  // RFC 791's reserved flag bit is ignored on receive, as Linux and IOS do.
  const flagsFrag = (buf[FLAGS_FRAG] << 8) | buf[FLAGS_FRAG + 1];
  return {
    repr: {
      dscp: buf[TOS] >>> 2,
      ecn: buf[TOS] & 3,
      identification: (buf[IDENT] << 8) | buf[IDENT + 1],
      dontFragment: (flagsFrag & FLAG_DF) !== 0,
      moreFragments: (flagsFrag & FLAG_MF) !== 0,
      fragmentOffsetBytes: (flagsFrag & FRAG_MASK) * 8,
      ttl: buf[TTL],
      protocol: buf[PROTOCOL],
      src: readIpv4(buf, SRC),
      dst: readIpv4(buf, DST),
      options: headerLength > IPV4_MIN_HEADER_LENGTH ? buf.subarray(IPV4_MIN_HEADER_LENGTH, headerLength) : undefined,
      payloadLength: totalLength - headerLength,
    },
    payload: buf.subarray(headerLength, totalLength),
  };
}

/** Writes the header (options included, checksum computed) at `offset`; returns its length.
 * The header checksum covers the header only, so the payload may be written before or after. */
export function emitIpv4(repr: Ipv4Repr, buf: Uint8Array, offset: number): number {
  const options = repr.options;
  const headerLength = ipv4HeaderLength(repr);
  if (options !== undefined && (options.length % 4 !== 0 || headerLength > IPV4_MAX_HEADER_LENGTH)) {
    throw new RangeError(`emitIpv4: options must be a multiple of 4 bytes, at most 40; got ${options.length}`);
  }
  const totalLength = headerLength + repr.payloadLength;
  if (totalLength > 0xffff) throw new RangeError(`emitIpv4: total length ${totalLength} exceeds 65535`);
  if (offset + headerLength > buf.length) {
    throw new RangeError(`emitIpv4: need ${headerLength} bytes at offset ${offset}, buffer has ${buf.length}`);
  }
  const flagsFrag =
    (repr.dontFragment ? FLAG_DF : 0) | (repr.moreFragments ? FLAG_MF : 0) | ((repr.fragmentOffsetBytes >>> 3) & FRAG_MASK);
  if (options !== undefined) buf.set(options, offset + IPV4_MIN_HEADER_LENGTH);
  writeHeader(buf, offset, headerLength, ((repr.dscp & 0x3f) << 2) | (repr.ecn & 3), totalLength, repr.identification, flagsFrag, repr.ttl, repr.protocol, repr.src, repr.dst);
  return headerLength;
}

/** Header and payload in a new buffer; `payloadLength` is taken from `payload`. */
export function buildIpv4(repr: Ipv4Repr, payload: Uint8Array): Uint8Array {
  const full = repr.payloadLength === payload.length ? repr : { ...repr, payloadLength: payload.length };
  const headerLength = ipv4HeaderLength(full);
  const out = new Uint8Array(headerLength + payload.length);
  emitIpv4(full, out, 0);
  out.set(payload, headerLength);
  return out;
}

// Hot-path accessors: no checks, no allocation. Valid once parseIpv4 (or the caller's own
// length check) has accepted the header at `offset`.

/** The old TOS byte: DSCP and ECN together. */
export function ipv4Tos(buf: Uint8Array, offset: number): number {
  return buf[offset + TOS];
}

export function ipv4TotalLength(buf: Uint8Array, offset: number): number {
  return (buf[offset + TOTAL_LENGTH] << 8) | buf[offset + TOTAL_LENGTH + 1];
}

export function ipv4DontFragment(buf: Uint8Array, offset: number): boolean {
  return (buf[offset + FLAGS_FRAG] & (FLAG_DF >>> 8)) !== 0;
}

export function ipv4Ttl(buf: Uint8Array, offset: number): number {
  return buf[offset + TTL];
}

export function ipv4Protocol(buf: Uint8Array, offset: number): number {
  return buf[offset + PROTOCOL];
}

export function ipv4Src(buf: Uint8Array, offset: number): Ipv4 {
  return readIpv4(buf, offset + SRC);
}

export function ipv4Dst(buf: Uint8Array, offset: number): Ipv4 {
  return readIpv4(buf, offset + DST);
}

/** Sets the TTL in place and patches the header checksum incrementally (RFC 1624, eqn. 3:
 * HC' = ~(~HC + ~m + m'), m being the TTL/protocol word), so the header is not re-summed. */
export function setIpv4Ttl(buf: Uint8Array, offset: number, ttl: number): void {
  const oldWord = (buf[offset + TTL] << 8) | buf[offset + PROTOCOL];
  const newWord = ((ttl & 0xff) << 8) | buf[offset + PROTOCOL];
  const oldChecksum = (buf[offset + CHECKSUM] << 8) | buf[offset + CHECKSUM + 1];
  const checksum = finishChecksum((~oldChecksum & 0xffff) + (~oldWord & 0xffff) + newWord);
  buf[offset + TTL] = ttl & 0xff;
  buf[offset + CHECKSUM] = checksum >>> 8;
  buf[offset + CHECKSUM + 1] = checksum & 0xff;
}

/** Decrements the TTL in place, checksum included; returns the new TTL. A TTL of 0 is left
 * alone (and 0 returned): deciding to drop and send time-exceeded is the caller's job. */
export function decrementTtl(buf: Uint8Array, offset: number): number {
  const ttl = buf[offset + TTL];
  if (ttl === 0) return 0;
  setIpv4Ttl(buf, offset, ttl - 1);
  return ttl - 1;
}

/** Header length in bytes (IHL × 4), read from the packet; `ipv4HeaderLength` is the repr's. */
export function ipv4HeaderLengthAt(buf: Uint8Array, offset: number): number {
  return (buf[offset + VER_IHL] & 0x0f) << 2;
}

export function ipv4Version(buf: Uint8Array, offset: number): number {
  return buf[offset + VER_IHL] >>> 4;
}

/** The fragment offset, in 8-byte units. */
export function ipv4FragmentOffsetUnits(buf: Uint8Array, offset: number): number {
  return ((buf[offset + FLAGS_FRAG] << 8) | buf[offset + FLAGS_FRAG + 1]) & FRAG_MASK;
}

export function ipv4MoreFragments(buf: Uint8Array, offset: number): boolean {
  return (buf[offset + FLAGS_FRAG] & (FLAG_MF >>> 8)) !== 0;
}

/** Whether the packet is a fragment: MF set or a non-zero offset. */
export function ipv4IsFragment(buf: Uint8Array, offset: number): boolean {
  return ipv4MoreFragments(buf, offset) || ipv4FragmentOffsetUnits(buf, offset) !== 0;
}

/**
 * Writes a 20-byte header (no options, not a fragment) from plain numbers, checksum
 * included: the allocation-free emitter for packets the router builds per packet (tunnel
 * encapsulation, echo replies, ICMP errors). `emitIpv4` is the general one.
 */
export function writeIpv4Header(
  buf: Uint8Array,
  at: number,
  totalLength: number,
  tos: number,
  identification: number,
  dontFragment: boolean,
  ttl: number,
  protocol: number,
  src: number,
  dst: number,
): void {
  writeHeader(buf, at, IPV4_MIN_HEADER_LENGTH, tos, totalLength, identification, dontFragment ? FLAG_DF : 0, ttl, protocol, src, dst);
}

/**
 * The one IPv4 header writer, under emitIpv4 and writeIpv4Header: every fixed field at `at`,
 * then the checksum over `headerLength` bytes (options, if any, already in place after the
 * fixed 20).
 */
function writeHeader(
  buf: Uint8Array,
  at: number,
  headerLength: number,
  tos: number,
  totalLength: number,
  identification: number,
  flagsFrag: number,
  ttl: number,
  protocol: number,
  src: number,
  dst: number,
): void {
  buf[at + VER_IHL] = 0x40 | (headerLength >>> 2);
  buf[at + TOS] = tos & 0xff;
  buf[at + TOTAL_LENGTH] = totalLength >>> 8;
  buf[at + TOTAL_LENGTH + 1] = totalLength & 0xff;
  buf[at + IDENT] = (identification >>> 8) & 0xff;
  buf[at + IDENT + 1] = identification & 0xff;
  buf[at + FLAGS_FRAG] = flagsFrag >>> 8;
  buf[at + FLAGS_FRAG + 1] = flagsFrag & 0xff;
  buf[at + TTL] = ttl & 0xff;
  buf[at + PROTOCOL] = protocol & 0xff;
  buf[at + CHECKSUM] = 0;
  buf[at + CHECKSUM + 1] = 0;
  writeIpv4(buf, at + SRC, src);
  writeIpv4(buf, at + DST, dst);
  const checksum = internetChecksum(buf, at, at + headerLength);
  buf[at + CHECKSUM] = checksum >>> 8;
  buf[at + CHECKSUM + 1] = checksum & 0xff;
}

export function ipv4Identification(buf: Uint8Array, offset: number): number {
  return (buf[offset + IDENT] << 8) | buf[offset + IDENT + 1];
}

/**
 * Rewrites a header in place for a fragment (or a reassembled whole): total length, MF and
 * fragment offset (DF is kept), then the header checksum over its IHL.
 */
export function setIpv4Fragment(buf: Uint8Array, offset: number, totalLength: number, moreFragments: boolean, offsetUnits: number): void {
  buf[offset + TOTAL_LENGTH] = totalLength >>> 8;
  buf[offset + TOTAL_LENGTH + 1] = totalLength & 0xff;
  const df = buf[offset + FLAGS_FRAG] & (FLAG_DF >>> 8);
  buf[offset + FLAGS_FRAG] = df | (moreFragments ? FLAG_MF >>> 8 : 0) | ((offsetUnits >>> 8) & (FRAG_MASK >>> 8));
  buf[offset + FLAGS_FRAG + 1] = offsetUnits & 0xff;
  buf[offset + CHECKSUM] = 0;
  buf[offset + CHECKSUM + 1] = 0;
  const checksum = internetChecksum(buf, offset, offset + ipv4HeaderLengthAt(buf, offset));
  buf[offset + CHECKSUM] = checksum >>> 8;
  buf[offset + CHECKSUM + 1] = checksum & 0xff;
}

/**
 * The header for fragments after the first (RFC 791 §3.1): the fixed 20 bytes plus the
 * options whose copied flag (the type's top bit) is set, padded to a word with
 * end-of-options, IHL set to match. A new buffer; the caller fixes lengths and checksum.
 */
export function ipv4LaterFragmentHeader(buf: Uint8Array, start: number): Uint8Array {
  const headerBytes = ipv4HeaderLengthAt(buf, start);
  if (headerBytes === IPV4_MIN_HEADER_LENGTH) return buf.slice(start, start + IPV4_MIN_HEADER_LENGTH);
  const kept: number[] = [];
  let i = start + IPV4_MIN_HEADER_LENGTH;
  const end = start + headerBytes;
  while (i < end) {
    const type = buf[i];
    if (type === 0) break; // end of option list
    if (type === 1) {
      i++; // no-operation
      continue;
    }
    const length = i + 1 < end ? buf[i + 1] : 0;
    if (length < 2 || i + length > end) break; // malformed: copy nothing more
    if (type & 0x80) for (let k = 0; k < length; k++) kept.push(buf[i + k]);
    i += length;
  }
  while (kept.length % 4 !== 0) kept.push(0);
  const header = new Uint8Array(IPV4_MIN_HEADER_LENGTH + kept.length);
  header.set(buf.subarray(start, start + IPV4_MIN_HEADER_LENGTH));
  header.set(kept, IPV4_MIN_HEADER_LENGTH);
  header[VER_IHL] = 0x40 | (header.length >>> 2);
  return header;
}

/** The start of a datagram another packet quotes (an ICMP error, an NHRP traffic
 * indication), in words: "IPv4 10.1.1.1 > 10.2.2.2 UDP". */
export function quotedIpv4(quoted: Uint8Array): string {
  if (quoted.length < IPV4_MIN_HEADER_LENGTH || ipv4Version(quoted, 0) !== 4 || ipv4HeaderLengthAt(quoted, 0) < IPV4_MIN_HEADER_LENGTH) return `${quoted.length} bytes quoted`;
  return `IPv4 ${formatIpv4(ipv4Src(quoted, 0))} > ${formatIpv4(ipv4Dst(quoted, 0))} ${ipProtocolName(ipv4Protocol(quoted, 0)).toUpperCase()}`;
}
