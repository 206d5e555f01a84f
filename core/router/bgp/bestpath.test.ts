import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Ipv4 } from "../wire/addr";
import { AttrTable } from "./attrs";
import { newPath, Table, comparePaths, selectPaths, type Path, type SelectionContext } from "./bestpath";
import { ip, peer } from "./test-fixtures";
import type { BgpAttrs, LocalSource } from "./types";

const attrs = new AttrTable();
const table = new Table("ipv4", undefined, 0, "");
const dest = table.dest(ip("10.0.0.0"), 8);

/** `maximum-paths N` and `maximum-paths ibgp N` both at `maximumPaths`. */
function ctx(maximumPaths = 1, costs: Record<number, number> = {}): SelectionContext {
  const mp = { ebgp: maximumPaths, ibgp: maximumPaths, eibgp: 1 };
  return { routerId: ip("10.0.0.1"), multipath: () => mp, cost: (nh) => costs[nh] ?? 1 };
}

/** `maximum-paths eibgp N`. */
function eibgp(n: number, costs: Record<number, number> = {}): SelectionContext {
  const mp = { ebgp: 1, ibgp: 1, eibgp: n };
  return { routerId: ip("10.0.0.1"), multipath: () => mp, cost: (nh) => costs[nh] ?? 1 };
}

interface Spec {
  weight?: number;
  localPref?: number;
  asPath?: number[];
  origin?: 0 | 1 | 2;
  med?: number;
  ebgp?: boolean;
  neighbor?: string;
  routerId?: string;
  nextHop?: Ipv4;
  source?: LocalSource;
  stamp?: number;
  clusterList?: number;
}

function path(s: Spec): Path {
  const a: BgpAttrs = {
    origin: s.origin ?? 0,
    asPath: s.asPath?.length ? [{ type: 2, asns: s.asPath }] : [],
    nextHop: s.nextHop ?? ip("192.0.2.1"),
    ...(s.localPref !== undefined && { localPref: s.localPref }),
    ...(s.med !== undefined && { med: s.med }),
    ...(s.clusterList && { clusterList: Array.from({ length: s.clusterList }, (_, i) => (i + 1) as Ipv4) }),
  };
  const from = s.source ? undefined : peer(s.neighbor ?? "10.9.9.9", { ebgp: s.ebgp ?? false, ...(s.routerId && { routerId: ip(s.routerId) }) });
  return newPath(dest, attrs.intern(a), from, undefined, s.weight ?? 0, s.source, s.stamp ?? 1);
}

/** Selection over `ps` as one destination's paths: best first, then multipaths. */
function select(ps: Path[], c: SelectionContext): Path[] {
  while (dest.p0 !== undefined) dest.remove(dest.p0);
  for (const p of ps) dest.add(p);
  selectPaths(dest, c);
  return dest.selected.slice();
}
const best = (ps: Path[], c = ctx()) => select(ps, c)[0];

