// Static routes (`ip route [vrf X] PREFIX MASK {INTERFACE [NEXT-HOP] | NEXT-HOP [global]}
// [DISTANCE] [tag T] [name N] [permanent]`). Each configured route is kept as given; the ones
// for one prefix at one distance are offered to the RIB as one candidate with several next
// hops (IOS load-shares between equal static routes), each distance as its own candidate, so
// a floating static takes over when the better one's next hop or interface goes away. The
// RIB decides what resolves; a route that does not resolve stays configured, not installed.
import { formatIpv4, maskOf, type Ipv4, type Prefix } from "../wire/addr";
import type { NetStack } from "../net/stack";
import { vrfKey } from "../net/vrf";
import { AdminDistance, prefixKey, type RouteNextHop } from "./route";
import type { Rib } from "./rib";

export interface StaticRouteConfig {
  /** undefined for the global table. */
  readonly vrf?: string;
  readonly prefix: Prefix;
  /** Exit interface name, "Null0" included. */
  readonly interface?: string;
  readonly nextHop?: Ipv4;
  /** `global`: resolve the next hop in the global table (a VRF route leaking out). */
  readonly global?: boolean;
  /** Administrative distance, 1 by default. */
  readonly distance?: number;
  readonly tag?: number;
  readonly name?: string;
  readonly permanent?: boolean;
}

/** Which configured route a `no ip route` names: same VRF, prefix, interface and next hop. */
function sameIdentity(a: StaticRouteConfig, b: StaticRouteConfig): boolean {
  return (
    vrfKey(a.vrf) === vrfKey(b.vrf) &&
    a.prefix.addr === b.prefix.addr &&
    a.prefix.len === b.prefix.len &&
    a.interface === b.interface &&
    a.nextHop === b.nextHop
  );
}

/** The configured routes for one VRF and prefix: what `publish` offers the RIB together. */
interface PrefixRoutes {
  readonly vrf: string;
  readonly prefix: Prefix;
  /** In the order first configured; re-entering a route keeps its place. */
  readonly configs: StaticRouteConfig[];
  /** Distances currently offered to the RIB. */
  offered: readonly number[];
}

export class StaticRoutes {
  /** VRF → prefixKey → its routes. Kept per prefix so that adding one of thousands of routes
   * (a large startup-config) looks at only the few for its own prefix. */
  private readonly byVrf = new Map<string, Map<number, PrefixRoutes>>();

  constructor(
    private readonly stack: NetStack,
    private readonly rib: Rib,
  ) {}

  /** `ip route …`: adds the route, or updates distance/tag/name/permanent of the same one. */
  add(config: StaticRouteConfig): string | undefined {
    const vrf = vrfKey(config.vrf);
    const v = this.stack.vrf(vrf);
    if (v === undefined) return `%IP routing table ${vrf} does not exist. Create first`;
    if (((config.prefix.addr & ~maskOf(config.prefix.len)) >>> 0) !== 0) return "%Inconsistent address and mask";
    if (config.interface === undefined && config.nextHop === undefined) return "% Incomplete command.";
    const distance = config.distance ?? AdminDistance.static;
    if (!Number.isInteger(distance) || distance < 1 || distance > 255) return "% Invalid input: distance must be between 1 and 255";
    if (config.nextHop !== undefined) {
      const lookupVrf = config.global ? this.stack.globalVrf : v;
      if (this.stack.interfaceOwning(lookupVrf, config.nextHop) !== undefined) return "%Invalid next hop address (it's this router)";
    }
    // Built field by field: one shape for every stored route, and no object spread per route.
    const normalized: StaticRouteConfig = {
      vrf: vrf === "" ? undefined : vrf,
      prefix: config.prefix,
      interface: config.interface,
      nextHop: config.nextHop,
      global: config.global,
      distance,
      tag: config.tag,
      name: config.name,
      permanent: config.permanent,
    };
    let prefixes = this.byVrf.get(vrf);
    if (prefixes === undefined) this.byVrf.set(vrf, (prefixes = new Map()));
    let routes = prefixes.get(prefixKey(config.prefix));
    if (routes === undefined) prefixes.set(prefixKey(config.prefix), (routes = { vrf, prefix: config.prefix, configs: [], offered: [] }));
    const i = routes.configs.findIndex((c) => sameIdentity(c, normalized));
    if (i >= 0) routes.configs[i] = normalized;
    else routes.configs.push(normalized);
    this.publish(routes);
    return undefined;
  }

