// Receiving an UPDATE (RFC 4271 §9, RFC 4760, RFC 7606): parse it with wire/bgp.ts (VPN-IPv4
// NLRI left packed), decide what its attributes allow, and hand each route to the RIB as an
// announcement (with the interned attributes every route of the message shares) or a
// withdrawal. Withdrawals go first (§9). An UPDATE RFC 7606 says to treat as withdraw, and
// one whose path loops (our AS on an eBGP path beyond allowas-in; our router ID as
// ORIGINATOR_ID or our cluster ID in CLUSTER_LIST, RFC 4456 §8), withdraws what it carries.
// LOCAL_PREF from an eBGP peer is ignored (RFC 4271 §5.1.5). Labelled IPv4 routes (SAFI 4,
// from a peer that negotiated it) go into the IPv4 table with their label.
//
// The hot loop is `walkVpnv4`: a Vpnv4NlriReader over the message's own bytes, the RD's table
// remembered from the previous route (an UPDATE of one RD looks it up once), and per route
// only the RIB's destination lookup.

import { bgpParseAction, isBgpHeaderAt, parseBgpMessage, writeBgpHeader, BGP_HEADER_LENGTH, BgpMessageType, type BgpParsed } from "../wire/bgp";
import type { BgpError } from "../wire/bgp-errors";
import { Vpnv4NlriReader, readRouteDistinguisher, type RouteDistinguisher } from "../wire/bgp-nlri";
import { isWireError } from "../wire/errors";
import type { Ipv4 } from "../wire/addr";
import type { Label } from "../wire/mpls";
import { attrsFromWire, type Attrs } from "./attrs";
import type { Dest, Table } from "./bestpath";
import type { BgpAttrs, BgpPeer, BgpRibConfig } from "./types";

/** What receiving needs of the RIB. */
export interface UpdateSink {
  config(): BgpRibConfig;
  intern(a: BgpAttrs): Attrs;
  /** Where a peer's IPv4 unicast routes go: the global table, or its VRF's. */
  unicastTable(peer: BgpPeer): Table | undefined;
  /** The VPNv4 table of an RD given as its type, 2 high and 4 low value octets. */
  rdTable(type: number, high: number, low: number, rd: () => RouteDistinguisher): Table;
  /** One route; `attrs` undefined withdraws it. */
  receiveRoute(peer: BgpPeer, dest: Dest, attrs: Attrs | undefined, label: Label | undefined): void;
  /** A withdrawn route (or one treated as withdrawn), by its table and prefix. */
  withdraw(table: Table, addr: Ipv4, len: number, peer: BgpPeer): void;
}

export class UpdateReceiver {
  private readonly reader = new Vpnv4NlriReader();
  private readonly framedBuf = new Uint8Array(4096);
  private readonly lastRd = { type: -1, high: -1, low: -1, table: undefined as Table | undefined };

  constructor(private readonly sink: UpdateSink) {}

  /** Applies one UPDATE body; returns the error when RFC 7606 says to reset the session
   * (then nothing of it was applied). */
  receive(peer: BgpPeer, buf: Uint8Array, start: number, end: number): BgpError | undefined {
    const parsed = parseBgpMessage(this.framed(buf, start, end), { fourOctetAs: peer.fourOctetAs, packedVpnv4: true });
    if (isWireError(parsed)) return parsed;
    this.apply(peer, parsed);
    return undefined;
  }

  /** The message with its header: in place when the caller's buffer has it just before
   * `start`, else copied behind a header of our own. */
  private framed(buf: Uint8Array, start: number, end: number): Uint8Array {
    const length = end - start + BGP_HEADER_LENGTH;
    const h = start - BGP_HEADER_LENGTH;
    if (isBgpHeaderAt(buf, h, length, BgpMessageType.Update)) return buf.subarray(h, end);
    const out = length <= this.framedBuf.length ? this.framedBuf.subarray(0, length) : new Uint8Array(length);
    writeBgpHeader(out, 0, Math.min(length, 0xffff), BgpMessageType.Update);
    out.set(buf.subarray(start, end), BGP_HEADER_LENGTH);
    return out;
  }

