// Route-map evaluation (IOS semantics) for redistribution and protocol policy: entries in
// sequence order; the first whose every match clause holds decides — permit with its `set`
// clauses, or deny; a route no entry matches is denied. An entry without match clauses
// matches everything. Within one clause the listed values are alternatives (`match tag 5 6`,
// `match ip address prefix-list A B`, `match community 1 2`). The lists a clause names are
// first-match-wins with an implicit deny: prefix-lists (prefix and length range), access
// lists (network and mask, net/acl.ts), community lists (standard: every listed community
// present; expanded: a regular expression over the communities as "aa:nn" text), extended
// community lists (route targets / sites of origin, or a regular expression over
// "RT:65000:1 SoO:…"), and AS-path access lists (a regular expression over the AS path as
// IOS prints it: "65001 65002 {65003,65004}").
//
// A RoutePolicy is compiled once per configuration: access lists into matchers, every
// regular expression into its automaton (config/ios-regex.ts, linear time).
import type { AccessListConfig } from "../config/model/acl";
import { IosRegex } from "../config/ios-regex";
import type { AsPathListEntry, CommunityList, ExtCommunityList, PrefixListEntry, RouteMapEntry, RouteMapSet } from "../config/model/routing";
import type { AccessList } from "../net/acl";
import { maskOf, type Prefix } from "../wire/addr";
import { compileAcl } from "./acl";

type PrefixLists = Readonly<Record<string, readonly PrefixListEntry[]>>;

/** The BGP attributes route-maps look at, as text where a regular expression reads them. */
export interface BgpSubject {
  /** The AS path as IOS prints it ("" for a local route). */
  readonly asPath: string;
  readonly communities: readonly number[];
  /** "RT:65000:1", "SoO:…" (IOS's text). */
  readonly extCommunities: readonly string[];
}

/** What a route-map can look at. */
export interface RouteMapSubject {
  readonly prefix: Prefix;
  /** The route's tag (`match tag`). */
  readonly tag?: number;
  /** Its exit interface (`match interface`). */
  readonly interface?: string;
  /** MED of a BGP path, metric of a route (`match metric`). */
  readonly metric?: number;
  /** Where the route came from (`match source-protocol`); the AS for BGP. */
  readonly protocol?: "connected" | "static" | "bgp";
  readonly protocolAs?: number;
  /** A BGP path's attributes; undefined for routes of the IP RIB (the BGP clauses then fail). */
  readonly bgp?: BgpSubject;
}

export type RouteMapVerdict = { readonly permit: true; readonly set: RouteMapSet; readonly seq: number } | { readonly permit: false };

const DENY: RouteMapVerdict = { permit: false };

/** The configuration a RoutePolicy is compiled from. */
export interface RoutePolicyConfig {
  readonly routeMaps: Readonly<Record<string, readonly RouteMapEntry[]>>;
  readonly prefixLists?: PrefixLists;
  readonly accessLists?: Readonly<Record<string, AccessListConfig>>;
  readonly communityLists?: Readonly<Record<string, CommunityList>>;
  readonly extcommunityLists?: Readonly<Record<string, ExtCommunityList>>;
  readonly asPathLists?: Readonly<Record<string, readonly AsPathListEntry[]>>;
}

interface CompiledLine<T> {
  readonly permit: boolean;
  readonly test: T;
}

/** A regular expression the config already validated; one that does not compile matches
 * nothing (the config refuses it, so only a hand-made model can carry one). */
function regex(pattern: string): IosRegex | undefined {
  const r = IosRegex.compile(pattern);
  return r instanceof IosRegex ? r : undefined;
}

function firstMatch<T>(lines: readonly CompiledLine<T>[] | undefined, matches: (t: T) => boolean): boolean {
  if (lines === undefined) return false;
  for (const l of lines) if (matches(l.test)) return l.permit;
  return false;
}

function communityText(c: number): string {
  return `${Math.floor(c / 65536)}:${c % 65536}`;
}

export class RoutePolicy {
  private readonly routeMaps: RoutePolicyConfig["routeMaps"];
  private readonly prefixLists: PrefixLists;
  private readonly acls = new Map<string, AccessList>();
  private readonly communities = new Map<string, CompiledLine<readonly number[] | IosRegex | undefined>[]>();
  private readonly extCommunities = new Map<string, CompiledLine<readonly string[] | IosRegex | undefined>[]>();
  private readonly asPaths = new Map<string, CompiledLine<IosRegex | undefined>[]>();

  constructor(readonly config: RoutePolicyConfig) {
    this.routeMaps = config.routeMaps;
    this.prefixLists = config.prefixLists ?? {};
    for (const [name, l] of Object.entries(config.accessLists ?? {})) this.acls.set(name, compileAcl(l));
    for (const [name, l] of Object.entries(config.communityLists ?? {})) {
      this.communities.set(
        name,
        l.entries.map((e) => ({ permit: e.action === "permit", test: l.kind === "standard" ? (e.communities ?? []) : regex(e.regexp ?? "") })),
      );
    }
    for (const [name, l] of Object.entries(config.extcommunityLists ?? {})) {
      this.extCommunities.set(
        name,
        l.entries.map((e) => ({
          permit: e.action === "permit",
          test: l.kind === "standard" ? [...(e.rts ?? []).map((x) => `RT:${x}`), ...(e.soos ?? []).map((x) => `SoO:${x}`)] : regex(e.regexp ?? ""),
        })),
      );
    }
    for (const [name, list] of Object.entries(config.asPathLists ?? {})) this.asPaths.set(name, list.map((e) => ({ permit: e.action === "permit", test: regex(e.regexp) })));
  }

