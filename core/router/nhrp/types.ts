// What NHRP knows, as `show ip nhrp`, `show dmvpn`, `show ip nhrp traffic` and the "nhrp"
// table read it: cache entries per tunnel interface, and per-interface packet counters.
import type { Ipv4, Prefix } from "../wire/addr";
import type { Label } from "../wire/mpls";

/** IOS's `Type:` word. */
export type NhrpEntryType = "dynamic" | "static" | "incomplete";

/** IOS's `Flags:` words, in the order IOS prints them (its samples: "router nhop rib",
 * "router rib nho", "router unique local", "authoritative unique registered used",
 * "unique registered used nhop"). */
export const NHRP_FLAG_ORDER = ["router", "authoritative", "implicit", "unique", "nat", "registered", "used", "local", "negative", "nhop", "rib", "nho", "bfd"] as const;
export type NhrpFlag = (typeof NHRP_FLAG_ORDER)[number];

export interface NhrpCacheEntry {
  /** The routing table the entry belongs to: "" for global, else the VRF name (MPLS over
   * FlexVPN: the VRF the resolution was for; IVRF: the tunnel's VRF). */
  readonly vrf: string;
  /** The protocol prefix: a tunnel address /32, or a resolved network (192.168.114.0/24). */
  readonly prefix: Prefix;
  /** `via X`: the tunnel (overlay) address of the next hop. */
  readonly via: Ipv4;
  /** The tunnel interface the entry sits on ("Tunnel0", "Virtual-Access1"). */
  readonly interface: string;
  /** Undefined for an incomplete entry. */
  readonly nbma: Ipv4 | undefined;
  readonly claimedNbma?: Ipv4;
  readonly type: NhrpEntryType;
  readonly flags: readonly NhrpFlag[];
  /** Router clock, ms. */
  readonly createdAt: number;
  /** Router clock, ms; undefined: never expires. */
  readonly expiresAt: number | undefined;
  /** MPLS over NHRP: the label to impose toward `prefix` (3: implicit-null). */
  readonly label?: Label;
  /** `(no-socket)`: no IPsec session carries this entry (local entries). */
  readonly noSocket: boolean;
  readonly preference: number;
  /** `detail`: the request that created it. */
  readonly requestId?: number;
  readonly requester?: Ipv4;
  /** Incomplete entries: packets that hit it while resolution was pending. */
  readonly cacheHits: number;
}

/** `show ip nhrp traffic`'s packet kinds, in IOS's order. */
export const NHRP_TRAFFIC_KINDS = [
  "resolutionRequest",
  "resolutionReply",
  "registrationRequest",
  "registrationReply",
  "purgeRequest",
  "purgeReply",
  "errorIndication",
  "trafficIndication",
  "redirectSuppress",
] as const;
export type NhrpTrafficKind = (typeof NHRP_TRAFFIC_KINDS)[number];

export interface NhrpInterfaceTraffic {
  readonly interface: string;
  readonly sent: Readonly<Record<NhrpTrafficKind, number>>;
  readonly received: Readonly<Record<NhrpTrafficKind, number>>;
  /** Malformed or refused packets, counted and dropped. */
  readonly dropped: number;
}

/** One `show dmvpn` peer row source: a tunnel interface's view of one NBMA peer. */
export interface NhrpPeer {
  readonly interface: string;
  /** `Type:Spoke` / `Type:Hub` of the interface block. */
  readonly role: "Spoke" | "Hub";
  readonly nbma: Ipv4;
  readonly tunnelAddress: Ipv4;
  /** UP: the session (IKE + IPsec, or plain GRE) is up; IKE: being negotiated; NHRP: waiting for NHRP. */
  readonly state: "UP" | "IKE" | "NHRP";
  /** Router clock ms since when the state holds. */
  readonly since: number;
  /** S, D, I, N, L, X, T1, T2 letters (legend of `show dmvpn`). */
  readonly attributes: string;
  /** The cache entries with this NBMA peer (the `# Ent` count and `detail`). */
  readonly entries: readonly NhrpCacheEntry[];
}
