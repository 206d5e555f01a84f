// The RIB's index of recursive next hops: for one resolve VRF, each next-hop address and the
// prefix states resolved through it, so that a change to an installed route re-resolves
// exactly the prefixes whose next hops it covers.
import { maskOf, type Prefix } from "../wire/addr";

/** A next hop's [resolve VRF, address] pair, as the owner records it on each state. */
export type NextHopPair = readonly (string | number)[];

interface NextHopEntry<S> {
  readonly address: number;
  /** When the address was first seen: dependants are re-resolved in that order. */
  readonly order: number;
  /** The states resolved through it, and some that were and no longer are (`stale` of them
   * at most, as deletions leave them): lists of at most CHUNK, where a Set of 100,000 BGP
   * routes through one PE costs three times the memory and a hash insert per route, and one
   * list would be copied whole each time it grows (megabytes of fresh memory for a full
   * table, only to be dropped). */
  chunks: S[][];
  /** States in the chunks. */
  count: number;
  /** Deletions since the list was last compacted. */
  stale: number;
  /** [resolve VRF, address]: what the RIB works out as the links of every prefix with this one next hop. */
  readonly pair: NextHopPair;
}

/** Deletions an entry takes before its list is compacted, beyond half the list. */
const STALE_SLACK = 32;

/** States per chunk of an entry's list (a 16 KB array: an ordinary heap object). */
const CHUNK = 2048;

/** The recursive next-hop addresses of one VRF, and the prefixes using each, kept
 * in address order: when an installed route changes, the addresses it covers are one run of
 * that order, found by binary search rather than by testing every next hop (a config with
 * thousands of static routes has thousands of them).
 *
 * A deletion only counts: the state stays in its address's list until the list is compacted
 * (when deletions pass half of it), so `within` may hand back states that no longer use the
 * address, and one state twice. Its caller only marks them for recomputing, which finds
 * nothing changed for those. */
export class NextHopIndex<S> {
  private readonly byAddress = new Map<number, NextHopEntry<S>>();
  /** Ascending by address. */
  private readonly sorted: NextHopEntry<S>[] = [];

  constructor(
    private readonly vrf: string,
    /** Whether `state` still resolves through the next hop `pair` names (compaction keeps
     * only those). */
    private readonly uses: (state: S, pair: NextHopPair) => boolean,
  ) {}

  /** The [VRF, address] pair of a next hop, one per address, shared by every state that
   * records it. */
  pair(address: number): NextHopPair {
    return this.entry(address).pair;
  }

  /** `state` now resolves through `address` (its owner records the pair before or after). */
  add(address: number, state: S): void {
    const entry = this.entry(address);
    const chunks = entry.chunks;
    const last = chunks[chunks.length - 1];
    if (last !== undefined && last.length < CHUNK) last.push(state);
    else chunks.push([state]);
    entry.count++;
  }

  /** A state no longer resolves through `address`: its owner has already recorded so, and
   * the next compaction drops it. */
  delete(address: number): void {
    const entry = this.byAddress.get(address);
    if (entry === undefined) return;
    if (++entry.stale > STALE_SLACK && entry.stale * 2 > entry.count) this.compact(entry);
  }

  /** The states resolved through `address`, each once. */
  statesOf(address: number): S[] {
    const entry = this.byAddress.get(address);
    if (entry === undefined) return [];
    this.compact(entry);
    return entry.chunks.flat();
  }

  /** The state lists of the addresses inside `p` (each address's chunks), in the order the
   * addresses were first seen; undefined for none. */
  within(p: Prefix): (readonly S[])[] | undefined {
    const first = (p.addr & maskOf(p.len)) >>> 0;
    const last = (first | ~maskOf(p.len)) >>> 0;
    const from = this.firstAtOrAbove(first);
    // None (a VRF route when next hops are in the global table): no lists made.
    if (from >= this.sorted.length || this.sorted[from].address > last) return undefined;
    const hits: NextHopEntry<S>[] = [];
    for (let i = from; i < this.sorted.length && this.sorted[i].address <= last; i++) hits.push(this.sorted[i]);
    if (hits.length > 1) hits.sort((a, b) => a.order - b.order);
    if (hits.length === 1) return hits[0].chunks;
    const lists: S[][] = [];
    for (const e of hits) for (const chunk of e.chunks) lists.push(chunk);
    return lists;
  }

  private entry(address: number): NextHopEntry<S> {
    let entry = this.byAddress.get(address);
    if (entry === undefined) {
      entry = { address, order: this.byAddress.size, chunks: [], count: 0, stale: 0, pair: Object.freeze([this.vrf, address]) };
      this.byAddress.set(address, entry);
      this.sorted.splice(this.firstAtOrAbove(address), 0, entry);
    }
    return entry;
  }

  /** Keeps the states that still use the entry's next hop, each once. */
  private compact(entry: NextHopEntry<S>): void {
    const seen = new Set<S>();
    const chunks: S[][] = [];
    let last: S[] | undefined;
    for (const chunk of entry.chunks) {
      for (const s of chunk) {
        if (seen.has(s) || !this.uses(s, entry.pair)) continue;
        seen.add(s);
        if (last === undefined || last.length === CHUNK) chunks.push((last = []));
        last.push(s);
      }
    }
    entry.chunks = chunks;
    entry.count = seen.size;
    entry.stale = 0;
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
