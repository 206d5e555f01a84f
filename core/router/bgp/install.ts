// Where BGP's decisions reach the router: best paths become `B` routes in the VRF's IP RIB
// (eBGP distance 20, iBGP 200; an imported VPNv4 path resolves its next hop in the global
// table with the remote VPN label to impose), the labels this router advertises for its VRF
// prefixes come from the MFI with a disposition into the VRF, and the RIB's next-hop costs
// come from the global routing table. The BgpRibHooks implementation, less updatesReady
// (the sessions' business).
import type { MfiInstance } from "../routing/mpls-subsystem";
import type { IpRouting } from "../routing/ip-routing";
import type { RouteInput, RouteNextHop } from "../routing/route";
import { vpnLabelRequest } from "../mpls/labels";
import type { Ipv4, Prefix } from "../wire/addr";
import type { Label } from "../wire/mpls";
import type { BgpBestPath } from "./rib";

export class BgpInstaller {
  private knownViaAsn = -1;
  private knownVia = "";
  private readonly nextHops = new SharedNextHops();

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

  allocateLabel(vrf: string, prefix: Prefix, aggregate: boolean): Label | undefined {
    const mfi = this.mfi();
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
    const request = vpnLabelRequest(vrf, prefix, aggregate);
    const label = mfi.labels.labelOf(request);
    mfi.labels.release("bgp", request);
    if (label !== undefined && mfi.labels.labelOf(request) === undefined) mfi.withdraw(label);
  }

  /** Best paths into the IP RIB; a locally originated best path is already there as the
   * route it came from (connected, static), so BGP installs nothing for it. */
  bestChanged(vrf: string, prefix: Prefix, best: readonly BgpBestPath[] | undefined): void {
    const table = vrf === "" ? undefined : vrf;
    const first = best?.[0];
    if (best === undefined || first === undefined || first.local) {
      this.routing.rib.withdraw(table, prefix, "bgp");
      return;
    }
    // One best path (nearly always): the next hops are shared by every route with the same
    // next hop and label, and so, in the RIB, are the paths resolved from them.
    const nextHops = best.length === 1 ? this.nextHops.of(vrf, first) : best.map((b) => nextHopOf(vrf, b));
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
  if (b.label === undefined) return imported ? { address, resolveInVrf: "" } : { address };
  const labels = labelStack(b.label);
  return imported ? { address, resolveInVrf: "", labels } : { address, labels };
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

/** One shared single-label stack per label value (at most 2^20 of them). */
const stacks = new Map<Label, readonly Label[]>();

function labelStack(label: Label): readonly Label[] {
  let stack = stacks.get(label);
  if (stack === undefined) stacks.set(label, (stack = Object.freeze([label])));
  return stack;
}
