import { describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import { formatImpairment, ImpairedPath, seededRandom, type Impairment } from "./impair";

function run(spec: Impairment, frames: number, seed = 7, spacingMs = 0) {
  const clock = new VirtualClock(0);
  const arrivals: { n: number; at: number }[] = [];
  const path = new ImpairedPath(spec, { scheduler: clock, random: seededRandom(seed) }, (f) => arrivals.push({ n: f[0] | (f[1] << 8), at: clock.now() }));
  for (let i = 0; i < frames; i++) {
    const f = new Uint8Array(100);
    f[0] = i & 255;
    f[1] = i >> 8;
    path.accept(f);
    if (spacingMs) clock.advance(spacingMs);
  }
  clock.advance(120_000);
  return { arrivals, counters: path.counters };
}

describe("impairment with netem's meaning", () => {
  it("passes frames straight on when nothing is set", () => {
    const { arrivals } = run({}, 3);
    expect(arrivals).toEqual([
      { n: 0, at: 0 },
      { n: 1, at: 0 },
      { n: 2, at: 0 },
    ]);
  });

  it("loses about the share asked for, the same frames for the same seed", () => {
    const a = run({ lossPercent: 30 }, 2000);
    expect(a.arrivals.length).toBeGreaterThan(1300);
    expect(a.arrivals.length).toBeLessThan(1500);
    expect(a.counters.lost).toBe(2000 - a.arrivals.length);
    expect(run({ lossPercent: 30 }, 2000).arrivals).toEqual(a.arrivals);
    expect(run({ lossPercent: 30 }, 2000, 8).arrivals).not.toEqual(a.arrivals);
  });

  it("delays every frame, in order; jitter spreads and reorders them within its bound", () => {
    expect(run({ delayMs: 200 }, 3, 7, 10).arrivals).toEqual([
      { n: 0, at: 200 },
      { n: 1, at: 210 },
      { n: 2, at: 220 },
    ]);
    const { arrivals } = run({ delayMs: 50, jitterMs: 20 }, 500, 7, 1);
    for (const a of arrivals) expect(Math.abs(a.at - a.n - 50)).toBeLessThanOrEqual(20);
    expect(arrivals.some((a, i) => i > 0 && a.n < arrivals[i - 1].n)).toBe(true);
  });

  it("duplicates and reorders the share asked for", () => {
    const dup = run({ duplicatePercent: 10 }, 1000);
    expect(dup.arrivals.length).toBe(1000 + dup.counters.duplicated);
    expect(dup.counters.duplicated).toBeGreaterThan(60);
    expect(dup.counters.duplicated).toBeLessThan(140);
    const re = run({ delayMs: 10, reorderPercent: 25 }, 400, 7, 1);
    expect(re.counters.reordered).toBeGreaterThan(60);
    expect(re.arrivals.filter((a, i) => i > 0 && a.n < re.arrivals[i - 1].n).length).toBeGreaterThan(0);
  });

  it("serializes at the rate: 100-byte frames at 80 kbit/s leave every 10 ms, a queue forming behind", () => {
    const { arrivals } = run({ rateBitsPerSecond: 80_000 }, 4);
    expect(arrivals.map((a) => a.at)).toEqual([10, 20, 30, 40]);
  });

  it("drops past its queue limit, and refuses what it cannot mean", () => {
    const clock = new VirtualClock(0);
    const path = new ImpairedPath({ delayMs: 5 }, { scheduler: clock, limitFrames: 2 }, () => {});
    expect([path.accept(new Uint8Array(60)), path.accept(new Uint8Array(60)), path.accept(new Uint8Array(60))]).toEqual([true, true, false]);
    expect(path.counters.overLimit).toBe(1);
    expect(() => path.set({ lossPercent: 1 })).toThrow(/need a random function/);
    expect(() => path.set({ lossPercent: 101 })).toThrow(/lossPercent must be 0 to 100/);
  });

  it("reads back as lab.yaml writes it", () => {
    expect(formatImpairment({ delayMs: 30, jitterMs: 5, lossPercent: 1, duplicatePercent: 0.1, reorderPercent: 1, rateBitsPerSecond: 10_000_000 })).toBe("delay 30ms jitter 5ms loss 1% duplicate 0.1% reorder 1% rate 10mbit");
    expect(formatImpairment({})).toBe("none");
  });
});
