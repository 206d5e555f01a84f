// The local labels of the BGP RIB's prefixes: which destinations this router advertises with
// a label of its own, asked of the router through hooks.allocateLabel and releaseLabel. A VRF
// prefix gets its label before its bestChanged (reselect calls updateLocalLabel) when its best
// path is VRF-sourced (originated here, or from a neighbor inside the VRF), or is another PE's
// route this router re-advertises as next hop; an aggregate's or default's is an aggregate
// label. Labelled IPv4 (send-label): a global prefix gets a local label while some
// labelled-unicast neighbor is sent it with us as next hop (allocateLabel with vrf "").
// Labels follow when the peers that need them come or go (checkRelabel).
// Functions of BgpRib (`this` is the RIB), bound in rib.ts.

import { DestFlag, type Dest, type Path } from "./bestpath";
import type { BgpRib } from "./rib";

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

export function updateLocalLabel(this: BgpRib, d: Dest, vrf: string): void {
  const best = d.best;
  const want = best !== undefined && best.dest === d && (vrf === "" ? this.labelledNextHop(best) : best.vrfSourced || this.relabelled(best));
  const aggregate = want && vrf !== "" && (best.source === "aggregate" || best.source === "default");
  if (d.localLabel !== undefined && (!want || aggregate !== d.localLabelAggregate)) {
    this.hooks.releaseLabel(vrf, d, d.localLabelAggregate);
    d.localLabel = undefined;
  }
  if (want && d.localLabel === undefined) {
    d.localLabel = this.hooks.allocateLabel(vrf, d, aggregate);
    d.flags = aggregate ? d.flags | DestFlag.AggregateLabel : d.flags & ~DestFlag.AggregateLabel;
  }
}
