// Exact-match tables of prefixes, for the tables that hold one object per route (the BGP
// tables, the RIB's prefix states): an open-addressing hash table (linear probing, at most 70%
// full, backward-shift deletion) of the objects themselves, keyed by their own address and
// length. Per entry it costs one array slot, where a Map costs a hash-table entry of three
// words plus its share of buckets, and a key of length and address beyond 32 bits would be a
// heap number per key and per lookup. Addresses are compared as given: callers store masked
// prefixes and look them up masked.
import type { Ipv4 } from "../wire/addr";

/** What a table holds: anything with a prefix's address and length that never change. */
export interface PrefixKeyed {
  readonly addr: Ipv4;
  readonly len: number;
}

/** The smallest table, and a new one. */
const MIN_SLOTS = 16;
/** Slots from which the table grows fourfold (16,384 slots: about 11,000 entries). */
const GROW_FOUR_FROM = 16_384;

export class PrefixHash<T extends PrefixKeyed> {
  private slots: (T | undefined)[] = new Array<T | undefined>(MIN_SLOTS).fill(undefined);
  /** 32 − log2(slots.length): Fibonacci hashing takes the product's top bits. */
  private shift = 28;
  /** Entries in the table. */
  size = 0;

  /** Slots the table has now (a power of two, at least 16). */
  get capacity(): number {
    return this.slots.length;
  }

  private home(addr: number, len: number): number {
    return Math.imul((addr | 0) ^ Math.imul(len + 1, 0x27d4eb2d), 0x9e3779b1 | 0) >>> this.shift;
  }

  get(addr: Ipv4 | number, len: number): T | undefined {
    const slots = this.slots;
    const mask = slots.length - 1;
    const a = addr >>> 0;
    for (let i = this.home(a, len); ; i = (i + 1) & mask) {
      const e = slots[i];
      if (e === undefined) return undefined;
      if (e.addr === a && e.len === len) return e;
    }
  }

  /** The entry for a prefix, made by `make(addr, len)` and added when it is not there yet
   * (a function kept by the caller, not a new closure per call: this is the per-route path). */
  getOrAdd(addr: Ipv4 | number, len: number, make: (addr: Ipv4, len: number) => T): T {
    const slots = this.slots;
    const mask = slots.length - 1;
    const a = addr >>> 0;
    let i = this.home(a, len);
    for (; ; i = (i + 1) & mask) {
      const e = slots[i];
      if (e === undefined) break;
      if (e.addr === a && e.len === len) return e;
    }
    const e = make(a as Ipv4, len);
    slots[i] = e;
    if (++this.size * 10 > slots.length * 7) this.grow();
    return e;
  }

  /** Takes `e` out (the object itself, not another with its prefix); false when it was not here. */
  delete(e: T): boolean {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = this.home(e.addr, e.len);
    for (; slots[i] !== e; i = (i + 1) & mask) if (slots[i] === undefined) return false;
    slots[i] = undefined;
    this.size--;
    // Backward shift: pull later entries of the run into the hole unless that would put
    // them before their home slot.
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const next = slots[j];
      if (next === undefined) break;
      const k = this.home(next.addr, next.len);
      const stays = i <= j ? i < k && k <= j : i < k || k <= j;
      if (stays) continue;
      slots[i] = next;
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

  /** Doubles the table, or past GROW_FOUR_FROM slots quadruples it: a table that gets that
   * big is a full BGP table filling, whose every doubling re-places every entry (a cache miss
   * each, the entries being all over the heap) into a new array of fresh pages. */
  private grow(): void {
    this.resize(this.slots.length * (this.slots.length >= GROW_FOUR_FROM ? 4 : 2));
  }

  /** Moves every entry into a new array of `length` slots (a power of two). */
  private resize(length: number): void {
    const old = this.slots;
    const slots = new Array<T | undefined>(length).fill(undefined);
    this.slots = slots;
    this.shift = 32 - Math.log2(length);
    const mask = slots.length - 1;
    for (const e of old) {
      if (e === undefined) continue;
      let i = this.home(e.addr, e.len);
      while (slots[i] !== undefined) i = (i + 1) & mask;
      slots[i] = e;
    }
  }
}
