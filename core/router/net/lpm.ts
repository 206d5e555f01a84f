// Longest-prefix match over IPv4, used by every FIB and RIB. Two structures in typed arrays:
// a binary trie that is the authority (exact get/set/delete, ordered listing), and a 16-8-8
// multibit table built from it by controlled prefix expansion, so a lookup is at most three
// array reads however many routes there are (DIR-16-8-8, as in hardware FIBs). Every slot of
// the multibit table holds the longest prefix covering it, with that prefix's length, so
// inserts only overwrite slots held by shorter prefixes and deletes hand slots back to the
// next-longest covering prefix. The multibit table costs ~600 KB, so a table builds it only
// once it holds MULTIBIT_MIN_ROUTES routes; smaller ones (most VRFs) walk the trie. A stored
// prefix is kept as its address and length in typed arrays, not as an object: a prefix
// object is made only for `match` and `entries`.
import type { Ipv4, Prefix } from "../wire/addr";

const NONE = -1;
/** Below this many routes lookups walk the trie; at it the multibit table is built. */
const MULTIBIT_MIN_ROUTES = 256;

export class LpmTable<T> {
  // Node i: children at child[2i] (bit 0) and child[2i+1] (bit 1); 0 means none (node 0 is
  // the root and never a child). slot[i] is an index into `values`, or NONE.
  private child: Int32Array;
  private slot: Int32Array;
  private nodes = 1;
  private freeNodes: number[] = [];
  private slotValues: (T | undefined)[] = [];
  /** Each slot's prefix: address (as int32) and length (-1: free). */
  private slotAddr = new Int32Array(16);
  private slotLen = new Int8Array(16).fill(-1);
  private freeSlots: number[] = [];
  private count = 0;

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

  constructor(initialNodes = 64) {
    this.child = new Int32Array(initialNodes * 2);
    this.slot = new Int32Array(initialNodes).fill(NONE);
  }

  get size(): number {
    return this.count;
  }

  /** Sets the value for an exact prefix, replacing any value it had. */
  set(prefix: Prefix, value: T): void {
    let node = 0;
    const addr = prefix.addr;
    for (let depth = 0; depth < prefix.len; depth++) {
      const bit = (addr >>> (31 - depth)) & 1;
      let next = this.child[2 * node + bit];
      if (next === 0) {
        next = this.allocNode();
        this.child[2 * node + bit] = next;
      }
      node = next;
    }
    const s = this.slot[node];
    if (s !== NONE) {
      this.slotValues[s] = value;
      return;
    }
    const index = this.freeSlots.length ? this.freeSlots.pop()! : this.slotValues.length;
    this.slotValues[index] = value;
    if (index >= this.slotLen.length) {
      const addrs = new Int32Array(this.slotLen.length * 2);
      addrs.set(this.slotAddr);
      this.slotAddr = addrs;
      const lens = new Int8Array(this.slotLen.length * 2).fill(-1);
      lens.set(this.slotLen);
      this.slotLen = lens;
    }
    this.slotAddr[index] = addr;
    this.slotLen[index] = prefix.len;
    this.slot[node] = index;
    this.count++;
    if (this.multibit) this.expand(addr, prefix.len, index, prefix.len, -1);
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
    const node = this.findNode(prefix);
    if (node === NONE) return undefined;
    const s = this.slot[node];
    return s === NONE ? undefined : this.slotValues[s];
  }

