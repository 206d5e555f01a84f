import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePrefix, type Prefix } from "../wire/addr";
import { ReservedLabel, type Label } from "../wire/mpls";
import { LabelManager, vpnLabelRequest, type LabelChange, type LabelOwner, type LabelRequest } from "./labels";

const p = (text: string): Prefix => parsePrefix(text)!;
const net = (vrf: string, text: string): LabelRequest => ({ kind: "prefix", vrf, prefix: p(text) });

describe("label manager", () => {
  it("hands out labels from 16 upward, one per FEC", () => {
    const m = new LabelManager();
    expect(m.allocate("bgp", net("cust1", "192.168.114.0/24"))).toBe(16);
    expect(m.allocate("bgp", net("cust2", "192.168.124.0/24"))).toBe(17);
    expect(m.allocate("bgp", { kind: "aggregate", vrf: "cust1" })).toBe(18);
  });

  it("gives NHRP the label BGP allocated for the same VRF prefix", () => {
    const m = new LabelManager();
    const bgp = m.allocate("bgp", net("cust1", "192.168.114.0/24"));
    expect(m.allocate("nhrp", net("cust1", "192.168.114.0/24"))).toBe(bgp);
    expect(m.holders(bgp!)).toEqual(new Map([["bgp", 1], ["nhrp", 1]]));
  });

  it("keeps the same prefix in two VRFs on two labels", () => {
    const m = new LabelManager();
    expect(m.allocate("bgp", net("A", "10.1.0.0/24"))).not.toBe(m.allocate("bgp", net("B", "10.1.0.0/24")));
  });

  it("returns a label to the pool only when every owner has released it", () => {
    const m = new LabelManager();
    const fec = net("cust1", "192.168.114.0/24");
    const label = m.allocate("bgp", fec)!;
    m.allocate("nhrp", fec);
    m.allocate("nhrp", fec);
    expect(m.release("bgp", fec)).toBe(true);
    expect(m.release("nhrp", fec)).toBe(true);
    expect(m.labelOf(fec)).toBe(label);
    expect(m.release("nhrp", fec)).toBe(true);
    expect(m.labelOf(fec)).toBeUndefined();
    expect(m.release("nhrp", fec)).toBe(false);
  });

  it("answers implicit null for the overlay peer without allocating", () => {
    const m = new LabelManager();
    expect(m.allocate("bgp", { kind: "implicit-null" })).toBe(ReservedLabel.ImplicitNull);
    expect(m.size).toBe(0);
    expect(m.allocate("bgp", net("A", "10.0.0.0/8"))).toBe(16);
  });

  it("uses the VRF's aggregate label for a locally originated summary or default, per-prefix otherwise", () => {
    const m = new LabelManager();
    const def = m.allocate("bgp", vpnLabelRequest("cust1", p("0.0.0.0/0"), true));
    const summary = m.allocate("bgp", vpnLabelRequest("cust1", p("10.0.0.0/8"), true));
    const route = m.allocate("bgp", vpnLabelRequest("cust1", p("192.168.110.0/24"), false));
    expect(summary).toBe(def);
    expect(route).not.toBe(def);
    expect(m.requestOf(def!)).toEqual({ kind: "aggregate", vrf: "cust1" });
  });

  it("reports allocations and releases", () => {
    const m = new LabelManager();
    const changes: LabelChange[] = [];
    m.onChange((c) => changes.push(c));
    const fec = net("A", "10.0.0.0/8");
    m.allocate("bgp", fec);
    m.allocate("nhrp", fec);
    m.release("bgp", fec);
    m.release("nhrp", fec);
    expect(changes).toEqual([
      { kind: "allocated", label: 16, request: fec },
      { kind: "released", label: 16, request: fec },
    ]);
  });

  it("allocates inside `mpls label range`, reuses released labels and says when the range is used up", () => {
    const m = new LabelManager({ min: 100, max: 102 });
    const labels = ["1.0.0.0/8", "2.0.0.0/8", "3.0.0.0/8"].map((t) => m.allocate("bgp", net("A", t)));
    expect(labels).toEqual([100, 101, 102]);
    expect(m.allocate("bgp", net("A", "4.0.0.0/8"))).toBeUndefined();
    m.release("bgp", net("A", "2.0.0.0/8"));
    expect(m.allocate("bgp", net("A", "4.0.0.0/8"))).toBe(101);
    expect(m.setRange(8, 200)).toMatch(/^% Label range/);
    expect(m.setRange(50, 40)).toMatch(/^% Label range/);
  });

  it("releases every hold of an owner that goes away", () => {
    const m = new LabelManager();
    const a = net("A", "10.0.0.0/8");
    const b = net("B", "10.0.0.0/8");
    m.allocate("bgp", a);
    m.allocate("bgp", a);
    m.allocate("bgp", b);
    m.allocate("nhrp", b);
    m.releaseAll("bgp");
    expect(m.labelOf(a)).toBeUndefined();
    expect(m.holders(m.labelOf(b)!)).toEqual(new Map([["nhrp", 1]]));
  });
});

// Property tests: a random interleaving of allocations and releases by two owners over a small
// set of FECs, with a model of who holds what.
const OWNERS: readonly LabelOwner[] = ["bgp", "nhrp"];
const FECS: readonly LabelRequest[] = [
  net("A", "10.0.0.0/24"),
  net("B", "10.0.0.0/24"),
  net("A", "10.0.1.0/24"),
  { kind: "aggregate", vrf: "A" },
  { kind: "aggregate", vrf: "B" },
  net("", "192.0.2.1/32"),
];
const op = fc.record({ allocate: fc.boolean(), owner: fc.constantFrom(...OWNERS), fec: fc.nat(FECS.length - 1) });

describe("label manager properties", () => {
  it("never hands one label to two FECs, never below 16, and frees a label only when no owner holds it", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.integer({ min: 16, max: 24 }), (ops, min) => {
        const m = new LabelManager({ min, max: min + 8 });
        const holds = FECS.map(() => new Map<LabelOwner, number>(OWNERS.map((o) => [o, 0])));
        for (const { allocate, owner, fec } of ops) {
          const held = holds[fec].get(owner)!;
          if (allocate) {
            const label = m.allocate(owner, FECS[fec]);
            if (label === undefined) continue; // range used up: nothing held
            expect(label).toBeGreaterThanOrEqual(16);
            expect(label).toBeGreaterThanOrEqual(min);
            holds[fec].set(owner, held + 1);
          } else {
            expect(m.release(owner, FECS[fec])).toBe(held > 0);
            if (held > 0) holds[fec].set(owner, held - 1);
          }
          // Invariant after every step: a FEC has a label exactly while someone holds it, and
          // the labels of held FECs are pairwise different.
          const seen = new Set<Label>();
          FECS.forEach((f, i) => {
            const total = [...holds[i].values()].reduce((a, b) => a + b, 0);
            const label = m.labelOf(f);
            expect(label !== undefined).toBe(total > 0);
            if (label === undefined) return;
            expect(seen.has(label)).toBe(false);
            seen.add(label);
            expect(new Map([...m.holders(label)])).toEqual(new Map([...holds[i]].filter(([, n]) => n > 0)));
          });
          expect(m.size).toBe(seen.size);
        }
      }),
    );
  });
});
