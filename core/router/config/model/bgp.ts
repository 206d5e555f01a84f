// `router bgp`: the process, its neighbors and peer-groups, and its address families.

import type { Ipv4, Prefix } from "../../wire/addr";

export interface BgpNeighbor {
  /** The text IOS uses to name it: an address ("10.0.0.1") or a peer-group name. */
  id: string;
  /** Set for address neighbors; absent for peer-groups. */
  address?: Ipv4;
  isPeerGroup: boolean;
  /** `neighbor X peer-group NAME`: membership of an address neighbor. */
  peerGroup?: string;
  remoteAs?: number;
  description?: string;
  password?: string;
  ebgpMultihop?: number;
  updateSource?: string;
  transportConnectionMode?: "active" | "passive";
  shutdown: boolean;
}

export type SendCommunity = "standard" | "extended" | "both";

export interface BgpAfNeighbor {
  /** `neighbor X activate` / `no neighbor X activate`; absent means IOS's default (see isActivated). */
  activate?: boolean;
  sendCommunity?: SendCommunity;
  nextHopSelf: boolean;
  routeMapIn?: string;
  routeMapOut?: string;
}

export interface BgpRedistribute {
  routeMap?: string;
}

export interface BgpAddressFamily {
  afi: "ipv4" | "vpnv4";
  /** `address-family ipv4 vrf NAME`. */
  vrf?: string;
  networks: { prefix: Prefix; routeMap?: string }[];
  redistribute: { connected?: BgpRedistribute; static?: BgpRedistribute };
  defaultInformationOriginate: boolean;
  /** Per-family neighbor settings (activate, send-community…), by neighbor id. */
  neighbors: Record<string, BgpAfNeighbor>;
  /** `address-family ipv4 vrf X` only: the neighbors defined inside it (PE-CE sessions). */
  vrfNeighbors?: Record<string, BgpNeighbor>;
}

export interface BgpConfig {
  asn: number;
  routerId?: Ipv4;
  logNeighborChanges: boolean;
  /** `no bgp default ipv4-unicast`. */
  defaultIpv4Unicast: boolean;
  listenRanges: { prefix: Prefix; peerGroup: string }[];
  listenLimit?: number;
  /** Address neighbors and peer-groups, by id. */
  neighbors: Record<string, BgpNeighbor>;
  /** By key: "ipv4", "vpnv4", "ipv4 vrf NAME" (see afKey). */
  addressFamilies: Record<string, BgpAddressFamily>;
}

export function afKey(afi: BgpAddressFamily["afi"], vrf?: string): string {
  return vrf === undefined ? afi : `${afi} vrf ${vrf}`;
}

export function newBgp(asn: number): BgpConfig {
  return { asn, logNeighborChanges: false, defaultIpv4Unicast: true, listenRanges: [], neighbors: {}, addressFamilies: {} };
}

/** Whether a neighbor exchanges routes in an address family. IOS activates address
 * neighbors in IPv4 unicast by default (unless `no bgp default ipv4-unicast`); everything
 * else needs `neighbor X activate`. A peer-group member inherits the group's activation. */
export function isActivated(bgp: BgpConfig, key: string, id: string): boolean {
  const af = bgp.addressFamilies[key];
  const own = af?.neighbors[id]?.activate;
  if (own !== undefined) return own;
  const n = (af?.vrfNeighbors ?? bgp.neighbors)[id];
  const group = n?.peerGroup === undefined ? undefined : af?.neighbors[n.peerGroup]?.activate;
  if (group !== undefined) return group;
  return key === "ipv4" && bgp.defaultIpv4Unicast && n !== undefined && !n.isPeerGroup;
}
