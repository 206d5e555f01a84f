// NHRP's Client Information Entry (RFC 2332 §5.2.0.1): the record that carries a binding in
// the mandatory part of types 1-6 and in the responder address, transit NHS record and NAT
// address extensions (nhrp-extensions.ts). As everywhere in nhrp.ts, only IPv4 is modelled.
//
// Layout (all fields big-endian):
//   CIE (12 + addresses): code (1), prefix length (1), unused (2), MTU (2), holding time (2),
//     client NBMA type/len (1, 0 or 4), client subaddress type/len (1, 0), client protocol
//     length (1, 0 or 4), preference (1), client NBMA address, client protocol address.
import { readIpv4, writeIpv4, type Ipv4 } from "./addr";
import { readU16, writeU16 } from "./bytes";
import { WireError, truncated } from "./errors";

/** CIE codes (RFC 2332 §5.2.0.1 and the per-type lists). */
export const NhrpCieCode = {
  Success: 0,
  AdministrativelyProhibited: 4,
  InsufficientResources: 5,
  NoBindingExists: 12,
  BindingNotUnique: 13,
  UniqueAddressRegistered: 14,
} as const;

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

export const NHRP_CIE_FIXED_LENGTH = 12;

/** The length of an IPv4 address, the only NBMA and protocol address modelled. */
export const IPV4_LENGTH = 4;

const P = "nhrp";

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
export function parseCies(buf: Uint8Array, at: number, end: number, what: string): NhrpCie[] | WireError {
  const cies: NhrpCie[] = [];
  while (at < end) {
    const cie = parseCie(buf, at, end, `${what} CIE ${cies.length + 1}`);
    if (cie instanceof WireError) return cie;
    cies.push(cie);
    at += cieLength(cie);
  }
  return cies;
}

/** Bytes `cie` takes on the wire. */
export function cieLength(cie: NhrpCie): number {
  return NHRP_CIE_FIXED_LENGTH + (cie.clientNbma === undefined ? 0 : IPV4_LENGTH) + (cie.clientProtocol === undefined ? 0 : IPV4_LENGTH);
}

/** Bytes `cies` take on the wire. */
export function ciesLength(cies: readonly NhrpCie[]): number {
  let n = 0;
  for (const c of cies) n += cieLength(c);
  return n;
}

/** Writes `cie` at `at` (unused bytes left as they are: zero in a new buffer); returns its end. */
export function writeCie(buf: Uint8Array, at: number, cie: NhrpCie): number {
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

/** Writes `cies` one after another at `at`; returns their end. */
export function writeCies(buf: Uint8Array, at: number, cies: readonly NhrpCie[]): number {
  for (const c of cies) at = writeCie(buf, at, c);
  return at;
}
