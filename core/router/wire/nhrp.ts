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
//   CIE (12 + addresses): code (1), prefix length (1), unused (2), MTU (2), holding time (2),
//     client NBMA type/len (1, 0 or 4), client subaddress type/len (1, 0), client protocol
//     length (1, 0 or 4), preference (1), client NBMA address, client protocol address.
//   extensions (§5.3): type (2, 0x8000 = compulsory, the low 14 bits the type), length (2,
//     bytes of value), value; the list ends with End (type 0, length 0). Responder address
//     holds one CIE (or none: a request asking the responder to fill it in); the transit NHS
//     records and Cisco's NAT address hold CIE lists. Authentication follows IOS (and FRR's
//     Cisco mode), not RFC 2332's layout: a 4-byte field whose low 16 bits are the SPI (1 =
//     cleartext) and then the secret, with no source address in between. Emit writes them in
//     one fixed order (responder, forward, reverse, authentication, NAT, labels, then the
//     unknown ones as they came) with RFC 2332's compulsory bits (set on responder, transit
//     records, authentication and End; clear on vendor-private and NAT); parse accepts any
//     order, refuses a known extension twice, and keeps any other type, and any other
//     vendor's private extension, in `unknown` to send on unchanged. An End followed by more
//     bytes ends the list there; a list that runs to the packet end without End is accepted.
//   Extensions are written only when `extensions` holds at least one; otherwise the
//   extension offset is 0. Error indications should carry none (§5.2.7; Wireshark warns).
//
// The MPLS label extension (no public standard encodes it; see protocols.md): a vendor
// private extension (type 8, not compulsory, so other NHRP speakers skip it, and Wireshark
// shows it as vendor data) whose value is:
//   vendor ID (3) = FLEXLAB_LABEL_OUI ("FLX"), format version (1) = 1, then sub-TLVs, each
//   type (2), length (2, bytes of value), value, 4-byte aligned since the header is:
//     1 = VRF label: length 4, the label in the low 20 bits of a 4-byte field (top 12 bits
//         zero), so label 16 reads 00 00 00 10 in a hex dump.
//     2 = CIE labels: length 4 x n, one such 4-byte field per label.
//   Each sub-TLV at most once; an unknown sub-TLV type, a wrong length or a set top bit is a
//   WireError (we own both ends, so anything else is a bug, not a newer peer).
// It carries `vrfLabel` (the overlay label that names the VRF a redirect or a resolution
// request is about) and `cieLabels` (one label per CIE, in CIE order: the mandatory part's
// CIEs, then the responder address extension's CIE; 3 is implicit-null).
import { readIpv4, writeIpv4, type Ipv4 } from "./addr";
import { readU16, readU32, writeU16, writeU32 } from "./bytes";
import { internetChecksum } from "./checksum";
import { WireError, truncated } from "./errors";
import { LABEL_MAX, type Label } from "./mpls";

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

