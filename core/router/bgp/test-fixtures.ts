// Shared by the RIB's tests and benchmark: peers, a config with VRFs, hooks that record
// what the RIB asked, and UPDATE messages built with the wire emitters.

import { parseIpv4, parsePrefix, type Ipv4, type Prefix } from "../wire/addr";
import { buildBgpMessage, parseBgpMessage } from "../wire/bgp";
import type { PathAttribute } from "../wire/bgp-attributes";
import { parseRouteTarget, type ExtendedCommunity } from "../wire/bgp-communities";
import { parseRouteDistinguisher, type RouteDistinguisher, type Vpnv4Route } from "../wire/bgp-nlri";
import { isWireError } from "../wire/errors";
import type { Label } from "../wire/mpls";
import type { BgpBestPath, BgpFamily, BgpPeer, BgpPeerPolicy, BgpRibConfig, BgpRibHooks, BgpVrfConfig } from "./types";

export const ip = (text: string): Ipv4 => parseIpv4(text) as Ipv4;
export const pfx = (text: string): Prefix => parsePrefix(text) as Prefix;
export const rd = (text: string): RouteDistinguisher => parseRouteDistinguisher(text) as RouteDistinguisher;
export const rt = (text: string): ExtendedCommunity => parseRouteTarget(text) as ExtendedCommunity;

export const DEFAULT_POLICY: BgpPeerPolicy = { nextHopSelf: false, sendCommunity: "both", routeReflectorClient: false, allowAsIn: 0 };

export function peer(address: string, opts: Partial<Omit<BgpPeer, "address" | "policy">> & { policy?: Partial<BgpPeerPolicy> } = {}): BgpPeer {
  const { policy, ...rest } = opts;
  return {
    address: ip(address),
    localAddress: ip("10.0.0.1"),
    routerId: ip(address),
    remoteAs: 65000,
    ebgp: false,
    vrf: "",
    families: new Set<BgpFamily>(["ipv4", "vpnv4"]),
    fourOctetAs: true,
    ...rest,
    policy: { ...DEFAULT_POLICY, ...policy },
  };
}

export function vrf(rdText: string, imports: string[], exports: string[] = imports): BgpVrfConfig {
  return { rd: rd(rdText), importRts: imports.map(rt), exportRts: exports.map(rt) };
}

export function ribConfig(vrfs: Record<string, BgpVrfConfig> = {}, more: Partial<BgpRibConfig> = {}): BgpRibConfig {
  return { localAs: 65000, routerId: ip("10.0.0.1"), maximumPaths: 1, vrfs: new Map(Object.entries(vrfs)), ...more };
}

/** Hooks that keep the current best per VRF prefix and count what they were asked. */
export class RecordingHooks implements BgpRibHooks {
  readonly best = new Map<string, readonly BgpBestPath[]>();
  bestChangedCalls = 0;
  readonly labels = new Map<string, Label>();
  readonly released: string[] = [];
  readonly ready = new Set<BgpPeer>();
  private nextLabel = 16;
  unreachable = new Set<number>();
  costs = new Map<number, number>();

  nextHopCost(nextHop: Ipv4): number | undefined {
    return this.unreachable.has(nextHop) ? undefined : (this.costs.get(nextHop) ?? 1);
  }
  allocateLabel(vrfName: string, prefix: Prefix, aggregate: boolean): Label | undefined {
    const key = `${vrfName} ${prefix.addr}/${prefix.len}${aggregate ? " agg" : ""}`;
    const label = this.nextLabel++ as Label;
    this.labels.set(key, label);
    return label;
  }
  releaseLabel(vrfName: string, prefix: Prefix, aggregate: boolean): void {
    const key = `${vrfName} ${prefix.addr}/${prefix.len}${aggregate ? " agg" : ""}`;
    this.labels.delete(key);
    this.released.push(key);
  }
  bestChanged(vrfName: string, prefix: Prefix, best: readonly BgpBestPath[] | undefined): void {
    this.bestChangedCalls++;
    const key = `${vrfName} ${prefix.addr}/${prefix.len}`;
    if (best) this.best.set(key, [...best]);
    else this.best.delete(key);
  }
  updatesReady(p: BgpPeer): void {
    this.ready.add(p);
  }

  get(vrfName: string, prefix: string): readonly BgpBestPath[] | undefined {
    const p = pfx(prefix);
    return this.best.get(`${vrfName} ${p.addr}/${p.len}`);
  }
}

export interface UpdateSpec {
  readonly withdrawn?: readonly Prefix[];
  readonly nlri?: readonly Prefix[];
  readonly vpn?: readonly Vpnv4Route[];
  readonly vpnWithdrawn?: readonly { rd: RouteDistinguisher; prefix: Prefix }[];
  readonly nextHop?: Ipv4;
  readonly asPath?: readonly number[];
  readonly origin?: 0 | 1 | 2;
  readonly localPref?: number;
  readonly med?: number;
  readonly rts?: readonly ExtendedCommunity[];
  readonly communities?: readonly number[];
  readonly originatorId?: Ipv4;
  readonly clusterList?: readonly Ipv4[];
}

/** A whole UPDATE message (with its header) built by the wire emitters. */
export function updateMessage(s: UpdateSpec): Uint8Array {
  const attributes: PathAttribute[] = [];
  const announces = (s.nlri?.length ?? 0) > 0 || (s.vpn?.length ?? 0) > 0;
  if (announces) {
    attributes.push({ type: "origin", origin: s.origin ?? 0 });
    attributes.push({ type: "as-path", segments: s.asPath?.length ? [{ type: 2, asns: s.asPath }] : [] });
    if (s.nlri?.length) attributes.push({ type: "next-hop", nextHop: s.nextHop ?? ip("192.0.2.1") });
    if (s.med !== undefined) attributes.push({ type: "med", med: s.med });
    if (s.localPref !== undefined) attributes.push({ type: "local-pref", localPref: s.localPref });
    if (s.communities?.length) attributes.push({ type: "communities", communities: s.communities });
    if (s.originatorId !== undefined) attributes.push({ type: "originator-id", originatorId: s.originatorId });
    if (s.clusterList?.length) attributes.push({ type: "cluster-list", clusterIds: s.clusterList });
    if (s.vpn?.length) attributes.push({ type: "mp-reach", family: "vpnv4", nextHop: s.nextHop ?? ip("192.0.2.1"), nlri: s.vpn });
    if (s.rts?.length) attributes.push({ type: "extended-communities", communities: s.rts });
  }
  if (s.vpnWithdrawn?.length) attributes.push({ type: "mp-unreach", family: "vpnv4", withdrawn: s.vpnWithdrawn });
  return buildBgpMessage({ type: "update", withdrawn: s.withdrawn ?? [], attributes, nlri: s.nlri ?? [] }, { fourOctetAs: true });
}

/** A parsed message, for asserting on what the RIB sent. */
export function parseSent(bytes: Uint8Array, fourOctetAs = true) {
  const r = parseBgpMessage(bytes, { fourOctetAs });
  if (isWireError(r)) throw new Error(String(r));
  return r.message;
}
