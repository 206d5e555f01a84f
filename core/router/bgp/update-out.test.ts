import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatPrefix, type Ipv4, type Prefix } from "../wire/addr";
import { BgpRib } from "./rib";
import { RecordingHooks, ip, peer, ribConfig, vrf } from "./test-fixtures";

/** Two PEs: A originates VRF routes, B learns them over VPNv4 through A's UPDATEs. */
function pair() {
  const hooksA = new RecordingHooks();
  const hooksB = new RecordingHooks();
  const a = new BgpRib(ribConfig({ cust1: vrf("1:1", ["1:1"]) }, { routerId: ip("10.0.0.1") }), hooksA);
  const b = new BgpRib(ribConfig({ blue: vrf("2:2", ["1:1"]) }, { routerId: ip("10.0.0.2") }), hooksB);
  const bAsSeenByA = peer("10.0.0.2", { localAddress: ip("10.0.0.1") });
  const aAsSeenByB = peer("10.0.0.1", { localAddress: ip("10.0.0.2") });
  a.peerUp(bAsSeenByA);
  b.peerUp(aAsSeenByB);
  const deliver = (): number => {
    const msgs = a.takeUpdates(bAsSeenByA);
    for (const m of msgs) expect(b.receiveUpdate(aAsSeenByB, m, 19, m.length)).toBeUndefined();
    return msgs.length;
  };
  return { a, b, hooksA, hooksB, deliver };
}

const prefixArb = fc.record({ addr: fc.integer({ min: 0, max: 0xffffffff }), len: fc.integer({ min: 8, max: 32 }) }).map(
  ({ addr, len }): Prefix => ({ addr: ((addr & (0xffffffff << (32 - len))) >>> 0) as Ipv4, len }),
);

describe("UPDATE generation", () => {
  it("round-trips: what one RIB sends, another receives as the same routes with the same labels", () => {
    fc.assert(
      fc.property(fc.uniqueArray(prefixArb, { selector: formatPrefix, maxLength: 400 }), fc.array(fc.nat(), { maxLength: 50 }), (prefixes, drops) => {
        const { a, hooksA, hooksB, deliver } = pair();
        for (const p of prefixes) a.originate("cust1", p, "redistribute-connected", { origin: 2, med: 0, nextHop: ip("0.0.0.0") });
        deliver();
        const withdrawn = new Set(drops.filter(() => prefixes.length > 0).map((i) => prefixes[i % prefixes.length]));
        for (const p of withdrawn) a.withdrawLocal("cust1", p, "redistribute-connected");
        deliver();
        const expected = prefixes.filter((p) => !withdrawn.has(p));
        expect(hooksB.best.size).toBe(expected.length);
        for (const p of expected) {
          const got = hooksB.get("blue", formatPrefix(p));
          expect(got?.[0].label).toBe(hooksA.labels.get(`cust1 ${p.addr}/${p.len}`));
          expect(got?.[0].attrs.nextHop).toBe(ip("10.0.0.1"));
          expect(got?.[0].attrs.origin).toBe(2);
          expect(got?.[0].attrs.med).toBe(0);
        }
      }),
      { numRuns: 30 },
    );
  });

  it("sends nothing when nothing changed, and only the difference after a change", () => {
    const { a, deliver } = pair();
    a.originate("cust1", { addr: ip("192.168.110.0"), len: 24 }, "network", { origin: 0, nextHop: ip("0.0.0.0") });
    expect(deliver()).toBe(3); // the route and two End-of-RIBs
    expect(deliver()).toBe(0);
    a.originate("cust1", { addr: ip("192.168.110.0"), len: 24 }, "network", { origin: 0, nextHop: ip("0.0.0.0") });
    expect(deliver()).toBe(0);
    a.originate("cust1", { addr: ip("192.168.110.0"), len: 24 }, "network", { origin: 0, med: 7, nextHop: ip("0.0.0.0") });
    expect(deliver()).toBe(1);
  });
});
