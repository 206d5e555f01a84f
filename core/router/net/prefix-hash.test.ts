import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { prefix, type Ipv4 } from "../wire/addr";
import { PrefixHash } from "./prefix-hash";

class Entry {
  constructor(
    readonly addr: Ipv4,
    readonly len: number,
  ) {}
}

const make = (addr: Ipv4, len: number) => new Entry(addr, len);

describe("PrefixHash", () => {
  it("finds an entry by address and length, tells prefixes of one address apart, and makes one only once", () => {
    const t = new PrefixHash<Entry>();
    const ten8 = t.getOrAdd(0x0a000000, 8, make);
    const ten24 = t.getOrAdd(0x0a000000, 24, make);
    expect(t.getOrAdd(0x0a000000, 8, make)).toBe(ten8);
    expect(t.get(0x0a000000, 8)).toBe(ten8);
    expect(t.get(0x0a000000, 24)).toBe(ten24);
    expect(t.get(0x0a000000, 16)).toBeUndefined();
    expect(t.size).toBe(2);
    // Addresses above 2^31 are the same unsigned numbers the entries hold.
    const high = t.getOrAdd(0xc0a80100, 24, make);
    expect(high.addr).toBe(0xc0a80100);
    expect(t.get(0xc0a80100 | 0, 24)).toBe(high);
  });

  it("deletes only the object itself, not another with its prefix", () => {
    const t = new PrefixHash<Entry>();
    t.getOrAdd(0x0a000000, 8, make);
    expect(t.delete(new Entry(0x0a000000 as Ipv4, 8))).toBe(false);
    expect(t.size).toBe(1);
  });

  it("agrees with a Map under any sequence of adds and deletes, through growth and backward-shift deletion", () => {
    // Few distinct prefixes so that adds and deletes hit the same ones and runs collide.
    const op = fc.record({ add: fc.boolean(), addr: fc.integer({ min: 0, max: 63 }).map((n) => (n * 0x01000000 + (n & 7) * 0x100) >>> 0), len: fc.constantFrom(8, 16, 24, 32) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const t = new PrefixHash<Entry>();
        const model = new Map<string, Entry>();
        for (const { add, addr, len } of ops) {
          const p = prefix(addr, len);
          const key = `${p.addr}/${p.len}`;
          if (add) {
            const e = t.getOrAdd(p.addr, p.len, make);
            const known = model.get(key);
            if (known !== undefined) expect(e).toBe(known);
            else model.set(key, e);
          } else {
            const e = model.get(key);
            expect(e === undefined ? false : t.delete(e)).toBe(e !== undefined);
            model.delete(key);
          }
          expect(t.size).toBe(model.size);
        }
        for (const e of model.values()) expect(t.get(e.addr, e.len)).toBe(e);
        expect(new Set(t.values())).toEqual(new Set(model.values()));
        const seen: Entry[] = [];
        t.forEach((e) => seen.push(e));
        expect(seen).toHaveLength(model.size);
        expect(new Set(seen)).toEqual(new Set(model.values()));
      }),
    );
  });

  it("tells apart two prefixes whose keys collide (an address and length mixed into 32 bits)", () => {
    const t = new PrefixHash<Entry>();
    const mix = (len: number) => Math.imul(len + 1, 0x27d4eb2d);
    const a = 0x0a000000 as Ipv4;
    const b = ((a ^ mix(8) ^ mix(24)) >>> 0) as Ipv4;
    const first = t.getOrAdd(a, 8, make);
    const second = t.getOrAdd(b, 24, make);
    expect(second).not.toBe(first);
    expect(t.get(a, 8)).toBe(first);
    expect(t.get(b, 24)).toBe(second);
    expect(t.get(a, 24)).toBeUndefined();
    expect(t.delete(first)).toBe(true);
    expect(t.get(b, 24)).toBe(second);
  });

  it("runs up to 80% full: 100,000 entries in 131,072 slots", () => {
    const t = new PrefixHash<Entry>();
    for (let i = 0; i < 100_000; i++) t.getOrAdd((((10 + (i >> 16)) << 24) | ((i & 0xffff) << 8)) >>> 0, 24, make);
    expect(t.capacity).toBe(131_072);
  });

  it("keeps every entry through growth and deletions after it", () => {
    const t = new PrefixHash<Entry>();
    const n = 60_000;
    const addrOf = (i: number): Ipv4 => (((10 + (i >> 16)) << 24) | ((i & 0xffff) << 8)) >>> 0 as Ipv4;
    for (let i = 0; i < n; i++) t.getOrAdd(addrOf(i), 24, make);
    expect(t.size).toBe(n);
    for (let i = 0; i < n; i += 7) expect(t.get(addrOf(i), 24)?.addr).toBe(addrOf(i));
    for (let i = 0; i < n; i += 2) expect(t.delete(t.get(addrOf(i), 24) as Entry)).toBe(true);
    expect(t.size).toBe(n / 2);
    for (let i = 0; i < n; i++) expect(t.get(addrOf(i), 24) !== undefined).toBe(i % 2 === 1);
    expect(t.values()).toHaveLength(n / 2);
  });

  it("gives its slots back when a big table is emptied, and still finds what is left", () => {
    const t = new PrefixHash<Entry>();
    const n = 60_000;
    const addrOf = (i: number): Ipv4 => (((10 + (i >> 16)) << 24) | ((i & 0xffff) << 8)) >>> 0 as Ipv4;
    for (let i = 0; i < n; i++) t.getOrAdd(addrOf(i), 24, make);
    const full = t.capacity;
    for (let i = 100; i < n; i++) t.delete(t.get(addrOf(i), 24) as Entry);
    expect(t.size).toBe(100);
    expect(t.capacity).toBeLessThanOrEqual(8 * t.size);
    expect(t.capacity).toBeLessThan(full);
    for (let i = 0; i < 100; i++) expect(t.get(addrOf(i), 24)?.addr).toBe(addrOf(i));
    for (let i = 0; i < 100; i++) t.delete(t.get(addrOf(i), 24) as Entry);
    expect(t.capacity).toBe(16);
    // And it fills again.
    for (let i = 0; i < 1000; i++) t.getOrAdd(addrOf(i), 24, make);
    expect(t.size).toBe(1000);
    for (let i = 0; i < 1000; i++) expect(t.get(addrOf(i), 24)?.addr).toBe(addrOf(i));
  });

  it("agrees with a model through segment splits, shrinking and refilling, for random prefixes of any length", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        let x = seed;
        const next = (): number => (x = (Math.imul(x, 48271) % 2147483647) >>> 0);
        const t = new PrefixHash<Entry>();
        const model = new Map<string, Entry>();
        const keyOf = (addr: number, len: number) => `${addr}/${len}`;
        // Up into a table of several segments, deleting as it goes; then down to a few, then up again.
        for (const [steps, addShare] of [[30_000, 0.8], [30_000, 0.02], [10_000, 0.9]] as const) {
          for (let k = 0; k < steps; k++) {
            if (next() % 1000 < addShare * 1000 || model.size === 0) {
              const len = next() % 33;
              const addr = (((next() << 8) ^ next()) & (len === 0 ? 0 : ~0 << (32 - len))) >>> 0;
              const e = t.getOrAdd(addr, len, make);
              const known = model.get(keyOf(addr, len));
              if (known !== undefined) expect(e).toBe(known);
              else model.set(keyOf(addr, len), e);
            } else {
              const victim = model.values().next().value as Entry;
              expect(t.delete(victim)).toBe(true);
              expect(t.delete(victim)).toBe(false);
              model.delete(keyOf(victim.addr, victim.len));
            }
          }
          expect(t.size).toBe(model.size);
          for (const e of model.values()) if (t.get(e.addr, e.len) !== e) throw new Error(`lost ${keyOf(e.addr, e.len)}`);
          expect(t.values().length).toBe(model.size);
          // At most 80% full in every segment, so above it overall; never more than eight times the entries (or the smallest table).
          expect(t.size * 5).toBeLessThanOrEqual(t.capacity * 4);
          expect(t.capacity).toBeLessThanOrEqual(Math.max(16, 8 * t.size * 2));
        }
      }),
      { numRuns: 2 },
    );
  });
});
