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

export class StaticRoutes {
  private configs: StaticRouteConfig[] = [];
  /** "vrf|prefixKey" → distances currently offered to the RIB. */
  private readonly offered = new Map<string, Set<number>>();

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
    const normalized: StaticRouteConfig = { ...config, vrf: vrf === "" ? undefined : vrf, distance };
    const i = this.configs.findIndex((c) => sameIdentity(c, normalized));
    if (i >= 0) this.configs[i] = normalized;
    else this.configs.push(normalized);
    this.publish(vrf, config.prefix);
    return undefined;
  }

  /** `no ip route …`; returns whether a route matched. */
  remove(config: StaticRouteConfig): boolean {
    const before = this.configs.length;
    this.configs = this.configs.filter((c) => !sameIdentity(c, config));
    if (this.configs.length === before) return false;
    this.publish(vrfKey(config.vrf), config.prefix);
    return true;
  }

  /** Every configured static route (running-config renders from the config model, not from here). */
  list(vrf?: string): readonly StaticRouteConfig[] {
    return vrf === undefined ? this.configs : this.configs.filter((c) => vrfKey(c.vrf) === vrfKey(vrf));
  }

  /** Removes every static route of a VRF (`no vrf definition`). */
  removeVrf(vrf: string): void {
    const gone = this.configs.filter((c) => vrfKey(c.vrf) === vrf);
    this.configs = this.configs.filter((c) => vrfKey(c.vrf) !== vrf);
    for (const c of gone) this.publish(vrf, c.prefix);
  }

  /** Offers the routes for one prefix to the RIB, one candidate per distance. */
  private publish(vrf: string, prefix: Prefix): void {
    const key = `${vrf}|${prefixKey(prefix)}`;
    const mine = this.configs.filter((c) => vrfKey(c.vrf) === vrf && c.prefix.addr === prefix.addr && c.prefix.len === prefix.len);
    const byDistance = new Map<number, StaticRouteConfig[]>();
    for (const c of mine) {
      const d = c.distance ?? AdminDistance.static;
      const list = byDistance.get(d);
      if (list) list.push(c);
      else byDistance.set(d, [c]);
    }
    const previous = this.offered.get(key) ?? new Set<number>();
    this.rib.batch(() => {
      for (const d of previous) if (!byDistance.has(d)) this.rib.withdraw(vrf, prefix, "static", String(d));
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
    if (byDistance.size) this.offered.set(key, new Set(byDistance.keys()));
    else this.offered.delete(key);
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
