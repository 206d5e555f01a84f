// The Adj-RIB-Out of one peer and the UPDATE messages that bring the peer up to date with
// it. A destination whose selection changed is queued; `buildUpdates` decides, per queued
// destination, what the peer should now have (nothing, or the best path's attributes as
// rewritten for this peer) and sends only the difference from what it was sent before:
// withdrawals first, then announcements packed into ≤ 4096-byte messages per attribute set
// (interning makes "same attributes" one identity test), then End-of-RIB (RFC 4724) per
// family once the initial table is out.
//
// What a peer is sent (RFC 4271 §9.2, RFC 4456, IOS): nothing back to the peer a path came
// from; iBGP-learned paths to iBGP peers only when reflecting (from or to a route-reflector
// client, adding ORIGINATOR_ID and our cluster ID); imported VPN copies never to VPNv4 peers;
// NO_ADVERTISE to nobody and NO_EXPORT to no eBGP peer. To eBGP peers our AS is prepended
// (with `local-as` before it), the next hop is our address, LOCAL_PREF, ORIGINATOR_ID and
// CLUSTER_LIST are dropped, and a MED learnt from another AS is not passed on (§5.1.4). To
// iBGP peers LOCAL_PREF is always sent; the next hop is ours for local routes, VRF-sourced
// VPNv4 routes, and with next-hop-self. send-community decides which communities go. To a
// neighbor that negotiated labelled IPv4 (`send-label`, global or inside a VRF), IPv4 routes go
// as SAFI 4 with a label.

import { maskOf, type Ipv4, type Prefix } from "../wire/addr";
import { AsPathSegmentType, type AsPathSegment } from "../wire/bgp-aspath";
import { buildBgpMessage, AS_TRANS, BGP_MAX_MESSAGE_LENGTH, type BgpMessage } from "../wire/bgp";
import { pathAttributeCode, pathAttributesLength, type BgpCodecOptions, type PathAttribute } from "../wire/bgp-attributes";
import { WellKnownCommunity } from "../wire/bgp-communities";
import { labelledIpv4NlriLength, vpnv4NlriLength, type LabelledIpv4Route, type RouteDistinguisher, type Vpnv4Route, type Vpnv4Withdrawal } from "../wire/bgp-nlri";
import type { Label } from "../wire/mpls";
import type { Attrs } from "./attrs";
import { DEFAULT_LOCAL_PREF, type Dest, type Path, type Table } from "./bestpath";
import type { BgpAttrs, BgpFamily, BgpPeer, BgpRibConfig } from "./types";

/** What the Adj-RIB-Out needs of the RIB. */
export interface OutContext {
  config(): BgpRibConfig;
  intern(a: BgpAttrs): Attrs;
  tablesFor(peer: BgpPeer): { table: Table; family: BgpFamily }[];
}

export interface OutEntry {
  readonly attrs: Attrs;
  readonly label: Label | undefined;
}

const VARIANT_NEXT_HOP_SELF = 1;
const VARIANT_FROM_EBGP = 2;

export class AdjRibOut {
  /** What the peer has been sent, per destination. */
  readonly advertised = new Map<Dest, OutEntry>();
  private readonly pending = new Set<Dest>();
  /** The whole table is still to be sent (then End-of-RIB). */
  initial = true;
  /** Every destination is to be re-evaluated (outbound policy changed). */
  resync = false;
  /** updatesReady was called and takeUpdates not yet. */
  notified = false;
  /** Rewritten attributes by source attributes and variant, while no export policy or
   * reflection makes them depend on more. */
  rewritten = new WeakMap<Attrs, (Attrs | undefined)[]>();

  constructor(readonly peer: BgpPeer) {}

  /** The destination's selection changed. */
  changed(d: Dest): void {
    if (this.initial || this.resync || !this.carries(d.table)) return;
    const best = d.best;
    if (best === undefined || best.from === this.peer || (best.dest !== d && d.table.family === "vpnv4" && this.peer.vrf === "")) {
      if (this.advertised.has(d)) this.pending.add(d);
      return;
    }
    this.pending.add(d);
  }

  hasWork(): boolean {
    return this.initial || this.resync || this.pending.size > 0;
  }

