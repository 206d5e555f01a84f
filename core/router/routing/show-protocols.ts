// `show ip protocols [vrf X]`: one block per routing process, in IOS's layout: the
// "application" source IOS always lists, then `router bgp` with its filter lists, IGP
// synchronization, summarization, neighbors with their per-neighbor filters, maximum paths,
// the gateways the routing table learnt routes from (distance, time of the last update),
// and the distances. The gateways come from the routing table's own rows.
import type { RouteRow } from "../../api/tables";
import { formatRouteAge } from "./show-route";

export interface ProtocolNeighbor {
  readonly address: string;
  /** `neighbor X filter-list N in|out`. */
  readonly filterIn?: number;
  readonly filterOut?: number;
  /** `neighbor X distribute-list ACL in|out`. */
  readonly distributeIn?: string;
  readonly distributeOut?: string;
  /** `neighbor X route-map NAME in`. */
  readonly routeMapIn?: string;
}

export interface ProtocolSource {
  /** The neighbor the routes came from. */
  readonly gateway: string;
  readonly distance: number;
  /** Seconds since the newest route from this gateway changed. */
  readonly lastUpdateSec: number;
}

export interface BgpProtocolInfo {
  readonly asn: number;
  readonly synchronization: boolean;
  readonly autoSummary: boolean;
  /** "connected", "static". */
  readonly redistributing: readonly string[];
  readonly neighbors: readonly ProtocolNeighbor[];
  readonly maximumPaths: number;
  readonly sources: readonly ProtocolSource[];
  readonly distance: { readonly external: number; readonly internal: number; readonly local: number };
}

/** Gateways of one protocol's routes in a table: per `from` address, the distance and the
 * age of its most recently changed route, ordered by address. */
export function protocolSources(rows: readonly RouteRow[], protocol: RouteRow["protocol"]): ProtocolSource[] {
  const by = new Map<string, { distance: number; age: number }>();
  for (const r of rows) {
    if (r.protocol !== protocol || r.from === undefined) continue;
    const age = r.ageSeconds ?? 0;
    const seen = by.get(r.from);
    if (seen === undefined || age < seen.age) by.set(r.from, { distance: r.distance, age });
  }
  const key = (a: string): number => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
  return [...by.entries()].sort((a, b) => key(a[0]) - key(b[0])).map(([gateway, s]) => ({ gateway, distance: s.distance, lastUpdateSec: s.age }));
}

const FILTER_LISTS = ["  Outgoing update filter list for all interfaces is not set", "  Incoming update filter list for all interfaces is not set"];

function sourcesLines(sources: readonly ProtocolSource[]): string[] {
  const out = ["  Routing Information Sources:", "    Gateway         Distance      Last Update"];
  for (const s of sources) out.push(`    ${s.gateway.padEnd(16)}${String(s.distance).padStart(8)}      ${formatRouteAge(s.lastUpdateSec)}`);
  return out;
}

/** The "application" block IOS prints first: the source for routes applications install
 * (none here). Its fixed timers and default distance are IOS's; IOS's "Maximum path: 32"
 * line is left out, as our routing table sets no limit on paths. */
export function formatApplicationProtocol(): string[] {
  return [
    `Routing Protocol is "application"`,
    "  Sending updates every 0 seconds",
    "  Invalid after 0 seconds, hold down 0, flushed after 0",
    ...FILTER_LISTS,
    "  Routing for Networks:",
    ...sourcesLines([]),
    "  Distance: (default is 4)",
  ];
}

/** Address at 4, then FiltIn, FiltOut, DistIn, DistOut, Weight and RouteMap columns. */
function neighborLine(n: ProtocolNeighbor): string {
  const cols = [n.address.padEnd(17), String(n.filterIn ?? "").padEnd(7), String(n.filterOut ?? "").padEnd(8), (n.distributeIn ?? "").padEnd(7), (n.distributeOut ?? "").padEnd(8), "".padEnd(7), n.routeMapIn ?? ""];
  return ("    " + cols.join("")).trimEnd();
}

export function formatBgpProtocol(b: BgpProtocolInfo): string[] {
  const out = [`Routing Protocol is "bgp ${b.asn}"`, ...FILTER_LISTS];
  out.push(`  IGP synchronization is ${b.synchronization ? "enabled" : "disabled"}`);
  out.push(`  Automatic route summarization is ${b.autoSummary ? "enabled" : "disabled"}`);
  if (b.redistributing.length) out.push(`  Redistributing: ${b.redistributing.join(", ")}`);
  out.push("  Neighbor(s):", "    Address          FiltIn FiltOut DistIn DistOut Weight RouteMap");
  for (const n of b.neighbors) out.push(neighborLine(n));
  out.push(`  Maximum path: ${b.maximumPaths}`);
  out.push(...sourcesLines(b.sources));
  out.push(`  Distance: external ${b.distance.external} internal ${b.distance.internal} local ${b.distance.local}`);
  return out;
}

/** The whole text: blocks separated by a blank line. */
export function formatIpProtocols(blocks: readonly (readonly string[])[]): string {
  return blocks.map((b) => b.join("\n")).join("\n\n");
}
