// The neighbors `router bgp` asks for, as the speaker runs them: each configured neighbor
// (global, or inside `address-family ipv4 vrf X`) with what it inherits from its peer-group
// resolved, and the dynamic neighbors a `bgp listen range` lets in. Pure functions of the
// running config; the subsystem turns them into sessions.
import { isActivated, type BgpConfig, type BgpNeighbor } from "../config/model/bgp";
import { formatIpv4, maskOf, type Ipv4, type Prefix } from "../wire/addr";
import type { SessionFamily } from "./session-open";

/** IOS's `bgp listen limit` default. */
export const DEFAULT_LISTEN_LIMIT = 100;

/** One neighbor's effective settings, peer-group values filled in. */
export interface NeighborPlan {
  /** VRF name, "" for global neighbors. */
  readonly vrf: string;
  readonly address: Ipv4;
  /** The config id: "10.0.0.1". */
  readonly id: string;
  readonly peerGroup: string | undefined;
  readonly remoteAs: number;
  readonly description: string | undefined;
  readonly updateSource: string | undefined;
  readonly password: string | undefined;
  readonly ebgpMultihop: number | undefined;
  readonly passive: boolean;
  readonly shutdown: boolean;
  /** `neighbor X local-as N`. */
  readonly localAs: number | undefined;
  readonly families: readonly SessionFamily[];
  /** Accepted from a listen range (`*10.1.1.3` in show). */
  readonly dynamic: boolean;
}

export function neighborKey(vrf: string, address: Ipv4): string {
  return `${vrf}|${address}`;
}

/** The key of the address family a VRF's neighbors live in, or the global ones'. */
function familyKeys(vrf: string): { ipv4: string; vpnv4: string | undefined } {
  return vrf === "" ? { ipv4: "ipv4", vpnv4: "vpnv4" } : { ipv4: `ipv4 vrf ${vrf}`, vpnv4: undefined };
}

function plan(bgp: BgpConfig, vrf: string, table: Record<string, BgpNeighbor>, n: BgpNeighbor, address: Ipv4, dynamic: boolean): NeighborPlan | undefined {
  const group = n.isPeerGroup ? n : n.peerGroup === undefined ? undefined : table[n.peerGroup];
  const remoteAs = n.remoteAs ?? group?.remoteAs;
  if (remoteAs === undefined) return undefined;
  const keys = familyKeys(vrf);
  const families: SessionFamily[] = [];
  if (isActivated(bgp, keys.ipv4, n.id)) {
    families.push("ipv4");
    // `neighbor X send-label` (IOS: in address-family ipv4, or ipv4 vrf X for a Carrier
    // Supporting Carrier CE): labelled IPv4 unicast as well.
    const lines = bgp.addressFamilies[keys.ipv4]?.neighbors;
    const sendLabel = lines?.[n.id]?.sendLabel ?? (n.peerGroup === undefined ? undefined : lines?.[n.peerGroup]?.sendLabel);
    if (sendLabel === true) families.push("ipv4-label");
  }
  if (keys.vpnv4 !== undefined && isActivated(bgp, keys.vpnv4, n.id)) families.push("vpnv4");
  const pick = <K extends "description" | "updateSource" | "password" | "ebgpMultihop" | "transportConnectionMode" | "localAs">(k: K): BgpNeighbor[K] | undefined => n[k] ?? group?.[k];
  return {
    vrf,
    address,
    id: dynamic ? `*${formatIpv4(address)}` : n.id,
    peerGroup: n.isPeerGroup ? n.id : n.peerGroup,
    remoteAs,
    description: pick("description"),
    updateSource: pick("updateSource"),
    password: pick("password"),
    ebgpMultihop: pick("ebgpMultihop"),
    passive: dynamic || pick("transportConnectionMode") === "passive",
    shutdown: n.shutdown || (group?.shutdown ?? false),
    localAs: pick("localAs"),
    families,
    dynamic,
  };
}

/** Every configured address neighbor with a remote AS, global and per VRF. */
export function configuredNeighbors(bgp: BgpConfig): NeighborPlan[] {
  const out: NeighborPlan[] = [];
  const add = (vrf: string, table: Record<string, BgpNeighbor>): void => {
    for (const n of Object.values(table)) {
      if (n.isPeerGroup || n.address === undefined) continue;
      const p = plan(bgp, vrf, table, n, n.address, false);
      if (p) out.push(p);
    }
  };
  add("", bgp.neighbors);
  for (const af of Object.values(bgp.addressFamilies)) if (af.vrf !== undefined && af.vrfNeighbors) add(af.vrf, af.vrfNeighbors);
  return out;
}

/** The listen range (longest match) that admits `remote`, and the plan for it as a dynamic neighbor. */
export function dynamicNeighbor(bgp: BgpConfig, remote: Ipv4): { range: Prefix; plan: NeighborPlan } | undefined {
  let best: { prefix: Prefix; peerGroup: string } | undefined;
  for (const r of bgp.listenRanges) {
    if (((remote ^ r.prefix.addr) & maskOf(r.prefix.len)) !== 0) continue;
    if (best === undefined || r.prefix.len > best.prefix.len) best = r;
  }
  if (best === undefined) return undefined;
  const group = bgp.neighbors[best.peerGroup];
  if (!group?.isPeerGroup) return undefined;
  const p = plan(bgp, "", bgp.neighbors, group, remote, true);
  return p && { range: best.prefix, plan: p };
}

export function listenLimit(bgp: BgpConfig): number {
  return bgp.listenLimit ?? DEFAULT_LISTEN_LIMIT;
}
