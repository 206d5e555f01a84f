// GRE header (RFC 2784) with the key and sequence number extensions (RFC 2890): the tunnel
// encapsulation under FlexVPN/DMVPN. A 4-byte base (flags, version, protocol type), then
// optional checksum+reserved1, key and sequence number, each 4 bytes, in that order.

import { internetChecksum } from "./checksum";
import { WireError, truncated } from "./errors";
import { EtherType } from "./ethernet";
import { hex16, readU32, writeU32 } from "./bytes";

/** Payload protocol types (EtherTypes) we carry. Any other number is kept as is and
 * round-trips. */
export const GreProtocol = {
  Ipv4: EtherType.Ipv4,
  MplsUnicast: EtherType.MplsUnicast,
  /** Cisco's choice for NHRP over GRE; Wireshark decodes it as NHRP. */
  Nhrp: 0x2001,
} as const;

const protocolNames = new Map<number, string>(Object.entries(GreProtocol).map(([name, value]) => [value, name]));

/** "MplsUnicast", "Nhrp", or "Unknown(0x6558)". */
export function greProtocolName(n: number): string {
  return protocolNames.get(n) ?? `Unknown(${hex16(n)})`;
}

export const GRE_FLAG_CHECKSUM = 0x8000;
export const GRE_FLAG_KEY = 0x2000;
export const GRE_FLAG_SEQUENCE = 0x1000;
/** RFC 2784 §2.3: discard when any of bits 1-5 is set (RFC 1701's routing, strict source
 * route and recursion fields, which we do not implement). K and S are bits 2 and 3. */
const GRE_MUST_BE_ZERO = 0x4c00;
const GRE_VERSION_MASK = 0x0007;

export const GRE_BASE_LENGTH = 4;

export interface GreRepr {
  /** Payload EtherType, e.g. GreProtocol.MplsUnicast. */
  readonly protocol: number;
  /** C: a checksum over header and payload is present (emit computes it, parse verifies it). */
  readonly checksum: boolean;
  /** K: the key (IOS `tunnel key`), a 32-bit unsigned number, when present. */
  readonly key?: number;
  /** S: the sequence number, 32-bit unsigned, when present. */
  readonly sequence?: number;
}

export interface GrePacket {
  readonly repr: GreRepr;
  /** Everything after the GRE header (a subarray, not a copy). */
  readonly payload: Uint8Array;
}

/** Parses a GRE header; `buf` must end where the payload ends, since the checksum (when C
 * is set) covers everything to the end of `buf`. Only version 0 is accepted. */
export function parseGre(buf: Uint8Array): GrePacket | WireError {
  if (buf.length < GRE_BASE_LENGTH) return truncated("gre", "flags and version", 0, GRE_BASE_LENGTH, buf.length);
  const flags = (buf[0] << 8) | buf[1];
  const version = flags & GRE_VERSION_MASK;
  if (version !== 0) {
    return new WireError("gre", "version", 1, `version ${version} is not GRE version 0 (RFC 2784 §2.3.1)`);
  }
  if (flags & GRE_MUST_BE_ZERO) {
    return new WireError("gre", "reserved0", 0, `bits 1, 4 or 5 set (0x${flags.toString(16)}): RFC 1701 fields are not supported`);
  }
  const headerLength = greHeaderLengthAt(buf, 0);
  if (buf.length < headerLength) {
    return truncated("gre", "optional fields", GRE_BASE_LENGTH, headerLength - GRE_BASE_LENGTH, buf.length - GRE_BASE_LENGTH);
  }
  const checksum = (flags & GRE_FLAG_CHECKSUM) !== 0;
  if (checksum && internetChecksum(buf) !== 0) {
    return new WireError("gre", "checksum", 4, "does not match header and payload");
  }
  let at = checksum ? 8 : 4; // reserved1 (after the checksum) is sent as zero and not checked
  let key: number | undefined;
  let sequence: number | undefined;
  if (flags & GRE_FLAG_KEY) {
    key = readU32(buf, at);
    at += 4;
  }
  if (flags & GRE_FLAG_SEQUENCE) sequence = readU32(buf, at);
  const repr: GreRepr = { protocol: greProtocolType(buf, 0), checksum, key, sequence };
  return { repr, payload: buf.subarray(headerLength) };
}

export function greHeaderLength(repr: GreRepr): number {
  return GRE_BASE_LENGTH + (repr.checksum ? 4 : 0) + (repr.key !== undefined ? 4 : 0) + (repr.sequence !== undefined ? 4 : 0);
}