  private apply(peer: BgpPeer, parsed: BgpParsed): void {
    const update = parsed.message;
    if (update.type !== "update") return;
    const sink = this.sink;
    const withdrawOnly = bgpParseAction(parsed) === "treat-as-withdraw";
    const unicast = peer.families.has("ipv4");
    const vpn = peer.families.has("vpnv4") && peer.vrf === "";
    const unicastTable = unicast ? sink.unicastTable(peer) : undefined;
    let reach: (typeof update.attributes)[number] | undefined;
    let unreach: (typeof update.attributes)[number] | undefined;
    for (const a of update.attributes) {
      if (a.type === "mp-reach") reach = a;
      else if (a.type === "mp-unreach") unreach = a;
    }
    // RFC 4271 §9: withdrawals first.
    if (unicastTable) for (const p of update.withdrawn) sink.withdraw(unicastTable, p.addr, p.len, peer);
    if (unreach?.type === "mp-unreach") {
      if (unreach.family === "vpnv4-packed" && vpn) this.walkVpnv4(peer, unreach.withdrawn.bytes, true, undefined);
      else if ((unreach.family === "ipv4-unicast" || (unreach.family === "ipv4-labelled" && peer.labelledUnicast)) && unicastTable) {
        for (const p of unreach.withdrawn) sink.withdraw(unicastTable, p.addr, p.len, peer);
      }
    }
    if (update.nlri.length === 0 && reach === undefined) return;
    const wire = attrsFromWire(update.attributes, peer.fourOctetAs);
    const base = peer.ebgp && wire.attrs.localPref !== undefined ? { ...wire.attrs, localPref: undefined } : wire.attrs;
    const rejected = withdrawOnly || this.loops(peer, base);
    if (update.nlri.length > 0 && unicastTable) {
      const attrs = rejected || wire.nextHop === undefined ? undefined : sink.intern({ ...base, nextHop: wire.nextHop });
      for (const p of update.nlri) sink.receiveRoute(peer, unicastTable.dest(p.addr, p.len), attrs, undefined);
    }
    if (reach?.type === "mp-reach") {
      if (reach.family === "vpnv4-packed" && vpn) {
        this.walkVpnv4(peer, reach.nlri.bytes, false, rejected ? undefined : sink.intern({ ...base, nextHop: reach.nextHop }));
      } else if (reach.family === "ipv4-unicast" && unicastTable) {
        const attrs = rejected ? undefined : sink.intern({ ...base, nextHop: reach.nextHop });
        for (const p of reach.nlri) sink.receiveRoute(peer, unicastTable.dest(p.addr, p.len), attrs, undefined);
      } else if (reach.family === "ipv4-labelled" && peer.labelledUnicast && unicastTable) {
        // RFC 8277: the label to push toward the next hop (the outermost, if several).
        const attrs = rejected ? undefined : sink.intern({ ...base, nextHop: reach.nextHop });
        for (const r of reach.nlri) sink.receiveRoute(peer, unicastTable.dest(r.prefix.addr, r.prefix.len), attrs, r.labels[0]);
      }
    }
  }

  /** Each packed VPN-IPv4 route of an MP_UNREACH_NLRI (`fromUnreach`) or MP_REACH_NLRI;
   * `attrs` undefined withdraws them. */
  private walkVpnv4(peer: BgpPeer, bytes: Uint8Array, fromUnreach: boolean, attrs: Attrs | undefined): void {
    const r = this.reader;
    const sink = this.sink;
    r.reset(bytes, 0, bytes.length, fromUnreach);
    const last = this.lastRd;
    while (r.next()) {
      const type = r.rdType();
      const high = r.rdHigh();
      const low = r.rdLow();
      let table = last.table;
      if (table === undefined || table.retired || type !== last.type || high !== last.high || low !== last.low) {
        table = sink.rdTable(type, high, low, () => readRouteDistinguisher(bytes, r.rdOffset));
        last.type = type;
        last.high = high;
        last.low = low;
        last.table = table;
      }
      if (attrs === undefined) sink.withdraw(table, r.prefixAddr, r.prefixLength, peer);
      else sink.receiveRoute(peer, table.dest(r.prefixAddr, r.prefixLength), attrs, r.labelCount > 0 ? r.label(0) : undefined);
    }
  }

  /** eBGP AS-path loop (with allowas-in), or an iBGP reflection loop (RFC 4456 §8). */
  private loops(peer: BgpPeer, a: Omit<BgpAttrs, "nextHop">): boolean {
    const config = this.sink.config();
    if (peer.ebgp) {
      const own = config.localAs;
      const alias = peer.policy.localAs;
      let count = 0;
      for (const s of a.asPath) for (const asn of s.asns) if (asn === own || asn === alias) count++;
      return count > peer.policy.allowAsIn;
    }
    if (a.originatorId === config.routerId) return true;
    const cluster = config.clusterId ?? config.routerId;
    return a.clusterList?.includes(cluster) ?? false;
  }
}
