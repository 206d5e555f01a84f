// Interned path attributes. Every UPDATE's attributes become one `Attrs` object shared by
// all of its NLRI; equal attributes (from any peer, any UPDATE, or made locally) are the same
// object, so paths compare attributes by identity, the Adj-RIB-Out groups NLRI by them, and
// 100,000 routes from one peer cost one attribute object. An object lives as long as a path
// holds it: the table keeps weak references and forgets collected ones.
//
// Interning also computes once what best-path selection and VPN import ask of every path:
// the AS path length (RFC 4271 §9.1.2.2: an AS_SET counts one, confederation segments none),
// the neighboring AS for MED comparison, and the route targets as numbers.

import { formatIpv4, type Ipv4 } from "../wire/addr";
import { AsPathSegmentType, type AsPathSegment } from "../wire/bgp-aspath";
import type { ExtendedCommunity } from "../wire/bgp-communities";
import type { PathAttribute } from "../wire/bgp-attributes";
import { hexBytes } from "../wire/bytes";
import { AS_TRANS } from "../wire/bgp";
import type { BgpAttrs, BgpUnknownAttr } from "./types";

/** A route target as one number (format, global and local packed into 53 bits), or -1 for
 * any other extended community: the VPN import test compares these. */
export function routeTargetKey(c: ExtendedCommunity): number {
  if (c.type !== "route-target") return -1;
  // format 0: 16-bit global, 32-bit local; formats 1, 2: 32-bit global, 16-bit local.
  return c.format === 0 ? (c.global * 2 ** 32 + c.local) * 4 : (c.global * 65536 + c.local) * 4 + c.format;
}

export class Attrs implements BgpAttrs {
  readonly origin: 0 | 1 | 2;
  readonly asPath: readonly AsPathSegment[];
  readonly nextHop: Ipv4;
  readonly med?: number;
  readonly localPref?: number;
  readonly communities?: readonly number[];
  readonly extCommunities?: readonly ExtendedCommunity[];
  readonly atomicAggregate?: boolean;
  readonly aggregator?: { readonly asn: number; readonly address: Ipv4 };
  readonly originatorId?: Ipv4;
  readonly clusterList?: readonly Ipv4[];
  readonly unknown?: readonly BgpUnknownAttr[];
  /** AS path length for best-path selection. */
  readonly pathLength: number;
  /** The first AS of the path (0 for an empty one): MEDs compare only between equal ones. */
  readonly neighborAs: number;
  /** Route targets as routeTargetKey numbers. */
  readonly rts: readonly number[];
  /** The interning key (also the AS path's identity for multipath). */
  readonly key: string;
  readonly asPathKey: string;

  constructor(a: BgpAttrs, key: string, asPathKey: string) {
    this.origin = a.origin;
    this.asPath = a.asPath;
    this.nextHop = a.nextHop;
    if (a.med !== undefined) this.med = a.med;
    if (a.localPref !== undefined) this.localPref = a.localPref;
    if (a.communities?.length) this.communities = a.communities;
    if (a.extCommunities?.length) this.extCommunities = a.extCommunities;
    if (a.atomicAggregate) this.atomicAggregate = true;
    if (a.aggregator) this.aggregator = a.aggregator;
    if (a.originatorId !== undefined) this.originatorId = a.originatorId;
    if (a.clusterList?.length) this.clusterList = a.clusterList;
    if (a.unknown?.length) this.unknown = a.unknown;
    let length = 0;
    for (const s of a.asPath) {
      if (s.type === AsPathSegmentType.AsSequence) length += s.asns.length;
      else if (s.type === AsPathSegmentType.AsSet) length += 1;
    }
    this.pathLength = length;
    const first = a.asPath[0];
    this.neighborAs = first && first.type === AsPathSegmentType.AsSequence ? first.asns[0] : 0;
    this.rts = (a.extCommunities ?? []).map(routeTargetKey).filter((k) => k >= 0);
    this.key = key;
    this.asPathKey = asPathKey;
  }
}

function asPathKeyOf(segments: readonly AsPathSegment[]): string {
  let k = "";
  for (const s of segments) k += `${s.type}:${s.asns.join(",")};`;
  return k;
}

function extKey(c: ExtendedCommunity): string {
  return c.type === "other" ? hexBytes(c.value) : `${c.type}/${c.format}/${c.global}/${c.local}`;
}

function keyOf(a: BgpAttrs, asPathKey: string): string {
  return [
    a.origin,
    asPathKey,
    a.nextHop,
    a.med ?? "",
    a.localPref ?? "",
    a.communities?.join(",") ?? "",
    a.extCommunities?.map(extKey).join(",") ?? "",
    a.atomicAggregate ? 1 : "",
    a.aggregator ? `${a.aggregator.asn}@${a.aggregator.address}` : "",
    a.originatorId ?? "",
    a.clusterList?.join(",") ?? "",
    a.unknown?.map((u) => `${u.flags}/${u.code}/${hexBytes(u.value)}`).join(",") ?? "",
  ].join("|");
}

/** The intern table. */
export class AttrTable {
  private readonly byKey = new Map<string, WeakRef<Attrs>>();
  private readonly gone = new FinalizationRegistry<string>((key) => {
    const ref = this.byKey.get(key);
    if (ref !== undefined && ref.deref() === undefined) this.byKey.delete(key);
  });

