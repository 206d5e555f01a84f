// The MFI's label manager: one platform-wide pool of local labels (RFC 3031 §3.14, IOS's
// per-platform label space), handed out to the applications that advertise them — BGP for
// VPNv4 and labelled IPv4 routes now, NHRP next.
//
// API, for the protocols that will call it:
//   allocate(owner, request) → Label | undefined   the label for a FEC; the same request gets
//                                                  the same label whoever asks, so NHRP
//                                                  answers with the label BGP advertised
//                                                  (MPLS over FlexVPN: "NHRP uses the label
//                                                  allocated by BGP"); undefined: pool empty
//   release(owner, request) → boolean              drops one hold of that owner; the label
//                                                  goes back to the pool only when no owner
//                                                  holds it any more
//   labelOf(request), holders(label)               what is allocated, for show and tests
//   onChange(listener)                             "allocated" / "released" events
//   setRange(min, max)                             `mpls label range`: new allocations only
//
// Requests say which IOS label a FEC gets:
//   { kind: "prefix", vrf, prefix }  per-prefix VPN label, IOS's default label mode; with vrf
//                                    "" a global prefix's labelled-IPv4 label (send-label)
//   { kind: "aggregate", vrf }       one label per VRF, for its locally originated summary or
//                                    default (disposed by an IP lookup in the VRF)
//   { kind: "implicit-null" }        the peer's overlay address on a `mpls bgp forwarding`
//                                    interface: label 3, never allocated, never held
// Labels 0..15 are reserved (RFC 3032 §2.1, RFC 7274) and never handed out.
import { LABEL_FIRST_DYNAMIC, LABEL_MAX, ReservedLabel, type Label } from "../wire/mpls";
import { formatPrefix, type Prefix } from "../wire/addr";

/** The application holding a label (IOS's "label owner"). */
export type LabelOwner = "bgp" | "nhrp" | "static";

export type LabelRequest =
  | { readonly kind: "prefix"; readonly vrf: string; readonly prefix: Prefix }
  | { readonly kind: "aggregate"; readonly vrf: string }
  | { readonly kind: "implicit-null" };

/** The label BGP asks for when it advertises a VRF route (IOS's default per-prefix label
 * mode): the VRF's aggregate label for a summary or default the router originates itself (it
 * points at Null0 or at many paths: only an IP lookup can forward it), else the prefix's own. */
export function vpnLabelRequest(vrf: string, prefix: Prefix, locallyOriginatedSummary: boolean): LabelRequest {
  return locallyOriginatedSummary ? { kind: "aggregate", vrf } : { kind: "prefix", vrf, prefix };
}

export interface LabelChange {
  readonly kind: "allocated" | "released";
  readonly label: Label;
  readonly request: LabelRequest;
}

/** IOS's default dynamic range (`show mpls label range`: "Min/Max label: 16/100000"). */
export const DEFAULT_LABEL_RANGE = { min: LABEL_FIRST_DYNAMIC, max: 100_000 as Label } as const;

interface Allocation {
  readonly label: Label;
  readonly request: LabelRequest;
  /** Holds per owner; an owner with 0 holds is absent. */
  readonly holds: Map<LabelOwner, number>;
}

/** The key both owners reach one FEC by. Not user text: VRF names cannot hold "\n". */
function keyOf(request: LabelRequest): string {
  switch (request.kind) {
    case "prefix":
      return `p\n${request.vrf}\n${formatPrefix(request.prefix)}`;
    case "aggregate":
      return `a\n${request.vrf}`;
    case "implicit-null":
      return "n";
  }
}

export class LabelManager {
  private readonly byKey = new Map<string, Allocation>();
  private readonly byLabel = new Map<number, Allocation>();
  /** Released labels, reused once `next` has run through the range. */
  private readonly free: Label[] = [];
  private readonly listeners: ((change: LabelChange) => void)[] = [];
  private min: Label = DEFAULT_LABEL_RANGE.min;
  private max: Label = DEFAULT_LABEL_RANGE.max;
  /** The next never-tried label of the range (IOS hands labels out in ascending order). */
  private next: number = DEFAULT_LABEL_RANGE.min;

