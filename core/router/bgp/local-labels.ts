// The local labels of the BGP RIB's prefixes: which destinations this router advertises with
// a label of its own, asked of the router through hooks.allocateLabel and releaseLabel. A VRF
// prefix gets its label before its bestChanged (reselect calls updateLocalLabel) when its best
// path is VRF-sourced (originated here, or from a neighbor inside the VRF), or is another PE's
// route this router re-advertises as next hop; an aggregate's or default's is an aggregate
// label. Labelled IPv4 (send-label): a global prefix gets a local label while some
// labelled-unicast neighbor is sent it with us as next hop (allocateLabel with vrf "").
// Labels follow when the peers that need them come or go (checkRelabel).
//
// Carrier Supporting Carrier (`neighbor X send-label` in `address-family ipv4 vrf X`): a CE's
// labelled route keeps its per-prefix VPN label, but the label swaps to the CE's label (pops,
// for the CE's implicit null) instead of popping into the VRF; another PE's route sent to a
// labelled CE gets a local label that swaps to that PE's VPN label. Both are `follow` labels:
// their LFIB entry follows the prefix's route in the VRF (install.ts).
// Functions of BgpRib (`this` is the RIB), bound in rib.ts.

import { DestFlag, type Dest, type Path } from "./bestpath";
import type { BgpPeer, BgpRib } from "./rib";

/** IOS gives a VRF prefix learnt from another PE a local label once it advertises the
 * prefix with itself as next hop to some other peer (the hub between spokes, eBGP VPNv4
 * peers: "in/out 25/16"; a spoke whose only peer is the hub keeps "nolabel/18"); labels
 * follow when the set of such peers changes. */
export function checkRelabel(this: BgpRib): void {
  const labels = [...this.peers.keys()].filter((p) => p.vrf === "" && p.labelledUnicast === true);
  if (labels.length !== this.labelPeers.length || labels.some((p, i) => p !== this.labelPeers[i])) {
    this.labelPeers = labels;
    for (const d of this.ipv4.dests()) {
      const before = d.localLabel;
      this.updateLocalLabel(d, "");
      if (d.localLabel !== before) for (const s of this.peerList) s.out.changed(d);
    }
    this.notifyPeers();
  }
  const cscPeers = new Map<string, BgpPeer[]>();
  for (const p of this.peers.keys()) {
    if (p.vrf === "" || p.labelledUnicast !== true) continue;
    const list = cscPeers.get(p.vrf);
    if (list === undefined) cscPeers.set(p.vrf, [p]);
    else list.push(p);
  }
  const cscBefore = this.cscPeers;
  this.cscPeers = cscPeers;
  for (const vrf of new Set([...cscBefore.keys(), ...cscPeers.keys()])) {
    const a = cscBefore.get(vrf) ?? [];
    const b = cscPeers.get(vrf) ?? [];
    if (a.length === b.length && a.every((p, i) => p === b[i])) continue;
    const table = this.vrfTables.get(vrf);
    if (table === undefined) continue;
    for (const d of table.dests()) {
      const before = d.localLabel;
      this.updateLocalLabel(d, vrf);
      if (d.localLabel !== before) for (const s of this.peerList) s.out.changed(d);
    }
    this.notifyPeers();
  }
  const relabels = [...this.peers.keys()].filter((p) => p.vrf === "" && p.families.has("vpnv4") && (p.ebgp || p.policy.nextHopSelf));
  const before = this.relabelPeers;
  this.relabelPeers = relabels;
  // With two or more such peers every VRF path has one besides its source: nothing to redo.
  if (before.length >= 2 && relabels.length >= 2) return;
  if (relabels.length === before.length && relabels.every((p, i) => p === before[i])) return;
  for (const [vrf, table] of this.vrfTables) {
    for (const d of table.dests()) {
      const before = d.localLabel;
      this.updateLocalLabel(d, vrf);
      if (d.localLabel !== before) for (const s of this.peerList) s.out.changed(d);
    }
  }
  this.notifyPeers();
}

/** Another PE's path that some VPNv4 peer other than its source gets with us as next hop. */
export function relabelled(this: BgpRib, best: Path): boolean {
  const peers = this.relabelPeers;
  for (let i = 0; i < peers.length; i++) if (peers[i] !== best.from) return true;
  return false;
}

/** A global IPv4 path some labelled-unicast neighbor (not its source) gets with us as next
 * hop (RFC 8277: then with our label). */
export function labelledNextHop(this: BgpRib, best: Path): boolean {
  const peers = this.labelPeers;
  const ours = best.local || best.attrs.nextHop === 0;
  for (let i = 0; i < peers.length; i++) if (peers[i] !== best.from && (ours || peers[i].ebgp || peers[i].policy.nextHopSelf)) return true;
  return false;
}

/** Carrier Supporting Carrier: some labelled CE of `vrf` (not the path's source) is sent it. */
export function cscSent(this: BgpRib, best: Path, vrf: string): boolean {
  const peers = this.cscPeers.get(vrf);
  if (peers === undefined) return false;
  for (let i = 0; i < peers.length; i++) if (peers[i] !== best.from) return true;
  return false;
}

export function updateLocalLabel(this: BgpRib, d: Dest, vrf: string): void {
  const best = d.best;
  let want = false;
  let follow = false;
  if (best !== undefined && vrf === "") want = best.dest === d && this.labelledNextHop(best);
  else if (best !== undefined) {
    const toCe = this.cscPeers.size > 0 && this.cscSent(best, vrf);
    // An imported path (another RD's) has no label here unless a labelled CE is sent it.
    want = (best.dest === d && (best.vrfSourced || this.relabelled(best))) || toCe;
    const from = best.from;
    follow = from !== undefined && (from.vrf === "" ? toCe : from.labelledUnicast === true && best.label !== undefined);
  }
  const aggregate = want && vrf !== "" && (best?.source === "aggregate" || best?.source === "default");
  if (d.localLabel !== undefined && (!want || aggregate !== d.localLabelAggregate || follow !== d.localLabelFollows)) {
    this.hooks.releaseLabel(vrf, d, d.localLabelAggregate);
    d.localLabel = undefined;
  }
  if (want && d.localLabel === undefined) {
    d.localLabel = follow ? this.hooks.allocateLabel(vrf, d, aggregate, true) : this.hooks.allocateLabel(vrf, d, aggregate);
    d.flags = aggregate ? d.flags | DestFlag.AggregateLabel : d.flags & ~DestFlag.AggregateLabel;
    d.flags = follow ? d.flags | DestFlag.FollowLabel : d.flags & ~DestFlag.FollowLabel;
  }
}
