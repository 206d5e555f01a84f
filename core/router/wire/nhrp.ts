// NHRP (RFC 2332) as it rides GRE protocol type 0x2001 in DMVPN and FlexVPN, with the
// traffic indication (type 8) that phase 3 uses as its redirect, and the extensions IOS
// sends: responder address, forward and reverse transit NHS records, authentication,
// Cisco's NAT address, and one vendor-private extension of our own for MPLS labels.
//
// Only IPv4 over IPv4 is modelled (ar$afn 1, ar$pro.type 0x0800, 4-byte addresses); any
// other address family parses to a WireError, and the router counts and drops it.
//
// The MPLS label extension (no public standard encodes it; see protocols.md): a vendor
// private extension (type 8, not compulsory, so other NHRP speakers skip it) whose 3-byte
// vendor ID is FLEXLAB_LABEL_OUI, followed by the encoding documented at emit/parse below.
// It carries `vrfLabel` (the overlay label that names the VRF a redirect or a resolution
// request is about) and `cieLabels` (one label per CIE, in CIE order: the mandatory part's
// CIEs, then the responder address extension's CIE; 3 is implicit-null).
import type { Ipv4 } from "./addr";
import type { Label } from "./mpls";

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
