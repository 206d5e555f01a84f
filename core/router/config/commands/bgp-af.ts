// `address-family ipv4 [vrf X] | vpnv4` under `router bgp`, and the per-family commands:
// network, redistribute, default-information originate and the neighbor activations.

import { maskLength, maskOf } from "../../wire/addr";
import { command, type ConfigCommand, type CtxOf, type RenderItem } from "../command";
import type { ArgRecord } from "../grammar/args";
import { afKey, type BgpAddressFamily, type BgpAfNeighbor } from "../model/bgp";
import type { RouterConfig } from "../model/router";
import { bgp } from "./bgp";
import { existingPeer, isOutcome, NEIGHBOR_ORDER, PEER_SYNTAX, peerArg, peerId, peerSort, type PeerArgs } from "./bgp-neighbor";

const NEIGHBOR = "Specify a neighbor router";
const PEER = ["Neighbor address", "Neighbor tag"];

export type AfCtx = CtxOf<"router-bgp-af">;

export function af(m: RouterConfig, c: AfCtx): BgpAddressFamily {
  const f = bgp(m).addressFamilies[c.bgpAf];
  if (!f) throw new Error(`address family ${c.bgpAf} vanished`);
  return f;
}

/** IOS's order of address families: IPv4, VPNv4, then IPv4 per VRF by name. */
function afSort(f: BgpAddressFamily): (string | number)[] {
  return f.vrf === undefined ? [f.afi === "ipv4" ? 0 : 1, ""] : [2, f.vrf];
}

/** The classful mask `network A.B.C.D` without `mask` means. */
function classfulLength(addr: number): number {
  const first = addr >>> 24;
  return first < 128 ? 8 : first < 192 ? 16 : 24;
}

export function afPeer(m: RouterConfig, c: AfCtx, a: PeerArgs): BgpAfNeighbor | { error: string } {
  const n = existingPeer(m, c, a);
  if (isOutcome(n)) return { error: n.error ?? "" };
  const f = af(m, c);
  return (f.neighbors[peerId(a)] ??= { nextHopSelf: false });
}

/** For `no` forms: the entry if there is one; nothing is created. */
export function afPeerIfAny(m: RouterConfig, c: AfCtx, a: PeerArgs): BgpAfNeighbor {
  return af(m, c).neighbors[peerId(a)] ?? { nextHopSelf: false };
}

export function afPeerLines(m: RouterConfig, c: AfCtx, pick: (n: BgpAfNeighbor) => ArgRecord | undefined, negate = false): RenderItem[] {
  const f = af(m, c);
  const out: RenderItem[] = [];
  for (const [id, v] of Object.entries(f.neighbors)) {
    const n = (f.vrfNeighbors ?? bgp(m).neighbors)[id];
    if (!n) continue;
    const args = pick(v);
    if (args) out.push({ args: { id: peerArg(n), ...args }, sort: peerSort(n), no: negate });
  }
  return out;
}

/** The family a per-family neighbor command given under `router bgp` itself applies to: IPv4
 * unicast, created as IOS creates it. */
function ipv4Unless(m: RouterConfig, c: CtxOf<"router-bgp"> | AfCtx): AfCtx {
  if (c.bgpAf !== undefined) return c;
  const key = afKey("ipv4");
  bgp(m).addressFamilies[key] ??= { afi: "ipv4", networks: [], redistribute: {}, defaultInformationOriginate: false, neighbors: {} };
  return { bgpAf: key };
}

