// Exact-match tables of prefixes, for the tables that hold one object per route (the BGP
// tables, the RIB's prefix states): open-addressing hash tables (linear probing, at most 80%
// full, backward-shift deletion) of the objects themselves, keyed by their own address and
// length, with each slot's key (address and length mixed into 32 bits) beside it in a typed
// array. Per entry it costs one array slot and four bytes, where a Map costs a hash-table entry
// of three words plus its share of buckets, and a key of length and address beyond 32 bits
// would be a heap number per key and per lookup. Probes compare the keys and touch an entry
// only where its key matches, and growing re-places entries by their keys alone, so a table
// whose entries are scattered over the heap can run full without a cache miss per probe.
// Addresses are compared as given: callers store masked prefixes and look them up masked.
//
// A big table is segments of SEGMENT_SLOTS slots under a directory indexed by the hash's top
// bits (extendible hashing): a full segment splits in two, its entries re-placed through a
// scratch list, where one table doubling would copy every entry into arrays twice the size
// and drop the old ones. Filling a table of 100,000 routes so asks for fresh memory only for
// the segments it keeps (on this machine kind each fresh page costs ~12 µs, and doubling
// touched as many pages for arrays about to be dropped as for the table it kept), and each
// split works on 48 KB that stay in cache.
import type { Ipv4 } from "../wire/addr";

/** What a table holds: anything with a prefix's address and length that never change. */
export interface PrefixKeyed {
  readonly addr: Ipv4;
  readonly len: number;
}

/** The Fibonacci multiplier: a key's hash is the product's bits, top first. */
const PHI = 0x9e3779b1 | 0;

/** The smallest table, and a new one. */
const MIN_SLOTS = 16;

/** A prefix's key: its address mixed with its length (one-to-one for each length). */
export function prefixKey(addr: number, len: number): number {
  return (addr ^ Math.imul(len + 1, 0x27d4eb2d)) | 0;
}

/** Where a key's probe starts in a table of 2^(32 − shift) slots hashed with `seed`:
 * Fibonacci hashing, the top bits of the product. */
export function fibonacciHome(key: number, seed: number, shift: number): number {
  return Math.imul(key ^ seed, PHI) >>> shift;
}

/** The seed a table takes when it shrinks (see PrefixHash's seed). */
export function nextSeed(seed: number): number {
  return Math.imul(seed + 1, 0x2545f491) | 0;
}

/** Slots per segment once a table has more than one (32 KB of slots, 16 KB of keys: ordinary
 * heap objects, not large ones). A table of one segment grows by doubling up to it. */
const SEGMENT_SLOTS = 4096;

class Segment<T> {
  slots: (T | undefined)[];
  /** Each occupied slot's key. */
  keys: Int32Array;
  /** 32 − log2(slots.length). */
  shift: number;
  /** Entries here. */
  count = 0;

  constructor(
    length: number,
    /** Top hash bits its entries share (its local depth). */
    public depth: number,
  ) {
    this.slots = new Array<T | undefined>(length).fill(undefined);
    this.keys = new Int32Array(length);
    this.shift = 32 - Math.log2(length);
  }

  /** Where a hash's probe starts: the bits after the `depth` the segment's entries share. */
  home(h: number): number {
    return (h << this.depth) >>> this.shift;
  }

  /** Places an entry known not to be here (room is the caller's). */
  place(e: T, key: number, h: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = this.home(h);
    while (slots[i] !== undefined) i = (i + 1) & mask;
    slots[i] = e;
    this.keys[i] = key;
    this.count++;
  }
}

/** The slot that holds the prefix (address `a`, length `len`, key `key`, hash `h`) in `seg`,
 * or else the empty slot that ends its probe. */
function probe<T extends PrefixKeyed>(seg: Segment<T>, h: number, key: number, a: number, len: number): number {
  const slots = seg.slots;
  const keys = seg.keys;
  const mask = slots.length - 1;
  for (let i = seg.home(h); ; i = (i + 1) & mask) {
    const e = slots[i];
    if (e === undefined || (keys[i] === key && e.addr === a && e.len === len)) return i;
  }
}

