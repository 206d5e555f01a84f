// A neighbor's policy as the RIB applies it (BgpPeerPolicy), from its address-family lines:
// next-hop-self, send-community, route-reflector-client, allowas-in, local-as, and the
// filters IOS applies to each route in and out, in its order: `distribute-list` (an access
// list) or `prefix-list`, then
// `filter-list` (AS-path access list), then `route-map` (routing/route-map.ts), each of which
// must permit. A permitting route-map's `set` clauses rewrite the path: local-preference,
// metric (MED), weight, community [additive] / none, comm-list delete, extcommunity rt
// [additive], as-path
// prepend, origin, ip next-hop. Routes beneath an `aggregate-address … summary-only` are
// sent to no one (IOS's "s" suppressed): the RIB checks that for every family (update-out.ts).
import type { BgpAfNeighbor, BgpConfig } from "../config/model/bgp";
import type { RouteMapSet } from "../config/model/routing";
import { parseRouteTarget, formatExtendedCommunity, type ExtendedCommunity } from "../wire/bgp-communities";
import { formatAsPath } from "../wire/bgp-aspath";
import type { Prefix } from "../wire/addr";
import type { RoutePolicy, BgpSubject } from "../routing/route-map";
import type { BgpAttrs, BgpPeerPolicy, PolicyInput, PolicyResult } from "./rib";
import type { NeighborPlan } from "./neighbors";
import { beneathSummary, prependAs } from "./update-out";

/** The per-family lines that apply to a neighbor: its own, else its peer-group's. */
function afLines(bgp: BgpConfig, plan: NeighborPlan, key: string): BgpAfNeighbor | undefined {
  const f = bgp.addressFamilies[key];
  if (f === undefined) return undefined;
  const own = plan.dynamic ? undefined : f.neighbors[plan.id];
  const group = plan.peerGroup === undefined ? undefined : f.neighbors[plan.peerGroup];
  if (own === undefined) return group;
  if (group === undefined) return own;
  return {
    ...group,
    ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined && v !== false)),
  } as BgpAfNeighbor;
}

function familyKeys(plan: NeighborPlan): { ipv4: string; vpnv4: string | undefined } {
  return plan.vrf === "" ? { ipv4: "ipv4", vpnv4: "vpnv4" } : { ipv4: `ipv4 vrf ${plan.vrf}`, vpnv4: undefined };
}

/** A path's attributes as route-maps read them; computed once per interned attribute set. */
const subjects = new WeakMap<BgpAttrs, BgpSubject>();

export function bgpSubject(a: BgpAttrs): BgpSubject {
  let s = subjects.get(a);
  if (s === undefined) {
    s = { asPath: formatAsPath(a.asPath), communities: a.communities ?? [], extCommunities: (a.extCommunities ?? []).map(formatExtendedCommunity) };
    subjects.set(a, s);
  }
  return s;
}

const ORIGIN = { igp: 0, egp: 1, incomplete: 2 } as const;

/** The path's attributes after a permitting entry's set clauses (the same object when none
 * applies to a BGP path). */
export function applySet(a: BgpAttrs, s: RouteMapSet, policy: RoutePolicy): { attrs: BgpAttrs; weight?: number } {
  let out: { -readonly [K in keyof BgpAttrs]: BgpAttrs[K] } | undefined;
  const edit = (): { -readonly [K in keyof BgpAttrs]: BgpAttrs[K] } => (out ??= { ...a });
  if (s.localPreference !== undefined) edit().localPref = s.localPreference;
  if (s.metric !== undefined) edit().med = s.metric;
  if (s.origin !== undefined) edit().origin = ORIGIN[s.origin];
  if (s.ipNextHop !== undefined) edit().nextHop = s.ipNextHop;
  if (s.asPathPrepend !== undefined && s.asPathPrepend.length > 0) edit().asPath = prependAs(a.asPath, [...s.asPathPrepend]);
  if (s.community !== undefined) {
    const e = edit();
    if (s.community === "none") delete e.communities;
    else {
      const had = s.community.additive ? (a.communities ?? []) : [];
      const all = [...had, ...s.community.values.filter((c) => !had.includes(c))];
      if (all.length > 0) e.communities = all;
      else delete e.communities;
    }
  }
  // After `set community` (IOS's order): each community the list permits goes.
  if (s.commListDelete !== undefined) {
    const e = edit();
    const name = s.commListDelete;
    const left = (e.communities ?? []).filter((c) => !policy.communityPermits(name, [c]));
    if (left.length > 0) e.communities = left;
    else delete e.communities;
  }
  if (s.extcommunityRt !== undefined) {
    const rts = s.extcommunityRt.values.map(parseRouteTarget).filter((x): x is ExtendedCommunity => x !== undefined);
    const had = a.extCommunities ?? [];
    const keep = s.extcommunityRt.additive ? had : had.filter((c) => c.type !== "route-target");
    const key = (c: ExtendedCommunity): string => formatExtendedCommunity(c);
    const seen = new Set(keep.map(key));
    edit().extCommunities = [...keep, ...rts.filter((c) => !seen.has(key(c)))];
  }
  const attrs = out ?? a;
  return s.weight !== undefined ? { attrs, weight: s.weight } : { attrs };
}

interface Filters {
  readonly distributeList?: string;
  readonly prefixList?: string;
  readonly filterList?: number;
  readonly routeMap?: string;
}

function hasFilter(f: Filters | undefined): boolean {
  return f !== undefined && (f.distributeList !== undefined || f.prefixList !== undefined || f.filterList !== undefined || f.routeMap !== undefined);
}

