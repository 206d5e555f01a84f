// Multiprotocol BGP (RFC 4760): the MP_REACH_NLRI and MP_UNREACH_NLRI attribute values, with
// their AFI/SAFI, next hop and NLRI, for IPv4 unicast, labelled IPv4 unicast (RFC 8277, SAFI 4:
// a label stack before each prefix) and VPN-IPv4 (RFC 4364: the next hop an RD of zero and an
// IPv4 address); other families keep next hop and NLRI as bytes. VPN-IPv4
// NLRI comes as one repr per route (family "vpnv4") or, packed, as validated wire bytes and a
// count (family "vpnv4-packed") for a Vpnv4NlriReader to walk. The attribute header around
// these values, and the RFC 7606 handling of their errors, is in bgp-attributes.ts.

import { readIpv4, writeIpv4, type Ipv4, type Prefix } from "./addr";
import { readU16, writeU16 } from "./bytes";
import { BgpUpdateSubcode } from "./bgp-errors";
import {
  RD_LENGTH,
  Vpnv4NlriReader,
  ipv4PrefixesLength,
  labelledIpv4NlriLength,
  parseLabelledIpv4Nlri,
  writeLabelledIpv4Nlri,
  type LabelledIpv4Route,
  parseIpv4Prefixes,
  parseVpnv4Nlri,
  vpnv4NlriLength,
  writeIpv4Prefixes,
  writeVpnv4Nlri,
  type Vpnv4Route,
  type Vpnv4Withdrawal,
} from "./bgp-nlri";
import { isWireError } from "./errors";

/** VPN-IPv4 NLRI left in wire form: `bytes` (a subarray of the message when parsed) holds
 * `count` well-formed routes. Walk them with `Vpnv4NlriReader`; emit copies the bytes. */
export interface PackedVpnv4Nlri {
  readonly bytes: Uint8Array;
  readonly count: number;
}

/** Address family identifiers and subsequent AFIs (RFC 4760, RFC 4364 §4.3.4). */
export const Afi = { Ipv4: 1, Ipv6: 2 } as const;
export const Safi = { Unicast: 1, Multicast: 2, MplsLabel: 4, MplsVpn: 128 } as const;

export interface Flagged {
  /** The flags octet as received. When emitting, absent means the attribute's usual flags;
   * the extended-length bit is added whenever the value needs it. */
  readonly flags?: number;
}

/** A value problem: the reason and the UPDATE Message Error subcode RFC 4271 §6.3 gives it. */
export interface AttributeValueError {
  readonly reason: string;
  readonly subcode: number;
}

/** MP_REACH_NLRI (RFC 4760 §3). VPN-IPv4's next hop is an RD of zero and an IPv4 address
 * (RFC 4364 §4.3.2); other families keep next hop and NLRI as bytes. */
export type MpReachNlri = Flagged &
  (
    | { readonly type: "mp-reach"; readonly family: "ipv4-unicast"; readonly nextHop: Ipv4; readonly nlri: readonly Prefix[] }
    | { readonly type: "mp-reach"; readonly family: "ipv4-labelled"; readonly nextHop: Ipv4; readonly nlri: readonly LabelledIpv4Route[] }
    | { readonly type: "mp-reach"; readonly family: "vpnv4"; readonly nextHop: Ipv4; readonly nlri: readonly Vpnv4Route[] }
    | { readonly type: "mp-reach"; readonly family: "vpnv4-packed"; readonly nextHop: Ipv4; readonly nlri: PackedVpnv4Nlri }
    | { readonly type: "mp-reach"; readonly family: "other"; readonly afi: number; readonly safi: number; readonly nextHop: Uint8Array; readonly nlri: Uint8Array }
  );

/** MP_UNREACH_NLRI (RFC 4760 §4). An empty one is the family's End-of-RIB (RFC 4724 §2). */
export type MpUnreachNlri = Flagged &
  (
    | { readonly type: "mp-unreach"; readonly family: "ipv4-unicast"; readonly withdrawn: readonly Prefix[] }
    | { readonly type: "mp-unreach"; readonly family: "ipv4-labelled"; readonly withdrawn: readonly Prefix[] }
    | { readonly type: "mp-unreach"; readonly family: "vpnv4"; readonly withdrawn: readonly Vpnv4Withdrawal[] }
    | { readonly type: "mp-unreach"; readonly family: "vpnv4-packed"; readonly withdrawn: PackedVpnv4Nlri }
    | { readonly type: "mp-unreach"; readonly family: "other"; readonly afi: number; readonly safi: number; readonly withdrawn: Uint8Array }
  );

const mpError = (reason: string): AttributeValueError => ({ reason, subcode: BgpUpdateSubcode.OptionalAttributeError });

/** One reader for validating packed NLRI: parsing is not re-entrant, so it can be shared. */
const packedReader = new Vpnv4NlriReader();

/** Validates VPN-IPv4 NLRI in place and counts the routes. */
function packVpnv4(buf: Uint8Array, start: number, end: number, withdraw: boolean): PackedVpnv4Nlri | AttributeValueError {
  packedReader.reset(buf, start, end, withdraw);
  let count = 0;
  while (packedReader.next()) count++;
  const error = packedReader.error;
  if (error) return mpError(`${error.field} at offset ${error.offset}: ${error.reason}`);
  return { bytes: buf.subarray(start, end), count };
}

