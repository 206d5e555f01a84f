import { describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import { CableNic } from "./cable-nic";
import { seededRandom } from "./impair";
import { memoryPair } from "./memory";

function frame(n: number): Uint8Array {
  const f = new Uint8Array(60);
  f[14] = n;
  return f;
}

/** A memory cable whose b end sits behind a CableNic, as an agent's port does. */
function wired() {
  const clock = new VirtualClock(0);
  const [a, inner] = memoryPair({ clock });
  const b = new CableNic(inner, { clock, random: seededRandom(3) });
  const received: { n: number; at: number }[] = [];
  b.onReceive((f) => received.push({ n: f[14], at: clock.now() }));
  const links: boolean[] = [];
  b.onLinkChange((up) => links.push(up));
  clock.runDeferred();
  return { clock, a, b, received, links };
}

describe("CableNic", () => {
  it("passes received frames straight on when nothing is set", () => {
    const { clock, a, received } = wired();
    a.send(frame(1));
    a.send(frame(2));
    clock.runDeferred();
    expect(received).toEqual([
      { n: 1, at: 0 },
      { n: 2, at: 0 },
    ]);
  });

  it("delays and loses received frames as the impairment says, and clears it", () => {
    const { clock, a, b, received } = wired();
    b.setImpairment({ delayMs: 200 });
    expect(b.impairment).toEqual({ delayMs: 200 });
    a.send(frame(1));
    clock.advance(199);
    expect(received).toEqual([]);
    clock.advance(1);
    expect(received).toEqual([{ n: 1, at: 200 }]);

    b.setImpairment({ lossPercent: 50 });
    for (let i = 0; i < 200; i++) a.send(frame(i));
    clock.advance(1);
    const got = received.length - 1;
    expect(got).toBeGreaterThan(70);
    expect(got).toBeLessThan(130);

    b.setImpairment(undefined);
    expect(b.impairment).toBeUndefined();
    received.length = 0;
    for (let i = 0; i < 10; i++) a.send(frame(i));
    clock.advance(1);
    expect(received).toHaveLength(10);
  });

  it("cleared, lets frames still waiting keep their time and new ones through at once, as io/impair.ts does", () => {
    const { clock, a, b, received } = wired();
    b.setImpairment({ delayMs: 100 });
    a.send(frame(1));
    clock.advance(10);
    b.setImpairment(undefined);
    a.send(frame(2));
    clock.advance(100);
    expect(received).toEqual([
      { n: 2, at: 10 },
      { n: 1, at: 100 },
    ]);
  });

  it("refuses an impairment that cannot be applied", () => {
    const { b } = wired();
    expect(() => b.setImpairment({ lossPercent: 120 })).toThrow(RangeError);
  });

  it("a pulled cable is carrier loss: down reported from a later task, nothing crosses, frames in flight lost", () => {
    const { clock, a, b, received, links } = wired();
    b.setImpairment({ delayMs: 50 });
    a.send(frame(1));
    b.setCarrier(false);
    expect(links).toEqual([]); // never inside setCarrier
    expect(b.isUp).toBe(false);
    expect(b.carrierUp).toBe(false);
    clock.advance(100);
    expect(links).toEqual([false]);
    expect(received).toEqual([]);
    expect(b.send(frame(2))).toBe(false);
    expect(b.counters.txDrops).toBe(1);
    a.send(frame(3));
    clock.advance(100);
    expect(received).toEqual([]);

    b.setCarrier(true);
    clock.runDeferred();
    expect(links).toEqual([false, true]);
    expect(b.isUp).toBe(true);
    a.send(frame(4));
    clock.advance(100);
    expect(received).toEqual([{ n: 4, at: 250 }]);
    expect(b.send(frame(5))).toBe(true);
    expect(b.counters.txFrames).toBe(1);
  });

  it("reports the far end's carrier too, and a pull and plug in one task as nothing", () => {
    const { clock, a, b, links } = wired();
    b.setCarrier(false);
    b.setCarrier(true);
    clock.runDeferred();
    expect(links).toEqual([]);
    a.setUp(false);
    clock.runDeferred();
    expect(links).toEqual([false]);
    expect(b.isUp).toBe(false);
  });
});
