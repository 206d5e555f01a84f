// Where BGP's decisions reach the router: best paths become `B` routes in the VRF's IP RIB
// (eBGP distance 20, iBGP 200; an imported VPNv4 path resolves its next hop in the global
// table with the remote VPN label to impose), the labels this router advertises for its VRF
// prefixes come from the MFI with a disposition into the VRF, and the RIB's next-hop costs
// come from the global routing table. The BgpRibHooks implementation, less updatesReady
// (the sessions' business).
//
// Labelled IPv4 (send-label, RFC 8277): a global prefix this router advertises as next hop
// gets implicit null when its route here is connected (IOS "imp-null": the upstream pops),
// else a label of its own whose LFIB entry follows the prefix's route in the global table —
// swap to the label that route imposes, pop where the downstream sent implicit null, untagged
// ("No Label") where it sent none — and is rebound whenever that route changes. A received
// labelled route installs with its label to push (none for implicit null).
//
// Carrier Supporting Carrier (send-label inside a VRF): a VRF prefix's `follow` label works
// the same way within the VRF: its LFIB entry follows the prefix's BGP route there — swap to
// the CE's label out of the PE-CE link (pop for its implicit null), or to another PE's VPN
// label with the transport labels to that PE on top — so a customer carrier's labelled
// packets cross without an IP lookup in the VRF.
import type { MfiInstance } from "../routing/mpls-subsystem";
import type { IpRouting } from "../routing/ip-routing";
import type { RouteInput, RouteNextHop } from "../routing/route";
import { vpnLabelRequest } from "../mpls/labels";
import type { Ipv4, Prefix } from "../wire/addr";
import { ReservedLabel, type Label } from "../wire/mpls";
import type { BgpBestPath } from "./rib";

export class BgpInstaller {
  private knownViaAsn = -1;
  private knownVia = "";
  private readonly nextHops = new SharedNextHops();
  /** Labelled IPv4: the global prefixes with a label of their own, by prefix key. */
  private readonly unicastLabels = new Map<number, { readonly prefix: Prefix; readonly label: Label }>();
  /** Global prefixes whose best path came with implicit null (the LFIB pops toward them). */
  private readonly impNull = new Set<number>();
  /** Carrier Supporting Carrier: the VRF prefixes whose label follows their route, by VRF
   * and prefix key. */
  private readonly followLabels = new Map<string, Map<number, { readonly prefix: Prefix; readonly label: Label }>>();

  constructor(
    private readonly routing: IpRouting,
    private readonly mfi: () => MfiInstance,
    /** `bgp ASN` for `Known via`. */
    private readonly asn: () => number,
  ) {}

  /** IGP cost to a next hop through the global table: the metric of the route it resolves
   * by; undefined when nothing but a discard route reaches it. */
  nextHopCost(nextHop: Ipv4): number | undefined {
    const r = this.routing.rib.lookup(undefined, nextHop);
    if (r === undefined || r.kind !== "forward" || r.paths.length === 0) return undefined;
    return r.route.metric;
  }

  allocateLabel(vrf: string, prefix: Prefix, aggregate: boolean, follow = false): Label | undefined {
    const mfi = this.mfi();
    if (vrf !== "" && follow && !aggregate) {
      const label = mfi.labels.allocate("bgp", vpnLabelRequest(vrf, prefix, false));
      if (label === undefined) return undefined;
      const entry = { prefix: { addr: prefix.addr, len: prefix.len }, label };
      let byPrefix = this.followLabels.get(vrf);
      if (byPrefix === undefined) this.followLabels.set(vrf, (byPrefix = new Map()));
      byPrefix.set(keyOf(prefix), entry);
      this.bindFollowLabel(vrf, entry);
      return label;
    }
    if (vrf === "") {
      const installed = this.routing.rib.installed(undefined, prefix);
      const protocol = installed?.route.protocol;
      if (protocol === "connected" || protocol === "local") return mfi.labels.allocate("bgp", { kind: "implicit-null" });
      const label = mfi.labels.allocate("bgp", vpnLabelRequest("", prefix, false));
      if (label === undefined) return undefined;
      const entry = { prefix: { addr: prefix.addr, len: prefix.len }, label };
      this.unicastLabels.set(keyOf(prefix), entry);
      this.bindUnicastLabel(entry);
      return label;
    }
    const label = mfi.labels.allocate("bgp", vpnLabelRequest(vrf, prefix, aggregate));
    if (label === undefined) return undefined;
    // Per-prefix labels pop into the VRF for the prefix; the aggregate label for the VRF's
    // summary or default is an IP lookup in the whole VRF.
    if (mfi.dispose(label, vrf, prefix, aggregate) !== undefined) {
      mfi.labels.release("bgp", vpnLabelRequest(vrf, prefix, aggregate));
      return undefined;
    }
    return label;
  }