  private carries(t: Table): boolean {
    const peer = this.peer;
    if (peer.vrf !== "") return t.vrf === peer.vrf && peer.families.has("ipv4");
    return peer.families.has(t.family);
  }

  takePending(): Set<Dest> {
    return this.pending;
  }
}

/** The family a destination goes to `peer` as. */
function familyFor(peer: BgpPeer, d: Dest): BgpFamily {
  return peer.vrf !== "" ? "ipv4" : d.table.family;
}

/** What `peer` should have for `d` now, or undefined for nothing. */
export function exportFor(ctx: OutContext, out: AdjRibOut, d: Dest, family: BgpFamily): OutEntry | undefined {
  const peer = out.peer;
  const best = d.best;
  if (best === undefined) return undefined;
  if (family === "vpnv4" && best.dest !== d) return undefined; // an imported path
  if (best.from === peer) return undefined;
  if (suppressed(ctx.config(), d, best)) return undefined;
  let reflect = false;
  if (!peer.ebgp && best.from !== undefined && !best.from.ebgp) {
    if (!best.from.policy.routeReflectorClient && !peer.policy.routeReflectorClient) return undefined;
    reflect = true;
  }
  const a = best.attrs;
  if (a.communities !== undefined) {
    if (a.communities.includes(WellKnownCommunity.NoAdvertise)) return undefined;
    if (peer.ebgp && a.communities.includes(WellKnownCommunity.NoExport)) return undefined;
  }
  const nextHopSelf =
    peer.ebgp || best.local || a.nextHop === 0 || (family === "vpnv4" && best.vrfSourced) || (peer.policy.nextHopSelf && !reflect);
  let label: Label | undefined;
  if (family === "vpnv4") {
    // Our next hop means our label: a VRF prefix's local label (allocated for VRF-sourced
    // routes, and for other PEs' routes once we re-advertise them as next hop). A route of
    // an RD no VRF here uses would need a swapping label (inter-AS option B): not sent.
    label = nextHopSelf ? d.localLabel : best.label;
    if (label === undefined) return undefined;
  } else if (peer.labelledUnicast === true) {
    // Labelled IPv4 (RFC 8277): with us as next hop, our local label for the prefix (implicit
    // null for our own connected routes; a VRF prefix's label for a CE inside the VRF, Carrier
    // Supporting Carrier); else the label it came with passes on unchanged. A route with
    // neither (learnt unlabelled, next hop kept) is not sent as labelled.
    label = nextHopSelf ? d.localLabel : best.label;
    if (label === undefined) return undefined;
  }
  const variant = (nextHopSelf ? VARIANT_NEXT_HOP_SELF : 0) | (best.ebgp ? VARIANT_FROM_EBGP : 0);
  let attrs: Attrs | undefined;
  if (!reflect) {
    const cached = out.rewritten.get(a);
    attrs = cached?.[variant];
    if (attrs === undefined) {
      attrs = ctx.intern(rewrite(ctx.config(), peer, best, a, nextHopSelf, false));
      if (cached) cached[variant] = attrs;
      else {
        const list: (Attrs | undefined)[] = [undefined, undefined, undefined, undefined];
        list[variant] = attrs;
        out.rewritten.set(a, list);
      }
    }
  } else {
    attrs = ctx.intern(rewrite(ctx.config(), peer, best, a, nextHopSelf, true));
  }
  const policy = peer.policy.exportPolicy;
  if (policy) {
    const r = policy({ family, prefix: { addr: d.addr, len: d.len }, attrs });
    if (r === undefined) return undefined;
    attrs = ctx.intern(r.attrs);
  }
  return { attrs, label };
}

/** Beneath an `aggregate-address … summary-only` of the table's family (global IPv4, or a
 * VRF's: then to its CE neighbors and, as VPNv4, to every PE alike): IOS's "s", sent to no
 * neighbor; the aggregate itself goes out (with the VRF's aggregate label). */
function suppressed(cfg: BgpRibConfig, d: Dest, best: Path): boolean {
  const vrf = d.table.vrf;
  if (vrf === undefined || best.source === "aggregate") return false;
  const summaries = vrf === "" ? cfg.summaryOnly : cfg.vrfs.get(vrf)?.summaryOnly;
  return summaries !== undefined && beneathSummary(summaries, d);
}