  /** Whether route-map `name` exists. */
  hasRouteMap(name: string): boolean {
    return this.routeMaps[name] !== undefined;
  }

  /**
   * Runs route-map `name` over `subject`. A route-map that does not exist denies everything
   * (IOS redistributes nothing through a missing route-map). A prefix-list or access list
   * that does not exist, like IOS's, matches any route; a community, extended community or
   * AS-path list that does not exist matches none.
   */
  evaluate(name: string, subject: RouteMapSubject): RouteMapVerdict {
    const entries = this.routeMaps[name];
    if (entries === undefined) return DENY;
    for (const e of entries) {
      if (!this.matches(e, subject)) continue;
      return e.action === "permit" ? { permit: true, set: e.set, seq: e.seq } : DENY;
    }
    return DENY;
  }

  private matches(e: RouteMapEntry, s: RouteMapSubject): boolean {
    const m = e.match;
    if (m.tags !== undefined && m.tags.length > 0 && (s.tag === undefined || !m.tags.includes(s.tag))) return false;
    if (m.interfaces !== undefined && m.interfaces.length > 0 && (s.interface === undefined || !m.interfaces.includes(s.interface))) return false;
    if (m.metric !== undefined && (s.metric ?? 0) !== m.metric) return false;
    if (m.sourceProtocols !== undefined && m.sourceProtocols.length > 0) {
      const ok = s.protocol !== undefined && m.sourceProtocols.includes(s.protocol) && (s.protocol !== "bgp" || m.sourceBgpAs === undefined || s.protocolAs === m.sourceBgpAs);
      if (!ok) return false;
    }
    const lists = m.ipAddressPrefixLists;
    if (lists !== undefined && lists.length > 0 && !lists.some((n) => this.prefixListPermits(n, s.prefix))) return false;
    const acls = m.ipAddressAcls;
    if (acls !== undefined && acls.length > 0 && !acls.some((n) => this.aclPermits(n, s.prefix))) return false;
    if (m.asPath !== undefined && m.asPath.length > 0) {
      const b = s.bgp;
      if (b === undefined || !m.asPath.some((n) => this.asPathPermits(String(n), b.asPath))) return false;
    }
    if (m.community !== undefined && m.community.lists.length > 0) {
      const b = s.bgp;
      const exact = m.community.exactMatch;
      if (b === undefined || !m.community.lists.some((n) => this.communityPermits(n, b.communities, exact))) return false;
    }
    if (m.extcommunity !== undefined && m.extcommunity.length > 0) {
      const b = s.bgp;
      if (b === undefined || !m.extcommunity.some((n) => this.extCommunityPermits(n, b.extCommunities))) return false;
    }
    return true;
  }

  /** Whether prefix-list `name` permits `p` (a list that does not exist permits everything). */
  prefixListPermits(name: string, p: Prefix): boolean {
    return prefixListPermits(this.prefixLists[name], p);
  }

  /** Whether access list `name` permits the route `p` (one that does not exist: yes). */
  aclPermits(name: string, p: Prefix): boolean {
    const acl = this.acls.get(name);
    return acl === undefined ? true : acl.permitsRoute(p.addr, maskOf(p.len));
  }

  /** AS-path access list `name` (by number) over an AS path as IOS prints it. */
  asPathPermits(name: string, asPath: string): boolean {
    return firstMatch(this.asPaths.get(name), (r) => r !== undefined && r.test(asPath));
  }

  /** Community list `name`: a standard line matches when every community it lists is
   * present (`internet` matches any route); with exact-match, the route must carry exactly
   * those. An expanded line matches its regular expression against "aa:nn aa:nn…". */
  communityPermits(name: string, communities: readonly number[], exact = false): boolean {
    const lines = this.communities.get(name);
    if (lines === undefined) return false;
    let text: string | undefined;
    for (const l of lines) {
      const t = l.test;
      let hit: boolean;
      if (t === undefined) hit = false;
      else if (t instanceof IosRegex) hit = t.test((text ??= communities.map(communityText).join(" ")));
      else {
        const wanted = t.filter((c) => c !== 0);
        hit = wanted.every((c) => communities.includes(c));
        if (hit && exact) hit = communities.every((c) => wanted.includes(c));
      }
      if (hit) return l.permit;
    }
    return false;
  }

  /** Extended community list `name` over a path's extended communities as IOS prints them. */
  extCommunityPermits(name: string, ext: readonly string[]): boolean {
    const lines = this.extCommunities.get(name);
    if (lines === undefined) return false;
    for (const l of lines) {
      const t = l.test;
      const hit = t === undefined ? false : t instanceof IosRegex ? t.test(ext.join(" ")) : t.every((x) => ext.includes(x));
      if (hit) return l.permit;
    }
    return false;
  }
}

/** Whether prefix-list `list` permits `p` (an undefined list permits everything). */
export function prefixListPermits(list: readonly PrefixListEntry[] | undefined, p: Prefix): boolean {
  if (list === undefined) return true;
  for (const e of list) {
    if (p.len < e.prefix.len || ((p.addr ^ e.prefix.addr) & maskOf(e.prefix.len)) !== 0) continue;
    const min = e.ge ?? e.prefix.len;
    const max = e.le ?? (e.ge === undefined ? e.prefix.len : 32);
    if (p.len < min || p.len > max) continue;
    return e.action === "permit";
  }
  return false;
}