export const bgpAfCommands: readonly ConfigCommand[] = [
  command({
    id: "bgp.address-family",
    mode: "router-bgp",
    syntax: "address-family (ipv4$afi [unicast] [vrf WORD$vrf]|vpnv4$afi [unicast])",
    help: ["Enter Address Family command mode", "Address family", "Address Family modifier", "Specify parameters for a VPN Routing/Forwarding instance", "Specify a VRF name", "Address family", "Address Family modifier"],
    order: 90,
    enters: "router-bgp-af",
    apply: (m, a) => {
      const afi = a.afi;
      const vrf = a.vrf;
      if (vrf !== undefined) {
        const v = m.vrfs[vrf];
        if (!v) return { error: `% VRF ${vrf} not configured.` };
        if (v.rd === undefined) return { error: `% VRF ${vrf} does not have an RD configured.` };
      }
      const key = afKey(afi, vrf);
      const b = bgp(m);
      b.addressFamilies[key] ??= { afi, ...(vrf === undefined ? {} : { vrf, vrfNeighbors: {} }), networks: [], redistribute: {}, defaultInformationOriginate: false, neighbors: {} };
      return { ctx: { bgpAf: key } };
    },
    no: {
      apply: (m, a) => {
        delete bgp(m).addressFamilies[afKey(a.afi, a.vrf)];
      },
    },
    render: (m) =>
      Object.entries(bgp(m).addressFamilies).map(([key, f]) => {
        const args: ArgRecord = f.vrf === undefined ? { afi: f.afi } : { afi: f.afi, vrf: f.vrf };
        return { args, child: { bgpAf: key }, sort: afSort(f) };
      }),
  }),
  command({
    id: "bgp.af.network",
    mode: "router-bgp-af",
    syntax: "network A.B.C.D$address [mask NETMASK$mask] [route-map WORD$routeMap]",
    help: ["Specify a network to announce via BGP", "Network number", "Network mask", "Network mask", "Route-map to modify the attributes", "Name of the route map"],
    order: 10,
    apply: (m, a, c) => {
      const addr = a.address;
      const len = a.mask !== undefined ? (maskLength(a.mask) ?? 32) : classfulLength(addr);
      if (((addr & ~maskOf(len)) >>> 0) !== 0) return { error: "%Inconsistent address and mask" };
      const f = af(m, c);
      f.networks = f.networks.filter((n) => !(n.prefix.addr === addr && n.prefix.len === len));
      f.networks.push({ prefix: { addr, len } as BgpAddressFamily["networks"][number]["prefix"], ...(a.routeMap !== undefined ? { routeMap: a.routeMap } : {}) });
      f.networks.sort((x, y) => x.prefix.addr - y.prefix.addr || x.prefix.len - y.prefix.len);
    },
    no: {
      apply: (m, a, c) => {
        const addr = a.address;
        const len = a.mask !== undefined ? (maskLength(a.mask) ?? 32) : classfulLength(addr);
        const f = af(m, c);
        f.networks = f.networks.filter((n) => !(n.prefix.addr === addr && n.prefix.len === len));
      },
    },
    render: (m, c) =>
      af(m, c).networks.map((n) => {
        const args: Record<string, ArgRecord[string]> = { address: n.prefix.addr };
        if (n.prefix.len !== classfulLength(n.prefix.addr)) args.mask = maskOf(n.prefix.len);
        if (n.routeMap !== undefined) args.routeMap = n.routeMap;
        return { args, sort: [n.prefix.addr, n.prefix.len] };
      }),
  }),
  command({
    id: "bgp.af.redistribute",
    mode: "router-bgp-af",
    syntax: "redistribute (connected|static)$source [route-map WORD$routeMap]",
    help: ["Redistribute information from another routing protocol", "Connected", "Static routes", "Route map reference", "Pointer to route-map entries"],
    order: 20,
    apply: (m, a, c) => {
      const source = a.source;
      af(m, c).redistribute[source] = a.routeMap !== undefined ? { routeMap: a.routeMap } : {};
    },
    no: {
      apply: (m, a, c) => {
        const f = af(m, c);
        const source = a.source;
        // `no redistribute static route-map X` drops only the route-map, as IOS does.
        if (a.routeMap !== undefined && f.redistribute[source]) f.redistribute[source] = {};
        else delete f.redistribute[source];
      },
    },
    render: (m, c) => {
      const r = af(m, c).redistribute;
      const out: RenderItem[] = [];
      for (const source of ["connected", "static"] as const) {
        const v = r[source];
        if (v) out.push({ args: v.routeMap === undefined ? { source } : { source, routeMap: v.routeMap } });
      }
      return out;
    },
  }),
  command({
    id: "bgp.af.neighbor.activate",
    mode: "router-bgp-af",
    syntax: `${PEER_SYNTAX} activate`,
    help: [NEIGHBOR, ...PEER, "Enable the Address Family for this Neighbor"],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const n = afPeer(m, c, a);
      if ("error" in n) return n;
      n.activate = true;
      // IOS turns extended communities on for a VPNv4 neighbor: route targets travel in them.
      if (af(m, c).afi === "vpnv4") n.sendCommunity ??= "extended";
    },
    no: {
      apply: (m, a, c) => {
        const n = afPeer(m, c, a);
        if ("error" in n) return n;
        // Off is the default in VPNv4: nothing to remember there. In IPv4 (by default) and for
        // a VRF's neighbors (activated when defined), off must be said.
        const f = af(m, c);
        if (f.vrf !== undefined || (f.afi === "ipv4" && bgp(m).defaultIpv4Unicast)) n.activate = false;
        else delete n.activate;
      },
    },
    render: (m, c) => [
      ...afPeerLines(m, c, (n) => (n.activate === true ? {} : undefined)),
      ...afPeerLines(m, c, (n) => (n.activate === false ? {} : undefined), true),
    ],
  }),
  command({
    id: "bgp.af.neighbor.send-community",
    mode: "router-bgp-af",
    syntax: `${PEER_SYNTAX} send-community [(both|standard|extended)$what]`,
    help: [NEIGHBOR, ...PEER, "Send Community attribute to this neighbor", "Send Standard and Extended Community attributes", "Send Standard Community attributes", "Send Extended Community attributes"],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const n = afPeer(m, c, a);
      if ("error" in n) return n;
      const what = a.what ?? "standard";
      const had = n.sendCommunity;
      n.sendCommunity = had === undefined || had === what ? what : "both";
    },
    no: {
      apply: (m, a, c) => {
        const n = afPeerIfAny(m, c, a);
        const what = a.what ?? "standard";
        const had = n.sendCommunity;
        if (what === "both" || had === what) delete n.sendCommunity;
        else if (had === "both") n.sendCommunity = what === "standard" ? "extended" : "standard";
      },
    },
    render: (m, c) =>
      afPeerLines(m, c, (n): ArgRecord | undefined => {
        if (n.sendCommunity === undefined) return undefined;
        return n.sendCommunity === "standard" ? {} : { what: n.sendCommunity };
      }),
  }),
  command({
    id: "bgp.af.neighbor.next-hop-self",
    mode: "router-bgp-af",
    syntax: `${PEER_SYNTAX} next-hop-self`,
    help: [NEIGHBOR, ...PEER, "Disable the next hop calculation for this neighbor"],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const n = afPeer(m, c, a);
      if ("error" in n) return n;
      n.nextHopSelf = true;
    },
    no: {
      apply: (m, a, c) => {
        afPeerIfAny(m, c, a).nextHopSelf = false;
      },
    },
    render: (m, c) => afPeerLines(m, c, (n) => (n.nextHopSelf ? {} : undefined)),
  }),
  command({
    id: "bgp.af.neighbor.route-map",
    // Under `router bgp` itself IOS takes it for IPv4 unicast and shows it in that family.
    mode: ["router-bgp", "router-bgp-af"],
    syntax: `${PEER_SYNTAX} route-map WORD$routeMap (in|out)$dir`,
    help: [NEIGHBOR, ...PEER, "Apply route map to neighbor", "Name of route map", "Apply map to incoming routes", "Apply map to outbound routes"],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const n = afPeer(m, ipv4Unless(m, c), a);
      if ("error" in n) return n;
      if (a.dir === "in") n.routeMapIn = a.routeMap;
      else n.routeMapOut = a.routeMap;
    },
    no: {
      apply: (m, a, c) => {
        if (c.bgpAf === undefined && !bgp(m).addressFamilies.ipv4) return;
        const n = afPeerIfAny(m, ipv4Unless(m, c), a);
        if (a.dir === "in") delete n.routeMapIn;
        else delete n.routeMapOut;
      },
    },
    render: (m, c) =>
      c.bgpAf === undefined
        ? []
        : [
            ...afPeerLines(m, c, (n) => (n.routeMapIn === undefined ? undefined : { routeMap: n.routeMapIn, dir: "in" })),
            ...afPeerLines(m, c, (n) => (n.routeMapOut === undefined ? undefined : { routeMap: n.routeMapOut, dir: "out" })),
          ],
  }),
  command({
    id: "bgp.af.neighbor.prefix-list",
    mode: ["router-bgp", "router-bgp-af"],
    syntax: `${PEER_SYNTAX} prefix-list WORD$list (in|out)$dir`,
    help: [NEIGHBOR, ...PEER, "Filter updates to/from this neighbor", "Name of a prefix list", "Filter incoming updates", "Filter outgoing updates"],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const n = afPeer(m, ipv4Unless(m, c), a);
      if ("error" in n) return n;
      if (a.dir === "in") n.prefixListIn = a.list;
      else n.prefixListOut = a.list;
    },
    no: {
      apply: (m, a, c) => {
        if (c.bgpAf === undefined && !bgp(m).addressFamilies.ipv4) return;
        const n = afPeerIfAny(m, ipv4Unless(m, c), a);
        if (a.dir === "in") delete n.prefixListIn;
        else delete n.prefixListOut;
      },
    },
    render: (m, c) =>
      c.bgpAf === undefined
        ? []
        : [
            ...afPeerLines(m, c, (n) => (n.prefixListIn === undefined ? undefined : { list: n.prefixListIn, dir: "in" })),
            ...afPeerLines(m, c, (n) => (n.prefixListOut === undefined ? undefined : { list: n.prefixListOut, dir: "out" })),
          ],
  }),
  command({
    id: "bgp.af.neighbor.distribute-list",
    mode: ["router-bgp", "router-bgp-af"],
    syntax: `${PEER_SYNTAX} distribute-list (<1-199>|WORD)$list (in|out)$dir`,
    help: [NEIGHBOR, ...PEER, "Filter updates to/from this neighbor", "IP access list number", "IP Access-list name", "Filter incoming updates", "Filter outgoing updates"],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const n = afPeer(m, ipv4Unless(m, c), a);
      if ("error" in n) return n;
      if (a.dir === "in") n.distributeListIn = String(a.list);
      else n.distributeListOut = String(a.list);
    },
    no: {
      apply: (m, a, c) => {
        if (c.bgpAf === undefined && !bgp(m).addressFamilies.ipv4) return;
        const n = afPeerIfAny(m, ipv4Unless(m, c), a);
        if (a.dir === "in") delete n.distributeListIn;
        else delete n.distributeListOut;
      },
    },
    render: (m, c) => {
      if (c.bgpAf === undefined) return [];
      const arg = (v: string): string | number => (/^\d+$/.test(v) ? Number(v) : v);
      return [
        ...afPeerLines(m, c, (n) => (n.distributeListIn === undefined ? undefined : { list: arg(n.distributeListIn), dir: "in" })),
        ...afPeerLines(m, c, (n) => (n.distributeListOut === undefined ? undefined : { list: arg(n.distributeListOut), dir: "out" })),
      ];
    },
  }),
  command({
    id: "bgp.af.neighbor.filter-list",
    mode: ["router-bgp", "router-bgp-af"],
    syntax: `${PEER_SYNTAX} filter-list <1-500>$list (in|out)$dir`,
    help: [NEIGHBOR, ...PEER, "Establish BGP filters", "AS path access list", "Filter incoming routes", "Filter outgoing routes"],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const n = afPeer(m, ipv4Unless(m, c), a);
      if ("error" in n) return n;
      if (a.dir === "in") n.filterListIn = a.list;
      else n.filterListOut = a.list;
    },
    no: {
      apply: (m, a, c) => {
        if (c.bgpAf === undefined && !bgp(m).addressFamilies.ipv4) return;
        const n = afPeerIfAny(m, ipv4Unless(m, c), a);
        if (a.dir === "in") delete n.filterListIn;
        else delete n.filterListOut;
      },
    },
    render: (m, c) =>
      c.bgpAf === undefined
        ? []
        : [
            ...afPeerLines(m, c, (n) => (n.filterListIn === undefined ? undefined : { list: n.filterListIn, dir: "in" })),
            ...afPeerLines(m, c, (n) => (n.filterListOut === undefined ? undefined : { list: n.filterListOut, dir: "out" })),
          ],
  }),
  command({
    id: "bgp.af.neighbor.soft-reconfiguration",
    mode: ["router-bgp", "router-bgp-af"],
    syntax: `${PEER_SYNTAX} soft-reconfiguration inbound`,
    help: [NEIGHBOR, ...PEER, "Per neighbor soft reconfiguration", "Allow inbound soft reconfiguration for this neighbor"],
    order: NEIGHBOR_ORDER,
    apply: (m, a, c) => {
      const n = afPeer(m, ipv4Unless(m, c), a);
      if ("error" in n) return n;
      n.softReconfigInbound = true;
    },
    no: {
      apply: (m, a, c) => {
        if (c.bgpAf === undefined && !bgp(m).addressFamilies.ipv4) return;
        delete afPeerIfAny(m, ipv4Unless(m, c), a).softReconfigInbound;
      },
    },
    render: (m, c) => (c.bgpAf === undefined ? [] : afPeerLines(m, c, (n) => (n.softReconfigInbound ? {} : undefined))),
  }),
  command({
    id: "bgp.af.default-information",
    mode: "router-bgp-af",
    syntax: "default-information originate",
    help: ["Control distribution of default information", "Distribute a default route"],
    order: 40,
    apply: (m, _a, c) => {
      af(m, c).defaultInformationOriginate = true;
    },
    no: {
      apply: (m, _a, c) => {
        af(m, c).defaultInformationOriginate = false;
      },
    },
    render: (m, c) => (af(m, c).defaultInformationOriginate ? [{ args: {} }] : []),
  }),
];
