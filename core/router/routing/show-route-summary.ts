// `show ip route [vrf X] summary`: how many routes each source has in one routing table,
// counted from the same rows `show ip route` prints. IOS splits them into networks (the
// classful network itself or a supernet) and subnets (longer than the classful mask), and
// counts on an "internal" line the classful parents that hold subnets ("is subnetted").
// IOS's Overhead and Memory (bytes) columns are its own allocator's figures per route; our
// RIB keeps no such accounting, so those columns are left out rather than made up.
import type { RouteRow } from "../../api/tables";
import { maskOf } from "../wire/addr";
import { rowPrefix } from "./show-route";
import { AdminDistance, classfulLength } from "./route";

/** One line of the per-source table. */
export interface RouteSummarySource {
  /** "application", "connected", "static", "bgp 10", "nhrp". */
  readonly source: string;
  readonly networks: number;
  readonly subnets: number;
  /** Routes replicated into this table from another one (`+` in `show ip route`). */
  readonly replicates: number;
  /** BGP only: routes learnt over eBGP, over iBGP, and originated here. */
  readonly bgp?: { readonly external: number; readonly internal: number; readonly local: number };
}

export interface RouteSummary {
  /** "default" for the global table. */
  readonly table: string;
  /** IOS's table id: 0 for the global table, the VRF id otherwise. */
  readonly tableId: number;
  readonly sources: readonly RouteSummarySource[];
  /** Classful parents holding subnets. */
  readonly internal: number;
}

/** Counts `rows` (one whole routing table) per source. `bgpAsn`: the `router bgp` process,
 * listed even when it has no route, as IOS lists every running protocol. */
export function routeSummary(rows: readonly RouteRow[], table: string, tableId: number, bgpAsn?: number): RouteSummary {
  const counts = new Map<string, { networks: number; subnets: number; external: number; internal: number }>();
  const sourceOf = (row: RouteRow): string => (row.protocol === "local" ? "connected" : row.protocol === "bgp" ? `bgp ${bgpAsn ?? ""}`.trim() : row.protocol);
  const order = ["application", "connected", "static"];
  if (bgpAsn !== undefined) order.push(`bgp ${bgpAsn}`);
  for (const name of order) counts.set(name, { networks: 0, subnets: 0, external: 0, internal: 0 });
  // A route is one of a classful network's subnets when it sits under that network's parent
  // line, as `show ip route` groups them: longer than the classful mask, or the classful
  // network itself when the network also has subnets.
  const perMajor = new Map<number, number>();
  for (const row of rows) {
    const p = rowPrefix(row);
    const classful = classfulLength(p.addr);
    if (p.len < classful || classful === 32) continue;
    const major = (p.addr & maskOf(classful)) >>> 0;
    perMajor.set(major, (perMajor.get(major) ?? 0) + 1);
  }
  const parents = new Set<number>();
  for (const row of rows) {
    const name = sourceOf(row);
    let c = counts.get(name);
    if (c === undefined) counts.set(name, (c = { networks: 0, subnets: 0, external: 0, internal: 0 }));
    const p = rowPrefix(row);
    const classful = classfulLength(p.addr);
    const major = (p.addr & maskOf(classful)) >>> 0;
    const grouped = p.len > classful || (p.len === classful && (perMajor.get(major) ?? 0) > 1);
    if (grouped && classful !== 32) {
      c.subnets++;
      parents.add(major);
    } else c.networks++;
    if (row.protocol === "bgp") {
      // Our BGP installs eBGP paths at distance 20 and iBGP ones at 200; a locally originated
      // best path stays the route it came from, so BGP's own "Local" count is always 0 here.
      if (row.distance === AdminDistance.ebgp) c.external++;
      else c.internal++;
    }
  }
  const sources: RouteSummarySource[] = [];
  for (const [source, c] of counts) {
    const entry: RouteSummarySource = { source, networks: c.networks, subnets: c.subnets, replicates: 0 };
    sources.push(source.startsWith("bgp") ? { ...entry, bgp: { external: c.external, internal: c.internal, local: 0 } } : entry);
  }
  return { table, tableId, sources, internal: parents.size };
}

/** IOS's layout: the source in 16 characters, then 12 per number column. */
export function formatRouteSummary(s: RouteSummary): string {
  const row = (name: string, ...cols: (number | string)[]): string => (name.padEnd(16) + cols.map((c) => String(c).padEnd(12)).join("")).trimEnd();
  const lines = [`IP routing table name is ${s.table} (0x${s.tableId.toString(16)})`, row("Route Source", "Networks", "Subnets", "Replicates")];
  let networks = 0;
  let subnets = 0;
  let replicates = 0;
  for (const src of s.sources) {
    lines.push(row(src.source, src.networks, src.subnets, src.replicates));
    if (src.bgp) lines.push(`  External: ${src.bgp.external} Internal: ${src.bgp.internal} Local: ${src.bgp.local}`);
    networks += src.networks;
    subnets += src.subnets;
    replicates += src.replicates;
  }
  lines.push(row("internal", s.internal));
  lines.push(row("Total", networks + s.internal, subnets, replicates));
  return lines.join("\n");
}
