// NHRP (RFC 2332) as it rides GRE protocol type 0x2001 in DMVPN and FlexVPN, with the
// traffic indication (type 8) that phase 3 uses as its redirect, and the extensions IOS
// sends: responder address, forward and reverse transit NHS records, authentication,
// Cisco's NAT address, and one vendor-private extension of our own for MPLS labels.
//
// Only IPv4 over IPv4 is modelled (ar$afn 1, ar$pro.type 0x0800, 4-byte addresses); any
// other address family parses to a WireError, and the router counts and drops it.
//
// Layout (all fields big-endian):
//   fixed header (20): afn (2) = 1, pro.type (2) = 0x0800, pro.snap (5) = 0, hop count (1),
//     packet size (2), checksum (2, the Internet checksum over the whole packet), extension
//     offset (2, 0 when there are no extensions), version (1) = 1, type (1), shtl (1) = 4,
//     sstl (1) = 0.
//   mandatory part, types 1-6 (§5.2.0.1): src proto len (1) = 4, dst proto len (1) = 4,
//     flags (2), request ID (4), source NBMA, source protocol, destination protocol (4 each),
//     then CIEs to the extension offset (or the packet end).
//   error indication, type 7 (§5.2.7): src/dst proto len, unused (2), error code (2), error
//     offset (2), the three addresses, then the start of the packet in error.
//   traffic indication, type 8 (draft-detienne-dmvpn; Wireshark's "Traffic Code"): src/dst
//     proto len, unused (2), traffic code (2, 0 = redirect), unused (2), the three
//     addresses, then the triggering IP header and the start of its payload.
//   Extensions are written only when `extensions` holds at least one; otherwise the
//   extension offset is 0. Error indications should carry none (§5.2.7; Wireshark warns).
//
// The CIEs of the mandatory part are nhrp-cie.ts; the extensions nhrp-extensions.ts, with
// FlexLab's MPLS label extension in nhrp-labels.ts. parseNhrp and emitNhrp here are the one
// entry point for a whole packet.
import { readIpv4, writeIpv4, type Ipv4 } from "./addr";
import { readU16, readU32, writeU16, writeU32 } from "./bytes";
import { internetChecksum } from "./checksum";
import { WireError, truncated } from "./errors";
import { IPV4_LENGTH, ciesLength, parseCies, writeCies, type NhrpCie } from "./nhrp-cie";
import { extensionsLength, parseExtensions, writeExtensions, type NhrpExtensions } from "./nhrp-extensions";

/** ar$op.type. */
export const NhrpType = {
  ResolutionRequest: 1,
  ResolutionReply: 2,
  RegistrationRequest: 3,
  RegistrationReply: 4,
  PurgeRequest: 5,
  PurgeReply: 6,
  ErrorIndication: 7,
  TrafficIndication: 8,
} as const;
export type NhrpTypeCode = (typeof NhrpType)[keyof typeof NhrpType];

/** Mandatory-part flags of resolution requests and replies (RFC 2332 §5.2.1, §5.2.2). */
export const NhrpResolutionFlag = {
  Q: 0x8000, // requester is a router
  A: 0x4000, // authoritative
  D: 0x2000, // destination is stable
  U: 0x1000, // uniqueness
  S: 0x0800, // stable binding
  /** Cisco: the sender is behind NAT. */
  Nat: 0x0002,
} as const;

/** Error indication codes (RFC 2332 §5.2.7). */
export const NhrpErrorCode = {
  UnrecognizedExtension: 1,
  LoopDetected: 3,
  ProtocolAddressUnreachable: 6,
  ProtocolError: 7,
  SduSizeExceeded: 8,
  InvalidExtension: 9,
  InvalidReplyReceived: 10,
  AuthenticationFailure: 11,
  HopCountExceeded: 15,
} as const;

/** Traffic indication code 0: redirect. */
export const NHRP_TRAFFIC_REDIRECT = 0;

interface NhrpCommon {
  readonly hopCount: number;
  readonly extensions: NhrpExtensions;
}

/** Types 1-6: resolution, registration and purge, requests and replies. */
export interface NhrpMessage extends NhrpCommon {
  readonly type: 1 | 2 | 3 | 4 | 5 | 6;
  readonly flags: number;
  readonly requestId: number;
  readonly srcNbma: Ipv4;
  readonly srcProtocol: Ipv4;
  readonly dstProtocol: Ipv4;
  readonly cies: readonly NhrpCie[];
}

