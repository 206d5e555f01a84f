import { describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import type { CdpRepr } from "../wire/cdp";
import { CdpNeighborTable } from "./neighbors";

const ad = (deviceId: string, ttlSec = 180): CdpRepr => ({ version: 2, ttlSec, deviceId, portId: "Ethernet0/0", unknown: [] });

describe("the CDP neighbor table", () => {
  it("keys entries by local interface and device ID, and refreshes one on each advertisement", () => {
    const clock = new VirtualClock();
    const t = new CdpNeighborTable(clock);
    t.heard("Ethernet0/0", ad("R2"), 1);
    t.heard("Ethernet0/1", ad("R2"), 1);
    t.heard("Ethernet0/0", ad("R3"), 2);
    expect(t.all().map((n) => `${n.localInterface} ${n.deviceId}`)).toEqual(["Ethernet0/0 R2", "Ethernet0/1 R2", "Ethernet0/0 R3"]);
    clock.advance(100_000);
    t.heard("Ethernet0/0", ad("R2", 120), 1);
    expect(t.size).toBe(3);
    expect(t.all()[0].expiresAtMs - clock.now()).toBe(120_000);
  });

  it("expires an entry when its holdtime runs out, unless refreshed first", () => {
    const clock = new VirtualClock();
    const t = new CdpNeighborTable(clock);
    t.heard("Ethernet0/0", ad("R2", 10), 1);
    t.heard("Ethernet0/0", ad("R3", 10), 2);
    clock.advance(9_000);
    t.heard("Ethernet0/0", ad("R3", 10), 2);
    clock.advance(1_000);
    expect(t.all().map((n) => n.deviceId)).toEqual(["R3"]);
    clock.advance(9_000);
    expect(t.size).toBe(0);
  });

  it("drops an entry at once for a TTL of 0, and forgets an interface's entries or all of them", () => {
    const clock = new VirtualClock();
    const t = new CdpNeighborTable(clock);
    t.heard("Ethernet0/0", ad("R2"), 1);
    t.heard("Ethernet0/0", ad("R2", 0), 1);
    expect(t.size).toBe(0);
    t.heard("Ethernet0/0", ad("R2"), 1);
    t.heard("Ethernet0/1", ad("R3"), 1);
    t.forgetInterface("Ethernet0/0");
    expect(t.all().map((n) => n.deviceId)).toEqual(["R3"]);
    t.clear();
    expect(t.size).toBe(0);
  });

  it("refuses a new neighbour once full, still refreshing the ones it holds", () => {
    const clock = new VirtualClock();
    const t = new CdpNeighborTable(clock, 2);
    expect([t.heard("Ethernet0/0", ad("R2"), 1), t.heard("Ethernet0/0", ad("R3"), 1), t.heard("Ethernet0/0", ad("R4"), 1)]).toEqual([true, true, false]);
    expect(t.heard("Ethernet0/0", ad("R2", 60), 1)).toBe(true);
    expect(t.all().map((n) => n.deviceId)).toEqual(["R2", "R3"]);
  });
});
