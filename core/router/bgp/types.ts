// The BGP RIB's boundary with the speaker (the contract in prompts/bgp-contract.md): peers as
// the RIB sees them, their policy, interned path attributes, the config the speaker derives
// from the running config, and the hooks the RIB calls on its router. rib.ts re-exports all
// of it; this file only keeps the types apart from the class that implements them.

import type { Ipv4, Prefix } from "../wire/addr";
import type { AsPathSegment } from "../wire/bgp-aspath";
import type { ExtendedCommunity } from "../wire/bgp-communities";
import type { RouteDistinguisher } from "../wire/bgp-nlri";
import type { Label } from "../wire/mpls";
import type { AdjRibIn } from "./adj-rib-in";

export type BgpFamily = "ipv4" | "vpnv4"; // AFI1/SAFI1 and AFI1/SAFI128

/** A neighbor as the RIB sees it. Identity is by object: the speaker makes one per established session. */
export interface BgpPeer {
  readonly address: Ipv4;
  readonly localAddress: Ipv4;
  readonly routerId: Ipv4;
  readonly remoteAs: number;
  readonly ebgp: boolean;
  /** "" for global neighbors; the VRF name for `address-family ipv4 vrf X` neighbors. */
  readonly vrf: string;
  /** Negotiated (both sides advertised MP for it) and activated. */
  readonly families: ReadonlySet<BgpFamily>;
  /** Labelled IPv4 unicast negotiated (`neighbor X send-label`, AFI 1/SAFI 4): its IPv4
   * routes go and come with a label (RFC 8277). */
  readonly labelledUnicast?: boolean;
  readonly fourOctetAs: boolean;
  readonly policy: BgpPeerPolicy;
  /** A listen-range (dynamic) neighbor: IOS marks it "*" in path details. */
  readonly dynamic?: boolean;
  /** With `soft-reconfiguration inbound`: what it sent, before inbound policy (adj-rib-in.ts). */
  readonly adjRibIn?: AdjRibIn;
}

export interface BgpPeerPolicy {
  readonly nextHopSelf: boolean;
  readonly sendCommunity: "none" | "standard" | "extended" | "both";
  readonly routeReflectorClient: boolean;
  /** 0 = off. */
  readonly allowAsIn: number;
  readonly localAs?: number;
  /** Inbound/outbound policy, evaluated per path; undefined = permit unchanged. Returns undefined to deny. */
  readonly importPolicy?: (p: PolicyInput) => PolicyResult | undefined;
  readonly exportPolicy?: (p: PolicyInput) => PolicyResult | undefined;
}

export interface PolicyInput {
  readonly family: BgpFamily;
  readonly prefix: Prefix;
  readonly attrs: BgpAttrs;
}
export interface PolicyResult {
  readonly attrs: BgpAttrs;
  readonly weight?: number;
}

/** An optional attribute this router does not decode, passed on (RFC 4271 §5: with the
 * partial bit when transitive). */
export interface BgpUnknownAttr {
  readonly flags: number;
  readonly code: number;
  readonly value: Uint8Array;
}

/** Path attributes. Inside the RIB every one is interned (attrs.ts): one object shared by
 * every NLRI of an UPDATE, so two paths have the same attributes exactly when their attrs
 * objects are the same object. */
export interface BgpAttrs {
  readonly origin: 0 | 1 | 2;
  readonly asPath: readonly AsPathSegment[];
  readonly nextHop: Ipv4;
  readonly med?: number;
  readonly localPref?: number;
  readonly communities?: readonly number[];
  /** Route targets among them. */
  readonly extCommunities?: readonly ExtendedCommunity[];
  readonly atomicAggregate?: boolean;
  readonly aggregator?: { readonly asn: number; readonly address: Ipv4 };
  readonly originatorId?: Ipv4;
  readonly clusterList?: readonly Ipv4[];
  readonly unknown?: readonly BgpUnknownAttr[];
}

