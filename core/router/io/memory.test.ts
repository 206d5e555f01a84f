import { describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import { memoryCable, MemoryHub, memoryPair } from "./memory";
import type { Nic } from "./nic";

/** A 64-byte Ethernet II frame from `src` to `dst` (last MAC byte each), payload byte `tag`. */
function frame(dst: number, src: number, tag = 0, len = 64): Uint8Array {
  const f = new Uint8Array(len);
  f.set([0x02, 0, 0, 0, 0, dst], 0);
  f.set([0x02, 0, 0, 0, 0, src], 6);
  f[12] = 0x08; // IPv4
  f[14] = tag;
  return f;
}

function collect(nic: Nic): Uint8Array[] {
  const got: Uint8Array[] = [];
  nic.onReceive((f) => got.push(f));
  return got;
}

/** Seeded PRNG (mulberry32) so loss is repeatable. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("memoryPair", () => {
  it("delivers a sent frame to the far end from a later task, as a private copy", () => {
    const clock = new VirtualClock(0);
    const [a, b] = memoryPair({ clock }, ["R1:e0/0", "R2:e0/0"]);
    const got = collect(b);
    const sent = frame(2, 1, 7);
    expect(a.send(sent)).toBe(true);
    expect(got).toHaveLength(0); // never inside send
    sent[14] = 99; // the sender reuses its buffer at once
    clock.runDeferred();
    expect(got).toHaveLength(1);
    expect(got[0][14]).toBe(7);
    expect(got[0]).not.toBe(sent);
    expect(a.name).toBe("R1:e0/0");
    expect(a.bia).toBeUndefined();
  });

  it("keeps send order and counts frames and bytes on both ends", () => {
    const clock = new VirtualClock(0);
    const [a, b] = memoryPair({ clock });
    const got = collect(b);
    for (let i = 0; i < 10; i++) a.send(frame(2, 1, i, 60 + i));
    clock.runDeferred();
    expect(got.map((f) => f[14])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const bytes = 10 * 60 + 45;
    expect(a.counters).toMatchObject({ txFrames: 10, txBytes: bytes, txDrops: 0 });
    expect(b.counters).toMatchObject({ rxFrames: 10, rxBytes: bytes, rxDrops: 0 });
  });

  it("copies large frames too, so the sender's later writes never show", () => {
    const clock = new VirtualClock(0);
    const [a, b] = memoryPair({ clock });
    const got = collect(b);
    const big = frame(2, 1, 1, 1500);
    a.send(big);
    big[14] = 2;
    a.send(big);
    clock.runDeferred();
    expect(got.map((f) => [f.length, f[14]])).toEqual([[1500, 1], [1500, 2]]);
    got[0][100] = 0xee; // the receiver owns its copy
    expect(got[1][100]).toBe(0);
  });

  it("plays 100,000 frames of ping-pong without growing the stack", () => {
    const clock = new VirtualClock(0);
    const [a, b] = memoryPair({ clock });
    let volleys = 0;
    a.onReceive((f) => {
      if (++volleys < 100_000) a.send(f);
    });
    b.onReceive((f) => b.send(f));
    a.send(frame(2, 1));
    clock.runDeferred();
    expect(volleys).toBe(100_000);
    expect(b.counters.rxFrames).toBe(100_000);
  });

  it("drops and counts frames on an admin-down end, and takes carrier down on both ends", () => {
    const clock = new VirtualClock(0);
    const [a, b] = memoryPair({ clock });
    const got = collect(b);
    const changes: string[] = [];
    a.onLinkChange((up) => changes.push(`a ${up ? "up" : "down"}`));
    b.onLinkChange((up) => changes.push(`b ${up ? "up" : "down"}`));

    a.send(frame(2, 1)); // in flight when b shuts
    b.setUp(false);
    expect(a.isUp).toBe(false);
    expect(b.isUp).toBe(false);
    expect(changes).toEqual([]); // reported from a later task
    clock.runDeferred();
    expect(changes.sort()).toEqual(["a down", "b down"]);
    expect(got).toHaveLength(0);
    expect(b.counters.rxDrops).toBe(1);

    expect(a.send(frame(2, 1))).toBe(false);
    expect(b.send(frame(1, 2))).toBe(false);
    expect(a.counters.txDrops).toBe(1);
    expect(b.counters.txDrops).toBe(1);

    b.setUp(true);
    clock.runDeferred();
    expect(changes.sort()).toEqual(["a down", "a up", "b down", "b up"]);
    expect(a.send(frame(2, 1))).toBe(true);
    clock.runDeferred();
    expect(got).toHaveLength(1);
  });

  it("refuses runts and frames over maxFrameBytes, and counts them as tx drops", () => {
    const clock = new VirtualClock(0);
    const [a, b] = memoryPair({ clock, maxFrameBytes: 1518 });
    collect(b);
    expect(a.send(new Uint8Array(13))).toBe(false);
    expect(a.send(new Uint8Array(1519))).toBe(false);
    expect(a.send(new Uint8Array(1518))).toBe(true);
    expect(a.counters).toMatchObject({ txFrames: 1, txDrops: 2 });
    expect(a.maxFrameBytes).toBe(1518);
  });

  it("refuses frames when the far end's queue is full", () => {
    const clock = new VirtualClock(0);
    const [a, b] = memoryPair({ clock, queueFrames: 4 });
    const got = collect(b);
    const results = Array.from({ length: 6 }, () => a.send(frame(2, 1)));
    expect(results).toEqual([true, true, true, true, false, false]);
    clock.runDeferred();
    expect(got).toHaveLength(4);
    expect(a.counters.txDrops).toBe(2);
  });

  it("counts frames that arrive with no handler as rx drops", () => {
    const clock = new VirtualClock(0);
    const [a, b] = memoryPair({ clock });
    a.send(frame(2, 1));
    clock.runDeferred();
    expect(b.counters).toMatchObject({ rxFrames: 0, rxDrops: 1 });
  });

  it("goes down for good when one end closes", () => {
    const clock = new VirtualClock(0);
    const [a, b] = memoryPair({ clock });
    const changes: boolean[] = [];
    b.onLinkChange((up) => changes.push(up));
    a.close();
    a.close();
    clock.runDeferred();
    expect(changes).toEqual([false]);
    expect(b.send(frame(1, 2))).toBe(false);
    a.setUp(true);
    expect(b.isUp).toBe(false);
  });

  it("still drains later frames when a handler throws", () => {
    const clock = new VirtualClock(0);
    const [a, b] = memoryPair({ clock });
    const seen: number[] = [];
    b.onReceive((f) => {
      seen.push(f[14]);
      if (f[14] === 1) throw new Error("bug in a handler");
    });
    for (let i = 0; i < 3; i++) a.send(frame(2, 1, i));
    expect(() => clock.runDeferred()).toThrow("bug in a handler");
    clock.runDeferred();
    expect(seen).toEqual([0, 1, 2]);
  });

  it("loses frames with the configured probability, repeatably, and delays them by delayMs", () => {
    const run = () => {
      const clock = new VirtualClock(0);
      const [a, b] = memoryPair({ clock, impairment: { lossPercent: 25, delayMs: 5 }, random: seeded(42) });
      const arrivals: number[] = [];
      b.onReceive((f) => arrivals.push(f[14] + 256 * clock.now()));
      for (let i = 0; i < 200; i++) a.send(frame(2, 1, i));
      clock.advance(4);
      const early = arrivals.length;
      clock.advance(1);
      return { early, arrivals };
    };
    const first = run();
    expect(first.early).toBe(0);
    expect(first.arrivals.length).toBeGreaterThan(130);
    expect(first.arrivals.length).toBeLessThan(170);
    expect(first.arrivals.every((x) => Math.floor(x / 256) === 5)).toBe(true);
    expect(run().arrivals).toEqual(first.arrivals);
  });

  it("asks for a Clock when impaired, and a random function when loss is set", () => {
    const defer = { defer: (fn: () => void) => fn() };
    expect(() => memoryPair({ clock: defer, impairment: { delayMs: 1 } })).toThrow(/needs a Clock/);
    expect(() => memoryPair({ clock: new VirtualClock(0), impairment: { lossPercent: 10 } })).toThrow(/random function/);
  });

  it("loses carrier on both ends while its cable is pulled, and gets it back", () => {
    const clock = new VirtualClock(0);
    const cable = memoryCable({ clock });
    const [a, b] = cable.ends;
    const changes: string[] = [];
    a.onLinkChange((up) => changes.push(`a ${up}`));
    b.onLinkChange((up) => changes.push(`b ${up}`));
    cable.setCarrier(false);
    clock.runDeferred();
    expect([a.isUp, b.isUp, a.send(frame(2, 1))]).toEqual([false, false, false]);
    cable.setCarrier(true);
    clock.runDeferred();
    expect(changes).toEqual(["a false", "b false", "a true", "b true"]);
    expect(a.send(frame(2, 1))).toBe(true);
  });
});

describe("MemoryHub", () => {
  it("floods a frame from one port to every other port that is up", () => {
    const clock = new VirtualClock(0);
    const hub = new MemoryHub({ clock });
    const [p1, p2, p3, p4] = ["R1", "R2", "R3", "R4"].map((n) => hub.port(n));
    const [g1, g2, g3, g4] = [p1, p2, p3, p4].map(collect);
    p4.setUp(false);
    p1.send(frame(0xff, 1, 5));
    clock.runDeferred();
    expect([g1.length, g2.length, g3.length, g4.length]).toEqual([0, 1, 1, 0]);
    expect(g2[0]).not.toBe(g3[0]); // each receiver owns its copy
    expect(g2[0]).toEqual(g3[0]);
    expect(p2.counters.rxFrames).toBe(1);
    expect(p1.counters.txFrames).toBe(1);
  });

  it("refuses a second port with the same name", () => {
    const hub = new MemoryHub({ clock: new VirtualClock(0) });
    hub.port("R1");
    expect(() => hub.port("R1")).toThrow(/already exists/);
  });

  it("as a learning bridge, sends known unicast to its port only and floods unknown", () => {
    const clock = new VirtualClock(0);
    const hub = new MemoryHub({ clock, learning: true });
    const ports = ["R1", "R2", "R3"].map((n) => hub.port(n));
    const got = ports.map(collect);
    ports[0].send(frame(2, 1)); // unknown destination: flooded; learns 1 on R1
    clock.runDeferred();
    expect(got.map((g) => g.length)).toEqual([0, 1, 1]);
    ports[1].send(frame(1, 2)); // known: R1 only; learns 2 on R2
    clock.runDeferred();
    expect(got.map((g) => g.length)).toEqual([1, 1, 1]);
    ports[0].send(frame(2, 1)); // now known: R2 only
    clock.runDeferred();
    expect(got.map((g) => g.length)).toEqual([1, 2, 1]);
    expect(hub.macAddresses().map((r) => r.port).sort()).toEqual(["R1", "R2"]);

    ports[1].close(); // R2's entry goes with its port; traffic to it floods again
    ports[0].send(frame(2, 1));
    clock.runDeferred();
    expect(got.map((g) => g.length)).toEqual([1, 2, 2]);
  });

  it("does not recurse when ports answer each other through the hub", () => {
    const clock = new VirtualClock(0);
    const hub = new MemoryHub({ clock });
    const a = hub.port("a");
    const b = hub.port("b");
    let n = 0;
    a.onReceive((f) => {
      if (++n < 100_000) a.send(f);
    });
    b.onReceive((f) => b.send(f));
    a.send(frame(2, 1));
    clock.runDeferred();
    expect(n).toBe(100_000);
  });

  it("works with any scheduler that has defer", async () => {
    const hub = new MemoryHub({ clock: { defer: (fn) => setImmediate(fn) } });
    const a = hub.port("a");
    const b = hub.port("b");
    const got = new Promise<Uint8Array>((resolve) => b.onReceive(resolve));
    a.send(frame(2, 1, 3));
    expect((await got)[14]).toBe(3);
  });
});

describe("MemoryHub impairment", () => {
  it("delays every frame on the segment by delayMs", () => {
    const clock = new VirtualClock(0);
    const hub = new MemoryHub({ clock, impairment: { delayMs: 3 } });
    const a = hub.port("a");
    const b = hub.port("b");
    const at: number[] = [];
    b.onReceive(() => at.push(clock.now()));
    a.send(frame(2, 1));
    clock.advance(1);
    a.send(frame(2, 1));
    clock.advance(10);
    expect(at).toEqual([3, 4]);
  });
});