  releaseLabel(vrf: string, prefix: Prefix, aggregate: boolean): void {
    const mfi = this.mfi();
    if (vrf === "") this.unicastLabels.delete(keyOf(prefix));
    else this.followLabels.get(vrf)?.delete(keyOf(prefix));
    const request = vpnLabelRequest(vrf, prefix, aggregate);
    const label = mfi.labels.labelOf(request);
    mfi.labels.release("bgp", request);
    if (label !== undefined && mfi.labels.labelOf(request) === undefined) mfi.withdraw(label);
  }

  /** A route changed: a labelled global prefix's LFIB entry follows it, and so does a VRF
   * prefix's follow label. */
  routeChanged(vrf: string, prefix: Prefix): void {
    if (vrf !== "") {
      const entry = this.followLabels.get(vrf)?.get(keyOf(prefix));
      if (entry !== undefined) this.bindFollowLabel(vrf, entry);
      return;
    }
    if (this.unicastLabels.size === 0) return;
    const entry = this.unicastLabels.get(keyOf(prefix));
    if (entry !== undefined) this.bindUnicastLabel(entry);
  }

  /** The LFIB entry of a VRF prefix's follow label, from the prefix's BGP route in the VRF:
   * swap to the bottom label it imposes with the rest on top, pop where it imposes none (the
   * CE's implicit null). Until BGP's route is installed (or when another protocol's wins),
   * the label pops into the VRF for an IP lookup, as a VPN label does. */
  private bindFollowLabel(vrf: string, e: { readonly prefix: Prefix; readonly label: Label }): void {
    const mfi = this.mfi();
    const r = this.routing.rib.installed(vrf, e.prefix);
    const path = r?.kind === "forward" && r.route.protocol === "bgp" ? r.paths[0] : undefined;
    const problem =
      path === undefined
        ? mfi.dispose(e.label, vrf, e.prefix, false)
        : path.labels === undefined || path.labels.length === 0
          ? mfi.pop(e.label, e.prefix, path.interface, path.nextHop, false, vrf)
          : mfi.swap(e.label, e.prefix, path.interface, path.nextHop, path.labels[path.labels.length - 1], vrf, path.labels.slice(0, -1));
    if (problem !== undefined) mfi.withdraw(e.label);
  }

  /** The LFIB entry of a global prefix's own label, from the prefix's route as installed. */
  private bindUnicastLabel(e: { readonly prefix: Prefix; readonly label: Label }): void {
    const mfi = this.mfi();
    const r = this.routing.rib.installed(undefined, e.prefix);
    const path = r?.kind === "forward" ? r.paths[0] : undefined;
    if (path === undefined) {
      mfi.withdraw(e.label);
      return;
    }
    const labels = path.labels;
    if (labels === undefined || labels.length === 0) mfi.pop(e.label, e.prefix, path.interface, path.nextHop, !this.impNull.has(keyOf(e.prefix)));
    else if (labels.length === 1) mfi.swap(e.label, e.prefix, path.interface, path.nextHop, labels[0]);
    // Deeper stacks (a transport label under ours): pop, then the IP route pushes them.
    else mfi.dispose(e.label, "", e.prefix, false);
  }

