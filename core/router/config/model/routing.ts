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
}

export interface RouteMapSet {
  tag?: number;
  metric?: number;
  localPreference?: number;
  weight?: number;
  ipNextHop?: Ipv4;
  community?: string;
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