  /** The one Attrs equal to `a` (`a` itself when it already is interned here). */
  intern(a: BgpAttrs): Attrs {
    if (a instanceof Attrs && this.byKey.get(a.key)?.deref() === a) return a;
    const asPathKey = asPathKeyOf(a.asPath);
    const key = keyOf(a, asPathKey);
    const existing = this.byKey.get(key)?.deref();
    if (existing !== undefined) return existing;
    const made = new Attrs(a, key, asPathKey);
    this.byKey.set(key, new WeakRef(made));
    this.gone.register(made, key);
    return made;
  }

  /** Interned attribute sets alive (show's memory lines). */
  get size(): number {
    return this.byKey.size;
  }
}

/** The attributes of an UPDATE's path attribute list, without next hop (which depends on the
 * family: NEXT_HOP for the NLRI field, MP_REACH_NLRI's own for its routes). On a session
 * without 4-octet AS numbers, AS4_PATH and AS4_AGGREGATOR are merged in (RFC 6793 §4.2.3). */
export function attrsFromWire(list: readonly PathAttribute[], fourOctetAs: boolean): { attrs: Omit<BgpAttrs, "nextHop">; nextHop?: Ipv4 } {
  let origin: 0 | 1 | 2 = 2;
  let asPath: readonly AsPathSegment[] = [];
  let as4Path: readonly AsPathSegment[] | undefined;
  let nextHop: Ipv4 | undefined;
  let med: number | undefined;
  let localPref: number | undefined;
  let communities: readonly number[] | undefined;
  let extCommunities: readonly ExtendedCommunity[] | undefined;
  let atomicAggregate = false;
  let aggregator: { asn: number; address: Ipv4 } | undefined;
  let as4Aggregator: { asn: number; address: Ipv4 } | undefined;
  let originatorId: Ipv4 | undefined;
  let clusterList: readonly Ipv4[] | undefined;
  let unknown: BgpUnknownAttr[] | undefined;
  for (const a of list) {
    switch (a.type) {
      case "origin":
        origin = a.origin as 0 | 1 | 2;
        break;
      case "as-path":
        asPath = a.segments;
        break;
      case "as4-path":
        as4Path = a.segments;
        break;
      case "next-hop":
        nextHop = a.nextHop;
        break;
      case "med":
        med = a.med;
        break;
      case "local-pref":
        localPref = a.localPref;
        break;
      case "atomic-aggregate":
        atomicAggregate = true;
        break;
      case "aggregator":
        aggregator = { asn: a.asn, address: a.address };
        break;
      case "as4-aggregator":
        as4Aggregator = { asn: a.asn, address: a.address };
        break;
      case "communities":
        communities = a.communities;
        break;
      case "extended-communities":
        extCommunities = a.communities;
        break;
      case "originator-id":
        originatorId = a.originatorId;
        break;
      case "cluster-list":
        clusterList = a.clusterIds;
        break;
      case "unknown":
        // RFC 4271 §5: unrecognized optional transitive attributes go on with the partial
        // bit; optional non-transitive ones are dropped.
        if (a.flags & 0x40) (unknown ??= []).push({ flags: a.flags | 0x20, code: a.code, value: a.value });
        break;
      default:
        break; // MP_REACH / MP_UNREACH: the caller reads them
    }
  }
  if (!fourOctetAs) {
    if (as4Path !== undefined) asPath = mergeAs4Path(asPath, as4Path);
    if (as4Aggregator !== undefined && aggregator?.asn === AS_TRANS) aggregator = as4Aggregator;
  }
  const attrs: Omit<BgpAttrs, "nextHop"> = {
    origin,
    asPath,
    ...(med !== undefined && { med }),
    ...(localPref !== undefined && { localPref }),
    ...(communities && { communities }),
    ...(extCommunities && { extCommunities }),
    ...(atomicAggregate && { atomicAggregate }),
    ...(aggregator && { aggregator }),
    ...(originatorId !== undefined && { originatorId }),
    ...(clusterList && { clusterList }),
    ...(unknown && { unknown }),
  };
  return nextHop === undefined ? { attrs } : { attrs, nextHop };
}

/** RFC 6793 §4.2.3: the leading AS numbers of AS_PATH that AS4_PATH does not cover, then
 * AS4_PATH. Only for paths of AS_SEQUENCEs; otherwise (or when AS4_PATH is the longer) the
 * AS_PATH stands. */
export function mergeAs4Path(asPath: readonly AsPathSegment[], as4Path: readonly AsPathSegment[]): readonly AsPathSegment[] {
  if (!asPath.every((s) => s.type === AsPathSegmentType.AsSequence)) return asPath;
  const flat = asPath.flatMap((s) => s.asns);
  let as4Count = 0;
  for (const s of as4Path) as4Count += s.type === AsPathSegmentType.AsSet ? 1 : s.asns.length;
  if (as4Count > flat.length) return asPath;
  const lead = flat.slice(0, flat.length - as4Count);
  return lead.length === 0 ? as4Path : [{ type: AsPathSegmentType.AsSequence, asns: lead }, ...as4Path];
}

/** A path's attributes in IOS text, for debug lines. */
export function describeAttrs(a: BgpAttrs): string {
  return `nexthop ${formatIpv4(a.nextHop)}, origin ${"ie?"[a.origin]}${a.localPref !== undefined ? `, localpref ${a.localPref}` : ""}${a.med !== undefined ? `, metric ${a.med}` : ""}`;
}
