// Longest-prefix match over IPv4, used by every FIB. A stored prefix is a slot: its address
// and length in typed arrays and its value in a list (a prefix object is made only for `match`
// and `entries`). Exact get/set/delete go through an open-addressing hash of slot numbers
// keyed by address and length, whose probes read typed arrays only. Lookups: a table of
// MULTIBIT_MIN_ROUTES routes or more keeps a 16-8-8 multibit table built by controlled prefix
// expansion, so a lookup is at most three array reads however many routes there are
// (DIR-16-8-8, as in hardware FIBs); every slot of it holds the longest prefix covering it,
// with that prefix's length, so inserts only overwrite slots held by shorter prefixes and
// deletes hand slots back to the next-longest covering prefix. It costs ~600 KB, so smaller
// tables (most VRFs) probe the hash once per prefix length in use, longest first. A full
// table of 100,000 routes costs ~30 bytes a route besides the multibit blocks.
import { maskOf, type Ipv4, type Prefix } from "../wire/addr";
import { fibonacciHome, nextSeed, prefixKey } from "./prefix-hash";

const NONE = -1;
/** Below this many routes lookups probe the hash; at it the multibit table is built. */
const MULTIBIT_MIN_ROUTES = 256;

export class LpmTable<T> {
  private slotValues: (T | undefined)[] = [];
  /** Each slot's prefix: address (masked, as int32) and length (-1: free). */
  private slotAddr = new Int32Array(16);
  private slotLen = new Int8Array(16).fill(-1);
  private freeSlots: number[] = [];
  private count = 0;
  /** Routes per prefix length (0–32): the lengths a lookup or a delete's hand-back probes. */
  private readonly byLength = new Int32Array(33);

  /** Slot numbers by prefix (NONE: empty), linear probing at most 80% full, deleted by
   * backward shift; 32 − log2(its length) in `shift` (Fibonacci hashing, as PrefixHash
   * hashes, net/prefix-hash.ts). */
  private index = new Int32Array(16).fill(NONE);
  private shift = 28;
  /** Mixed into every key before hashing; changed when the table is rebuilt smaller (see
   * PrefixHash's seed, net/prefix-hash.ts). */
  private seed = 0;

  // Level 1: one entry per /16. l1Child points at a 256-entry level-2 block (0 = none).
  // Empty (length 0) until the table is big enough to want them.
  private l1Val = new Int32Array(0);
  private l1Len = new Int8Array(0);
  private l1Child = new Int32Array(0);
  // Levels 2 and 3 share a pool of 256-entry blocks; block 0 is unused so 0 means "none".
  private blkVal = new Int32Array(0);
  private blkLen = new Int8Array(0);
  private blkChild = new Int32Array(0);
  private blocks = 1;
  private multibit = false;

  get size(): number {
    return this.count;
  }

  /** Sets the value for an exact prefix, replacing any value it had. */
  set(prefix: Prefix, value: T): void {
    const len = prefix.len;
    const addr = (prefix.addr & maskOf(len)) | 0;
    const index = this.index;
    const mask = index.length - 1;
    let i = this.home(addr, len);
    for (; ; i = (i + 1) & mask) {
      const s = index[i];
      if (s === NONE) break;
      if (this.slotAddr[s] === addr && this.slotLen[s] === len) {
        this.slotValues[s] = value;
        return;
      }
    }
    const s = this.freeSlots.length ? this.freeSlots.pop()! : this.slotValues.length;
    this.slotValues[s] = value;
    if (s >= this.slotLen.length) {
      const addrs = new Int32Array(this.slotLen.length * 2);
      addrs.set(this.slotAddr);
      this.slotAddr = addrs;
      const lens = new Int8Array(this.slotLen.length * 2).fill(-1);
      lens.set(this.slotLen);
      this.slotLen = lens;
    }
    this.slotAddr[s] = addr;
    this.slotLen[s] = len;
    index[i] = s;
    this.count++;
    this.byLength[len]++;
    if (this.count * 5 > index.length * 4) this.grow();
    if (this.multibit) this.expand(addr >>> 0, len, s, len, -1);
    else if (this.count >= MULTIBIT_MIN_ROUTES) this.buildMultibit();
  }

  /** Allocates the multibit table and expands every stored prefix into it, shortest first
   * (so each longer prefix overwrites the slots it owns). */
  private buildMultibit(): void {
    this.l1Val = new Int32Array(1 << 16).fill(NONE);
    this.l1Len = new Int8Array(1 << 16).fill(-1);
    this.l1Child = new Int32Array(1 << 16);
    this.blkVal = new Int32Array(256 * 16).fill(NONE);
    this.blkLen = new Int8Array(256 * 16).fill(-1);
    this.blkChild = new Int32Array(256 * 16);
    this.blocks = 1;
    this.multibit = true;
    const all: number[] = [];
    const lens = this.slotLen;
    for (let s = 0; s < this.slotValues.length; s++) if (lens[s] >= 0) all.push(s);
    all.sort((a, b) => lens[a] - lens[b]);
    for (const s of all) this.expand(this.slotAddr[s] >>> 0, lens[s], s, lens[s], -1);
  }

