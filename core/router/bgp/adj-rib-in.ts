// The Adj-RIB-In of a neighbor with `soft-reconfiguration inbound`: every route it sent, with
// the attributes as received (before the inbound prefix-list, filter-list and route-map), so
// `show ip bgp neighbors X received-routes` can list what policy refused, and `clear ip bgp X
// soft in` — or a policy change — re-applies the policy to it without asking the neighbor to
// send anything again (RFC 4271 §3.2 Adj-RIBs-In; IOS keeps it only when told to, since it
// costs memory per route).
//
// Entries are keyed by the table's identity (IPv4, or the RD) and the prefix, not by the RIB's
// objects: a destination with no path left (a refused route) leaves its table, and an RD's
// table leaves with its last route; later ones for them are new objects.
import type { Ipv4 } from "../wire/addr";
import type { RouteDistinguisher } from "../wire/bgp-nlri";
import type { Label } from "../wire/mpls";
import type { Attrs } from "./attrs";
import type { Table } from "./bestpath";
import type { BgpRib } from "./rib";
import type { BgpPeer } from "./types";

export interface ReceivedRoute {
  readonly family: "ipv4" | "vpnv4";
  /** VPNv4: the route's RD. */
  readonly rd: RouteDistinguisher | undefined;
  readonly addr: Ipv4;
  readonly len: number;
  readonly attrs: Attrs;
  readonly label: Label | undefined;
}

/** The IPv4 table is -1; an RD's table its numeric order (unique per RD). */
function tableKey(t: Table): number {
  return t.family === "ipv4" ? -1 : t.rdOrder;
}

export class AdjRibIn {
  private readonly byTable = new Map<number, Map<number, ReceivedRoute>>();

  set(table: Table, addr: Ipv4, len: number, attrs: Attrs, label: Label | undefined): void {
    const k = tableKey(table);
    let m = this.byTable.get(k);
    if (m === undefined) this.byTable.set(k, (m = new Map()));
    m.set(len * 4294967296 + addr, { family: table.family, rd: table.rd, addr, len, attrs, label });
  }

  delete(table: Table, addr: Ipv4, len: number): void {
    const k = tableKey(table);
    const m = this.byTable.get(k);
    if (m === undefined) return;
    m.delete(len * 4294967296 + addr);
    if (m.size === 0) this.byTable.delete(k);
  }

  /** Every stored route, tables in the order first seen. */
  *routes(): Iterable<ReceivedRoute> {
    for (const m of this.byTable.values()) yield* m.values();
  }

  get size(): number {
    let n = 0;
    for (const m of this.byTable.values()) n += m.size;
    return n;
  }
}

/** Runs every route `peer` sent through its current inbound policy again (`clear ip bgp X
 * soft in` with soft-reconfiguration, or a policy change): refused routes may now pass and
 * accepted ones be refused or rewritten. */
export function reapplyInbound(rib: BgpRib, peer: BgpPeer): void {
  const store = peer.adjRibIn;
  if (store === undefined) return;
  for (const r of [...store.routes()]) {
    const table = r.rd === undefined ? rib.ipv4 : rib.rdTable(r.rd);
    const d = table.dest(r.addr, r.len);
    rib.receiveRoute(peer, d, r.attrs, r.label);
    // A refused route leaves no path: the selection pass takes the empty destination away.
    if (d.count === 0) rib.markDirty(d);
  }
  rib.flush();
}