/** CIE codes (RFC 2332 §5.2.0.1 and the per-type lists). */
export const NhrpCieCode = {
  Success: 0,
  AdministrativelyProhibited: 4,
  InsufficientResources: 5,
  NoBindingExists: 12,
  BindingNotUnique: 13,
  UniqueAddressRegistered: 14,
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

/** Extension types (the 0x8000 compulsory bit is separate: `compulsory`). */
export const NhrpExtensionType = {
  End: 0,
  ResponderAddress: 3,
  ForwardTransitNhsRecord: 4,
  ReverseTransitNhsRecord: 5,
  Authentication: 7,
  VendorPrivate: 8,
  CiscoNatAddress: 9,
} as const;

/** Traffic indication code 0: redirect. */
export const NHRP_TRAFFIC_REDIRECT = 0;

/** The vendor ID of FlexLab's label extension: "FLX", a locally administered CID (the
 * second-lowest bit of its first octet is set), so it claims no IEEE-assigned OUI. */
export const FLEXLAB_LABEL_OUI = 0x464c58;

/** The prefix length a request's CIE carries to ask the responder for its whole prefix. */
export const NHRP_PREFIX_ANY = 0xff;

/** A Client Information Entry (RFC 2332 §5.2.0.1). Absent addresses have length 0. */
export interface NhrpCie {
  readonly code: number;
  readonly prefixLength: number;
  readonly mtu: number;
  /** Seconds. */
  readonly holdingTime: number;
  readonly preference: number;
  readonly clientNbma?: Ipv4;
  readonly clientProtocol?: Ipv4;
}

export interface NhrpAuthentication {
  /** 1: cleartext password (IOS `ip nhrp authentication STRING`). */
  readonly spi: number;
  readonly data: Uint8Array;
}

/** FlexLab's MPLS label extension; see the file comment. */
export interface NhrpLabels {
  readonly vrfLabel?: Label;
  readonly cieLabels?: readonly Label[];
}

export interface NhrpUnknownExtension {
  readonly type: number;
  readonly compulsory: boolean;
  readonly data: Uint8Array;
}

export interface NhrpExtensions {
  /** Absent: not sent. `null`: sent empty (a request asking the responder to identify itself). */
  readonly responder?: NhrpCie | null;
  /** Present (possibly empty) when the extension is in the packet. */
  readonly forwardTransit?: readonly NhrpCie[];
  readonly reverseTransit?: readonly NhrpCie[];
  readonly authentication?: NhrpAuthentication;
  readonly nat?: readonly NhrpCie[];
  readonly labels?: NhrpLabels;
  /** Anything else (other vendors' private extensions, unknown types), kept in order. */
  readonly unknown?: readonly NhrpUnknownExtension[];
}

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
export const NHRP_CIE_FIXED_LENGTH = 12;
export const NHRP_EXTENSION_HEADER_LENGTH = 4;
export const NHRP_EXTENSION_COMPULSORY = 0x8000;
/** RFC 2332 §5.3: the type is the low 14 bits; 0x4000 is unused. */
const EXTENSION_TYPE_MASK = 0x3fff;
const AFN_IPV4 = 1;
const PRO_TYPE_IPV4 = 0x0800;
const NHRP_VERSION = 1;
const IPV4_LENGTH = 4;
const VENDOR_ID_LENGTH = 3;
const MAX_PACKET_LENGTH = 0xffff;

/** FlexLab's label extension: the byte after the vendor ID, and its sub-TLV types. */
export const FLEXLAB_LABEL_FORMAT = 1;
export const FlexlabLabelTlv = { VrfLabel: 1, CieLabels: 2 } as const;
const LABEL_FIELD_LENGTH = 4;
const LABEL_TLV_HEADER_LENGTH = 4;

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

function parseCie(buf: Uint8Array, at: number, end: number, what: string): NhrpCie | WireError {
  if (end - at < NHRP_CIE_FIXED_LENGTH) return truncated(P, what, at, NHRP_CIE_FIXED_LENGTH, end - at);
  const nbmaLength = buf[at + 8];
  const subaddressLength = buf[at + 9];
  const protocolLength = buf[at + 10];
  if (nbmaLength !== 0 && nbmaLength !== IPV4_LENGTH) {
    return new WireError(P, `${what} client NBMA type/length`, at + 8, `0x${nbmaLength.toString(16)} is neither absent nor a 4-byte IPv4 address`);
  }
  if (subaddressLength !== 0) return new WireError(P, `${what} client NBMA subaddress type/length`, at + 9, `${subaddressLength}: IPv4 NBMA has no subaddress`);
  if (protocolLength !== 0 && protocolLength !== IPV4_LENGTH) {
    return new WireError(P, `${what} client protocol length`, at + 10, `${protocolLength} is neither absent nor a 4-byte IPv4 address`);
  }
  const length = NHRP_CIE_FIXED_LENGTH + nbmaLength + protocolLength;
  if (end - at < length) return truncated(P, `${what} addresses`, at + NHRP_CIE_FIXED_LENGTH, length - NHRP_CIE_FIXED_LENGTH, end - at - NHRP_CIE_FIXED_LENGTH);
  let addr = at + NHRP_CIE_FIXED_LENGTH;
  const clientNbma = nbmaLength === 0 ? undefined : readIpv4(buf, addr);
  addr += nbmaLength;
  const clientProtocol = protocolLength === 0 ? undefined : readIpv4(buf, addr);
  return {
    code: buf[at],
    prefixLength: buf[at + 1],
    mtu: readU16(buf, at + 4),
    holdingTime: readU16(buf, at + 6),
    preference: buf[at + 11],
    clientNbma,
    clientProtocol,
  };
}

/** The CIEs in `buf[at, end)`, which they must fill exactly. */
function parseCies(buf: Uint8Array, at: number, end: number, what: string): NhrpCie[] | WireError {
  const cies: NhrpCie[] = [];
  while (at < end) {
    const cie = parseCie(buf, at, end, `${what} CIE ${cies.length + 1}`);
    if (cie instanceof WireError) return cie;
    cies.push(cie);
    at += cieLength(cie);
  }
  return cies;
}

function parseLabelField(buf: Uint8Array, at: number, what: string): Label | WireError {
  const value = readU32(buf, at);
  if (value > LABEL_MAX) return new WireError(P, what, at, `0x${value.toString(16)}: a label is 20 bits, the top 12 bits of its field must be zero`);
  return value as Label;
}

/** FlexLab's label extension: `buf[at, end)` is the value after the vendor ID. */
function parseLabels(buf: Uint8Array, at: number, end: number): NhrpLabels | WireError {
  if (at >= end) return truncated(P, "label extension format", at, 1, 0);
  if (buf[at] !== FLEXLAB_LABEL_FORMAT) return new WireError(P, "label extension format", at, `format ${buf[at]} is not ${FLEXLAB_LABEL_FORMAT}`);
  at++;
  let vrfLabel: Label | undefined;
  let cieLabels: Label[] | undefined;
  while (at < end) {
    if (end - at < LABEL_TLV_HEADER_LENGTH) return truncated(P, "label sub-TLV header", at, LABEL_TLV_HEADER_LENGTH, end - at);
    const type = readU16(buf, at);
    const length = readU16(buf, at + 2);
    const value = at + LABEL_TLV_HEADER_LENGTH;
    if (length > end - value) return new WireError(P, "label sub-TLV length", at + 2, `${length} bytes run past the extension's end (${end - value} left)`);
    switch (type) {
      case FlexlabLabelTlv.VrfLabel: {
        if (vrfLabel !== undefined) return new WireError(P, "label sub-TLV type", at, "VRF label twice");
        if (length !== LABEL_FIELD_LENGTH) return new WireError(P, "VRF label length", at + 2, `${length} is not ${LABEL_FIELD_LENGTH}`);
        const label = parseLabelField(buf, value, "VRF label");
        if (label instanceof WireError) return label;
        vrfLabel = label;
        break;
      }
      case FlexlabLabelTlv.CieLabels: {
        if (cieLabels !== undefined) return new WireError(P, "label sub-TLV type", at, "CIE labels twice");
        if (length % LABEL_FIELD_LENGTH !== 0) return new WireError(P, "CIE labels length", at + 2, `${length} is not a multiple of ${LABEL_FIELD_LENGTH}`);
        cieLabels = [];
        for (let i = 0; i < length; i += LABEL_FIELD_LENGTH) {
          const label = parseLabelField(buf, value + i, `CIE label ${cieLabels.length + 1}`);
          if (label instanceof WireError) return label;
          cieLabels.push(label);
        }
        break;
      }
      default:
        return new WireError(P, "label sub-TLV type", at, `unknown type ${type}`);
    }
    at = value + length;
  }
  return { vrfLabel, cieLabels };
}

type MutableExtensions = { -readonly [K in keyof NhrpExtensions]: NhrpExtensions[K] };

function duplicate(at: number, name: string): WireError {
  return new WireError(P, "extension type", at, `${name} extension twice`);
}

/** The extensions in `buf[at, end)`, up to and including End. */
function parseExtensions(buf: Uint8Array, at: number, end: number): NhrpExtensions | WireError {
  const ext: MutableExtensions = {};
  let unknown: NhrpUnknownExtension[] | undefined;
  while (at < end) {
    if (end - at < NHRP_EXTENSION_HEADER_LENGTH) return truncated(P, "extension header", at, NHRP_EXTENSION_HEADER_LENGTH, end - at);
    const raw = readU16(buf, at);
    const type = raw & EXTENSION_TYPE_MASK;
    const length = readU16(buf, at + 2);
    const value = at + NHRP_EXTENSION_HEADER_LENGTH;
    const valueEnd = value + length;
    if (valueEnd > end) return new WireError(P, "extension length", at + 2, `${length} bytes run past the packet end (${end - value} left)`);
    switch (type) {
      case NhrpExtensionType.End:
        if (length !== 0) return new WireError(P, "End extension length", at + 2, `${length} is not 0`);
        return ext;
      case NhrpExtensionType.ResponderAddress: {
        if (ext.responder !== undefined) return duplicate(at, "responder address");
        if (length === 0) {
          ext.responder = null;
          break;
        }
        const cies = parseCies(buf, value, valueEnd, "responder address");
        if (cies instanceof WireError) return cies;
        if (cies.length !== 1) return new WireError(P, "responder address extension", value, `${cies.length} CIEs, not one`);
        ext.responder = cies[0];
        break;
      }
      case NhrpExtensionType.ForwardTransitNhsRecord:
      case NhrpExtensionType.ReverseTransitNhsRecord:
      case NhrpExtensionType.CiscoNatAddress: {
        const key = type === NhrpExtensionType.ForwardTransitNhsRecord ? "forwardTransit" : type === NhrpExtensionType.ReverseTransitNhsRecord ? "reverseTransit" : "nat";
        const name = key === "forwardTransit" ? "forward transit NHS record" : key === "reverseTransit" ? "reverse transit NHS record" : "NAT address";
        if (ext[key] !== undefined) return duplicate(at, name);
        const cies = parseCies(buf, value, valueEnd, name);
        if (cies instanceof WireError) return cies;
        ext[key] = cies;
        break;
      }
      case NhrpExtensionType.Authentication:
        if (ext.authentication !== undefined) return duplicate(at, "authentication");
        if (length < 4) return truncated(P, "authentication SPI", value, 4, length);
        ext.authentication = { spi: readU16(buf, value + 2), data: buf.subarray(value + 4, valueEnd) };
        break;
      case NhrpExtensionType.VendorPrivate: {
        if (length < VENDOR_ID_LENGTH) return truncated(P, "vendor ID", value, VENDOR_ID_LENGTH, length);
        const vendor = (buf[value] << 16) | (buf[value + 1] << 8) | buf[value + 2];
        if (vendor === FLEXLAB_LABEL_OUI) {
          if (ext.labels !== undefined) return duplicate(at, "FlexLab label");
          const labels = parseLabels(buf, value + VENDOR_ID_LENGTH, valueEnd);
          if (labels instanceof WireError) return labels;
          ext.labels = labels;
          break;
        }
        (unknown ??= []).push({ type, compulsory: (raw & NHRP_EXTENSION_COMPULSORY) !== 0, data: buf.subarray(value, valueEnd) });
        ext.unknown = unknown;
        break;
      }
      default:
        (unknown ??= []).push({ type, compulsory: (raw & NHRP_EXTENSION_COMPULSORY) !== 0, data: buf.subarray(value, valueEnd) });
        ext.unknown = unknown;
    }
    at = valueEnd;
  }
  return ext;
}

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

export function cieLength(cie: NhrpCie): number {
  return NHRP_CIE_FIXED_LENGTH + (cie.clientNbma === undefined ? 0 : IPV4_LENGTH) + (cie.clientProtocol === undefined ? 0 : IPV4_LENGTH);
}

function ciesLength(cies: readonly NhrpCie[]): number {
  let n = 0;
  for (const c of cies) n += cieLength(c);
  return n;
}

function labelsLength(labels: NhrpLabels): number {
  return (
    VENDOR_ID_LENGTH +
    1 +
    (labels.vrfLabel === undefined ? 0 : LABEL_TLV_HEADER_LENGTH + LABEL_FIELD_LENGTH) +
    (labels.cieLabels === undefined ? 0 : LABEL_TLV_HEADER_LENGTH + LABEL_FIELD_LENGTH * labels.cieLabels.length)
  );
}

/** Bytes of the extensions, End included; 0 when there are none to send. */
function extensionsLength(ext: NhrpExtensions): number {
  let n = 0;
  const h = NHRP_EXTENSION_HEADER_LENGTH;
  if (ext.responder !== undefined) n += h + (ext.responder === null ? 0 : cieLength(ext.responder));
  if (ext.forwardTransit !== undefined) n += h + ciesLength(ext.forwardTransit);
  if (ext.reverseTransit !== undefined) n += h + ciesLength(ext.reverseTransit);
  if (ext.authentication !== undefined) n += h + 4 + ext.authentication.data.length;
  if (ext.nat !== undefined) n += h + ciesLength(ext.nat);
  if (ext.labels !== undefined) n += h + labelsLength(ext.labels);
  if (ext.unknown !== undefined) for (const u of ext.unknown) n += h + u.data.length;
  return n === 0 ? 0 : n + h;
}

function bodyLength(p: NhrpPacket): number {
  return p.type === NhrpType.ErrorIndication || p.type === NhrpType.TrafficIndication ? p.packet.length : ciesLength(p.cies);
}

/** The size `emitNhrp` makes `p`. */
export function nhrpLength(p: NhrpPacket): number {
  return NHRP_FIXED_HEADER_LENGTH + NHRP_MANDATORY_FIXED_LENGTH + bodyLength(p) + extensionsLength(p.extensions);
}

function writeCie(buf: Uint8Array, at: number, cie: NhrpCie): number {
  buf[at] = cie.code;
  buf[at + 1] = cie.prefixLength;
  writeU16(buf, at + 4, cie.mtu);
  writeU16(buf, at + 6, cie.holdingTime);
  buf[at + 8] = cie.clientNbma === undefined ? 0 : IPV4_LENGTH;
  buf[at + 10] = cie.clientProtocol === undefined ? 0 : IPV4_LENGTH;
  buf[at + 11] = cie.preference;
  at += NHRP_CIE_FIXED_LENGTH;
  if (cie.clientNbma !== undefined) {
    writeIpv4(buf, at, cie.clientNbma);
    at += IPV4_LENGTH;
  }
  if (cie.clientProtocol !== undefined) {
    writeIpv4(buf, at, cie.clientProtocol);
    at += IPV4_LENGTH;
  }
  return at;
}

function writeCies(buf: Uint8Array, at: number, cies: readonly NhrpCie[]): number {
  for (const c of cies) at = writeCie(buf, at, c);
  return at;
}

function writeLabelField(buf: Uint8Array, at: number, label: Label): void {
  if (!Number.isInteger(label) || label < 0 || label > LABEL_MAX) throw new RangeError(`emitNhrp: ${label} is not a 20-bit label`);
  writeU32(buf, at, label);
}

/** Writes an extension header for the value written by `body` (which returns its end). */
function writeExtension(buf: Uint8Array, at: number, typeWithFlag: number, body: (valueAt: number) => number): number {
  const end = body(at + NHRP_EXTENSION_HEADER_LENGTH);
  const length = end - at - NHRP_EXTENSION_HEADER_LENGTH;
  if (length > MAX_PACKET_LENGTH) throw new RangeError(`emitNhrp: extension 0x${typeWithFlag.toString(16)} is ${length} bytes`);
  writeU16(buf, at, typeWithFlag);
  writeU16(buf, at + 2, length);
  return end;
}

function writeLabels(buf: Uint8Array, at: number, labels: NhrpLabels): number {
  buf[at] = FLEXLAB_LABEL_OUI >>> 16;
  buf[at + 1] = (FLEXLAB_LABEL_OUI >>> 8) & 0xff;
  buf[at + 2] = FLEXLAB_LABEL_OUI & 0xff;
  buf[at + 3] = FLEXLAB_LABEL_FORMAT;
  at += VENDOR_ID_LENGTH + 1;
  if (labels.vrfLabel !== undefined) {
    writeU16(buf, at, FlexlabLabelTlv.VrfLabel);
    writeU16(buf, at + 2, LABEL_FIELD_LENGTH);
    writeLabelField(buf, at + 4, labels.vrfLabel);
    at += LABEL_TLV_HEADER_LENGTH + LABEL_FIELD_LENGTH;
  }
  if (labels.cieLabels !== undefined) {
    const length = LABEL_FIELD_LENGTH * labels.cieLabels.length;
    if (length > MAX_PACKET_LENGTH) throw new RangeError(`emitNhrp: ${labels.cieLabels.length} CIE labels do not fit one sub-TLV`);
    writeU16(buf, at, FlexlabLabelTlv.CieLabels);
    writeU16(buf, at + 2, length);
    at += LABEL_TLV_HEADER_LENGTH;
    for (const label of labels.cieLabels) {
      writeLabelField(buf, at, label);
      at += LABEL_FIELD_LENGTH;
    }
  }
  return at;
}

function writeExtensions(buf: Uint8Array, at: number, ext: NhrpExtensions): number {
  const C = NHRP_EXTENSION_COMPULSORY;
  const T = NhrpExtensionType;
  const responder = ext.responder;
  if (responder !== undefined) at = writeExtension(buf, at, C | T.ResponderAddress, (v) => (responder === null ? v : writeCie(buf, v, responder)));
  const forward = ext.forwardTransit;
  if (forward !== undefined) at = writeExtension(buf, at, C | T.ForwardTransitNhsRecord, (v) => writeCies(buf, v, forward));
  const reverse = ext.reverseTransit;
  if (reverse !== undefined) at = writeExtension(buf, at, C | T.ReverseTransitNhsRecord, (v) => writeCies(buf, v, reverse));
  const auth = ext.authentication;
  if (auth !== undefined) {
    at = writeExtension(buf, at, C | T.Authentication, (v) => {
      writeU16(buf, v, 0);
      writeU16(buf, v + 2, auth.spi);
      buf.set(auth.data, v + 4);
      return v + 4 + auth.data.length;
    });
  }
  const nat = ext.nat;
  if (nat !== undefined) at = writeExtension(buf, at, T.CiscoNatAddress, (v) => writeCies(buf, v, nat));
  const labels = ext.labels;
  if (labels !== undefined) at = writeExtension(buf, at, T.VendorPrivate, (v) => writeLabels(buf, v, labels));
  if (ext.unknown !== undefined) {
    for (const u of ext.unknown) {
      at = writeExtension(buf, at, (u.compulsory ? C : 0) | (u.type & EXTENSION_TYPE_MASK), (v) => {
        buf.set(u.data, v);
        return v + u.data.length;
      });
    }
  }
  return writeExtension(buf, at, C | T.End, (v) => v);
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
