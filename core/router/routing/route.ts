// What a route is, as the RIB's sources hand it over and as `show ip route` describes it:
// a prefix, the protocol that learnt it, IOS's administrative distance and a metric, and
// next hops (an address to resolve, an exit interface, or both; labels to impose for MPLS).
import { maskOf, type Ipv4, type Prefix } from "../wire/addr";
import type { Label } from "../wire/mpls";

export type RouteProtocol = "connected" | "local" | "static" | "bgp" | "nhrp" | "ospf" | "eigrp" | "rip" | "isis" | "application";

/** IOS's default administrative distances. */
export const AdminDistance = {
  connected: 0,
  static: 1,
  ebgp: 20,
  ibgp: 200,
  nhrp: 250,
} as const;

/** The code letter `show ip route` prints for each protocol. */
export const ROUTE_CODES: Record<RouteProtocol, string> = {
  connected: "C",
  local: "L",
  static: "S",
  bgp: "B",
  nhrp: "H",
  ospf: "O",
  eigrp: "D",
  rip: "R",
  isis: "i",
  application: "a",
};

export interface RouteNextHop {
  /** The next-hop address; resolved recursively through the RIB unless `interface` is also given. */
  readonly address?: Ipv4;
  /** Exit interface name ("Ethernet0/0", "Null0", "Tunnel0"). */
  readonly interface?: string;
  /** Resolve `address` in this VRF instead of the route's own ("" for the global table):
   * `ip route vrf A P M N.N.N.N global`, and VPNv4 routes whose next hop is a PE loopback. */
  readonly resolveInVrf?: string;
  /** Labels to impose beneath the ones the next hop's own route brings, outermost first. */
  readonly labels?: readonly Label[];
  /** IOS `permanent`: stays installed even when the interface is down or the next hop unresolvable. */
  readonly permanent?: boolean;
  /** The router this path was learnt from, when the route's paths come from several (BGP
   * multipath: IOS names each descriptor's "from"); else the route's `from` speaks for all. */
  readonly from?: Ipv4;
}

/** What a source hands to `Rib.upsert`. */
export interface RouteInput {
  readonly prefix: Prefix;
  readonly protocol: RouteProtocol;
  /** Tells apart several candidates of one protocol for one prefix (static routes at different distances). */
  readonly instance?: string;
  readonly distance: number;
  readonly metric: number;
  readonly nextHops: readonly RouteNextHop[];
  /** Route tag, for route-maps' `match tag` and `show ip route` ("Tag 5"). */
  readonly tag?: number;
  /** Static route `name`. */
  readonly name?: string;
  /** `Known via "…"` in `show ip route PREFIX`: e.g. "bgp 65000"; defaults to the protocol. */
  readonly knownVia?: string;
  /** Who told us (BGP peer, NHRP responder), for `from X` in `show ip route PREFIX`. */
  readonly from?: Ipv4;
}

/** A route in the RIB: the input less its prefix (the prefix state or installed route it
 * belongs to has that), and when it was last changed. Without a prefix, routes alike in every
 * other field are one object: the RIB shares them (a VRF's routes from one PE with a per-VRF
 * label are all alike). */
export interface Route extends Omit<RouteInput, "prefix"> {
  readonly updatedAt: number;
}

export function prefixKey(p: Prefix): number {
  return p.len * 0x100000000 + p.addr;
}

export function prefixContainsAddress(p: Prefix, addr: number): boolean {
  return ((addr ^ p.addr) & maskOf(p.len)) === 0;
}

/** The classful network an address falls in (A /8, B /16, C /24), as `show ip route` groups them. */
export function classfulLength(addr: number): number {
  const first = addr >>> 24;
  if (first < 128) return 8;
  if (first < 192) return 16;
  if (first < 224) return 24;
  return 32;
}

/** Protocols whose next hop is shown with an age (learnt, not configured). */
export function isDynamic(protocol: RouteProtocol): boolean {
  return protocol !== "connected" && protocol !== "local" && protocol !== "static";
}

export function sameNextHops(a: readonly RouteNextHop[], b: readonly RouteNextHop[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.address !== y.address || x.interface !== y.interface || x.resolveInVrf !== y.resolveInVrf || x.permanent !== y.permanent || x.from !== y.from) return false;
    if (!sameLabels(x.labels, y.labels)) return false;
  }
  return true;
}

export function sameLabels(a: readonly Label[] | undefined, b: readonly Label[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