/**
 * Writes the header at `offset` and returns its length. With `checksum` set, the payload
 * must already sit right after the header in `buf`, ending at `end` (by default the end of
 * `buf`): the checksum covers header and payload (RFC 2784 §2.5).
 */
export function emitGre(repr: GreRepr, buf: Uint8Array, offset: number, end = buf.length): number {
  const headerLength = greHeaderLength(repr);
  if (offset + headerLength > end || end > buf.length) {
    throw new RangeError(`emitGre: need ${headerLength} bytes at offset ${offset}, buffer ends at ${Math.min(end, buf.length)}`);
  }
  const flags =
    (repr.checksum ? GRE_FLAG_CHECKSUM : 0) |
    (repr.key !== undefined ? GRE_FLAG_KEY : 0) |
    (repr.sequence !== undefined ? GRE_FLAG_SEQUENCE : 0);
  buf[offset] = flags >>> 8;
  buf[offset + 1] = flags & 0xff;
  buf[offset + 2] = (repr.protocol >>> 8) & 0xff;
  buf[offset + 3] = repr.protocol & 0xff;
  let at = offset + 4;
  if (repr.checksum) {
    buf.fill(0, at, at + 4); // checksum zero while summing; reserved1 always zero
    at += 4;
  }
  if (repr.key !== undefined) {
    writeU32(buf, at, repr.key);
    at += 4;
  }
  if (repr.sequence !== undefined) {
    writeU32(buf, at, repr.sequence);
    at += 4;
  }
  if (repr.checksum) {
    const sum = internetChecksum(buf, offset, end);
    buf[offset + 4] = sum >>> 8;
    buf[offset + 5] = sum & 0xff;
  }
  return at - offset;
}

export function buildGre(repr: GreRepr, payload: Uint8Array): Uint8Array {
  const headerLength = greHeaderLength(repr);
  const out = new Uint8Array(headerLength + payload.length);
  out.set(payload, headerLength);
  emitGre(repr, out, 0);
  return out;
}

// Hot-path accessors: no allocation, no validation (call parseGre, or check the version and
// length yourself, before trusting them).

/** The payload's EtherType. */
export function greProtocolType(buf: Uint8Array, offset: number): number {
  return (buf[offset + 2] << 8) | buf[offset + 3];
}

/** The header length the flags announce: 4, plus 4 for each of C, K and S. */
export function greHeaderLengthAt(buf: Uint8Array, offset: number): number {
  const high = buf[offset]; // C, K and S all live in the first byte
  return 4 + (high & 0x80 ? 4 : 0) + (high & 0x20 ? 4 : 0) + (high & 0x10 ? 4 : 0);
}

/** The key, or -1 when K is clear (keys are unsigned, so -1 is never a key). */
export function greKey(buf: Uint8Array, offset: number): number {
  const high = buf[offset];
  if (!(high & 0x20)) return -1;
  return readU32(buf, offset + (high & 0x80 ? 8 : 4));
}

/**
 * Whether the GRE packet at `buf[offset, end)` is one parseGre would accept — version 0, no
 * RFC 1701 bits, its optional fields present, its checksum right when C is set — without
 * allocating: the receive path's check.
 */
export function greValidAt(buf: Uint8Array, offset: number, end: number): boolean {
  if (end - offset < GRE_BASE_LENGTH) return false;
  const flags = (buf[offset] << 8) | buf[offset + 1];
  if ((flags & GRE_VERSION_MASK) !== 0 || (flags & GRE_MUST_BE_ZERO) !== 0) return false;
  if (end - offset < greHeaderLengthAt(buf, offset)) return false;
  return (flags & GRE_FLAG_CHECKSUM) === 0 || internetChecksum(buf, offset, end) === 0;
}

/** Writes a GRE header with no checksum or sequence, and the key when given (`tunnel key`);
 * returns its length. Allocation-free, for tunnel encapsulation. */
export function writeGreHeader(buf: Uint8Array, offset: number, protocol: number, key: number | undefined): number {
  buf[offset] = key === undefined ? 0 : GRE_FLAG_KEY >>> 8;
  buf[offset + 1] = 0;
  buf[offset + 2] = protocol >>> 8;
  buf[offset + 3] = protocol & 0xff;
  if (key === undefined) return GRE_BASE_LENGTH;
  writeU32(buf, offset + GRE_BASE_LENGTH, key);
  return GRE_BASE_LENGTH + 4;
}