describe("best-path selection", () => {
  it("prefers, in IOS's order: weight, local-pref, local origin, AS path, origin, MED, eBGP, IGP cost, age, router ID, cluster list, neighbor", () => {
    const cases: [Spec, Spec][] = [
      [{ weight: 10, localPref: 50 }, { localPref: 500 }],
      [{ localPref: 200, asPath: [1, 2, 3] }, { localPref: 100 }],
      [{ source: "network", asPath: [] }, { asPath: [], weight: 0, neighbor: "1.1.1.1" }],
      [{ asPath: [1] }, { asPath: [1, 2], origin: 0 }],
      [{ origin: 0, med: 100 }, { origin: 2, med: 0 }],
      [{ asPath: [7], med: 5, ebgp: false }, { asPath: [7], med: 10, ebgp: true }],
      [{ ebgp: true, asPath: [7], neighbor: "9.9.9.9" }, { ebgp: false, asPath: [8], neighbor: "1.1.1.1" }],
      [{ ebgp: true, stamp: 1, routerId: "9.9.9.9", neighbor: "9.9.9.9" }, { ebgp: true, stamp: 2, routerId: "1.1.1.1", neighbor: "1.1.1.1" }],
      [{ routerId: "1.1.1.1", neighbor: "9.9.9.9" }, { routerId: "2.2.2.2", neighbor: "1.1.1.1" }],
      [{ clusterList: 1, neighbor: "9.9.9.9", routerId: "5.5.5.5" }, { clusterList: 2, neighbor: "1.1.1.1", routerId: "5.5.5.5" }],
      [{ neighbor: "1.1.1.1", routerId: "5.5.5.5" }, { neighbor: "2.2.2.2", routerId: "5.5.5.5" }],
    ];
    for (const [winner, loser] of cases) {
      const w = path(winner);
      const l = path(loser);
      expect(best([l, w]), JSON.stringify(winner)).toBe(w);
      expect(best([w, l]), JSON.stringify(winner)).toBe(w);
    }
  });

  it("prefers the lower IGP cost to the next hop, and skips a path whose next hop is unreachable", () => {
    const near = path({ nextHop: ip("192.0.2.1"), neighbor: "9.9.9.9" });
    const far = path({ nextHop: ip("192.0.2.2"), neighbor: "1.1.1.1" });
    expect(best([far, near], ctx(1, { [ip("192.0.2.1")]: 5, [ip("192.0.2.2")]: 50 }))).toBe(near);
    expect(best([far, near], ctx(1, { [ip("192.0.2.1")]: -1, [ip("192.0.2.2")]: 50 }))).toBe(far);
    expect(select([near], ctx(1, { [ip("192.0.2.1")]: -1 }))).toEqual([]);
  });

  it("compares MED only between paths from the same neighboring AS", () => {
    const a = path({ asPath: [100], med: 50, neighbor: "1.1.1.1" });
    const b = path({ asPath: [200], med: 0, neighbor: "2.2.2.2" });
    expect(best([b, a])).toBe(a); // falls through to the neighbor address
  });

  it("compares MEDs deterministically: the result of an A-beats-B-beats-C-beats-A cycle does not depend on order", () => {
    const a = path({ asPath: [1], med: 10, neighbor: "10.0.0.1", routerId: "5.5.5.5" });
    const b = path({ asPath: [1], med: 5, neighbor: "10.0.0.3", routerId: "5.5.5.5" });
    const c = path({ asPath: [2], med: 0, neighbor: "10.0.0.2", routerId: "5.5.5.5" });
    expect(comparePaths(b, a, ctx())).toBeLessThan(0);
    expect(comparePaths(c, b, ctx())).toBeLessThan(0);
    expect(comparePaths(a, c, ctx())).toBeLessThan(0);
    // AS 1's best is b (MED), then b against c: c by neighbor address, whatever the order.
    expect(best([a, b, c])).toBe(c);
    expect(best([c, b, a])).toBe(c);
    expect(best([b, a, c])).toBe(c);
  });

  it("takes equal paths with the same AS path as multipaths, up to maximum-paths", () => {
    const ps = ["1.1.1.1", "2.2.2.2", "3.3.3.3"].map((n) => path({ asPath: [100], neighbor: n, routerId: n }));
    const other = path({ asPath: [200], neighbor: "4.4.4.4" });
    expect(select([other, ...ps], ctx(4))).toEqual([ps[0], ps[1], ps[2]]);
    // more candidates than maximum-paths allows: the better ones by the later steps, in any order
    expect(select([...ps].reverse(), ctx(2))).toEqual([ps[0], ps[1]]);
    expect(select([ps[2], ps[0], ps[1]], ctx(2))).toEqual([ps[0], ps[1]]);
  });

  it("with maximum-paths eibgp, takes an eBGP and an iBGP path equal up to MED as multipaths, whatever their IGP costs; the eBGP path stays best", () => {
    const ce = path({ asPath: [65010], ebgp: true, neighbor: "172.16.0.2", nextHop: ip("172.16.0.2") });
    const pe = path({ asPath: [65010], neighbor: "10.0.0.9", nextHop: ip("10.0.0.9") });
    // the remote PE far away by the IGP: eiBGP multipath still takes it
    const costs = { [ip("10.0.0.9")]: 50 };
    expect(select([pe, ce], eibgp(2, costs))).toEqual([ce, pe]);
    expect(select([ce, pe], eibgp(2, costs))).toEqual([ce, pe]);
    // without eibgp, eBGP and iBGP multipath never mix the two
    expect(select([pe, ce], ctx(4, costs))).toEqual([ce]);
    expect(select([pe, ce], eibgp(1, costs))).toEqual([ce]);
  });

  it("with maximum-paths eibgp, leaves out paths unequal in weight, local preference, AS path, origin or MED", () => {
    const ce = path({ asPath: [65010], ebgp: true, neighbor: "172.16.0.2", med: 0, nextHop: ip("172.16.0.2") });
    const unequal: Spec[] = [{ weight: 1 }, { localPref: 90 }, { asPath: [65011] }, { asPath: [65010, 65010] }, { origin: 2 }, { med: 5 }];
    for (const u of unequal) {
      const pe = path({ asPath: [65010], med: 0, neighbor: "10.0.0.9", nextHop: ip("10.0.0.9"), ...u });
      const selected = select([ce, pe], eibgp(2));
      expect(selected).not.toContain(u.weight === 1 ? ce : pe);
      expect(selected).toHaveLength(1);
    }
  });

  it("with maximum-paths eibgp N, keeps N paths in all, eBGP ones first", () => {
    const ces = ["172.16.0.2", "172.16.1.2"].map((n) => path({ asPath: [65010], ebgp: true, neighbor: n, routerId: n, nextHop: ip(n) }));
    const pes = ["10.0.0.8", "10.0.0.9"].map((n) => path({ asPath: [65010], neighbor: n, routerId: n, nextHop: ip(n) }));
    expect(select([...pes, ...ces], eibgp(3))).toEqual([ces[0], ces[1], pes[0]]);
    expect(select([...pes, ...ces], eibgp(8))).toEqual([ces[0], ces[1], pes[0], pes[1]]);
  });

  it("does not depend on the order paths are listed in", () => {
    const spec = fc.record({
      weight: fc.constantFrom(0, 0, 0, 100),
      localPref: fc.option(fc.constantFrom(100, 200), { nil: undefined, freq: 1 }),
      asPath: fc.array(fc.constantFrom(100, 200), { maxLength: 2 }),
      origin: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
      med: fc.option(fc.constantFrom(0, 5, 10), { nil: undefined }),
      ebgp: fc.boolean(),
      routerId: fc.constantFrom("1.1.1.1", "2.2.2.2", "2.2.2.2"),
      nextHop: fc.constantFrom(ip("192.0.2.1"), ip("192.0.2.2")),
      clusterList: fc.constantFrom(0, 1, 2),
    });
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), (specs, mp, mixed) => {
        // Distinct neighbors and arrival stamps belong to the path, not to the list order.
        const ps = specs.map((s, i) => path({ ...s, neighbor: `10.9.9.${i + 1}`, stamp: i + 1 }));
        const costs = { [ip("192.0.2.1")]: 1, [ip("192.0.2.2")]: 2 };
        const c = mixed ? eibgp(mp, costs) : ctx(mp, costs);
        const forward = select(ps, c);
        const backward = select([...ps].reverse(), c);
        expect(backward[0]).toBe(forward[0]);
        expect(new Set(backward)).toEqual(new Set(forward));
      }),
      { numRuns: 500 },
    );
  });
});

describe("Table", () => {
  it("finds, makes and deletes destinations like a map would, through growth and deletions", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 63 }), fc.integer({ min: 22, max: 24 })), { maxLength: 400 }), (ops) => {
        const t = new Table("ipv4", undefined, 0, undefined);
        const model = new Map<string, ReturnType<Table["dest"]>>();
        for (const [add, n, len] of ops) {
          const addr = ((0x0a000000 + (n << 10)) >>> 0) as Ipv4;
          const key = `${addr}/${len}`;
          if (add) {
            const d = t.dest(addr, len);
            if (model.has(key)) expect(d).toBe(model.get(key));
            model.set(key, d);
          } else {
            const d = t.find(addr, len);
            expect(d).toBe(model.get(key));
            if (d) t.delete(d);
            model.delete(key);
          }
          expect(t.size).toBe(model.size);
        }
        for (const d of model.values()) expect(t.find(d.addr, d.len)).toBe(d);
        expect(new Set(t.dests())).toEqual(new Set(model.values()));
      }),
      { numRuns: 300 },
    );
  });
});