/** Type 7. `packet`: the start of the NHRP packet in error. */
export interface NhrpErrorIndication extends NhrpCommon {
  readonly type: 7;
  readonly errorCode: number;
  readonly errorOffset: number;
  readonly srcNbma: Ipv4;
  readonly srcProtocol: Ipv4;
  readonly dstProtocol: Ipv4;
  readonly packet: Uint8Array;
}

/** Type 8 (redirect when `trafficCode` is 0). `packet`: the triggering IP header and the
 * start of its payload. */
export interface NhrpTrafficIndication extends NhrpCommon {
  readonly type: 8;
  readonly trafficCode: number;
  readonly srcNbma: Ipv4;
  readonly srcProtocol: Ipv4;
  readonly dstProtocol: Ipv4;
  readonly packet: Uint8Array;
}

export type NhrpPacket = NhrpMessage | NhrpErrorIndication | NhrpTrafficIndication;

// --- Codec ---

export const NHRP_FIXED_HEADER_LENGTH = 20;
/** The mandatory part before its CIEs (or indicated packet): lengths, flags or codes, request
 * ID or unused, and the three 4-byte addresses. */
export const NHRP_MANDATORY_FIXED_LENGTH = 20;

const AFN_IPV4 = 1;
const PRO_TYPE_IPV4 = 0x0800;
const NHRP_VERSION = 1;

/** ar$pktsz is 16 bits. */
const MAX_PACKET_LENGTH = 0xffff;

// Fixed header field offsets (RFC 2332 §5.2.0).
const AFN = 0;
const PRO_TYPE = 2;
const HOP_COUNT = 9;
const PACKET_SIZE = 10;
const CHECKSUM = 12;
const EXTENSION_OFFSET = 14;
const VERSION = 16;
const TYPE = 17;
const SHTL = 18;
const SSTL = 19;
// Mandatory part field offsets, from its start.
const SRC_PROTO_LEN = 0;
const DST_PROTO_LEN = 1;
/** Flags (types 1-6); unused in types 7 and 8. */
const FLAGS = 2;
/** Request ID (types 1-6), error code (7), traffic code (8). */
const REQUEST_ID = 4;
const CODE = 4;
const ERROR_OFFSET = 6;
const SRC_NBMA = 8;
const SRC_PROTOCOL = 12;
const DST_PROTOCOL = 16;

const P = "nhrp";

const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: "Resolution Request",
  2: "Resolution Reply",
  3: "Registration Request",
  4: "Registration Reply",
  5: "Purge Request",
  6: "Purge Reply",
  7: "Error Indication",
  8: "Traffic Indication",
};

/** "Resolution Request", "Traffic Indication", or "Unknown(9)". */
export function nhrpTypeName(type: number): string {
  return TYPE_NAMES[type] ?? `Unknown(${type})`;
}

/** The packet type at `offset` (no validation: call parseNhrp before trusting it). */
export function nhrpTypeAt(buf: Uint8Array, offset: number): number {
  return buf[offset + TYPE];
}

/** Whether `buf[offset, end)` starts with an NHRP packet whose size fits and whose checksum
 * (over the packet size the header announces) is right, without allocating. */
export function nhrpChecksumOk(buf: Uint8Array, offset = 0, end = buf.length): boolean {
  if (end - offset < NHRP_FIXED_HEADER_LENGTH) return false;
  const size = readU16(buf, offset + PACKET_SIZE);
  if (size < NHRP_FIXED_HEADER_LENGTH || size > end - offset) return false;
  return internetChecksum(buf, offset, offset + size) === 0;
}

// --- Parse ---

/**
 * Parses the NHRP packet at `buf[offset, end)` (the GRE payload). The packet may end before
 * `end` (its size field says where); the checksum is verified over that size. Byte arrays
 * in the result (`packet`, authentication and unknown extension data) are views into `buf`.
 */