export interface BgpVrfConfig {
  readonly rd: RouteDistinguisher;
  readonly importRts: readonly ExtendedCommunity[];
  readonly exportRts: readonly ExtendedCommunity[];
  /** `address-family ipv4 vrf X`'s `maximum-paths N` / `maximum-paths ibgp N` for the VRF's
   * table (absent: 1). */
  readonly maximumPaths?: number;
  readonly maximumPathsIbgp?: number;
  /** `maximum-paths eibgp N`: eBGP and iBGP paths as multipaths of one another (absent: 1). */
  readonly maximumPathsEibgp?: number;
  /** `aggregate-address … summary-only` of the VRF's family: more specific routes beneath
   * these are sent to no neighbor, VPNv4 or CE (IOS "s"). */
  readonly summaryOnly?: readonly Prefix[];
}

/** What the speaker derives from the running config (set again whenever it changes). */
export interface BgpRibConfig {
  readonly localAs: number;
  readonly routerId: Ipv4;
  readonly clusterId?: Ipv4;
  /** The global table's eBGP multipath count (`maximum-paths N`), 1 = off. */
  readonly maximumPaths: number;
  /** The global table's iBGP multipath count (`maximum-paths ibgp N`); absent: 1. */
  readonly maximumPathsIbgp?: number;
  /** The global table's eiBGP multipath count (`maximum-paths eibgp N`); absent: 1. */
  readonly maximumPathsEibgp?: number;
  /** The global family's `aggregate-address … summary-only` prefixes (see BgpVrfConfig). */
  readonly summaryOnly?: readonly Prefix[];
  /** VRFs with an RD that BGP serves. */
  readonly vrfs: ReadonlyMap<string, BgpVrfConfig>;
}

/** What the RIB asks of its router. */
export interface BgpRibHooks {
  /** IGP cost to a next hop in the global table, undefined if unreachable (the path is then
   * invalid, IOS "inaccessible"). Asked again for every path after `nextHopsChanged()`. */
  nextHopCost(nextHop: Ipv4): number | undefined;
  /** The local label for a VRF prefix this router advertises in VPNv4. Called when the
   * prefix's best path becomes locally sourced (originated here, or learnt from a neighbor
   * in the VRF), so the speaker's hook is where the MFI disposition goes. `vrf` "": a global
   * prefix sent to a labelled-IPv4 neighbor with us as next hop (implicit null allowed).
   * `follow` (Carrier Supporting Carrier: a VRF prefix a labelled CE sent, or one sent to a
   * labelled CE from another PE): the label swaps to the label the prefix's route in the VRF
   * imposes instead of popping into the VRF for an IP lookup. */
  allocateLabel(vrf: string, prefix: Prefix, aggregate: boolean, follow?: boolean): Label | undefined;
  releaseLabel(vrf: string, prefix: Prefix, aggregate: boolean): void;
  /** Best paths changed: install/remove in the VRF's IP RIB ("" = global). `best` undefined =
   * withdraw. For imported VPNv4 paths, `label` is the remote label to impose and nextHop
   * resolves in the global table. */
  bestChanged(vrf: string, prefix: Prefix, best: readonly BgpBestPath[] | undefined): void;
  /** Encoded UPDATE messages are waiting for `peer` (call takeUpdates(peer)). */
  updatesReady(peer: BgpPeer): void;
}

export interface BgpBestPath {
  readonly attrs: BgpAttrs;
  /** The remote label to impose (received VPNv4 paths). */
  readonly label?: Label;
  readonly from?: BgpPeer;
  readonly ebgp: boolean;
  /** Originated by this router (network, redistribute, aggregate, default). */
  readonly local: boolean;
}

export type LocalSource = "network" | "redistribute-connected" | "redistribute-static" | "aggregate" | "default";

export interface LocalAttrs {
  readonly origin: 0 | 1 | 2;
  readonly med?: number;
  readonly localPref?: number;
  readonly weight?: number;
  readonly communities?: readonly number[];
  /** 0.0.0.0 for a local route. */
  readonly nextHop: Ipv4;
  /** An `aggregate-address … as-set`: the AS numbers beneath it, as its path's AS_SET. */
  readonly asSet?: readonly number[];
}