/** Where a split or a resize holds a segment's entries while it re-places them: one list for
 * every table, emptied after each use. */
let scratchEntries: unknown[] = [];
let scratchKeys = new Int32Array(SEGMENT_SLOTS);

export class PrefixHash<T extends PrefixKeyed> {
  /** The segment for each value of the hash's top `depth` bits; several entries share a
   * segment whose own depth is less. */
  private dir: Segment<T>[] = [new Segment<T>(MIN_SLOTS, 0)];
  /** Every segment once. */
  private segments: Segment<T>[] = this.dir.slice();
  private depth = 0;
  /** Mixed into every key before hashing; changed whenever the table shrinks. Hashing at a
   * smaller size keeps the top bits it had: the entries left after taking a table out in slot
   * order (a neighbor going down) all had the same top bits, and in the smaller table would
   * crowd one place, one run to probe along the length of it (seconds for 100,000 routes). A
   * new seed spreads them. Growing keeps the seed: a table filled in address order, as
   * tables mostly are, places best without one. */
  private seed = 0;
  private slotCount = MIN_SLOTS;
  /** Entries in the table. */
  size = 0;

  /** Slots the table has now (at least 16). */
  get capacity(): number {
    return this.slotCount;
  }

  private hash(key: number): number {
    return Math.imul(key ^ this.seed, PHI);
  }

  /** The segment for a hash: its top `depth` bits index the directory (two shifts, so that
   * depth 0 takes none). */
  private segmentOf(h: number): Segment<T> {
    return this.dir[(h >>> 1) >>> (31 - this.depth)];
  }

  get(addr: Ipv4 | number, len: number): T | undefined {
    const a = addr >>> 0;
    const key = prefixKey(a, len);
    const h = this.hash(key);
    const seg = this.segmentOf(h);
    return seg.slots[probe(seg, h, key, a, len)];
  }

  /** The entry for a prefix, made by `make(addr, len)` and added when it is not there yet
   * (a function kept by the caller, not a new closure per call: this is the per-route path). */
  getOrAdd(addr: Ipv4 | number, len: number, make: (addr: Ipv4, len: number) => T): T {
    const a = addr >>> 0;
    const key = prefixKey(a, len);
    const h = this.hash(key);
    const seg = this.segmentOf(h);
    const i = probe(seg, h, key, a, len);
    const slots = seg.slots;
    const found = slots[i];
    if (found !== undefined) return found;
    const e = make(a as Ipv4, len);
    slots[i] = e;
    seg.keys[i] = key;
    this.size++;
    if (++seg.count * 5 > slots.length * 4) this.grow(seg);
    return e;
  }