export function parseNhrp(buf: Uint8Array, offset = 0, end = buf.length): NhrpPacket | WireError {
  if (end > buf.length) end = buf.length;
  const have = end - offset;
  if (have < NHRP_FIXED_HEADER_LENGTH) return truncated(P, "fixed header", offset, NHRP_FIXED_HEADER_LENGTH, Math.max(have, 0));
  const afn = readU16(buf, offset + AFN);
  if (afn !== AFN_IPV4) return new WireError(P, "ar$afn", offset, `address family ${afn} is not IPv4 (1)`);
  const proType = readU16(buf, offset + PRO_TYPE);
  if (proType !== PRO_TYPE_IPV4) return new WireError(P, "ar$pro.type", offset + PRO_TYPE, `protocol type 0x${proType.toString(16)} is not IPv4 (0x0800)`);
  const size = readU16(buf, offset + PACKET_SIZE);
  if (size < NHRP_FIXED_HEADER_LENGTH) return new WireError(P, "ar$pktsz", offset + PACKET_SIZE, `${size} is shorter than the 20-byte fixed header`);
  if (size > have) return truncated(P, "packet", offset, size, have);
  const version = buf[offset + VERSION];
  if (version !== NHRP_VERSION) return new WireError(P, "ar$op.version", offset + VERSION, `version ${version} is not 1`);
  const type = buf[offset + TYPE];
  if (type < NhrpType.ResolutionRequest || type > NhrpType.TrafficIndication) return new WireError(P, "ar$op.type", offset + TYPE, `unknown packet type ${type}`);
  if (buf[offset + SHTL] !== IPV4_LENGTH) return new WireError(P, "ar$shtl", offset + SHTL, `0x${buf[offset + SHTL].toString(16)} is not a 4-byte IPv4 NBMA address`);
  if (buf[offset + SSTL] !== 0) return new WireError(P, "ar$sstl", offset + SSTL, `${buf[offset + SSTL]}: IPv4 NBMA has no subaddress`);
  const packetEnd = offset + size;
  if (internetChecksum(buf, offset, packetEnd) !== 0) return new WireError(P, "ar$chksum", offset + CHECKSUM, "does not match the packet");
  const extensionOffset = readU16(buf, offset + EXTENSION_OFFSET);
  if (extensionOffset !== 0 && (extensionOffset < NHRP_FIXED_HEADER_LENGTH + NHRP_MANDATORY_FIXED_LENGTH || extensionOffset > size)) {
    return new WireError(P, "ar$extoff", offset + EXTENSION_OFFSET, `${extensionOffset} is not between the mandatory part's end and the packet size ${size}`);
  }
  const mandatoryEnd = extensionOffset === 0 ? packetEnd : offset + extensionOffset;
  const at = offset + NHRP_FIXED_HEADER_LENGTH;
  if (mandatoryEnd - at < NHRP_MANDATORY_FIXED_LENGTH) return truncated(P, "mandatory part", at, NHRP_MANDATORY_FIXED_LENGTH, mandatoryEnd - at);
  if (buf[at + SRC_PROTO_LEN] !== IPV4_LENGTH) return new WireError(P, "src protocol length", at + SRC_PROTO_LEN, `${buf[at + SRC_PROTO_LEN]} is not a 4-byte IPv4 address`);
  if (buf[at + DST_PROTO_LEN] !== IPV4_LENGTH) return new WireError(P, "dst protocol length", at + DST_PROTO_LEN, `${buf[at + DST_PROTO_LEN]} is not a 4-byte IPv4 address`);
  const srcNbma = readIpv4(buf, at + SRC_NBMA);
  const srcProtocol = readIpv4(buf, at + SRC_PROTOCOL);
  const dstProtocol = readIpv4(buf, at + DST_PROTOCOL);
  const rest = at + NHRP_MANDATORY_FIXED_LENGTH;

  let cies: NhrpCie[] | undefined;
  if (type !== NhrpType.ErrorIndication && type !== NhrpType.TrafficIndication) {
    const parsedCies = parseCies(buf, rest, mandatoryEnd, "mandatory part");
    if (parsedCies instanceof WireError) return parsedCies;
    cies = parsedCies;
  }
  let extensions: NhrpExtensions = {};
  if (extensionOffset !== 0) {
    const parsed = parseExtensions(buf, mandatoryEnd, packetEnd);
    if (parsed instanceof WireError) return parsed;
    extensions = parsed;
  }
  const hopCount = buf[offset + HOP_COUNT];
  switch (type) {
    case NhrpType.ErrorIndication:
      return {
        type,
        hopCount,
        errorCode: readU16(buf, at + CODE),
        errorOffset: readU16(buf, at + ERROR_OFFSET),
        srcNbma,
        srcProtocol,
        dstProtocol,
        packet: buf.subarray(rest, mandatoryEnd),
        extensions,
      };
    case NhrpType.TrafficIndication:
      return { type, hopCount, trafficCode: readU16(buf, at + CODE), srcNbma, srcProtocol, dstProtocol, packet: buf.subarray(rest, mandatoryEnd), extensions };
    default:
      return {
        type: type as NhrpMessage["type"],
        hopCount,
        flags: readU16(buf, at + FLAGS),
        requestId: readU32(buf, at + REQUEST_ID),
        srcNbma,
        srcProtocol,
        dstProtocol,
        cies: cies ?? [],
        extensions,
      };
  }
}

