// The whole router configuration: plain, JSON-serialisable data, so it can cross the mgmt API
// and be read by protocol code. Commands change it; running-config is rendered from it.

import type { ArgRecord } from "../grammar/args";
import type { BgpConfig } from "./bgp";
import { newCrypto, type CryptoConfig } from "./crypto";
import type { InterfaceConfig } from "./interface";
import type { KeptStore } from "./kept";
import type { AccessListConfig } from "./acl";
import type { AsPathListEntry, CommunityList, ExtCommunityList, LocalPool, PrefixListEntry, RouteMapEntry, StaticRoute } from "./routing";
import type { VrfConfig } from "./vrf";

export interface AaaAuthorization {
  type: "network" | "exec";
  list: string;
  methods: string[];
}

export interface AaaConfig {
  newModel: boolean;
  authorization: AaaAuthorization[];
}

/** A command with no behaviour in a lab, stored as its arguments so it renders back. */
export interface StoredLine {
  /** The declaring command's id. */
  command: string;
  no: boolean;
  args: ArgRecord;
}

/** `line con 0`, `line vty 0 4`: kept and rendered; a lab console has no line settings. */
export interface LineConfig {
  kind: "con" | "aux" | "vty";
  first: number;
  last?: number;
  /** Settings by command id, stored like other inert commands. */
  settings: Record<string, StoredLine>;
  /** Kept sub-commands beyond those (commands/kept.ts). */
  kept?: KeptStore;
}

export interface ClockTimezone {
  readonly name: string;
  /** -23..23, as IOS takes it. */
  readonly hoursOffset: number;
  readonly minutesOffset?: number;
}

export interface RouterConfig {
  hostname: string;
  /** `ip domain name`. */
  domainName?: string;
  /** `ip domain lookup` (IOS's default) or `no ip domain lookup`: whether exec, taking a lone
   * unknown word for a host name, first tries to translate it. */
  ipDomainLookup: boolean;
  /** `clock timezone NAME HOURS [MINUTES]`: the zone `show clock` and log timestamps use. */
  clockTimezone?: ClockTimezone;
  vrfs: Record<string, VrfConfig>;
  interfaces: Record<string, InterfaceConfig>;
  staticRoutes: StaticRoute[];
  /** By name, entries in sequence order. */
  routeMaps: Record<string, RouteMapEntry[]>;
  /** `ip prefix-list`: by name, entries in sequence order (absent until one is configured). */
  prefixLists?: Record<string, PrefixListEntry[]>;
  /** `ip community-list`: by name or number (absent until one is configured). */
  communityLists?: Record<string, CommunityList>;
  /** `ip extcommunity-list`: by name or number. */
  extcommunityLists?: Record<string, ExtCommunityList>;
  /** `ip as-path access-list N`: by number, entries in the order given. */
  asPathLists?: Record<string, AsPathListEntry[]>;
  bgp?: BgpConfig;
  /** `mpls label range MIN MAX`: where the MFI allocates dynamic labels (absent: 16..100000). */
  mplsLabelRange?: { min: number; max: number };
  crypto: CryptoConfig;
  localPools: Record<string, LocalPool>;
  aaa: AaaConfig;
  /** `ip http server` (true) or `no ip http server` (false); absent: neither line, off. */
  ipHttpServer?: boolean;
  /** Inert commands (see the `inert` flag of their declarations), by slot. */
  misc: Record<string, StoredLine>;
  /** By "con 0", "aux 0", "vty 0 4". */
  lines: Record<string, LineConfig>;
  /** Commands accepted and kept but not simulated, and their blocks (commands/kept.ts). */
  kept?: KeptStore;
  /** IP access lists by name or number. */
  accessLists?: Record<string, AccessListConfig>;
  /** The global `cdp …` lines (absent: all at their defaults). */
  cdp?: CdpConfig;
}

/** Global CDP settings; an absent field is IOS's default. */
export interface CdpConfig {
  /** `cdp run` (true) or `no cdp run` (false); absent: the platform's default (on for classic
   * IOS, off for IOS XE's virtual routers). */
  run?: boolean;
  /** `cdp timer N`: seconds between advertisements (default 60). */
  timerSec?: number;
  /** `cdp holdtime N`: the TTL advertised, in seconds (default 180). */
  holdtimeSec?: number;
  /** `no cdp advertise-v2`: send version 1 advertisements. */
  advertiseV2?: false;
}

export function emptyConfig(hostname = "Router"): RouterConfig {
  return {
    hostname,
    ipDomainLookup: true,
    vrfs: {},
    interfaces: {},
    staticRoutes: [],
    routeMaps: {},
    crypto: newCrypto(),
    localPools: {},
    aaa: { newModel: false, authorization: [] },
    misc: {},
    lines: {},
  };
}

type Primitive = string | number | boolean | undefined | null;
/** A read-only view for code that only reads the configuration. */
export type DeepReadonly<T> = T extends Primitive ? T : T extends readonly (infer U)[] ? readonly DeepReadonly<U>[] : { readonly [K in keyof T]: DeepReadonly<T[K]> };
export type ReadonlyRouterConfig = DeepReadonly<RouterConfig>;
