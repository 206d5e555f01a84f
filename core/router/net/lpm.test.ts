import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatPrefix, maskOf, parseIpv4, parsePrefix, prefix, type Prefix } from "../wire/addr";
import { LpmTable } from "./lpm";

const p = (text: string): Prefix => parsePrefix(text)!;
const a = (text: string) => parseIpv4(text)!;

describe("LpmTable", () => {
  it("returns the longest matching prefix, falling back to the default route", () => {
    const t = new LpmTable<string>();
    t.set(p("0.0.0.0/0"), "default");
    t.set(p("10.0.0.0/8"), "ten");
    t.set(p("10.1.1.0/24"), "ten-one-one");
    t.set(p("10.1.1.3/32"), "host");
    expect(t.lookup(a("10.1.1.3"))).toBe("host");
    expect(t.lookup(a("10.1.1.4"))).toBe("ten-one-one");
    expect(t.lookup(a("10.2.0.1"))).toBe("ten");
    expect(t.lookup(a("192.168.1.1"))).toBe("default");
    expect(t.match(a("10.1.1.9"))?.prefix).toEqual(p("10.1.1.0/24"));
  });

  it("deletes exact prefixes only and prunes so lookups fall back", () => {
    const t = new LpmTable<number>();
    t.set(p("172.16.0.0/16"), 1);
    t.set(p("172.16.1.0/24"), 2);
    expect(t.delete(p("172.16.1.0/25"))).toBe(false);
    expect(t.delete(p("172.16.1.0/24"))).toBe(true);
    expect(t.lookup(a("172.16.1.1"))).toBe(1);
    expect(t.size).toBe(1);
    expect(t.get(p("172.16.1.0/24"))).toBeUndefined();
  });

  it("forgets the default route when it is deleted, small table or large", () => {
    for (const extra of [0, 400]) {
      const t = new LpmTable<string>();
      for (let i = 0; i < extra; i++) t.set(prefix(0x0b000000 + i * 256, 24), `r${i}`);
      t.set(p("0.0.0.0/0"), "default");
      t.set(p("10.1.0.0/16"), "ten-one");
      expect(t.delete(p("0.0.0.0/0"))).toBe(true);
      expect(t.lookup(a("192.168.1.1"))).toBeUndefined();
      expect(t.match(a("192.168.1.1"))).toBeUndefined();
      expect(t.lookup(a("10.1.2.3"))).toBe("ten-one");
    }
  });

  it("still answers after a big table is withdrawn down to a few routes (and built again smaller)", () => {
    const t = new LpmTable<number>();
    for (let i = 0; i < 5000; i++) t.set(prefix(0x0b000000 + i * 256, 24), i);
    t.set(p("0.0.0.0/0"), -1);
    for (let i = 10; i < 5000; i++) expect(t.delete(prefix(0x0b000000 + i * 256, 24))).toBe(true);
    expect(t.size).toBe(11);
    for (let i = 0; i < 10; i++) expect(t.lookup(0x0b000000 + i * 256 + 7)).toBe(i);
    expect(t.lookup(0x0b000000 + 20 * 256)).toBe(-1);
    expect(t.get(prefix(0x0b000000 + 3 * 256, 24))).toBe(3);
    expect([...t.values()]).toEqual([-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("lists entries in address order, shorter prefix first", () => {
    const t = new LpmTable<number>();
    for (const text of ["192.168.1.0/24", "10.0.0.0/8", "10.0.0.0/16", "0.0.0.0/0"]) t.set(p(text), 0);
    expect([...t.entries()].map(([q]) => formatPrefix(q))).toEqual(["0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16", "192.168.1.0/24"]);
  });

  // Dense tables (all routes inside 10.1.0.0/16) exercise the second and third levels of the
  // multibit table, where expansion and hand-back on delete are subtle.
  const anywhere = fc.integer({ min: 0, max: 0xffffffff });
  const dense = fc.integer({ min: 0, max: 0xffff }).map((low) => (0x0a010000 | low) >>> 0);
  it.each([
    ["sparse", anywhere, 0, 60],
    ["dense", dense, 12, 60],
    ["large sparse (multibit)", anywhere, 0, 600],
    ["large dense (multibit)", dense, 12, 600],
  ])("agrees with a linear scan for random %s tables, with deletes", (_kind, addrs, minLen, size) => {
    const route = fc.record({ addr: addrs, len: fc.integer({ min: minLen, max: 32 }) });
    fc.assert(
      fc.property(fc.array(route, { minLength: size > 100 ? 300 : 0, maxLength: size }), fc.array(addrs, { maxLength: 30 }), fc.nat(), (routes, probes, cut) => {
        const t = new LpmTable<string>();
        const model = new Map<string, Prefix>();
        for (const r of routes) {
          const q = prefix(r.addr, r.len);
          t.set(q, formatPrefix(q));
          model.set(formatPrefix(q), q);
        }
        const keys = [...model.keys()];
        const deleted = keys.slice(0, keys.length ? cut % keys.length : 0);
        for (const key of deleted) {
          expect(t.delete(model.get(key)!)).toBe(true);
          model.delete(key);
        }
        // Exact matches survive the deletes around them; deleted prefixes are gone.
        for (const [key, q] of model) expect(t.get(q)).toBe(key);
        for (const key of deleted) expect(t.get(parsePrefix(key)!)).toBeUndefined();
        const listed = [...t.entries()].map(([q]) => q);
        const sorted = [...model.values()].sort((x, y) => x.addr - y.addr || x.len - y.len);
        expect(listed).toEqual(sorted);
        for (const addr of probes) {
          let best: Prefix | undefined;
          for (const q of model.values()) {
            if (((addr & maskOf(q.len)) >>> 0) === q.addr && (!best || q.len > best.len)) best = q;
          }
          expect(t.lookup(addr)).toBe(best ? formatPrefix(best) : undefined);
        }
        expect(t.size).toBe(model.size);
      }),
    );
  });

  it("agrees with a linear scan over a table of many value chunks and block chunks, through deletions", () => {
    let x = 12345;
    const next = (): number => (x = (Math.imul(x, 48271) % 2147483647) >>> 0);
    const t = new LpmTable<number>();
    const model = new Map<string, { addr: number; len: number; value: number }>();
    // 12,000 routes of /8 to /32 over 300 /16s: several chunks of values (4,096 each) and of
    // multibit blocks (64 each), /25 to /32 ones at level 3.
    for (let i = 0; i < 12_000; i++) {
      const len = 8 + (next() % 25);
      const addr = ((0x0a000000 + (next() % 300) * 65536 + (next() % 65536)) & maskOf(len)) >>> 0;
      t.set({ addr, len } as Prefix, i);
      model.set(`${addr}/${len}`, { addr, len, value: i });
    }
    const check = (): void => {
      for (let k = 0; k < 3000; k++) {
        const probe = (0x0a000000 + (next() % 300) * 65536 + (next() % 65536)) >>> 0;
        let best: { len: number; value: number } | undefined;
        for (const r of model.values()) if (((probe ^ r.addr) & maskOf(r.len)) === 0 && (best === undefined || r.len > best.len)) best = r;
        if (t.lookup(probe) !== best?.value) throw new Error(`lookup ${probe.toString(16)}: ${t.lookup(probe)}, want ${best?.value}`);
      }
      expect(t.size).toBe(model.size);
    };
    check();
    let n = 0;
    for (const [key, r] of model) if (n++ % 3 !== 0) {
      expect(t.delete({ addr: r.addr, len: r.len } as Prefix)).toBe(true);
      model.delete(key);
    }
    check();
    for (const r of model.values()) expect(t.get({ addr: r.addr, len: r.len } as Prefix)).toBe(r.value);
  });
});