// --- Emit ---

function bodyLength(p: NhrpPacket): number {
  return p.type === NhrpType.ErrorIndication || p.type === NhrpType.TrafficIndication ? p.packet.length : ciesLength(p.cies);
}

/** The size `emitNhrp` makes `p`. */
export function nhrpLength(p: NhrpPacket): number {
  return NHRP_FIXED_HEADER_LENGTH + NHRP_MANDATORY_FIXED_LENGTH + bodyLength(p) + extensionsLength(p.extensions);
}

/**
 * The packet's bytes: sizes, extension offset, End extension and checksum computed. Throws
 * RangeError for a repr no packet can carry (a label over 20 bits, more than 65,535 bytes):
 * that is the caller's bug, not a peer's. `unknown` extensions are written as they are, so
 * they should be what parse put there: an End, a known type or FlexLab's vendor ID among
 * them would not parse back the same.
 */
export function emitNhrp(p: NhrpPacket): Uint8Array {
  const extensionsBytes = extensionsLength(p.extensions);
  const mandatoryEnd = NHRP_FIXED_HEADER_LENGTH + NHRP_MANDATORY_FIXED_LENGTH + bodyLength(p);
  const size = mandatoryEnd + extensionsBytes;
  if (size > MAX_PACKET_LENGTH) throw new RangeError(`emitNhrp: ${size} bytes do not fit ar$pktsz`);
  const buf = new Uint8Array(size);
  writeU16(buf, AFN, AFN_IPV4);
  writeU16(buf, PRO_TYPE, PRO_TYPE_IPV4);
  buf[HOP_COUNT] = p.hopCount;
  writeU16(buf, PACKET_SIZE, size);
  writeU16(buf, EXTENSION_OFFSET, extensionsBytes === 0 ? 0 : mandatoryEnd);
  buf[VERSION] = NHRP_VERSION;
  buf[TYPE] = p.type;
  buf[SHTL] = IPV4_LENGTH; // sstl stays 0
  const at = NHRP_FIXED_HEADER_LENGTH;
  buf[at + SRC_PROTO_LEN] = IPV4_LENGTH;
  buf[at + DST_PROTO_LEN] = IPV4_LENGTH;
  writeIpv4(buf, at + SRC_NBMA, p.srcNbma);
  writeIpv4(buf, at + SRC_PROTOCOL, p.srcProtocol);
  writeIpv4(buf, at + DST_PROTOCOL, p.dstProtocol);
  const rest = at + NHRP_MANDATORY_FIXED_LENGTH;
  switch (p.type) {
    case NhrpType.ErrorIndication:
      writeU16(buf, at + CODE, p.errorCode);
      writeU16(buf, at + ERROR_OFFSET, p.errorOffset);
      buf.set(p.packet, rest);
      break;
    case NhrpType.TrafficIndication:
      writeU16(buf, at + CODE, p.trafficCode);
      buf.set(p.packet, rest);
      break;
    default:
      writeU16(buf, at + FLAGS, p.flags);
      writeU32(buf, at + REQUEST_ID, p.requestId);
      writeCies(buf, rest, p.cies);
  }
  if (extensionsBytes !== 0) writeExtensions(buf, mandatoryEnd, p.extensions);
  writeU16(buf, CHECKSUM, internetChecksum(buf, 0, size));
  return buf;
}
