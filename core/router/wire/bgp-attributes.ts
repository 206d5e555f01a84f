// BGP path attributes (RFC 4271 §4.3, §5): flags, type, 1- or 2-octet length, value, for
// ORIGIN, AS_PATH (segments in bgp-aspath.ts), NEXT_HOP, MULTI_EXIT_DISC, LOCAL_PREF, ATOMIC_AGGREGATE, AGGREGATOR,
// COMMUNITIES (RFC 1997), ORIGINATOR_ID and CLUSTER_LIST (RFC 4456), MP_REACH_NLRI and
// MP_UNREACH_NLRI (RFC 4760, values in bgp-mp.ts), EXTENDED_COMMUNITIES (RFC 4360, values in
// bgp-communities.ts), AS4_PATH and AS4_AGGREGATOR (RFC 6793). Any other type is kept as
// flags, code and value bytes, so it round-trips.
//
// Errors follow RFC 7606: `parsePathAttributes` returns the attributes it could read and a
// list of faults, each a BgpError naming the attribute and the action (treat-as-withdraw or
// attribute-discard); only errors RFC 7606 still answers with a session reset (a malformed
// MP_REACH_NLRI, say) come back instead of the result. AS numbers in AS_PATH and AGGREGATOR
// are 2 or 4 octets as the session negotiated (RFC 6793), which the caller passes in.
//
// VPN-IPv4 NLRI comes as one repr per route (family "vpnv4"), or, with `packedVpnv4`, as
// validated wire bytes and a count (family "vpnv4-packed") for a Vpnv4NlriReader to walk.

import { readIpv4, writeIpv4, type Ipv4 } from "./addr";
import { readU16, readU32, writeU16, writeU32 } from "./bytes";
import { asPathLength, asn2, parseAsPath, writeAsPath, type AsPathSegment } from "./bgp-aspath";
import { readExtendedCommunity, writeExtendedCommunity, type ExtendedCommunity } from "./bgp-communities";
import { BgpError, BgpUpdateSubcode, BgpErrorCode, type BgpErrorAction } from "./bgp-errors";
import {
  mpReachLength,
  mpUnreachLength,
  parseMpReach,
  parseMpUnreach,
  writeMpReach,
  writeMpUnreach,
  type AttributeValueError as Bad,
  type Flagged,
  type MpReachNlri,
  type MpUnreachNlri,
} from "./bgp-mp";

/** How a session encodes what the bytes alone do not say. */
export interface BgpCodecOptions {
  /** Both speakers sent the 4-octet AS capability: AS_PATH and AGGREGATOR carry 4-octet AS
   * numbers (RFC 6793 §3). */
  readonly fourOctetAs: boolean;
  /** Parse VPN-IPv4 NLRI into `vpnv4-packed` attributes (validated bytes and a count, walked
   * with a Vpnv4NlriReader) instead of one repr per route: the receive path's
   * allocation-light way through an UPDATE of hundreds of VPN routes. */
  readonly packedVpnv4?: boolean;
}

/** Attribute type codes. */
export const BgpAttrType = {
  Origin: 1,
  AsPath: 2,
  NextHop: 3,
  MultiExitDisc: 4,
  LocalPref: 5,
  AtomicAggregate: 6,
  Aggregator: 7,
  Communities: 8,
  OriginatorId: 9,
  ClusterList: 10,
  MpReachNlri: 14,
  MpUnreachNlri: 15,
  ExtendedCommunities: 16,
  As4Path: 17,
  As4Aggregator: 18,
} as const;

const attrNames = new Map<number, string>(Object.entries(BgpAttrType).map(([name, value]) => [value, name]));

/** "MpReachNlri", or "Unknown(99)". */
export function bgpAttrTypeName(code: number): string {
  return attrNames.get(code) ?? `Unknown(${code})`;
}

/** Attribute flag bits (RFC 4271 §4.3). The low four bits are unused, sent as zero and kept
 * as received. */
export const BgpAttrFlag = { Optional: 0x80, Transitive: 0x40, Partial: 0x20, ExtendedLength: 0x10 } as const;

/** ORIGIN values (RFC 4271 §5.1.1). */
export const BgpOrigin = { Igp: 0, Egp: 1, Incomplete: 2 } as const;

