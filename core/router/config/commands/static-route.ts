// `ip route [vrf X] PREFIX MASK {NEXTHOP | INTERFACE [NEXTHOP]} [DISTANCE] [tag N] [permanent] [name W]`
// and `ip local pool`.

import { maskLength, maskOf, type Ipv4 } from "../../wire/addr";
import { command, type ConfigCommand, type RenderItem } from "../command";
import type { ArgRecord } from "../grammar/args";
import type { RouterConfig } from "../model/router";
import type { StaticRoute } from "../model/routing";
import { compareSortKeys, TOP } from "./order";

const IP = "Global IP configuration subcommands";
const ROUTE_TAIL = "[<1-255>$distance] {tag <1-4294967295>$tag|permanent$permanent|name WORD$name}";
const ROUTE_HELP = [
  IP,
  "Establish static routes",
  "Configure static route for a VPN Routing/Forwarding instance",
  "VPN Routing/Forwarding instance name",
  "Destination prefix",
  "Destination prefix mask",
  "Forwarding router's address",
  "Interface",
  "Forwarding router's address",
  "Distance metric for this route",
  "Set tag for this route",
  "Tag value",
  "permanent route",
  "Specify name of the next hop",
  "Name of the next hop",
];

function sameKey(r: StaticRoute, vrf: string | undefined, addr: Ipv4, len: number): boolean {
  return r.vrf === vrf && r.prefix.addr === addr && r.prefix.len === len;
}

function sameNextHop(r: StaticRoute, a: { readonly interface?: string; readonly nexthop?: Ipv4 }): boolean {
  return r.interface === a.interface && r.nextHop === a.nexthop;
}

/** The running-config order of routes: VRF (global first), prefix, then next hop. Two routes
 * share a sort key exactly when they have the same key and next hop, which `ip route` never
 * lets happen, so `m.staticRoutes` is kept sorted with no ties. */
function routeSort(r: StaticRoute): (string | number)[] {
  return [vrfSort(r.vrf), r.prefix.addr, r.prefix.len, r.interface ?? "", r.nextHop ?? -1];
}

/** The leading part of `routeSort` (VRF and prefix); it sorts just before every route for that prefix. */
function keySort(vrf: string | undefined, addr: Ipv4, len: number): (string | number)[] {
  return [vrfSort(vrf), addr, len];
}

function vrfSort(vrf: string | undefined): string {
  return vrf === undefined ? "" : ` ${vrf}`;
}

/** Position of the first route whose sort key is not below `key` (binary search: a config of
 * thousands of routes must not re-scan the list for each line). */