  /** `no ip route …`; returns whether a route matched. */
  remove(config: StaticRouteConfig): boolean {
    const routes = this.byVrf.get(vrfKey(config.vrf))?.get(prefixKey(config.prefix));
    const i = routes?.configs.findIndex((c) => sameIdentity(c, config)) ?? -1;
    if (routes === undefined || i < 0) return false;
    routes.configs.splice(i, 1);
    this.publish(routes);
    return true;
  }

  /** Every configured static route, grouped by VRF and prefix (running-config renders from
   * the config model, not from here). */
  list(vrf?: string): readonly StaticRouteConfig[] {
    const out: StaticRouteConfig[] = [];
    for (const [name, prefixes] of this.byVrf) {
      if (vrf !== undefined && name !== vrfKey(vrf)) continue;
      for (const routes of prefixes.values()) out.push(...routes.configs);
    }
    return out;
  }

  /** Removes every static route of a VRF (`no vrf definition`). */
  removeVrf(vrf: string): void {
    for (const routes of [...(this.byVrf.get(vrf)?.values() ?? [])]) {
      routes.configs.length = 0;
      this.publish(routes);
    }
  }

  /** Offers the routes for one prefix to the RIB, one candidate per distance. */
  private publish(routes: PrefixRoutes): void {
    const { vrf, prefix } = routes;
    const byDistance = new Map<number, StaticRouteConfig[]>();
    for (const c of routes.configs) {
      const d = c.distance ?? AdminDistance.static;
      const list = byDistance.get(d);
      if (list) list.push(c);
      else byDistance.set(d, [c]);
    }
    this.rib.batch(() => {
      for (const d of routes.offered) if (!byDistance.has(d)) this.rib.withdraw(vrf, prefix, "static", String(d));
      for (const [d, list] of byDistance) {
        const nextHops: RouteNextHop[] = list.map((c) => ({
          address: c.nextHop,
          interface: c.interface,
          resolveInVrf: c.global ? "" : undefined,
          permanent: c.permanent || undefined,
        }));
        const first = list[0];
        this.rib.upsert(vrf, { prefix, protocol: "static", instance: String(d), distance: d, metric: 0, nextHops, tag: first.tag, name: first.name });
      }
    });
    routes.offered = [...byDistance.keys()];
    if (routes.configs.length > 0) return;
    const prefixes = this.byVrf.get(vrf);
    prefixes?.delete(prefixKey(prefix));
    if (prefixes?.size === 0) this.byVrf.delete(vrf);
  }
}

/** `ip route` as IOS renders it in running-config, for tests and debugging. */
export function describeStaticRoute(c: StaticRouteConfig): string {
  const parts = ["ip route"];
  if (c.vrf) parts.push(`vrf ${c.vrf}`);
  parts.push(formatIpv4(c.prefix.addr), formatIpv4(maskOf(c.prefix.len)));
  if (c.interface !== undefined) parts.push(c.interface);
  if (c.nextHop !== undefined) parts.push(formatIpv4(c.nextHop));
  if (c.global) parts.push("global");
  if (c.distance !== undefined && c.distance !== AdminDistance.static) parts.push(String(c.distance));
  if (c.tag !== undefined) parts.push(`tag ${c.tag}`);
  if (c.name !== undefined) parts.push(`name ${c.name}`);
  if (c.permanent) parts.push("permanent");
  return parts.join(" ");
}