export type PathAttribute =
  | (Flagged & { readonly type: "origin"; readonly origin: number })
  | (Flagged & { readonly type: "as-path"; readonly segments: readonly AsPathSegment[] })
  | (Flagged & { readonly type: "next-hop"; readonly nextHop: Ipv4 })
  | (Flagged & { readonly type: "med"; readonly med: number })
  | (Flagged & { readonly type: "local-pref"; readonly localPref: number })
  | (Flagged & { readonly type: "atomic-aggregate" })
  | (Flagged & { readonly type: "aggregator"; readonly asn: number; readonly address: Ipv4 })
  | (Flagged & { readonly type: "communities"; readonly communities: readonly number[] })
  | (Flagged & { readonly type: "originator-id"; readonly originatorId: Ipv4 })
  | (Flagged & { readonly type: "cluster-list"; readonly clusterIds: readonly Ipv4[] })
  | MpReachNlri
  | MpUnreachNlri
  | (Flagged & { readonly type: "extended-communities"; readonly communities: readonly ExtendedCommunity[] })
  | (Flagged & { readonly type: "as4-path"; readonly segments: readonly AsPathSegment[] })
  | (Flagged & { readonly type: "as4-aggregator"; readonly asn: number; readonly address: Ipv4 })
  | { readonly type: "unknown"; readonly flags: number; readonly code: number; readonly value: Uint8Array };

const WELL_KNOWN = BgpAttrFlag.Transitive;
const OPTIONAL = BgpAttrFlag.Optional;
const OPTIONAL_TRANSITIVE = BgpAttrFlag.Optional | BgpAttrFlag.Transitive;

/** Per known type: its repr name, its optional/transitive bits, and what RFC 7606 does
 * when it is malformed (§7.1-7.14; RFC 6793 §6 for the AS4 attributes). */
const KNOWN: Record<number, { readonly name: PathAttribute["type"]; readonly flags: number; readonly action: BgpErrorAction }> = {
  [BgpAttrType.Origin]: { name: "origin", flags: WELL_KNOWN, action: "treat-as-withdraw" },
  [BgpAttrType.AsPath]: { name: "as-path", flags: WELL_KNOWN, action: "treat-as-withdraw" },
  [BgpAttrType.NextHop]: { name: "next-hop", flags: WELL_KNOWN, action: "treat-as-withdraw" },
  [BgpAttrType.MultiExitDisc]: { name: "med", flags: OPTIONAL, action: "treat-as-withdraw" },
  [BgpAttrType.LocalPref]: { name: "local-pref", flags: WELL_KNOWN, action: "treat-as-withdraw" },
  [BgpAttrType.AtomicAggregate]: { name: "atomic-aggregate", flags: WELL_KNOWN, action: "attribute-discard" },
  [BgpAttrType.Aggregator]: { name: "aggregator", flags: OPTIONAL_TRANSITIVE, action: "attribute-discard" },
  [BgpAttrType.Communities]: { name: "communities", flags: OPTIONAL_TRANSITIVE, action: "treat-as-withdraw" },
  [BgpAttrType.OriginatorId]: { name: "originator-id", flags: OPTIONAL, action: "treat-as-withdraw" },
  [BgpAttrType.ClusterList]: { name: "cluster-list", flags: OPTIONAL, action: "treat-as-withdraw" },
  [BgpAttrType.MpReachNlri]: { name: "mp-reach", flags: OPTIONAL, action: "session-reset" },
  [BgpAttrType.MpUnreachNlri]: { name: "mp-unreach", flags: OPTIONAL, action: "session-reset" },
  [BgpAttrType.ExtendedCommunities]: { name: "extended-communities", flags: OPTIONAL_TRANSITIVE, action: "treat-as-withdraw" },
  [BgpAttrType.As4Path]: { name: "as4-path", flags: OPTIONAL_TRANSITIVE, action: "attribute-discard" },
  [BgpAttrType.As4Aggregator]: { name: "as4-aggregator", flags: OPTIONAL_TRANSITIVE, action: "attribute-discard" },
};

const CODE_OF = new Map<string, number>(Object.entries(KNOWN).map(([code, k]) => [k.name, Number(code)]));

/** The optional/transitive bits a known attribute type is sent with; undefined for types
 * this file does not decode. */
export function defaultAttributeFlags(code: number): number | undefined {
  return KNOWN[code]?.flags;
}

