import { beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import { parsePrefix, type Prefix } from "../wire/addr";
import type { Label } from "../wire/mpls";
import { formatRouteAge } from "./show-route";
import { TestRouter, cable, ip } from "./test-harness";

function p(text: string): Prefix {
  return parsePrefix(text) as Prefix;
}

const LEGEND = [
  "Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP",
  "       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area",
  "       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2",
  "       E1 - OSPF external type 1, E2 - OSPF external type 2",
  "       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2",
  "       ia - IS-IS inter area, * - candidate default, U - per-user static route",
  "       o - ODR, P - periodic downloaded static route, H - NHRP, l - LISP",
  "       a - application route",
  "       + - replicated route, % - next hop override, p - overrides from PfR",
];

let clock: VirtualClock;
let r: TestRouter;

beforeEach(() => {
  clock = new VirtualClock();
  r = new TestRouter("R1", clock, 1);
  const r2 = new TestRouter("R2", clock, 2);
  cable(r, "Ethernet0/0", "10.0.0.1/24", r2, "Ethernet0/0", "10.0.0.2/24");
  r.loopback("Loopback0", "1.1.1.1/32");
  r.loopback("Loopback1", "192.168.113.1/24");
  r.routing.statics.add({ prefix: p("0.0.0.0/0"), nextHop: ip("10.0.0.2") });
  r.routing.statics.add({ prefix: p("172.16.0.0/12"), interface: "Null0" });
  r.routing.statics.add({ prefix: p("10.9.0.0/16"), nextHop: ip("10.0.0.2"), tag: 5 });
  r.routing.statics.add({ prefix: p("10.9.0.0/16"), nextHop: ip("10.0.0.3") });
  r.routing.rib.upsert(undefined, {
    prefix: p("192.168.114.0/24"),
    protocol: "nhrp",
    distance: 250,
    metric: 255,
    nextHops: [{ address: ip("10.0.0.4"), interface: "Ethernet0/0" }],
  });
  clock.advance(4000);
});

describe("show ip route", () => {
  it("groups subnets under their classful network, columns as IOS prints them", () => {
    expect(r.routing.showIpRoute()).toBe(
      [
        ...LEGEND,
        "",
        "Gateway of last resort is 10.0.0.2 to network 0.0.0.0",
        "",
        "S*    0.0.0.0/0 [1/0] via 10.0.0.2",
        "      1.0.0.0/32 is subnetted, 1 subnets",
        "C        1.1.1.1 is directly connected, Loopback0",
        "      10.0.0.0/8 is variably subnetted, 3 subnets, 3 masks",
        "C        10.0.0.0/24 is directly connected, Ethernet0/0",
        "L        10.0.0.1/32 is directly connected, Ethernet0/0",
        "S        10.9.0.0/16 [1/0] via 10.0.0.2",
        "                     [1/0] via 10.0.0.3",
        "S     172.16.0.0/12 is directly connected, Null0",
        "      192.168.113.0/24 is variably subnetted, 2 subnets, 2 masks",
        "C        192.168.113.0/24 is directly connected, Loopback1",
        "L        192.168.113.1/32 is directly connected, Loopback1",
        "H     192.168.114.0/24 [250/255] via 10.0.0.4, 00:00:04, Ethernet0/0",
      ].join("\n"),
    );
  });

  it("names the VRF and shows learnt routes with their age", () => {
    r.stack.addVrf("cust1");
    r.routing.rib.upsert("cust1", {
      prefix: p("192.168.114.0/24"),
      protocol: "bgp",
      knownVia: "bgp 65000",
      from: ip("10.0.0.2"),
      distance: 200,
      metric: 0,
      nextHops: [{ address: ip("10.0.0.2"), resolveInVrf: "", labels: [406 as Label] }],
    });
    clock.advance(612_000);
    expect(r.routing.showIpRoute("cust1")).toBe(
      ["Routing Table: cust1", ...LEGEND, "", "Gateway of last resort is not set", "", "B     192.168.114.0/24 [200/0] via 10.0.0.2, 00:10:12"].join("\n"),
    );
    expect(r.routing.showIpRouteEntry("cust1", ip("192.168.114.1"))).toBe(
      [
        "Routing Table: cust1",
        "Routing entry for 192.168.114.0/24",
        '  Known via "bgp 65000", distance 200, metric 0',
        "  Last update from 10.0.0.2 00:10:12 ago",
        "  Routing Descriptor Blocks:",
        "  * 10.0.0.2 (default), from 10.0.0.2, 00:10:12 ago",
        "      Route metric is 0, traffic share count is 1",
        "      MPLS label: 406",
        "      MPLS Flags: MPLS Required",
      ].join("\n"),
    );
  });
  it("names each multipath descriptor's own neighbor, the route's first in Last update", () => {
    r.stack.addVrf("cust1");
    r.routing.rib.upsert("cust1", {
      prefix: p("192.168.99.0/24"),
      protocol: "bgp",
      knownVia: "bgp 65000",
      from: ip("10.0.0.3"),
      distance: 20,
      metric: 0,
      nextHops: [
        { address: ip("10.0.0.3"), resolveInVrf: "", labels: [407 as Label], from: ip("10.0.0.3") },
        { address: ip("10.0.0.2"), resolveInVrf: "", labels: [406 as Label], from: ip("10.0.0.2") },
      ],
    });
    clock.advance(5_000);
    const entry = r.routing.showIpRouteEntry("cust1", ip("192.168.99.1"));
    expect(entry).toContain("  Last update from 10.0.0.3 00:00:05 ago\n");
    expect(entry).toContain("  * 10.0.0.3 (default), from 10.0.0.3, 00:00:05 ago\n");
    expect(entry).toContain("    10.0.0.2 (default), from 10.0.0.2, 00:00:05 ago\n");
  });
});

describe("show ip route PREFIX", () => {
  it("describes a connected route", () => {
    expect(r.routing.showIpRouteEntry(undefined, ip("10.0.0.0"), 24)).toBe(
      [
        "Routing entry for 10.0.0.0/24",
        '  Known via "connected", distance 0, metric 0 (connected, via interface)',
        "  Routing Descriptor Blocks:",
        "  * directly connected, via Ethernet0/0",
        "      Route metric is 0, traffic share count is 1",
      ].join("\n"),
    );
  });

  it("finds the longest match for an address and lists every next hop, the first marked", () => {
    expect(r.routing.showIpRouteEntry(undefined, ip("10.9.1.1"))).toBe(
      [
        "Routing entry for 10.9.0.0/16",
        '  Known via "static", distance 1, metric 0',
        "  Tag 5",
        "  Routing Descriptor Blocks:",
        "  * 10.0.0.2",
        "      Route metric is 0, traffic share count is 1",
        "      Route tag 5",
        "    10.0.0.3",
        "      Route metric is 0, traffic share count is 1",
        "      Route tag 5",
      ].join("\n"),
    );
  });

  it("calls a static route out of an interface connected", () => {
    expect(r.routing.showIpRouteEntry(undefined, ip("172.16.0.0"), 12)).toBe(
      [
        "Routing entry for 172.16.0.0/12, supernet",
        '  Known via "static", distance 1, metric 0 (connected)',
        "  Routing Descriptor Blocks:",
        "  * directly connected, via Null0",
        "      Route metric is 0, traffic share count is 1",
      ].join("\n"),
    );
  });

  it("shows the default route for 0.0.0.0 without a mask, as IOS does", () => {
    expect(r.routing.showIpRouteEntry(undefined, ip("0.0.0.0"))).toBe(r.routing.showIpRouteEntry(undefined, ip("0.0.0.0"), 0));
    expect(r.routing.showIpRouteEntry(undefined, ip("0.0.0.0")).split("\n")[0]).toBe("Routing entry for 0.0.0.0/0, supernet");
  });

  it("calls the default route a supernet and the candidate default path", () => {
    expect(r.routing.showIpRouteEntry(undefined, ip("0.0.0.0"), 0).split("\n").slice(0, 2)).toEqual([
      "Routing entry for 0.0.0.0/0, supernet",
      '  Known via "static", distance 1, metric 0, candidate default path',
    ]);
  });

  it("says the subnet or the network is not in the table, never falling back to the default", () => {
    expect(r.routing.showIpRouteEntry(undefined, ip("10.7.0.1"))).toBe("% Subnet not in table");
    expect(r.routing.showIpRouteEntry(undefined, ip("8.8.8.8"))).toBe("% Network not in table");
  });
});

describe("route ages", () => {
  it("read hh:mm:ss under a day, then days and hours, then weeks and days", () => {
    expect(formatRouteAge(4)).toBe("00:00:04");
    expect(formatRouteAge(86399)).toBe("23:59:59");
    expect(formatRouteAge(93600)).toBe("1d02h");
    expect(formatRouteAge(17 * 86400)).toBe("2w3d");
  });
});