/** Whether `p` lies strictly beneath one of `summaries` (summary-only aggregates). */
export function beneathSummary(summaries: readonly Prefix[], p: Prefix): boolean {
  for (const a of summaries) if (p.len > a.len && ((p.addr ^ a.addr) & maskOf(a.len)) === 0) return true;
  return false;
}

/** `asns` in front of the path: into its leading AS_SEQUENCE while that stays ≤ 255 long. */
export function prependAs(path: readonly AsPathSegment[], asns: number[]): AsPathSegment[] {
  const first = path[0];
  if (first && first.type === AsPathSegmentType.AsSequence && first.asns.length + asns.length <= 255) {
    return [{ type: AsPathSegmentType.AsSequence, asns: [...asns, ...first.asns] }, ...path.slice(1)];
  }
  return [{ type: AsPathSegmentType.AsSequence, asns }, ...path];
}

function rewrite(cfg: BgpRibConfig, peer: BgpPeer, best: Path, a: Attrs, nextHopSelf: boolean, reflect: boolean): BgpAttrs {
  const send = peer.policy.sendCommunity;
  const standard = send === "standard" || send === "both";
  const extended = send === "extended" || send === "both";
  const alias = peer.policy.localAs;
  const out: { -readonly [K in keyof BgpAttrs]: BgpAttrs[K] } = {
    origin: a.origin,
    asPath: peer.ebgp ? prependAs(a.asPath, alias !== undefined && alias !== cfg.localAs ? [alias, cfg.localAs] : [cfg.localAs]) : a.asPath,
    nextHop: nextHopSelf ? peer.localAddress : a.nextHop,
  };
  if (a.med !== undefined && !(peer.ebgp && best.ebgp)) out.med = a.med;
  if (!peer.ebgp) out.localPref = a.localPref ?? DEFAULT_LOCAL_PREF;
  if (standard && a.communities) out.communities = a.communities;
  if (extended && a.extCommunities) out.extCommunities = a.extCommunities;
  if (a.atomicAggregate) out.atomicAggregate = true;
  if (a.aggregator) out.aggregator = a.aggregator;
  if (reflect && best.from) {
    out.originatorId = a.originatorId ?? best.from.routerId;
    out.clusterList = [cfg.clusterId ?? cfg.routerId, ...(a.clusterList ?? [])];
  }
  if (a.unknown) out.unknown = a.unknown;
  return out;
}

// ---- encoding -------------------------------------------------------------------------

/** The attribute reprs of `a` (MP_REACH_NLRI not included), for a session with or without
 * 4-octet AS numbers (RFC 6793 §4.2.2: AS_TRANS in AS_PATH/AGGREGATOR, the real numbers in
 * AS4_PATH/AS4_AGGREGATOR). */
export function wireAttributes(a: BgpAttrs, withNextHop: boolean, fourOctetAs: boolean): PathAttribute[] {
  const list: PathAttribute[] = [{ type: "origin", origin: a.origin }];
  const wide = !fourOctetAs && a.asPath.some((s) => s.asns.some((n) => n > 0xffff));
  if (wide) {
    list.push({ type: "as-path", segments: a.asPath.map((s) => ({ type: s.type, asns: s.asns.map((n) => (n > 0xffff ? AS_TRANS : n)) })) });
    list.push({ type: "as4-path", segments: a.asPath });
  } else {
    list.push({ type: "as-path", segments: a.asPath });
  }
  if (withNextHop) list.push({ type: "next-hop", nextHop: a.nextHop });
  if (a.med !== undefined) list.push({ type: "med", med: a.med });
  if (a.localPref !== undefined) list.push({ type: "local-pref", localPref: a.localPref });
  if (a.atomicAggregate) list.push({ type: "atomic-aggregate" });
  if (a.aggregator) {
    if (!fourOctetAs && a.aggregator.asn > 0xffff) {
      list.push({ type: "aggregator", asn: AS_TRANS, address: a.aggregator.address });
      list.push({ type: "as4-aggregator", asn: a.aggregator.asn, address: a.aggregator.address });
    } else {
      list.push({ type: "aggregator", asn: a.aggregator.asn, address: a.aggregator.address });
    }
  }
  if (a.communities?.length) list.push({ type: "communities", communities: a.communities });
  if (a.originatorId !== undefined) list.push({ type: "originator-id", originatorId: a.originatorId });
  if (a.clusterList?.length) list.push({ type: "cluster-list", clusterIds: a.clusterList });
  if (a.extCommunities?.length) list.push({ type: "extended-communities", communities: a.extCommunities });
  for (const u of a.unknown ?? []) list.push({ type: "unknown", flags: u.flags, code: u.code, value: u.value });
  return sortByCode(list);
}