function lowerBound(routes: readonly StaticRoute[], key: readonly (string | number)[]): number {
  // A saved running-config lists its routes in this order already, so most lines append.
  if (routes.length === 0 || compareSortKeys(routeSort(routes[routes.length - 1]), key) < 0) return routes.length;
  let lo = 0;
  let hi = routes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareSortKeys(routeSort(routes[mid]), key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function routeArgs(r: StaticRoute): ArgRecord {
  const out: Record<string, ArgRecord[string]> = { prefix: r.prefix.addr, mask: maskOf(r.prefix.len) };
  if (r.vrf !== undefined) out.vrf = r.vrf;
  if (r.interface !== undefined) out.interface = r.interface;
  if (r.nextHop !== undefined) out.nexthop = r.nextHop;
  if (r.distance !== undefined) out.distance = r.distance;
  if (r.tag !== undefined) out.tag = r.tag;
  if (r.permanent) out.permanent = "permanent";
  if (r.name !== undefined) out.name = r.name;
  return out;
}

function poolLines(m: RouterConfig): RenderItem[] {
  return Object.values(m.localPools)
    .sort((x, y) => (x.name < y.name ? -1 : 1))
    .flatMap((p) =>
      p.ranges.map((r) => {
        const args: ArgRecord = r.end === r.start ? { name: p.name, start: r.start } : { name: p.name, start: r.start, end: r.end };
        return { args, sort: [p.name] };
      }),
    );
}

export const staticRouteCommands: readonly ConfigCommand[] = [
  command({
    id: "ip.route",
    mode: "config",
    syntax: `ip route [vrf WORD$vrf] A.B.C.D$prefix NETMASK$mask (A.B.C.D$nexthop|INTERFACE$interface [A.B.C.D$nexthop]) ${ROUTE_TAIL}`,
    help: ROUTE_HELP,
    order: TOP.ipRoute,
    apply: (m, a) => {
      const addr = a.prefix;
      const len = maskLength(a.mask) ?? 32;
      if (((addr & ~maskOf(len)) >>> 0) !== 0) return { error: "%Inconsistent address and mask" };
      const vrf = a.vrf;
      const route: StaticRoute = { prefix: { addr, len } as StaticRoute["prefix"], permanent: a.permanent !== undefined };
      if (vrf !== undefined) route.vrf = vrf;
      if (a.interface !== undefined) route.interface = a.interface;
      if (a.nexthop !== undefined) route.nextHop = a.nexthop;
      if (a.distance !== undefined) route.distance = a.distance;
      if (a.tag !== undefined) route.tag = a.tag;
      if (a.name !== undefined) route.name = a.name;
      // Kept in running-config order, so a model read back from its rendering is the same.
      const key = routeSort(route);
      const at = lowerBound(m.staticRoutes, key);
      // Re-entering a route with the same next hop (the same sort key) replaces its options.
      if (at < m.staticRoutes.length && compareSortKeys(routeSort(m.staticRoutes[at]), key) === 0) m.staticRoutes[at] = route;
      else m.staticRoutes.splice(at, 0, route);
    },
    no: {
      syntax: `ip route [vrf WORD$vrf] A.B.C.D$prefix NETMASK$mask [(A.B.C.D$nexthop|INTERFACE$interface [A.B.C.D$nexthop])] ${ROUTE_TAIL}`,
      apply: (m, a) => {
        const addr = a.prefix;
        const len = maskLength(a.mask) ?? 32;
        const vrf = a.vrf;
        const any = a.interface === undefined && a.nexthop === undefined;
        // The routes for one prefix sit together in the sorted list.
        let removed = 0;
        for (let i = lowerBound(m.staticRoutes, keySort(vrf, addr, len)); i < m.staticRoutes.length && sameKey(m.staticRoutes[i], vrf, addr, len); ) {
          if (any || sameNextHop(m.staticRoutes[i], a)) {
            m.staticRoutes.splice(i, 1);
            removed++;
          } else i++;
        }
        if (removed === 0) return { error: "%No matching route to delete" };
      },
    },
    render: (m) =>
      m.staticRoutes.map((r) => ({
        args: routeArgs(r),
        sort: routeSort(r),
      })),
  }),
  command({
    id: "ip.local-pool",
    mode: "config",
    syntax: "ip local pool (default|WORD)$name A.B.C.D$start [A.B.C.D$end]",
    help: [IP, "Specify local address pooling", "IP Local address pool lists", "Default pool", "Create named local address pool", "First IP address of range", "Last IP address of range"],
    order: TOP.ipLocalPool,
    apply: (m, a) => {
      const name = a.name;
      const start = a.start;
      const end = a.end ?? start;
      if (end < start) return { error: "%Invalid address range" };
      const pool = (m.localPools[name] ??= { name, ranges: [] });
      if (!pool.ranges.some((r) => r.start === start && r.end === end)) pool.ranges.push({ start, end });
    },
    no: {
      syntax: "ip local pool (default|WORD)$name [A.B.C.D$start [A.B.C.D$end]]",
      apply: (m, a) => {
        const name = a.name;
        const pool = m.localPools[name];
        if (!pool) return;
        if (a.start === undefined) {
          delete m.localPools[name];
          return;
        }
        const start = a.start;
        const end = a.end ?? start;
        pool.ranges = pool.ranges.filter((r) => !(r.start === start && r.end === end));
        if (pool.ranges.length === 0) delete m.localPools[name];
      },
    },
    render: poolLines,
  }),
];
