import { describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import { memoryPair } from "./memory";
import { TapNic, type TapDirection } from "./tap";

function frame(dst: number, src: number, tag = 0): Uint8Array {
  const f = new Uint8Array(64);
  f.set([0x02, 0, 0, 0, 0, dst], 0);
  f.set([0x02, 0, 0, 0, 0, src], 6);
  f[12] = 0x08;
  f[14] = tag;
  return f;
}

function tapped(): { clock: VirtualClock; a: TapNic; b: TapNic; seen: { direction: TapDirection; tag: number }[] } {
  const clock = new VirtualClock(0);
  const [pa, pb] = memoryPair({ clock });
  const a = new TapNic(pa);
  const b = new TapNic(pb);
  const seen: { direction: TapDirection; tag: number }[] = [];
  a.addTap((f, direction) => seen.push({ direction, tag: f[14] }));
  return { clock, a, b, seen };
}

describe("TapNic", () => {
  it("shows its taps every frame sent and received, and still delivers them", () => {
    const { clock, a, b, seen } = tapped();
    const atB: number[] = [];
    const atA: number[] = [];
    b.onReceive((f) => atB.push(f[14]));
    a.onReceive((f) => atA.push(f[14]));
    a.send(frame(2, 1, 1));
    b.send(frame(1, 2, 2));
    clock.runDeferred();
    expect(seen).toEqual([
      { direction: "tx", tag: 1 },
      { direction: "rx", tag: 2 },
    ]);
    expect(atB).toEqual([1]);
    expect(atA).toEqual([2]);
  });

  it("shows a received frame before the router may rewrite it", () => {
    const { clock, a, b, seen } = tapped();
    a.onReceive((f) => (f[14] = 99));
    b.send(frame(1, 2, 5));
    clock.runDeferred();
    expect(seen).toEqual([{ direction: "rx", tag: 5 }]);
  });

  it("does not show frames the backend refused", () => {
    const { a, seen } = tapped();
    a.setUp(false);
    expect(a.send(frame(2, 1, 1))).toBe(false);
    expect(seen).toEqual([]);
    expect(a.counters.txDrops).toBe(1);
  });

  it("stops showing frames once the tap is removed", () => {
    const clock = new VirtualClock(0);
    const [pa] = memoryPair({ clock });
    const a = new TapNic(pa);
    const seen: number[] = [];
    const remove = a.addTap((f) => seen.push(f[14]));
    a.send(frame(2, 1, 1));
    remove();
    a.send(frame(2, 1, 2));
    expect(seen).toEqual([1]);
    expect(a.tapCount).toBe(0);
  });

  it("keeps forwarding when a tap throws, and reports the error", () => {
    const clock = new VirtualClock(0);
    const [pa, pb] = memoryPair({ clock });
    const errors: unknown[] = [];
    const a = new TapNic(pa, (err) => errors.push(err));
    const got: number[] = [];
    pb.onReceive((f) => got.push(f[14]));
    a.addTap(() => {
      throw new Error("observer bug");
    });
    expect(a.send(frame(2, 1, 3))).toBe(true);
    clock.runDeferred();
    expect(got).toEqual([3]);
    expect(errors).toHaveLength(1);
  });

  it("passes name, MAC, carrier and admin state through to the backend", () => {
    const clock = new VirtualClock(0);
    const [pa, pb] = memoryPair({ clock }, ["R1:e0/0", "R2:e0/0"]);
    const a = new TapNic(pa);
    const changes: boolean[] = [];
    a.onLinkChange((up) => changes.push(up));
    expect(a.name).toBe("R1:e0/0");
    expect(a.bia).toBeUndefined();
    expect(a.isUp).toBe(true);
    pb.setUp(false);
    clock.runDeferred();
    expect(a.isUp).toBe(false);
    expect(changes).toEqual([false]);
  });
});