  /** The value stored for exactly this prefix. */
  get(prefix: Prefix): T | undefined {
    const s = this.find((prefix.addr & maskOf(prefix.len)) | 0, prefix.len);
    return s === NONE ? undefined : this.slotValues[s];
  }

  /** Removes an exact prefix; returns whether it was there. */
  delete(prefix: Prefix): boolean {
    const len = prefix.len;
    const addr = (prefix.addr & maskOf(len)) | 0;
    const index = this.index;
    const mask = index.length - 1;
    let i = this.home(addr, len);
    let s: number;
    for (; ; i = (i + 1) & mask) {
      s = index[i];
      if (s === NONE) return false;
      if (this.slotAddr[s] === addr && this.slotLen[s] === len) break;
    }
    // Backward-shift deletion: later entries of the probe run move up into the hole.
    for (let hole = i, j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const t = index[j];
      if (t === NONE) {
        index[hole] = NONE;
        break;
      }
      const h = this.home(this.slotAddr[t], this.slotLen[t]);
      // `t` may move to the hole unless its home lies cyclically in (hole, j].
      if (hole <= j ? h <= hole || h > j : h <= hole && h > j) {
        index[hole] = t;
        hole = j;
      }
    }
    this.count--;
    this.byLength[len]--;
    // Hand the multibit slots this prefix held back to the longest strictly shorter prefix
    // covering it (none for the default route itself).
    if (this.multibit) {
      let heir = NONE;
      let heirLen = -1;
      for (let l = len - 1; l >= 0; l--) {
        if (this.byLength[l] === 0) continue;
        const h = this.find((addr & maskOf(l)) | 0, l);
        if (h !== NONE) {
          heir = h;
          heirLen = l;
          break;
        }
      }
      this.expand(addr >>> 0, len, heir, heirLen, len);
    }
    this.slotValues[s] = undefined;
    this.slotLen[s] = -1;
    this.freeSlots.push(s);
    // Emptied to an eighth (a withdrawn full table): built again from what is left, so the
    // slots, the hash and (below MULTIBIT_MIN_ROUTES) the multibit table are given back.
    if (this.slotLen.length > 64 && this.count * 8 < this.slotLen.length) this.rebuild();
    return true;
  }

  private rebuild(): void {
    const addrs: number[] = [];
    const lens: number[] = [];
    const values: T[] = [];
    for (let s = 0; s < this.slotLen.length; s++) {
      if (this.slotLen[s] < 0) continue;
      addrs.push(this.slotAddr[s] >>> 0);
      lens.push(this.slotLen[s]);
      values.push(this.slotValues[s]!);
    }
    this.clear();
    this.seed = nextSeed(this.seed);
    for (let i = 0; i < values.length; i++) this.set({ addr: addrs[i] as Ipv4, len: lens[i] }, values[i]);
  }

  /** The value of the longest prefix containing `addr`. The forwarding hot path. */
  lookup(addr: Ipv4 | number): T | undefined {
    const s = this.lookupSlot(addr);
    return s === NONE ? undefined : this.slotValues[s];
  }

  /** The longest stored prefix containing `addr`, with its value. */
  match(addr: Ipv4 | number): { prefix: Prefix; value: T } | undefined {
    const s = this.lookupSlot(addr);
    return s === NONE ? undefined : { prefix: this.prefixOf(s), value: this.slotValues[s]! };
  }

  private prefixOf(s: number): Prefix {
    return { addr: (this.slotAddr[s] >>> 0) as Ipv4, len: this.slotLen[s] };
  }

  private lookupSlot(addr: number): number {
    if (!this.multibit) return this.probeLookup(addr);
    const c = this.l1Child[addr >>> 16];
    if (c === 0) return this.l1Val[addr >>> 16];
    const j = (c << 8) | ((addr >>> 8) & 255);
    const d = this.blkChild[j];
    return d === 0 ? this.blkVal[j] : this.blkVal[(d << 8) | (addr & 255)];
  }

  /** The longest match by probing the hash at each length in use, longest first: small tables. */
  private probeLookup(addr: number): number {
    const byLength = this.byLength;
    for (let len = 32; len >= 0; len--) {
      if (byLength[len] === 0) continue;
      const s = this.find((addr & maskOf(len)) | 0, len);
      if (s !== NONE) return s;
    }
    return NONE;
  }

  /** The slot of exactly this prefix (`addr` masked, as int32), or NONE. */
  private find(addr: number, len: number): number {
    const index = this.index;
    const mask = index.length - 1;
    for (let i = this.home(addr, len); ; i = (i + 1) & mask) {
      const s = index[i];
      if (s === NONE || (this.slotAddr[s] === addr && this.slotLen[s] === len)) return s;
    }
  }

  private home(addr: number, len: number): number {
    return fibonacciHome(prefixKey(addr, len), this.seed, this.shift);
  }

