// The NHRP cache's expiry timers: checks ahead of expiry run in order, then the expiry; a
// check already past is skipped; a check that re-arms or replaces the entry ends the chain.
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import { prefix, type Ipv4 } from "../wire/addr";
import { NhrpCache, type NhrpEntry } from "./cache";

function entry(clock: VirtualClock, expiresInMs: number, addr = 0x0a00000c): NhrpEntry {
  return { vrf: "", prefix: prefix(addr, 32), via: addr as Ipv4, interface: "Tunnel0", nbma: 0xac10000c as Ipv4, type: "dynamic", flags: ["router", "rib"], createdAt: clock.now(), expiresAt: clock.now() + expiresInMs, noSocket: false, preference: 255, cacheHits: 0, usedMark: 0 };
}

describe("NhrpCache.arm", () => {
  it("runs each check its time ahead of expiry, in order, then expires the entry", () => {
    const clock = new VirtualClock(0);
    const cache = new NhrpCache(clock);
    const seen: string[] = [];
    const e = cache.put(entry(clock, 300_000));
    cache.arm(e, () => seen.push(`expire@${clock.now()}`), [
      { beforeMs: 180_000, run: () => seen.push(`mark@${clock.now()}`) },
      { beforeMs: 120_000, run: () => seen.push(`look@${clock.now()}`) },
      { beforeMs: 60_000, run: () => seen.push(`look@${clock.now()}`) },
    ]);
    clock.advance(400_000);
    expect(seen).toEqual(["mark@120000", "look@180000", "look@240000", "expire@300000"]);
  });

  it("skips checks already past, and runs nothing for an entry no longer in the cache", () => {
    const clock = new VirtualClock(0);
    const cache = new NhrpCache(clock);
    const seen: string[] = [];
    const e = cache.put(entry(clock, 100_000));
    cache.arm(e, () => seen.push(`expire@${clock.now()}`), [
      { beforeMs: 180_000, run: () => seen.push("too late") },
      { beforeMs: 60_000, run: () => seen.push(`look@${clock.now()}`) },
    ]);
    clock.advance(400_000);
    expect(seen).toEqual(["look@40000", "expire@100000"]);
    const gone = cache.put(entry(clock, 100_000, 0x0a00000d));
    cache.arm(gone, () => seen.push("expired a removed entry"), [{ beforeMs: 50_000, run: () => seen.push("looked at a removed entry") }]);
    cache.remove(gone);
    clock.advance(400_000);
    expect(seen).toEqual(["look@40000", "expire@100000"]);
  });

  it("ends the chain when a check renews the entry (a refresh answered at once)", () => {
    const clock = new VirtualClock(0);
    const cache = new NhrpCache(clock);
    const seen: string[] = [];
    const first = cache.put(entry(clock, 300_000));
    cache.arm(first, () => seen.push("old expiry"), [
      {
        beforeMs: 120_000,
        run: () => {
          seen.push(`renew@${clock.now()}`);
          const renewed = cache.put(entry(clock, 300_000));
          cache.arm(renewed, () => seen.push(`expire@${clock.now()}`));
        },
      },
      { beforeMs: 60_000, run: () => seen.push("old look") },
    ]);
    clock.advance(1_000_000);
    expect(seen).toEqual(["renew@180000", "expire@480000"]);
  });
});