  /** Best paths into the IP RIB; a locally originated best path is already there as the
   * route it came from (connected, static), so BGP installs nothing for it. */
  bestChanged(vrf: string, prefix: Prefix, best: readonly BgpBestPath[] | undefined): void {
    const table = vrf === "" ? undefined : vrf;
    const first = best?.[0];
    if (vrf === "" && (first?.label === ReservedLabel.ImplicitNull || this.impNull.size > 0)) {
      if (first?.label === ReservedLabel.ImplicitNull) this.impNull.add(keyOf(prefix));
      else this.impNull.delete(keyOf(prefix));
    }
    if (best === undefined || first === undefined || first.local) {
      this.routing.rib.withdraw(table, prefix, "bgp");
      return;
    }
    // One best path (nearly always): the next hops are shared by every route with the same
    // next hop and label, and so, in the RIB, are the paths resolved from them.
    // Multipaths name each path's neighbor (IOS: "from X" per descriptor).
    const nextHops = best.length === 1 ? this.nextHops.of(vrf, first) : best.map((b) => withFrom(nextHopOf(vrf, b), b));
    const asn = this.asn();
    if (asn !== this.knownViaAsn) {
      this.knownViaAsn = asn;
      this.knownVia = `bgp ${asn}`;
    }
    // One literal with every field (no property added after it: a shape transition per route).
    const route: RouteInput = { prefix, protocol: "bgp", distance: first.ebgp ? 20 : 200, metric: first.attrs.med ?? 0, nextHops, knownVia: this.knownVia, from: first.from?.address };
    this.routing.rib.upsert(table, route);
  }
}

function nextHopOf(vrf: string, b: BgpBestPath): RouteNextHop {
  // A path learnt from a global neighbor and installed in a VRF is an imported VPNv4
  // path: its next hop (the remote PE) is in the global table.
  const imported = vrf !== "" && b.from !== undefined && b.from.vrf === "";
  // Whole literals, so each shape keeps its fields inside the object.
  const address = b.attrs.nextHop;
  // Implicit null (a labelled IPv4 neighbor's own route): nothing to push.
  if (b.label === undefined || b.label === ReservedLabel.ImplicitNull) return imported ? { address, resolveInVrf: "" } : { address };
  const labels = labelStack(b.label);
  return imported ? { address, resolveInVrf: "", labels } : { address, labels };
}

function withFrom(nh: RouteNextHop, b: BgpBestPath): RouteNextHop {
  return b.from === undefined ? nh : { ...nh, from: b.from.address };
}

/** Single next hops as one-element lists, one per (imported or not, address, label): a VRF's
 * routes from one PE with a per-VRF label (or one label per CE) are all alike. A cache: it
 * starts over past MAX_SHARED entries, so per-prefix labels from many PEs cannot grow it
 * without bound. */
class SharedNextHops {
  private readonly byAddress = new Map<number, Map<number, readonly RouteNextHop[]>>();
  private size = 0;

  of(vrf: string, b: BgpBestPath): readonly RouteNextHop[] {
    const imported = vrf !== "" && b.from !== undefined && b.from.vrf === "";
    // label + 1 (0: none), doubled, plus one when imported: a small integer key.
    const key = ((b.label === undefined ? 0 : b.label + 1) << 1) | (imported ? 1 : 0);
    const address = b.attrs.nextHop | 0;
    let byKey = this.byAddress.get(address);
    if (byKey === undefined) this.byAddress.set(address, (byKey = new Map()));
    let hops = byKey.get(key);
    if (hops === undefined) {
      if (++this.size > MAX_SHARED) {
        this.byAddress.clear();
        this.size = 1;
        this.byAddress.set(address, (byKey = new Map()));
      }
      hops = Object.freeze([nextHopOf(vrf, b)]);
      byKey.set(key, hops);
    }
    return hops;
  }
}

const MAX_SHARED = 65536;

function keyOf(p: Prefix): number {
  return p.len * 4294967296 + p.addr;
}

/** One shared single-label stack per label value (at most 2^20 of them). */
const stacks = new Map<Label, readonly Label[]>();

function labelStack(label: Label): readonly Label[] {
  let stack = stacks.get(label);
  if (stack === undefined) stacks.set(label, (stack = Object.freeze([label])));
  return stack;
}
