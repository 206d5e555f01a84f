// A neighbor's policy as the RIB applies it (BgpPeerPolicy), from its address-family lines:
// next-hop-self, send-community, route-reflector-client, allowas-in, local-as, and
// `route-map M in|out` evaluated with routing/route-map.ts (`set local-preference`,
// `set metric`, `set weight` take effect on a permitted path).
import type { BgpAfNeighbor, BgpConfig } from "../config/model/bgp";
import type { PrefixListEntry, RouteMapEntry } from "../config/model/routing";
import { evaluateRouteMap } from "../routing/route-map";
import type { BgpPeerPolicy, PolicyInput, PolicyResult } from "./rib";
import type { NeighborPlan } from "./neighbors";

type RouteMaps = Readonly<Record<string, readonly RouteMapEntry[]>>;
type PrefixLists = Readonly<Record<string, readonly PrefixListEntry[]>>;

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

function routeMapPolicy(maps: RouteMaps, lists: PrefixLists, byFamily: { ipv4?: string; vpnv4?: string }): ((p: PolicyInput) => PolicyResult | undefined) | undefined {
  if (byFamily.ipv4 === undefined && byFamily.vpnv4 === undefined) return undefined;
  return (p) => {
    const name = byFamily[p.family];
    if (name === undefined) return { attrs: p.attrs };
    const v = evaluateRouteMap(maps, name, { prefix: p.prefix }, lists);
    if (!v.permit) return undefined;
    const s = v.set;
    const attrs = {
      ...p.attrs,
      ...(s.localPreference !== undefined ? { localPref: s.localPreference } : {}),
      ...(s.metric !== undefined ? { med: s.metric } : {}),
    };
    return s.weight !== undefined ? { attrs, weight: s.weight } : { attrs };
  };
}

export function peerPolicy(bgp: BgpConfig, plan: NeighborPlan, maps: RouteMaps, lists: PrefixLists, localAs: number | undefined): BgpPeerPolicy {
  const keys = familyKeys(plan);
  const v4 = afLines(bgp, plan, keys.ipv4);
  const vpn = keys.vpnv4 === undefined ? undefined : afLines(bgp, plan, keys.vpnv4);
  const lines = [v4, vpn].filter((x): x is BgpAfNeighbor => x !== undefined);
  const standard = lines.some((l) => l.sendCommunity === "standard" || l.sendCommunity === "both");
  const extended = lines.some((l) => l.sendCommunity === "extended" || l.sendCommunity === "both");
  const importPolicy = routeMapPolicy(maps, lists, { ipv4: v4?.routeMapIn, vpnv4: vpn?.routeMapIn });
  const exportPolicy = routeMapPolicy(maps, lists, { ipv4: v4?.routeMapOut, vpnv4: vpn?.routeMapOut });
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