export function parseMpReach(buf: Uint8Array, at: number, end: number, flags: number, packed: boolean | undefined): MpReachNlri | AttributeValueError {
  if (end - at < 5) return mpError(`length ${end - at} is less than the 5 bytes of AFI, SAFI, next hop length and reserved`);
  const afi = readU16(buf, at);
  const safi = buf[at + 2];
  const nextHopLength = buf[at + 3];
  const nextHopAt = at + 4;
  const nlriAt = nextHopAt + nextHopLength + 1; // one reserved octet (RFC 4760 §3)
  if (nlriAt > end) return mpError(`next hop length ${nextHopLength} runs past the attribute`);
  if (afi === Afi.Ipv4 && safi === Safi.Unicast) {
    if (nextHopLength !== 4) return mpError(`IPv4 unicast next hop length ${nextHopLength}, must be 4`);
    const nlri = parseIpv4Prefixes(buf, nlriAt, end, "MP_REACH_NLRI");
    if (isWireError(nlri)) return mpError(nlri.reason);
    return { type: "mp-reach", flags, family: "ipv4-unicast", nextHop: readIpv4(buf, nextHopAt), nlri };
  }
  if (afi === Afi.Ipv4 && safi === Safi.MplsLabel) {
    if (nextHopLength !== 4) return mpError(`labelled IPv4 next hop length ${nextHopLength}, must be 4`);
    const nlri = parseLabelledIpv4Nlri(buf, nlriAt, end, false);
    if (isWireError(nlri)) return mpError(`${nlri.field} at offset ${nlri.offset}: ${nlri.reason}`);
    return { type: "mp-reach", flags, family: "ipv4-labelled", nextHop: readIpv4(buf, nextHopAt), nlri };
  }
  if (afi === Afi.Ipv4 && safi === Safi.MplsVpn) {
    if (nextHopLength !== RD_LENGTH + 4) return mpError(`VPN-IPv4 next hop length ${nextHopLength}, must be 12 (RD and IPv4 address)`);
    for (let i = 0; i < RD_LENGTH; i++) if (buf[nextHopAt + i] !== 0) return mpError("VPN-IPv4 next hop RD is not zero (RFC 4364 §4.3.2)");
    const nextHop = readIpv4(buf, nextHopAt + RD_LENGTH);
    if (packed) {
      const nlri = packVpnv4(buf, nlriAt, end, false);
      return "reason" in nlri ? nlri : { type: "mp-reach", flags, family: "vpnv4-packed", nextHop, nlri };
    }
    const nlri = parseVpnv4Nlri(buf, nlriAt, end, false);
    if (isWireError(nlri)) return mpError(`${nlri.field} at offset ${nlri.offset}: ${nlri.reason}`);
    return { type: "mp-reach", flags, family: "vpnv4", nextHop, nlri };
  }
  return { type: "mp-reach", flags, family: "other", afi, safi, nextHop: buf.slice(nextHopAt, nextHopAt + nextHopLength), nlri: buf.slice(nlriAt, end) };
}

export function parseMpUnreach(buf: Uint8Array, at: number, end: number, flags: number, packed: boolean | undefined): MpUnreachNlri | AttributeValueError {
  if (end - at < 3) return mpError(`length ${end - at} is less than the 3 bytes of AFI and SAFI`);
  const afi = readU16(buf, at);
  const safi = buf[at + 2];
  if (afi === Afi.Ipv4 && safi === Safi.Unicast) {
    const withdrawn = parseIpv4Prefixes(buf, at + 3, end, "MP_UNREACH_NLRI");
    if (isWireError(withdrawn)) return mpError(withdrawn.reason);
    return { type: "mp-unreach", flags, family: "ipv4-unicast", withdrawn };
  }
  if (afi === Afi.Ipv4 && safi === Safi.MplsLabel) {
    const withdrawn = parseLabelledIpv4Nlri(buf, at + 3, end, true);
    if (isWireError(withdrawn)) return mpError(`${withdrawn.field} at offset ${withdrawn.offset}: ${withdrawn.reason}`);
    return { type: "mp-unreach", flags, family: "ipv4-labelled", withdrawn };
  }
  if (afi === Afi.Ipv4 && safi === Safi.MplsVpn) {
    if (packed) {
      const withdrawn = packVpnv4(buf, at + 3, end, true);
      return "reason" in withdrawn ? withdrawn : { type: "mp-unreach", flags, family: "vpnv4-packed", withdrawn };
    }
    const withdrawn = parseVpnv4Nlri(buf, at + 3, end, true);
    if (isWireError(withdrawn)) return mpError(`${withdrawn.field} at offset ${withdrawn.offset}: ${withdrawn.reason}`);
    return { type: "mp-unreach", flags, family: "vpnv4", withdrawn };
  }
  return { type: "mp-unreach", flags, family: "other", afi, safi, withdrawn: buf.slice(at + 3, end) };
}