  constructor(range?: { readonly min: number; readonly max: number }) {
    if (range !== undefined) {
      const problem = this.setRange(range.min, range.max);
      if (problem !== undefined) throw new RangeError(problem);
    }
  }

  get range(): { readonly min: Label; readonly max: Label } {
    return { min: this.min, max: this.max };
  }

  /** Labels currently held by some owner. */
  get size(): number {
    return this.byLabel.size;
  }

  /** `mpls label range MIN MAX`. Labels already allocated outside it stay until released, as
   * on IOS; new ones come from the new range. Returns IOS's complaint for a bad range. */
  setRange(min: number, max: number): string | undefined {
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < LABEL_FIRST_DYNAMIC || max > LABEL_MAX || min > max) {
      return `% Label range must be within ${LABEL_FIRST_DYNAMIC}..${LABEL_MAX}, minimum not above maximum`;
    }
    this.min = min as Label;
    this.max = max as Label;
    this.next = min;
    return undefined;
  }

  onChange(listener: (change: LabelChange) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** The label for `request`, held once more by `owner`; undefined when the range is used up. */
  allocate(owner: LabelOwner, request: LabelRequest): Label | undefined {
    if (request.kind === "implicit-null") return ReservedLabel.ImplicitNull;
    const key = keyOf(request);
    const existing = this.byKey.get(key);
    if (existing !== undefined) {
      existing.holds.set(owner, (existing.holds.get(owner) ?? 0) + 1);
      return existing.label;
    }
    const label = this.take();
    if (label === undefined) return undefined;
    const allocation: Allocation = { label, request, holds: new Map([[owner, 1]]) };
    this.byKey.set(key, allocation);
    this.byLabel.set(label, allocation);
    this.emit({ kind: "allocated", label, request });
    return label;
  }

  /** Drops one of `owner`'s holds on `request`'s label; false when it held none. The label
   * returns to the pool when the last hold of the last owner goes. */
  release(owner: LabelOwner, request: LabelRequest): boolean {
    if (request.kind === "implicit-null") return true;
    const key = keyOf(request);
    const allocation = this.byKey.get(key);
    const held = allocation?.holds.get(owner);
    if (allocation === undefined || held === undefined) return false;
    if (held > 1) allocation.holds.set(owner, held - 1);
    else allocation.holds.delete(owner);
    if (allocation.holds.size === 0) {
      this.byKey.delete(key);
      this.byLabel.delete(allocation.label);
      this.free.push(allocation.label);
      this.emit({ kind: "released", label: allocation.label, request: allocation.request });
    }
    return true;
  }

  /** Drops every hold `owner` has (the application went away: `no router bgp`). */
  releaseAll(owner: LabelOwner): void {
    for (const allocation of [...this.byKey.values()]) {
      const held = allocation.holds.get(owner) ?? 0;
      for (let i = 0; i < held; i++) this.release(owner, allocation.request);
    }
  }

  /** The label allocated for `request`, without holding it. */
  labelOf(request: LabelRequest): Label | undefined {
    if (request.kind === "implicit-null") return ReservedLabel.ImplicitNull;
    return this.byKey.get(keyOf(request))?.label;
  }

  /** Who holds `label`, and how many times each. */
  holders(label: Label): ReadonlyMap<LabelOwner, number> {
    return this.byLabel.get(label)?.holds ?? new Map();
  }

  /** What `label` was allocated for. */
  requestOf(label: Label): LabelRequest | undefined {
    return this.byLabel.get(label)?.request;
  }

  /** Ascending: the next untried label of the range, then released ones. Each label is passed
   * by `next` at most once per range, so allocation is amortised O(1). */
  private take(): Label | undefined {
    while (this.next <= this.max) {
      const label = this.next++ as Label;
      if (!this.byLabel.has(label)) return label;
    }
    while (this.free.length > 0) {
      const label = this.free.pop()!;
      if (label >= this.min && label <= this.max && !this.byLabel.has(label)) return label;
    }
    return undefined;
  }

  private emit(change: LabelChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
