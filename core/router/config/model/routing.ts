// Static routes, route-maps and IP local pools.

import type { KeptStore } from "./kept";
import type { Ipv4, Prefix } from "../../wire/addr";

export interface StaticRoute {
  /** Absent for the global table. */
  vrf?: string;
  prefix: Prefix;
  interface?: string;
  nextHop?: Ipv4;
  /** Administrative distance; absent means 1. */
  distance?: number;
  tag?: number;
  name?: string;
  permanent: boolean;
}

export interface RouteMapMatch {
  tags?: number[];
  /** `match ip address WORD...` (access lists). */
  ipAddressAcls?: string[];
  /** `match ip address prefix-list WORD...`. */
  ipAddressPrefixLists?: string[];
  interfaces?: string[];
  /** `match community LIST... [exact-match]`. */
  community?: { lists: string[]; exactMatch: boolean };
  /** `match extcommunity LIST...`. */
  extcommunity?: string[];
  /** `match as-path N...`. */
  asPath?: number[];
  /** `match metric N`. */
  metric?: number;
  /** `match source-protocol connected|static|bgp ASN` (the first word of each). */
  sourceProtocols?: string[];
  /** The AS of `match source-protocol bgp ASN`. */
  sourceBgpAs?: number;
}

export interface RouteMapSet {
  tag?: number;
  metric?: number;
  localPreference?: number;
  weight?: number;
  ipNextHop?: Ipv4;
  /** `set community VALUES [additive]` (values as 32-bit numbers) or `set community none`. */
  community?: { values: number[]; additive: boolean } | "none";
  /** `set comm-list LIST delete`: the communities the list permits are taken off. */
  commListDelete?: string;
  /** `set extcommunity rt RT... [additive]`. */
  extcommunityRt?: { values: string[]; additive: boolean };
  /** `set as-path prepend ASN...`. */
  asPathPrepend?: number[];
  /** `set origin igp|egp|incomplete`. */
  origin?: "igp" | "egp" | "incomplete";
}

/** One line of `ip community-list`: a standard line lists communities that must all be
 * present; an expanded line is a regular expression over the route's communities as text. */
export interface CommunityListEntry {
  action: "permit" | "deny";
  communities?: number[];
  regexp?: string;
}

export interface CommunityList {
  kind: "standard" | "expanded";
  /** `ip community-list standard NAME` rather than a number. */
  named: boolean;
  entries: CommunityListEntry[];
}

/** One line of `ip extcommunity-list`: route targets / sites of origin that must all be
 * present (standard), or a regular expression over "RT:65000:1 SoO:…" (expanded). */
export interface ExtCommunityListEntry {
  action: "permit" | "deny";
  rts?: string[];
  soos?: string[];
  regexp?: string;
}

export interface ExtCommunityList {
  kind: "standard" | "expanded";
  named: boolean;
  entries: ExtCommunityListEntry[];
}

/** One line of `ip as-path access-list N permit|deny REGEXP`. */
export interface AsPathListEntry {
  action: "permit" | "deny";
  regexp: string;
}

export interface RouteMapEntry {
  name: string;
  action: "permit" | "deny";
  seq: number;
  description?: string;
  match: RouteMapMatch;
  set: RouteMapSet;
  /** Clauses kept but not applied in a lab (`match community`: commands/kept-bgp.ts). */
  kept?: KeptStore;
}

/** One line of `ip prefix-list NAME seq N permit|deny A.B.C.D/M [ge G] [le L]`. */
export interface PrefixListEntry {
  seq: number;
  action: "permit" | "deny";
  prefix: Prefix;
  ge?: number;
  le?: number;
}

export interface LocalPool {
  name: string;
  ranges: { start: Ipv4; end: Ipv4 }[];
}