  /** Takes `e` out (the object itself, not another with its prefix); false when it was not here. */
  delete(e: T): boolean {
    const h = this.hash(prefixKey(e.addr, e.len));
    const seg = this.segmentOf(h);
    const slots = seg.slots;
    const keys = seg.keys;
    const mask = slots.length - 1;
    let i = seg.home(h);
    for (; slots[i] !== e; i = (i + 1) & mask) if (slots[i] === undefined) return false;
    slots[i] = undefined;
    seg.count--;
    this.size--;
    // Backward shift: pull later entries of the run into the hole unless that would put
    // them before their home slot.
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const next = slots[j];
      if (next === undefined) break;
      const k = seg.home(this.hash(keys[j]));
      const stays = i <= j ? i < k && k <= j : i < k || k <= j;
      if (stays) continue;
      slots[i] = next;
      keys[i] = keys[j];
      slots[j] = undefined;
      i = j;
    }
    // A table emptied to an eighth (a withdrawn full table) gives its slots back.
    if (this.slotCount > MIN_SLOTS && this.size * 8 < this.slotCount) this.shrink();
    return true;
  }

  /** The entries, as a new list (safe to change the table while going through it), in no order. */
  values(): T[] {
    const out: T[] = [];
    for (const seg of this.segments) for (const e of seg.slots) if (e !== undefined) out.push(e);
    return out;
  }

  /** Calls `fn` with each entry, in no order, making nothing (the table must not change meanwhile). */
  forEach(fn: (e: T) => void): void {
    const segments = this.segments;
    for (let s = 0; s < segments.length; s++) {
      const slots = segments[s].slots;
      for (let i = 0; i < slots.length; i++) {
        const e = slots[i];
        if (e !== undefined) fn(e);
      }
    }
  }

  /** A segment ran 80% full: doubled while the table is one small segment (or when its hash
   * bits run out), otherwise split in two. */
  private grow(seg: Segment<T>): void {
    const length = seg.slots.length;
    if (length < SEGMENT_SLOTS || seg.depth >= seg.shift) {
      const entries = this.takeOut(seg);
      seg.slots = new Array<T | undefined>(length * 2).fill(undefined);
      seg.keys = new Int32Array(length * 2);
      seg.shift--;
      this.slotCount += length;
      this.putBack(entries, seg, seg);
      return;
    }
    if (seg.depth === this.depth) {
      const dir = new Array<Segment<T>>(this.dir.length * 2);
      for (let i = 0; i < this.dir.length; i++) dir[2 * i] = dir[2 * i + 1] = this.dir[i];
      this.dir = dir;
      this.depth++;
    }
    // The directory entries that name `seg` are one run; its second half goes to the twin.
    const span = 1 << (this.depth - seg.depth);
    const first = this.dir.indexOf(seg);
    const twin = new Segment<T>(length, seg.depth + 1);
    for (let i = first + span / 2; i < first + span; i++) this.dir[i] = twin;
    this.segments.push(twin);
    this.slotCount += length;
    const entries = this.takeOut(seg);
    seg.depth++;
    this.putBack(entries, seg, twin);
  }

  /** Moves a segment's entries and keys into the scratch lists and empties it; returns how many. */
  private takeOut(seg: Segment<T>): number {
    const slots = seg.slots;
    if (scratchKeys.length < slots.length) scratchKeys = new Int32Array(slots.length);
    const keys = seg.keys;
    let n = 0;
    for (let i = 0; i < slots.length; i++) {
      const e = slots[i];
      if (e === undefined) continue;
      scratchEntries[n] = e;
      scratchKeys[n++] = keys[i];
      slots[i] = undefined;
    }
    seg.count = 0;
    return n;
  }

  /** Places `n` scratch entries into `low` or `high` by the first hash bit past `low`'s old
   * depth (the same segment twice for a resize), and empties the scratch list. */
  private putBack(n: number, low: Segment<T>, high: Segment<T>): void {
    const bit = low === high ? 0 : 0x80000000 >>> (low.depth - 1);
    for (let j = 0; j < n; j++) {
      const key = scratchKeys[j];
      const h = this.hash(key);
      (h & bit ? high : low).place(scratchEntries[j] as T, key, h);
    }
    if (scratchEntries.length > SEGMENT_SLOTS) scratchEntries = [];
    else scratchEntries.fill(undefined, 0, n);
  }

  /** Builds the table again for what it holds now, with a new seed (see `seed`). */
  private shrink(): void {
    const entries = this.values();
    let length = MIN_SLOTS;
    while (length < SEGMENT_SLOTS && length < entries.length * 2) length *= 2;
    this.seed = nextSeed(this.seed);
    this.dir = [new Segment<T>(length, 0)];
    this.segments = this.dir.slice();
    this.depth = 0;
    this.slotCount = length;
    this.size = 0;
    for (const e of entries) {
      const key = prefixKey(e.addr, e.len);
      const h = this.hash(key);
      const seg = this.segmentOf(h);
      seg.place(e, key, h);
      this.size++;
      if (seg.count * 5 > seg.slots.length * 4) this.grow(seg);
    }
  }
}