function sortByCode(list: PathAttribute[]): PathAttribute[] {
  return list.sort((x, y) => pathAttributeCode(x) - pathAttributeCode(y));
}

/** UPDATE framing: marker, length, type, the two length fields. */
const UPDATE_OVERHEAD = 23;
/** Attribute header with a 2-octet length, AFI, SAFI: an MP_UNREACH_NLRI before its NLRI. */
const MP_UNREACH_OVERHEAD = 4 + 3;

/** Splits items into runs whose sizes fit `budget` bytes. */
function chunks<T>(items: readonly T[], size: (t: T) => number, budget: number): T[][] {
  const out: T[][] = [];
  let run: T[] = [];
  let used = 0;
  for (const it of items) {
    const n = size(it);
    if (run.length > 0 && used + n > budget) {
      out.push(run);
      run = [];
      used = 0;
    }
    run.push(it);
    used += n;
  }
  if (run.length > 0) out.push(run);
  return out;
}

const prefixBytes = (p: Prefix): number => 1 + ((p.len + 7) >>> 3);
const asPrefix = (d: Dest): Prefix => ({ addr: d.addr, len: d.len });
const rdOf = (d: Dest): RouteDistinguisher => d.table.rd as RouteDistinguisher;

/** Brings the peer up to date: the messages to send. */
export function buildUpdates(ctx: OutContext, out: AdjRibOut): Uint8Array[] {
  const peer = out.peer;
  const options: BgpCodecOptions = { fourOctetAs: peer.fourOctetAs };
  const pending = out.takePending();
  const initial = out.initial;
  if (out.initial || out.resync) {
    for (const { table } of ctx.tablesFor(peer)) for (const d of table.dests()) pending.add(d);
    for (const d of out.advertised.keys()) pending.add(d);
    out.initial = false;
    out.resync = false;
  }
  const withdrawn: Record<BgpFamily, Dest[]> = { ipv4: [], vpnv4: [] };
  const groups = new Map<Attrs, { ipv4: Dest[]; vpnv4: Dest[] }>();
  for (const d of pending) {
    const family = familyFor(peer, d);
    const now = exportFor(ctx, out, d, family);
    const before = out.advertised.get(d);
    if (now === undefined) {
      if (before !== undefined) {
        out.advertised.delete(d);
        withdrawn[family].push(d);
      }
      continue;
    }
    if (before !== undefined && before.attrs === now.attrs && before.label === now.label) continue;
    out.advertised.set(d, now);
    let g = groups.get(now.attrs);
    if (!g) groups.set(now.attrs, (g = { ipv4: [], vpnv4: [] }));
    g[family].push(d);
  }
  pending.clear();

  const messages: Uint8Array[] = [];
  const emit = (m: BgpMessage): void => {
    messages.push(buildBgpMessage(m, options));
  };
  const labelled = peer.labelledUnicast === true;
  if (labelled) {
    for (const run of chunks(withdrawn.ipv4.map(asPrefix), (p) => labelledIpv4NlriLength(0, p.len), BGP_MAX_MESSAGE_LENGTH - UPDATE_OVERHEAD - MP_UNREACH_OVERHEAD)) {
      emit({ type: "update", withdrawn: [], attributes: [{ type: "mp-unreach", family: "ipv4-labelled", withdrawn: run }], nlri: [] });
    }
  } else {
    for (const run of chunks(withdrawn.ipv4.map(asPrefix), prefixBytes, BGP_MAX_MESSAGE_LENGTH - UPDATE_OVERHEAD)) {
      emit({ type: "update", withdrawn: run, attributes: [], nlri: [] });
    }
  }
  const vpnWithdrawals: Vpnv4Withdrawal[] = withdrawn.vpnv4.map((d) => ({ rd: rdOf(d), prefix: asPrefix(d) }));
  for (const run of chunks(vpnWithdrawals, (w) => vpnv4NlriLength(0, w.prefix.len), BGP_MAX_MESSAGE_LENGTH - UPDATE_OVERHEAD - MP_UNREACH_OVERHEAD)) {
    emit({ type: "update", withdrawn: [], attributes: [{ type: "mp-unreach", family: "vpnv4", withdrawn: run }], nlri: [] });
  }
  for (const [attrs, g] of groups) {
    if (g.ipv4.length > 0 && labelled) {
      const base = wireAttributes(attrs, false, peer.fourOctetAs);
      const empty: PathAttribute = { type: "mp-reach", family: "ipv4-labelled", nextHop: attrs.nextHop, nlri: [] };
      const budget = BGP_MAX_MESSAGE_LENGTH - UPDATE_OVERHEAD - pathAttributesLength([...base, empty], options) - 1;
      const routes: LabelledIpv4Route[] = g.ipv4.map((d) => ({ labels: [(out.advertised.get(d) as OutEntry).label as Label], prefix: asPrefix(d) }));
      for (const run of chunks(routes, (r) => labelledIpv4NlriLength(1, r.prefix.len), budget)) {
        emit({ type: "update", withdrawn: [], attributes: sortByCode([...base, { type: "mp-reach", family: "ipv4-labelled", nextHop: attrs.nextHop, nlri: run }]), nlri: [] });
      }
    } else if (g.ipv4.length > 0) {
      const list = wireAttributes(attrs, true, peer.fourOctetAs);
      const budget = BGP_MAX_MESSAGE_LENGTH - UPDATE_OVERHEAD - pathAttributesLength(list, options);
      for (const run of chunks(g.ipv4.map(asPrefix), prefixBytes, budget)) emit({ type: "update", withdrawn: [], attributes: list, nlri: run });
    }
    if (g.vpnv4.length > 0) {
      const base = wireAttributes(attrs, false, peer.fourOctetAs);
      const empty: PathAttribute = { type: "mp-reach", family: "vpnv4", nextHop: attrs.nextHop as Ipv4, nlri: [] };
      // One more octet for the extended length the MP_REACH_NLRI header takes once it is full.
      const budget = BGP_MAX_MESSAGE_LENGTH - UPDATE_OVERHEAD - pathAttributesLength([...base, empty], options) - 1;
      const routes: Vpnv4Route[] = g.vpnv4.map((d) => ({ labels: [(out.advertised.get(d) as OutEntry).label as Label], rd: rdOf(d), prefix: asPrefix(d) }));
      for (const run of chunks(routes, (r) => vpnv4NlriLength(1, r.prefix.len), budget)) {
        emit({ type: "update", withdrawn: [], attributes: sortByCode([...base, { type: "mp-reach", family: "vpnv4", nextHop: attrs.nextHop, nlri: run }]), nlri: [] });
      }
    }
  }
  if (initial) {
    // RFC 4724 §2: End-of-RIB per family.
    const families: BgpFamily[] = peer.vrf !== "" ? ["ipv4"] : [...peer.families];
    for (const f of families) {
      if (f === "ipv4" && labelled) emit({ type: "update", withdrawn: [], attributes: [{ type: "mp-unreach", family: "ipv4-labelled", withdrawn: [] }], nlri: [] });
      if (f === "ipv4") emit({ type: "update", withdrawn: [], attributes: [], nlri: [] });
      else emit({ type: "update", withdrawn: [], attributes: [{ type: "mp-unreach", family: "vpnv4", withdrawn: [] }], nlri: [] });
    }
  }
  return messages;
}

/** The family's End-of-RIB marker? (for the receive side's callers) */
export function isEndOfRib(message: BgpMessage): BgpFamily | undefined {
  if (message.type !== "update" || message.withdrawn.length > 0 || message.nlri.length > 0) return undefined;
  if (message.attributes.length === 0) return "ipv4";
  const only = message.attributes[0];
  if (message.attributes.length === 1 && only.type === "mp-unreach") {
    if ((only.family === "vpnv4" && only.withdrawn.length === 0) || (only.family === "vpnv4-packed" && only.withdrawn.count === 0)) return "vpnv4";
    if (only.family === "ipv4-labelled" && only.withdrawn.length === 0) return "ipv4";
  }
  return undefined;
}
