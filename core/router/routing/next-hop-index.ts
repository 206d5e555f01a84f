// The RIB's index of recursive next hops: for one resolve VRF, each next-hop address and the
// prefix states resolved through it, so that a change to an installed route re-resolves
// exactly the prefixes whose next hops it covers.
import { maskOf, type Prefix } from "../wire/addr";

interface NextHopEntry<S> {
  readonly address: number;
  /** When the address was first seen: dependants are re-resolved in that order. */
  readonly order: number;
  readonly states: Set<S>;
  /** [resolve VRF, address]: the `recursive` of every prefix with this one next hop. */
  readonly pair: readonly (string | number)[];
}

/** The recursive next-hop addresses of one VRF, and the prefixes using each, kept
 * in address order: when an installed route changes, the addresses it covers are one run of
 * that order, found by binary search rather than by testing every next hop (a config with
 * thousands of static routes has thousands of them). */
export class NextHopIndex<S> {
  private readonly byAddress = new Map<number, NextHopEntry<S>>();
  /** Ascending by address. */
  private readonly sorted: NextHopEntry<S>[] = [];

  constructor(private readonly vrf: string) {}

  /** Returns the entry's [VRF, address] pair. */
  add(address: number, state: S): readonly (string | number)[] {
    let entry = this.byAddress.get(address);
    if (entry === undefined) {
      entry = { address, order: this.byAddress.size, states: new Set(), pair: Object.freeze([this.vrf, address]) };
      this.byAddress.set(address, entry);
      this.sorted.splice(this.firstAtOrAbove(address), 0, entry);
    }
    entry.states.add(state);
    return entry.pair;
  }

  delete(address: number, state: S): void {
    this.byAddress.get(address)?.states.delete(state);
  }

  /** The prefix sets of the addresses inside `p`, in the order the addresses were first seen;
   * undefined for none. */
  within(p: Prefix): Set<S>[] | undefined {
    const first = (p.addr & maskOf(p.len)) >>> 0;
    const last = (first | ~maskOf(p.len)) >>> 0;
    const from = this.firstAtOrAbove(first);
    // None (a VRF route when next hops are in the global table): no lists made.
    if (from >= this.sorted.length || this.sorted[from].address > last) return undefined;
    const hits: NextHopEntry<S>[] = [];
    for (let i = from; i < this.sorted.length && this.sorted[i].address <= last; i++) hits.push(this.sorted[i]);
    if (hits.length > 1) hits.sort((a, b) => a.order - b.order);
    return hits.map((e) => e.states);
  }

  private firstAtOrAbove(address: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid].address < address) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
