import { describe, expect, it } from "vitest";
import { parsePrefix } from "../wire/addr";
import type { Label } from "../wire/mpls";
import { Lfib } from "./lfib";

interface V { name: string }
interface I { name: string }
const A: V = { name: "A" };
const B: V = { name: "B" };
const ET0: I = { name: "Ethernet0/0" };
const L = (n: number) => n as Label;

describe("LFIB", () => {
  it("finds an entry by its local label and nothing for a label never installed", () => {
    const lfib = new Lfib<V, I>();
    lfib.set(L(16), parsePrefix("10.0.0.0/24"), { kind: "vrf-lookup", vrf: A, aggregate: false });
    lfib.set(L(17), parsePrefix("10.0.0.0/24"), { kind: "vrf-lookup", vrf: B, aggregate: false });
    expect(lfib.lookup(16)?.action).toEqual({ kind: "vrf-lookup", vrf: A, aggregate: false });
    expect(lfib.lookup(17)?.action).toMatchObject({ vrf: B });
    expect(lfib.lookup(18)).toBeUndefined();
    expect(lfib.lookup(0xfffff)).toBeUndefined();
    expect(lfib.size).toBe(2);
  });

  it("grows for a high label and lists entries by ascending label", () => {
    const lfib = new Lfib<V, I>();
    lfib.set(L(500_000), undefined, { kind: "pop", out: ET0, nextHop: undefined });
    lfib.set(L(20), undefined, { kind: "swap", out: ET0, nextHop: undefined, outLabel: L(30) });
    expect(lfib.entries().map((e) => e.label)).toEqual([20, 500_000]);
    expect(lfib.lookup(500_000)?.action.kind).toBe("pop");
  });

  it("keeps counters across an unchanged reinstall, resets them when the action changes", () => {
    const lfib = new Lfib<V, I>();
    const e = lfib.set(L(16), undefined, { kind: "vrf-lookup", vrf: A, aggregate: true });
    e.packets = 3;
    e.bytes = 300;
    expect(lfib.set(L(16), undefined, { kind: "vrf-lookup", vrf: A, aggregate: true }).bytes).toBe(300);
    expect(lfib.set(L(16), undefined, { kind: "vrf-lookup", vrf: B, aggregate: true }).bytes).toBe(0);
  });

  it("deletes entries, one or all that match, and reports each change", () => {
    const lfib = new Lfib<V, I>();
    const changed: number[] = [];
    lfib.onChange((l) => changed.push(l));
    lfib.set(L(16), undefined, { kind: "pop", out: ET0, nextHop: undefined });
    lfib.set(L(17), undefined, { kind: "vrf-lookup", vrf: A, aggregate: true });
    lfib.set(L(18), undefined, { kind: "swap", out: ET0, nextHop: undefined, outLabel: L(99) });
    expect(lfib.delete(L(17))).toBe(true);
    expect(lfib.delete(L(17))).toBe(false);
    lfib.purge((a) => a.kind !== "vrf-lookup" && a.out === ET0);
    expect(lfib.size).toBe(0);
    expect(changed).toEqual([16, 17, 18, 17, 16, 18]);
  });
});