/** The type code of an attribute repr. */
export function pathAttributeCode(attr: PathAttribute): number {
  return attr.type === "unknown" ? attr.code : (CODE_OF.get(attr.type) as number);
}

export interface PathAttributes {
  /** The attributes read, in message order; faulty ones and repeats left out. */
  readonly attributes: readonly PathAttribute[];
  /** Non-fatal errors: each names its attribute and is treat-as-withdraw or
   * attribute-discard. */
  readonly faults: readonly BgpError[];
}

const lengthError = (reason: string): Bad => ({ reason, subcode: BgpUpdateSubcode.AttributeLengthError });

/** Parses the Path Attributes field `buf[start, end)` of an UPDATE. */
export function parsePathAttributes(buf: Uint8Array, start: number, end: number, options: BgpCodecOptions): PathAttributes | BgpError {
  const attributes: PathAttribute[] = [];
  const faults: BgpError[] = [];
  const seen = new Uint32Array(8); // a bit per type code already read (RFC 7606 §3(g))
  let at = start;
  while (at < end) {
    const flags = buf[at];
    const extended = (flags & BgpAttrFlag.ExtendedLength) !== 0;
    const headerLength = extended ? 4 : 3;
    if (at + headerLength > end) {
      // RFC 7606 §4: the list cannot be read further; what was read decides nothing.
      faults.push(attrFault("attribute header", at, `${end - at} bytes left, a header needs ${headerLength}`, "treat-as-withdraw", BgpUpdateSubcode.MalformedAttributeList, buf.slice(at, end)));
      break;
    }
    const code = buf[at + 1];
    const length = extended ? readU16(buf, at + 2) : buf[at + 2];
    const valueAt = at + headerLength;
    const next = valueAt + length;
    const known = KNOWN[code];
    const name = known?.name ?? `attribute ${code}`;
    if (next > end) {
      const fault = attrFault(`${name} length`, at + 2, `${length} bytes run past the path attributes (${end - valueAt} left)`, "treat-as-withdraw", BgpUpdateSubcode.AttributeLengthError, buf.slice(at, end), code);
      if (code === BgpAttrType.MpReachNlri || code === BgpAttrType.MpUnreachNlri) return reset(fault);
      faults.push(fault);
      break;
    }
    const whole = (): Uint8Array => buf.slice(at, next);
    const bit = 1 << (code & 31);
    if (seen[code >>> 5] & bit) {
      // RFC 7606 §3(g): a repeated MP_(UN)REACH_NLRI resets; any other repeat is dropped.
      const action: BgpErrorAction = known?.action === "session-reset" ? "session-reset" : "attribute-discard";
      const fault = attrFault(name, at, "appears more than once", action, BgpUpdateSubcode.MalformedAttributeList, whole(), code);
      if (action === "session-reset") return fault;
      faults.push(fault);
      at = next;
      continue;
    }
    seen[code >>> 5] |= bit;
    if (known === undefined) {
      // RFC 4271 §6.3: an unrecognized well-known attribute is an error; optional ones pass.
      if ((flags & BgpAttrFlag.Optional) === 0) {
        return attrFault(name, at, "is not optional, and no well-known attribute has this type", "session-reset", BgpUpdateSubcode.UnrecognizedWellKnownAttribute, whole(), code);
      }
      attributes.push({ type: "unknown", flags, code, value: buf.slice(valueAt, next) });
      at = next;
      continue;
    }
    let bad: Bad | undefined;
    if ((flags & OPTIONAL_TRANSITIVE) !== known.flags) {
      // RFC 7606 §3(c): wrong optional/transitive bits make the attribute malformed.
      bad = { reason: `flags 0x${flags.toString(16)} should have optional/transitive bits 0x${known.flags.toString(16)}`, subcode: BgpUpdateSubcode.AttributeFlagsError };
    }
    const value = bad ?? decodeValue(code, flags, buf, valueAt, next, options);
    if ("reason" in value) {
      const fault = attrFault(name, at, value.reason, known.action, value.subcode, whole(), code);
      if (known.action === "session-reset") return fault;
      faults.push(fault);
    } else {
      attributes.push(value);
    }
    at = next;
  }
  return { attributes, faults };
}

