// `show ip bgp [vpnv4 all | vpnv4 vrf X] neighbors A.B.C.D received-routes | routes |
// advertised-routes`: one neighbor's share of the BGP table, as table rows (show-bgp.ts's
// BgpPathRow, so the text is formatBgpTable's) — what it sent before inbound policy (only
// with soft-reconfiguration inbound: the Adj-RIB-In), the paths from it that policy
// accepted, and our best paths it has been sent.
import type { BgpPathRow } from "../../api/tables";
import { formatIpv4, formatPrefix } from "../wire/addr";
import { formatAsPath } from "../wire/bgp-aspath";
import { formatCommunity, formatExtendedCommunity } from "../wire/bgp-communities";
import { formatRouteDistinguisher } from "../wire/bgp-nlri";
import type { ReceivedRoute } from "./adj-rib-in";
import { bgpPathRows, type BgpRowQuery } from "./show-bgp";
import type { BgpRib } from "./rib";
import type { BgpPeer } from "./types";
import { byCharCode } from "../config/names";

export type NeighborRoutesView = "received-routes" | "routes" | "advertised-routes";

const ORIGIN_CODE = ["i", "e", "?"] as const;

function receivedRow(r: ReceivedRoute, peer: BgpPeer): BgpPathRow {
  const a = r.attrs;
  const row: BgpPathRow = {
    family: r.family,
    prefix: formatPrefix({ addr: r.addr, len: r.len }),
    version: 0,
    pathCount: 1,
    valid: true,
    best: false,
    multipath: false,
    internal: !peer.ebgp,
    nextHop: formatIpv4(a.nextHop),
    weight: 0,
    asPath: formatAsPath(a.asPath),
    origin: ORIGIN_CODE[a.origin],
    external: peer.ebgp,
    communities: (a.communities ?? []).map(formatCommunity),
    extCommunities: (a.extCommunities ?? []).map(formatExtendedCommunity),
    clusterList: (a.clusterList ?? []).map(formatIpv4),
    atomicAggregate: a.atomicAggregate === true,
    advertisedTo: [],
    from: formatIpv4(peer.address),
    fromRouterId: formatIpv4(peer.routerId),
  };
  if (r.rd !== undefined) row.rd = formatRouteDistinguisher(r.rd);
  if (a.med !== undefined) row.metric = a.med;
  if (a.localPref !== undefined) row.localPref = a.localPref;
  return row;
}

/** The rows of one view, in the table's order. `q` picks the family (and VRF) as the show
 * command does; received routes of another family than asked are left out. */
export function neighborRouteRows(rib: BgpRib, peer: BgpPeer, view: NeighborRoutesView, q: BgpRowQuery): BgpPathRow[] {
  const address = formatIpv4(peer.address);
  if (view === "received-routes") {
    const store = peer.adjRibIn;
    if (store === undefined) return [];
    const rows: BgpPathRow[] = [];
    for (const r of store.routes()) if (r.family === q.family || peer.vrf !== "") rows.push(receivedRow(r, peer));
    return rows.sort((x, y) => byCharCode(x.rd ?? "", y.rd ?? "") || compareAddr(x.prefix, y.prefix));
  }
  const rows = bgpPathRows(rib, q);
  if (view === "routes") return rows.filter((r) => r.from === address && r.importedFrom === undefined);
  return rows.filter((r) => r.best && r.advertisedTo.includes(address));
}

function compareAddr(a: string, b: string): number {
  const key = (p: string): number[] => {
    const [addr, len] = p.split("/");
    return [...addr.split(".").map(Number), Number(len)];
  };
  const x = key(a);
  const y = key(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}