  /** Removes an exact prefix; returns whether it was there. Prunes empty branches. */
  delete(prefix: Prefix): boolean {
    const path: number[] = [0];
    let node = 0;
    for (let depth = 0; depth < prefix.len; depth++) {
      node = this.child[2 * node + ((prefix.addr >>> (31 - depth)) & 1)];
      if (node === 0) return false;
      path.push(node);
    }
    const s = this.slot[node];
    if (s === NONE) return false;
    // Hand the slots this prefix held back to the longest strictly shorter prefix covering
    // it (none for the default route itself).
    let heir = NONE;
    let heirLen = -1;
    for (let depth = 0; depth < prefix.len; depth++) {
      if (this.slot[path[depth]] !== NONE) {
        heir = this.slot[path[depth]];
        heirLen = depth;
      }
    }
    if (this.multibit) this.expand(prefix.addr, prefix.len, heir, heirLen, prefix.len);
    this.slot[node] = NONE;
    this.slotValues[s] = undefined;
    this.slotLen[s] = -1;
    this.freeSlots.push(s);
    this.count--;
    for (let depth = prefix.len; depth > 0; depth--) {
      const n = path[depth];
      if (this.slot[n] !== NONE || this.child[2 * n] !== 0 || this.child[2 * n + 1] !== 0) break;
      const parent = path[depth - 1];
      this.child[2 * parent + ((prefix.addr >>> (32 - depth)) & 1)] = 0;
      this.freeNodes.push(n);
    }
    return true;
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
    if (!this.multibit) return this.trieLookup(addr);
    const c = this.l1Child[addr >>> 16];
    if (c === 0) return this.l1Val[addr >>> 16];
    const j = (c << 8) | ((addr >>> 8) & 255);
    const d = this.blkChild[j];
    return d === 0 ? this.blkVal[j] : this.blkVal[(d << 8) | (addr & 255)];
  }

  /** The longest match by walking the binary trie: small tables. */
  private trieLookup(addr: number): number {
    const child = this.child;
    const slot = this.slot;
    let best = slot[0];
    let node = 0;
    for (let depth = 0; depth < 32; depth++) {
      node = child[2 * node + ((addr >>> (31 - depth)) & 1)];
      if (node === 0) break;
      if (slot[node] !== NONE) best = slot[node];
    }
    return best;
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

  /** Every (prefix, value), in address order then shorter prefix first: the order IOS shows. */
  *entries(): IterableIterator<[Prefix, T]> {
    const stack: number[] = [0];
    while (stack.length) {
      const node = stack.pop()!;
      const s = this.slot[node];
      if (s !== NONE) yield [this.prefixOf(s), this.slotValues[s]!];
      const one = this.child[2 * node + 1];
      const zero = this.child[2 * node];
      if (one) stack.push(one);
      if (zero) stack.push(zero);
    }
  }

  /** Every value, in the order of `entries`, without making prefix objects. */
  *values(): IterableIterator<T> {
    const stack: number[] = [0];
    while (stack.length) {
      const node = stack.pop()!;
      const s = this.slot[node];
      if (s !== NONE) yield this.slotValues[s]!;
      const one = this.child[2 * node + 1];
      const zero = this.child[2 * node];
      if (one) stack.push(one);
      if (zero) stack.push(zero);
    }
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
    this.child.fill(0);
    this.slot.fill(NONE);
    this.nodes = 1;
    this.freeNodes = [];
    this.slotValues = [];
    this.slotAddr = new Int32Array(16);
    this.slotLen = new Int8Array(16).fill(-1);
    this.freeSlots = [];
    this.count = 0;
  }

  private findNode(prefix: Prefix): number {
    let node = 0;
    for (let depth = 0; depth < prefix.len; depth++) {
      node = this.child[2 * node + ((prefix.addr >>> (31 - depth)) & 1)];
      if (node === 0) return NONE;
    }
    return node;
  }

  private allocNode(): number {
    const reused = this.freeNodes.pop();
    if (reused !== undefined) {
      this.child[2 * reused] = 0;
      this.child[2 * reused + 1] = 0;
      this.slot[reused] = NONE;
      return reused;
    }
    if (this.nodes === this.slot.length) {
      const child = new Int32Array(this.child.length * 2);
      child.set(this.child);
      this.child = child;
      const slot = new Int32Array(this.slot.length * 2).fill(NONE);
      slot.set(this.slot);
      this.slot = slot;
    }
    return this.nodes++;
  }
}