  /** Doubles the hash and places every slot in it again. */
  private grow(): void {
    const index = new Int32Array(this.index.length * 2).fill(NONE);
    this.index = index;
    this.shift--;
    const mask = index.length - 1;
    const lens = this.slotLen;
    for (let s = 0; s < lens.length; s++) {
      if (lens[s] < 0) continue;
      let i = this.home(this.slotAddr[s], lens[s]);
      while (index[i] !== NONE) i = (i + 1) & mask;
      index[i] = s;
    }
  }

  /**
   * Writes (slot, len) into every multibit entry the prefix covers whose current holder is
   * shorter (insert: `onlyLen` = -1) or is exactly this prefix (delete: `onlyLen` = its length).
   */
  private expand(addr: number, plen: number, slot: number, len: number, onlyLen: number): void {
    if (plen <= 16) {
      const first = addr >>> 16;
      const last = first + (1 << (16 - plen));
      for (let i = first; i < last; i++) {
        if (this.l1Len[i] === onlyLen || (onlyLen < 0 && this.l1Len[i] <= plen)) {
          this.l1Val[i] = slot;
          this.l1Len[i] = len;
        }
        if (this.l1Child[i]) this.fillBlock(this.l1Child[i], 0, 256, slot, len, plen, onlyLen);
      }
      return;
    }
    const hi = addr >>> 16;
    let c = this.l1Child[hi];
    if (c === 0) {
      if (onlyLen >= 0) return;
      c = this.allocBlock(this.l1Val[hi], this.l1Len[hi]);
      this.l1Child[hi] = c;
    }
    if (plen <= 24) {
      const first = (addr >>> 8) & 255;
      this.fillBlock(c, first, first + (1 << (24 - plen)), slot, len, plen, onlyLen);
      return;
    }
    const j = (c << 8) | ((addr >>> 8) & 255);
    let d = this.blkChild[j];
    if (d === 0) {
      if (onlyLen >= 0) return;
      d = this.allocBlock(this.blkVal[j], this.blkLen[j]);
      this.blkChild[j] = d;
    }
    const first = addr & 255;
    this.fillBlock(d, first, first + (1 << (32 - plen)), slot, len, plen, onlyLen);
  }

  private fillBlock(block: number, from: number, to: number, slot: number, len: number, plen: number, onlyLen: number): void {
    for (let k = from; k < to; k++) {
      const j = (block << 8) | k;
      if (this.blkLen[j] === onlyLen || (onlyLen < 0 && this.blkLen[j] <= plen)) {
        this.blkVal[j] = slot;
        this.blkLen[j] = len;
      }
      if (this.blkChild[j]) this.fillBlock(this.blkChild[j], 0, 256, slot, len, plen, onlyLen);
    }
  }

  private allocBlock(val: number, len: number): number {
    if ((this.blocks + 1) * 256 > this.blkVal.length) {
      const grow = <A extends Int32Array | Int8Array>(old: A, make: (n: number) => A, fill: number): A => {
        const next = make(old.length * 2).fill(fill) as A;
        next.set(old);
        return next;
      };
      this.blkVal = grow(this.blkVal, (n) => new Int32Array(n), NONE);
      this.blkLen = grow(this.blkLen, (n) => new Int8Array(n), -1);
      this.blkChild = grow(this.blkChild, (n) => new Int32Array(n), 0);
    }
    const b = this.blocks++;
    this.blkVal.fill(val, b << 8, (b + 1) << 8);
    this.blkLen.fill(len, b << 8, (b + 1) << 8);
    return b;
  }

  /** Every (prefix, value), in address order then shorter prefix first: the order IOS shows.
   * Taken whole before the first is handed out, so the table may change meanwhile. */
  *entries(): IterableIterator<[Prefix, T]> {
    yield* this.ordered().map((s): [Prefix, T] => [this.prefixOf(s), this.slotValues[s]!]);
  }

  /** Every value, in the order of `entries`, without making prefix objects. */
  *values(): IterableIterator<T> {
    yield* this.ordered().map((s) => this.slotValues[s]!);
  }

  /** The slots in use, in address order then shorter prefix first. */
  private ordered(): number[] {
    const lens = this.slotLen;
    const addrs = this.slotAddr;
    const out: number[] = [];
    for (let s = 0; s < lens.length; s++) if (lens[s] >= 0) out.push(s);
    return out.sort((a, b) => (addrs[a] >>> 0) - (addrs[b] >>> 0) || lens[a] - lens[b]);
  }

  clear(): void {
    this.l1Val = new Int32Array(0);
    this.l1Len = new Int8Array(0);
    this.l1Child = new Int32Array(0);
    this.blkVal = new Int32Array(0);
    this.blkLen = new Int8Array(0);
    this.blkChild = new Int32Array(0);
    this.blocks = 1;
    this.multibit = false;
    this.index = new Int32Array(16).fill(NONE);
    this.shift = 28;
    this.byLength.fill(0);
    this.slotValues = [];
    this.slotAddr = new Int32Array(16);
    this.slotLen = new Int8Array(16).fill(-1);
    this.freeSlots = [];
    this.count = 0;
  }
}