/** One direction's filters per family as one function the RIB calls per path. */
function filterPolicy(policy: RoutePolicy, byFamily: { ipv4?: Filters; vpnv4?: Filters }, protocolAs: number): ((p: PolicyInput) => PolicyResult | undefined) | undefined {
  if (!hasFilter(byFamily.ipv4) && !hasFilter(byFamily.vpnv4)) return undefined;
  return (p) => {
    const f = byFamily[p.family];
    if (f === undefined) return { attrs: p.attrs };
    if (f.distributeList !== undefined && !policy.aclPermits(f.distributeList, p.prefix)) return undefined;
    if (f.prefixList !== undefined && !policy.prefixListPermits(f.prefixList, p.prefix)) return undefined;
    if (f.filterList !== undefined && !policy.asPathPermits(String(f.filterList), bgpSubject(p.attrs).asPath)) return undefined;
    if (f.routeMap === undefined) return { attrs: p.attrs };
    const a = p.attrs;
    const v = policy.evaluate(f.routeMap, { prefix: p.prefix, metric: a.med, protocol: "bgp", protocolAs, bgp: bgpSubject(a) });
    if (!v.permit) return undefined;
    return applySet(a, v.set, policy);
  };
}

function inbound(l: BgpAfNeighbor | undefined): Filters | undefined {
  return l === undefined ? undefined : { distributeList: l.distributeListIn, prefixList: l.prefixListIn, filterList: l.filterListIn, routeMap: l.routeMapIn };
}

function outbound(l: BgpAfNeighbor | undefined): Filters | undefined {
  return l === undefined ? undefined : { distributeList: l.distributeListOut, prefixList: l.prefixListOut, filterList: l.filterListOut, routeMap: l.routeMapOut };
}

export function peerPolicy(bgp: BgpConfig, plan: NeighborPlan, policy: RoutePolicy, localAs: number | undefined): BgpPeerPolicy {
  const keys = familyKeys(plan);
  const v4 = afLines(bgp, plan, keys.ipv4);
  const vpn = keys.vpnv4 === undefined ? undefined : afLines(bgp, plan, keys.vpnv4);
  const lines = [v4, vpn].filter((x): x is BgpAfNeighbor => x !== undefined);
  const standard = lines.some((l) => l.sendCommunity === "standard" || l.sendCommunity === "both");
  const extended = lines.some((l) => l.sendCommunity === "extended" || l.sendCommunity === "both");
  const importPolicy = filterPolicy(policy, { ipv4: inbound(v4), vpnv4: inbound(vpn) }, plan.remoteAs);
  const exportPolicy = filterPolicy(policy, { ipv4: outbound(v4), vpnv4: outbound(vpn) }, bgp.asn);
  return {
    nextHopSelf: lines.some((l) => l.nextHopSelf),
    sendCommunity: standard && extended ? "both" : standard ? "standard" : extended ? "extended" : "none",
    routeReflectorClient: lines.some((l) => l.routeReflectorClient === true),
    allowAsIn: Math.max(0, ...lines.map((l) => l.allowAsIn ?? 0)),
    ...(localAs !== undefined ? { localAs } : {}),
    ...(importPolicy ? { importPolicy } : {}),
    ...(exportPolicy ? { exportPolicy } : {}),
  };
}

/** `neighbor X maximum-prefix` for a family, own line before the peer-group's. */
export function maximumPrefix(bgp: BgpConfig, plan: NeighborPlan, family: "ipv4" | "vpnv4"): BgpAfNeighbor["maximumPrefix"] {
  const keys = familyKeys(plan);
  const key = family === "ipv4" ? keys.ipv4 : keys.vpnv4;
  return key === undefined ? undefined : afLines(bgp, plan, key)?.maximumPrefix;
}

/** The `aggregate-address … summary-only` prefixes of a VRF's family ("" = global IPv4). */
export function summaryPrefixes(bgp: BgpConfig, vrf: string): Prefix[] {
  return (bgp.addressFamilies[vrf === "" ? "ipv4" : `ipv4 vrf ${vrf}`]?.aggregates ?? []).filter((a) => a.summaryOnly).map((a) => a.prefix);
}

/** Whether a prefix of a VRF's table ("" = global IPv4) lies beneath one of the family's
 * `aggregate-address … summary-only` (undefined when it has none): IOS's "s" in show. The
 * RIB sends such prefixes to no neighbor (update-out.ts, from the same prefixes). */
export function summarySuppression(bgp: BgpConfig, vrf: string): ((p: Prefix) => boolean) | undefined {
  const summaries = summaryPrefixes(bgp, vrf);
  if (summaries.length === 0) return undefined;
  return (p) => beneathSummary(summaries, p);
}

/** A neighbor's lines in one family (its own over its peer-group's), for show. */
export function neighborFamilyLines(bgp: BgpConfig, plan: NeighborPlan, family: "ipv4" | "vpnv4"): BgpAfNeighbor | undefined {
  const keys = familyKeys(plan);
  const key = family === "ipv4" ? keys.ipv4 : keys.vpnv4;
  return key === undefined ? undefined : afLines(bgp, plan, key);
}

/** `neighbor X soft-reconfiguration inbound` in any family the neighbor runs. */
export function softReconfigInbound(bgp: BgpConfig, plan: NeighborPlan): boolean {
  const keys = familyKeys(plan);
  return [keys.ipv4, keys.vpnv4].some((k) => k !== undefined && afLines(bgp, plan, k)?.softReconfigInbound === true);
}
