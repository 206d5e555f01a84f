// `router bgp`: the process, its neighbors and peer-groups, and its address families.

import type { Ipv4, Prefix } from "../../wire/addr";
import type { KeptStore } from "./kept";

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
  /** `neighbor X local-as N`: the AS this session speaks instead of the process's. */
  localAs?: number;
}

export type SendCommunity = "standard" | "extended" | "both";

export interface BgpAfNeighbor {
  /** `neighbor X activate` / `no neighbor X activate`; absent means IOS's default (see isActivated). */
  activate?: boolean;
  sendCommunity?: SendCommunity;
  nextHopSelf: boolean;
  routeMapIn?: string;
  routeMapOut?: string;
  /** `neighbor X prefix-list NAME in|out`. */
  prefixListIn?: string;
  prefixListOut?: string;
  /** `neighbor X distribute-list ACL in|out` (access lists on the network and mask). */
  distributeListIn?: string;
  distributeListOut?: string;
  /** `neighbor X filter-list N in|out` (AS-path access lists). */
  filterListIn?: number;
  filterListOut?: number;
  /** `neighbor X soft-reconfiguration inbound`: keep what the neighbor sent before policy. */
  softReconfigInbound?: boolean;
  /** `neighbor X route-reflector-client`. */
  routeReflectorClient?: boolean;
  /** `neighbor X allowas-in [N]`: how often our AS may appear in a received AS_PATH (IOS default 3). */
  allowAsIn?: number;
  /** `neighbor X send-label` (RFC 8277 labelled IPv4 unicast). */
  sendLabel?: boolean;
  /** `neighbor X maximum-prefix N [THRESHOLD] [restart MINUTES | warning-only]`. */
  maximumPrefix?: { max: number; threshold?: number; warningOnly: boolean; restartMin?: number };
}

/** `aggregate-address A M [as-set] [summary-only]`. */
export interface BgpAggregate {
  prefix: Prefix;
  asSet: boolean;
  summaryOnly: boolean;
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
  /** `maximum-paths N`: equal-cost eBGP paths installed (absent: 1). */
  maximumPaths?: number;
  /** `maximum-paths ibgp N`: equal-cost iBGP paths installed (absent: 1). */
  maximumPathsIbgp?: number;
  /** `maximum-paths eibgp N`: eBGP and iBGP paths installed together (absent: 1); IOS takes
   * it only where neither of the two above is set, and they not where it is. */
  maximumPathsEibgp?: number;
  aggregates?: BgpAggregate[];
  /** Per-family neighbor settings (activate, send-community…), by neighbor id. */
  neighbors: Record<string, BgpAfNeighbor>;
  /** `address-family ipv4 vrf X` only: the neighbors defined inside it (PE-CE sessions). */
  vrfNeighbors?: Record<string, BgpNeighbor>;
  /** Lines of this family the lab keeps but does not simulate (commands/kept-bgp.ts). */
  kept?: KeptStore;
}

export interface BgpConfig {
  asn: number;
  routerId?: Ipv4;
  logNeighborChanges: boolean;
  /** `no bgp default ipv4-unicast`. */
  defaultIpv4Unicast: boolean;
  listenRanges: { prefix: Prefix; peerGroup: string }[];
  listenLimit?: number;
  /** `bgp cluster-id`: route reflection's CLUSTER_ID (absent: the router ID). */
  clusterId?: Ipv4;
  /** `synchronization` / `auto-summary`: off by default since IOS 12.2(8)T; kept so the old
   * `no synchronization` / `no auto-summary` lines are accepted (and rendered only when on). */
  synchronization?: boolean;
  autoSummary?: boolean;
  /** Address neighbors and peer-groups, by id. */
  neighbors: Record<string, BgpNeighbor>;
  /** By key: "ipv4", "vpnv4", "ipv4 vrf NAME" (see afKey). */
  addressFamilies: Record<string, BgpAddressFamily>;
  /** Process lines the lab keeps but does not simulate (`bgp dampening`, neighbor timers). */
  kept?: KeptStore;
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