function attrFault(field: string, offset: number, reason: string, action: BgpErrorAction, subcode: number, data: Uint8Array, code?: number): BgpError {
  // RFC 4271 §6.3 gives Malformed Attribute List no data; the other subcodes carry the attribute.
  const sent = subcode === BgpUpdateSubcode.MalformedAttributeList ? new Uint8Array(0) : data;
  return new BgpError(field, offset, reason, action, BgpErrorCode.UpdateMessage, subcode, sent, code);
}

function reset(fault: BgpError): BgpError {
  return new BgpError(fault.field, fault.offset, fault.reason, "session-reset", fault.code, fault.subcode, fault.data, fault.attributeType);
}

function decodeValue(code: number, flags: number, buf: Uint8Array, at: number, end: number, options: BgpCodecOptions): PathAttribute | Bad {
  const length = end - at;
  const fixed = (n: number): Bad | undefined => (length === n ? undefined : lengthError(`length ${length}, must be ${n}`));
  switch (code) {
    case BgpAttrType.Origin: {
      const bad = fixed(1);
      if (bad) return bad;
      if (buf[at] > BgpOrigin.Incomplete) return { reason: `value ${buf[at]} is not IGP, EGP or INCOMPLETE`, subcode: BgpUpdateSubcode.InvalidOriginAttribute };
      return { type: "origin", flags, origin: buf[at] };
    }
    case BgpAttrType.AsPath:
    case BgpAttrType.As4Path: {
      const segments = parseAsPath(buf, at, end, code === BgpAttrType.As4Path || options.fourOctetAs);
      if (typeof segments === "string") return { reason: segments, subcode: code === BgpAttrType.AsPath ? BgpUpdateSubcode.MalformedAsPath : BgpUpdateSubcode.OptionalAttributeError };
      return code === BgpAttrType.AsPath ? { type: "as-path", flags, segments } : { type: "as4-path", flags, segments };
    }
    case BgpAttrType.NextHop:
      return fixed(4) ?? { type: "next-hop", flags, nextHop: readIpv4(buf, at) };
    case BgpAttrType.MultiExitDisc:
      return fixed(4) ?? { type: "med", flags, med: readU32(buf, at) };
    case BgpAttrType.LocalPref:
      return fixed(4) ?? { type: "local-pref", flags, localPref: readU32(buf, at) };
    case BgpAttrType.AtomicAggregate:
      return fixed(0) ?? { type: "atomic-aggregate", flags };
    case BgpAttrType.Aggregator:
    case BgpAttrType.As4Aggregator: {
      const four = code === BgpAttrType.As4Aggregator || options.fourOctetAs;
      const bad = fixed(four ? 8 : 6);
      if (bad) return bad;
      const asn = four ? readU32(buf, at) : readU16(buf, at);
      const address = readIpv4(buf, at + (four ? 4 : 2));
      return code === BgpAttrType.Aggregator ? { type: "aggregator", flags, asn, address } : { type: "as4-aggregator", flags, asn, address };
    }
    case BgpAttrType.Communities:
    case BgpAttrType.ClusterList: {
      if (length % 4 !== 0) return lengthError(`length ${length} is not a multiple of 4`);
      const values: number[] = [];
      for (let i = at; i < end; i += 4) values.push(readU32(buf, i));
      return code === BgpAttrType.Communities ? { type: "communities", flags, communities: values } : { type: "cluster-list", flags, clusterIds: values as Ipv4[] };
    }
    case BgpAttrType.OriginatorId:
      return fixed(4) ?? { type: "originator-id", flags, originatorId: readIpv4(buf, at) };
    case BgpAttrType.ExtendedCommunities: {
      if (length % 8 !== 0) return lengthError(`length ${length} is not a multiple of 8`);
      const communities: ExtendedCommunity[] = [];
      for (let i = at; i < end; i += 8) communities.push(readExtendedCommunity(buf, i));
      return { type: "extended-communities", flags, communities };
    }
    case BgpAttrType.MpReachNlri:
      return parseMpReach(buf, at, end, flags, options.packedVpnv4);
    case BgpAttrType.MpUnreachNlri:
      return parseMpUnreach(buf, at, end, flags, options.packedVpnv4);
  }
  throw new Error(`bgp: no decoder for known attribute ${code}`); // KNOWN and this switch disagree: a bug
}

// ---- emit -----------------------------------------------------------------------------

