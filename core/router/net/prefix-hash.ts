// Exact-match tables of prefixes, for the tables that hold one object per route (the BGP
// tables, the RIB's prefix states): an open-addressing hash table (linear probing, at most 80%
// full, backward-shift deletion) of the objects themselves, keyed by their own address and
// length, with each slot's key (address and length mixed into 32 bits) beside it in a typed
// array. Per entry it costs one array slot and four bytes, where a Map costs a hash-table entry
// of three words plus its share of buckets, and a key of length and address beyond 32 bits
// would be a heap number per key and per lookup. Probes compare the keys and touch an entry
// only where its key matches, and growing re-places entries by their keys alone, so a table
// whose entries are scattered over the heap can run full without a cache miss per probe.
// Addresses are compared as given: callers store masked prefixes and look them up masked.
import type { Ipv4 } from "../wire/addr";

/** What a table holds: anything with a prefix's address and length that never change. */
export interface PrefixKeyed {
  readonly addr: Ipv4;
  readonly len: number;
}

/** The smallest table, and a new one. */
const MIN_SLOTS = 16;

/** A prefix's key: its address mixed with its length (one-to-one for each length). */
export function prefixKey(addr: number, len: number): number {
  return (addr ^ Math.imul(len + 1, 0x27d4eb2d)) | 0;
}

/** Where a key's probe starts in a table of 2^(32 − shift) slots hashed with `seed`:
 * Fibonacci hashing, the top bits of the product. */
export function fibonacciHome(key: number, seed: number, shift: number): number {
  return Math.imul(key ^ seed, 0x9e3779b1 | 0) >>> shift;
}

/** The seed a table takes when it shrinks (see PrefixHash's seed). */
export function nextSeed(seed: number): number {
  return Math.imul(seed + 1, 0x2545f491) | 0;
}

export class PrefixHash<T extends PrefixKeyed> {
  private slots: (T | undefined)[] = new Array<T | undefined>(MIN_SLOTS).fill(undefined);
  /** Each occupied slot's key. */
  private keys = new Int32Array(MIN_SLOTS);
  /** 32 − log2(slots.length): Fibonacci hashing takes the product's top bits. */
  private shift = 28;
  /** Mixed into every key before hashing; changed whenever the table shrinks. Fibonacci
   * hashing at a smaller size keeps the top bits it had: the entries left after taking a table
   * out in slot order (a neighbor going down) all had the top of the table as home, and in the
   * smaller table would have its top as home too, one run to probe along the length of it
   * (seconds for 100,000 routes). A new seed spreads them. Growing keeps the seed: a table
   * filled in address order, as tables mostly are, places best without one. */
  private seed = 0;
  /** Entries in the table. */
  size = 0;

  /** Slots the table has now (a power of two, at least 16). */
  get capacity(): number {
    return this.slots.length;
  }

  private home(key: number): number {
    return fibonacciHome(key, this.seed, this.shift);
  }

  get(addr: Ipv4 | number, len: number): T | undefined {
    const slots = this.slots;
    const keys = this.keys;
    const mask = slots.length - 1;
    const a = addr >>> 0;
    const key = prefixKey(a, len);
    for (let i = this.home(key); ; i = (i + 1) & mask) {
      const e = slots[i];
      if (e === undefined) return undefined;
      if (keys[i] === key && e.addr === a && e.len === len) return e;
    }
  }

  /** The entry for a prefix, made by `make(addr, len)` and added when it is not there yet
   * (a function kept by the caller, not a new closure per call: this is the per-route path). */
  getOrAdd(addr: Ipv4 | number, len: number, make: (addr: Ipv4, len: number) => T): T {
    const slots = this.slots;
    const keys = this.keys;
    const mask = slots.length - 1;
    const a = addr >>> 0;
    const key = prefixKey(a, len);
    let i = this.home(key);
    for (; ; i = (i + 1) & mask) {
      const e = slots[i];
      if (e === undefined) break;
      if (keys[i] === key && e.addr === a && e.len === len) return e;
    }
    const e = make(a as Ipv4, len);
    slots[i] = e;
    keys[i] = key;
    if (++this.size * 5 > slots.length * 4) this.resize(slots.length * 2);
    return e;
  }

  /** Takes `e` out (the object itself, not another with its prefix); false when it was not here. */
  delete(e: T): boolean {
    const slots = this.slots;
    const keys = this.keys;
    const mask = slots.length - 1;
    let i = this.home(prefixKey(e.addr, e.len));
    for (; slots[i] !== e; i = (i + 1) & mask) if (slots[i] === undefined) return false;
    slots[i] = undefined;
    this.size--;
    // Backward shift: pull later entries of the run into the hole unless that would put
    // them before their home slot.
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const next = slots[j];
      if (next === undefined) break;
      const k = this.home(keys[j]);
      const stays = i <= j ? i < k && k <= j : i < k || k <= j;
      if (stays) continue;
      slots[i] = next;
      keys[i] = keys[j];
      slots[j] = undefined;
      i = j;
    }
    // A table emptied to an eighth (a withdrawn full table) gives its slots back.
    if (slots.length > MIN_SLOTS && this.size * 8 < slots.length) this.resize(this.size * 2 < MIN_SLOTS ? MIN_SLOTS : 2 ** Math.ceil(Math.log2(this.size * 2)));
    return true;
  }

  /** The entries, as a new list (safe to change the table while going through it), in no order. */
  values(): T[] {
    const out: T[] = [];
    for (const e of this.slots) if (e !== undefined) out.push(e);
    return out;
  }

  /** Moves every entry into new arrays of `length` slots (a power of two), by their keys. */
  private resize(length: number): void {
    const old = this.slots;
    const oldKeys = this.keys;
    const slots = new Array<T | undefined>(length).fill(undefined);
    const keys = new Int32Array(length);
    this.slots = slots;
    this.keys = keys;
    if (length < old.length) this.seed = nextSeed(this.seed);
    this.shift = 32 - Math.log2(length);
    const mask = length - 1;
    for (let j = 0; j < old.length; j++) {
      const e = old[j];
      if (e === undefined) continue;
      const key = oldKeys[j];
      let i = this.home(key);
      while (slots[i] !== undefined) i = (i + 1) & mask;
      slots[i] = e;
      keys[i] = key;
    }
  }
}