/** The bytes of an MP_REACH_NLRI value. */
export function mpReachLength(attr: MpReachNlri): number {
  switch (attr.family) {
    case "ipv4-unicast":
      return 5 + 4 + ipv4PrefixesLength(attr.nlri);
    case "ipv4-labelled": {
      let n = 5 + 4;
      for (const r of attr.nlri) n += labelledIpv4NlriLength(r.labels.length, r.prefix.len);
      return n;
    }
    case "vpnv4": {
      let n = 5 + RD_LENGTH + 4;
      for (const r of attr.nlri) n += vpnv4NlriLength(r.labels.length, r.prefix.len);
      return n;
    }
    case "vpnv4-packed":
      return 5 + RD_LENGTH + 4 + attr.nlri.bytes.length;
    case "other":
      return 5 + attr.nextHop.length + attr.nlri.length;
  }
}

/** The bytes of an MP_UNREACH_NLRI value. */
export function mpUnreachLength(attr: MpUnreachNlri): number {
  switch (attr.family) {
    case "ipv4-unicast":
      return 3 + ipv4PrefixesLength(attr.withdrawn);
    case "ipv4-labelled": {
      let n = 3;
      for (const p of attr.withdrawn) n += labelledIpv4NlriLength(0, p.len);
      return n;
    }
    case "vpnv4": {
      let n = 3;
      for (const w of attr.withdrawn) n += vpnv4NlriLength(0, w.prefix.len);
      return n;
    }
    case "vpnv4-packed":
      return 3 + attr.withdrawn.bytes.length;
    case "other":
      return 3 + attr.withdrawn.length;
  }
}

export function writeMpReach(attr: MpReachNlri, buf: Uint8Array, at: number): void {
  switch (attr.family) {
    case "ipv4-unicast":
      writeU16(buf, at, Afi.Ipv4);
      buf[at + 2] = Safi.Unicast;
      buf[at + 3] = 4;
      writeIpv4(buf, at + 4, attr.nextHop);
      buf[at + 8] = 0;
      writeIpv4Prefixes(buf, at + 9, attr.nlri);
      return;
    case "ipv4-labelled": {
      writeU16(buf, at, Afi.Ipv4);
      buf[at + 2] = Safi.MplsLabel;
      buf[at + 3] = 4;
      writeIpv4(buf, at + 4, attr.nextHop);
      buf[at + 8] = 0;
      let p = at + 9;
      for (const r of attr.nlri) {
        if (r.labels.length === 0) throw new RangeError("bgp: a labelled IPv4 route in MP_REACH_NLRI needs at least one label");
        p = writeLabelledIpv4Nlri(buf, p, r.labels, r.prefix);
      }
      return;
    }
    case "vpnv4":
    case "vpnv4-packed": {
      writeU16(buf, at, Afi.Ipv4);
      buf[at + 2] = Safi.MplsVpn;
      buf[at + 3] = RD_LENGTH + 4;
      buf.fill(0, at + 4, at + 4 + RD_LENGTH);
      writeIpv4(buf, at + 4 + RD_LENGTH, attr.nextHop);
      buf[at + 16] = 0;
      if (attr.family === "vpnv4-packed") {
        buf.set(attr.nlri.bytes, at + 17);
        return;
      }
      let p = at + 17;
      for (const r of attr.nlri) {
        if (r.labels.length === 0) throw new RangeError("bgp: a VPN-IPv4 route in MP_REACH_NLRI needs at least one label");
        p = writeVpnv4Nlri(buf, p, r.labels, r.rd, r.prefix);
      }
      return;
    }
    case "other":
      writeU16(buf, at, attr.afi);
      buf[at + 2] = attr.safi;
      buf[at + 3] = attr.nextHop.length;
      buf.set(attr.nextHop, at + 4);
      buf[at + 4 + attr.nextHop.length] = 0;
      buf.set(attr.nlri, at + 5 + attr.nextHop.length);
      return;
  }
}

export function writeMpUnreach(attr: MpUnreachNlri, buf: Uint8Array, at: number): void {
  const [afi, safi] = attr.family === "other" ? [attr.afi, attr.safi] : [Afi.Ipv4, attr.family === "ipv4-unicast" ? Safi.Unicast : attr.family === "ipv4-labelled" ? Safi.MplsLabel : Safi.MplsVpn];
  writeU16(buf, at, afi);
  buf[at + 2] = safi;
  switch (attr.family) {
    case "ipv4-unicast":
      writeIpv4Prefixes(buf, at + 3, attr.withdrawn);
      return;
    case "ipv4-labelled": {
      let p = at + 3;
      for (const w of attr.withdrawn) p = writeLabelledIpv4Nlri(buf, p, [], w);
      return;
    }
    case "vpnv4": {
      let p = at + 3;
      for (const w of attr.withdrawn) p = writeVpnv4Nlri(buf, p, [], w.rd, w.prefix);
      return;
    }
    case "vpnv4-packed":
      buf.set(attr.withdrawn.bytes, at + 3);
      return;
    case "other":
      buf.set(attr.withdrawn, at + 3);
      return;
  }
}