/** The bytes of an attribute's value. */
function valueLength(attr: PathAttribute, options: BgpCodecOptions): number {
  switch (attr.type) {
    case "origin":
      return 1;
    case "as-path":
    case "as4-path": {
      return asPathLength(attr.segments, attr.type === "as4-path" || options.fourOctetAs);
    }
    case "next-hop":
    case "med":
    case "local-pref":
    case "originator-id":
      return 4;
    case "atomic-aggregate":
      return 0;
    case "aggregator":
      return options.fourOctetAs ? 8 : 6;
    case "as4-aggregator":
      return 8;
    case "communities":
      return 4 * attr.communities.length;
    case "cluster-list":
      return 4 * attr.clusterIds.length;
    case "extended-communities":
      return 8 * attr.communities.length;
    case "mp-reach":
      return mpReachLength(attr);
    case "mp-unreach":
      return mpUnreachLength(attr);
    case "unknown":
      return attr.value.length;
  }
  throw new Error("bgp: unhandled attribute"); // unreachable for a well-typed repr
}

function flagsFor(attr: PathAttribute, length: number): number {
  const flags = attr.flags ?? KNOWN[pathAttributeCode(attr)].flags;
  return length > 255 ? flags | BgpAttrFlag.ExtendedLength : flags;
}

/** Bytes the attributes take on the wire, headers included. */
export function pathAttributesLength(attributes: readonly PathAttribute[], options: BgpCodecOptions): number {
  let n = 0;
  for (const attr of attributes) {
    const length = valueLength(attr, options);
    n += (flagsFor(attr, length) & BgpAttrFlag.ExtendedLength ? 4 : 3) + length;
  }
  return n;
}

/** Writes the attributes at `at` and returns the offset after them. Throws on a value the
 * session cannot carry (a 4-octet AS on a 2-octet session, an over-long segment or value):
 * a bug in the caller. */
export function writePathAttributes(buf: Uint8Array, at: number, attributes: readonly PathAttribute[], options: BgpCodecOptions): number {
  for (const attr of attributes) {
    const length = valueLength(attr, options);
    if (length > 0xffff) throw new RangeError(`bgp: ${attr.type} value of ${length} bytes does not fit an attribute`);
    const flags = flagsFor(attr, length);
    buf[at] = flags;
    buf[at + 1] = pathAttributeCode(attr);
    if (flags & BgpAttrFlag.ExtendedLength) {
      writeU16(buf, at + 2, length);
      at += 4;
    } else {
      buf[at + 2] = length;
      at += 3;
    }
    writeValue(attr, buf, at, options);
    at += length;
  }
  return at;
}

function writeValue(attr: PathAttribute, buf: Uint8Array, at: number, options: BgpCodecOptions): void {
  switch (attr.type) {
    case "origin":
      buf[at] = attr.origin;
      return;
    case "as-path":
    case "as4-path": {
      writeAsPath(buf, at, attr.segments, attr.type === "as4-path" || options.fourOctetAs);
      return;
    }
    case "next-hop":
      writeIpv4(buf, at, attr.nextHop);
      return;
    case "med":
      writeU32(buf, at, attr.med);
      return;
    case "local-pref":
      writeU32(buf, at, attr.localPref);
      return;
    case "originator-id":
      writeIpv4(buf, at, attr.originatorId);
      return;
    case "atomic-aggregate":
      return;
    case "aggregator":
    case "as4-aggregator": {
      const four = attr.type === "as4-aggregator" || options.fourOctetAs;
      if (four) writeU32(buf, at, attr.asn);
      else writeU16(buf, at, asn2(attr.asn));
      writeIpv4(buf, at + (four ? 4 : 2), attr.address);
      return;
    }
    case "communities":
      for (let i = 0; i < attr.communities.length; i++) writeU32(buf, at + 4 * i, attr.communities[i]);
      return;
    case "cluster-list":
      for (let i = 0; i < attr.clusterIds.length; i++) writeU32(buf, at + 4 * i, attr.clusterIds[i]);
      return;
    case "extended-communities":
      for (let i = 0; i < attr.communities.length; i++) writeExtendedCommunity(buf, at + 8 * i, attr.communities[i]);
      return;
    case "mp-reach":
      writeMpReach(attr, buf, at);
      return;
    case "mp-unreach":
      writeMpUnreach(attr, buf, at);
      return;
    case "unknown":
      buf.set(attr.value, at);
      return;
  }
}
