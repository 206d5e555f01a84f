// End-to-end behaviour of routers built from NetStack + IpRouting on memory links, in
// virtual time: what an engineer would check from the console.
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import { formatIpv4, formatMacIos } from "../wire/addr";
import { formatPing, ping } from "../net/ping";
import { formatArpTable } from "../net/show";
import { formatTraceroute, traceroute } from "../net/traceroute";
import type { TunnelInterface } from "../net/tunnel";
import { TestRouter, cable, finish, ip } from "./test-harness";

function p(text: string): { addr: ReturnType<typeof ip>; len: number } {
  const [a, l] = text.split("/");
  return { addr: ip(a), len: Number(l) };
}

/** R1 —10.0.12.0/24— R2 —10.0.23.0/24— R3, loopbacks 1.1.1.1, 2.2.2.2, 3.3.3.3, static routes. */
function line(): { clock: VirtualClock; r1: TestRouter; r2: TestRouter; r3: TestRouter } {
  const clock = new VirtualClock();
  const r1 = new TestRouter("R1", clock, 1);
  const r2 = new TestRouter("R2", clock, 2);
  const r3 = new TestRouter("R3", clock, 3);
  cable(r1, "Ethernet0/0", "10.0.12.1/24", r2, "Ethernet0/0", "10.0.12.2/24");
  cable(r2, "Ethernet0/1", "10.0.23.2/24", r3, "Ethernet0/0", "10.0.23.3/24");
  r1.loopback("Loopback0", "1.1.1.1/32");
  r2.loopback("Loopback0", "2.2.2.2/32");
  r3.loopback("Loopback0", "3.3.3.3/32");
  r1.routing.statics.add({ prefix: p("0.0.0.0/0"), nextHop: ip("10.0.12.2") });
  r2.routing.statics.add({ prefix: p("1.1.1.1/32"), nextHop: ip("10.0.12.1") });
  r2.routing.statics.add({ prefix: p("3.3.3.3/32"), nextHop: ip("10.0.23.3") });
  r3.routing.statics.add({ prefix: p("0.0.0.0/0"), nextHop: ip("10.0.23.2") });
  clock.settle(1000);
  return { clock, r1, r2, r3 };
}

describe("two routers on one link", () => {
  it("answer each other's pings and learn each other's MAC", async () => {
    const clock = new VirtualClock();
    const r1 = new TestRouter("R1", clock, 1);
    const r2 = new TestRouter("R2", clock, 2);
    cable(r1, "Ethernet0/0", "10.0.0.1/24", r2, "Ethernet0/0", "10.0.0.2/24");
    clock.settle(1000);

    const there = await finish(clock, ping(r1.stack, { dst: ip("10.0.0.2") }));
    const back = await finish(clock, ping(r2.stack, { dst: ip("10.0.0.1"), repeat: 3 }));

    expect(formatPing(there)).toBe(
      [
        "Type escape sequence to abort.",
        "Sending 5, 100-byte ICMP Echos to 10.0.0.2, timeout is 2 seconds:",
        "!!!!!",
        "Success rate is 100 percent (5/5), round-trip min/avg/max = 0/0/0 ms",
      ].join("\n"),
    );
    expect(back.probes.join("")).toBe("!!!");
    expect(formatArpTable(r1.stack.arpRows())).toBe(
      [
        "Protocol  Address          Age (min)  Hardware Addr   Type   Interface",
        "Internet  10.0.0.1                -   aabb.cc00.0100  ARPA   Ethernet0/0",
        "Internet  10.0.0.2                0   aabb.cc00.0200  ARPA   Ethernet0/0",
      ].join("\n"),
    );
  });

  it("logs IOS's link and line protocol messages on both ends when one is shut down", () => {
    const clock = new VirtualClock();
    const r1 = new TestRouter("R1", clock, 1);
    const r2 = new TestRouter("R2", clock, 2);
    const [e1] = cable(r1, "Ethernet0/0", "10.0.0.1/24", r2, "Ethernet0/0", "10.0.0.2/24");
    clock.settle(1000);
    r1.logs.length = 0;
    r2.logs.length = 0;

    e1.setShutdown(true);
    clock.settle(1000);

    expect(r1.logs).toEqual([
      "%LINK-5-CHANGED: Interface Ethernet0/0, changed state to administratively down",
      "%LINEPROTO-5-UPDOWN: Line protocol on Interface Ethernet0/0, changed state to down",
    ]);
    expect(r2.logs).toEqual([
      "%LINK-3-UPDOWN: Interface Ethernet0/0, changed state to down",
      "%LINEPROTO-5-UPDOWN: Line protocol on Interface Ethernet0/0, changed state to down",
    ]);
    expect(r1.routing.rib.routes(undefined)).toEqual([]);
  });
});

describe("a router alone", () => {
  it("answers a ping to its own address", async () => {
    const clock = new VirtualClock();
    const r = new TestRouter("R", clock, 1);
    r.loopback("Loopback0", "1.1.1.1/32");
    expect((await finish(clock, ping(r.stack, { dst: ip("1.1.1.1") }))).probes.join("")).toBe("!!!!!");
  });
});

describe("three routers in a line", () => {
  it("forward a ping from one end's loopback to the other's", async () => {
    const { clock, r1 } = line();
    const result = await finish(clock, ping(r1.stack, { dst: ip("3.3.3.3"), source: "Loopback0" }));
    expect(formatPing(result)).toBe(
      [
        "Type escape sequence to abort.",
        "Sending 5, 100-byte ICMP Echos to 3.3.3.3, timeout is 2 seconds:",
        "Packet sent with a source address of 1.1.1.1",
        "!!!!!",
        "Success rate is 100 percent (5/5), round-trip min/avg/max = 0/0/0 ms",
      ].join("\n"),
    );
  });

  it("answers an expired TTL with time exceeded from the middle router's incoming interface", async () => {
    const { clock, r1, r2 } = line();
    const reporters: string[] = [];
    r1.stack.icmp.onError((report) => reporters.push(`${formatIpv4(report.from)} type ${report.type}`));
    const result = await finish(clock, ping(r1.stack, { dst: ip("3.3.3.3"), ttl: 1, repeat: 2 }));
    expect(result.probes.join("")).toBe("&&");
    expect(reporters).toEqual(["10.0.12.2 type 11", "10.0.12.2 type 11"]);
    expect(r2.ethernet("Ethernet0/0").counters.drops["ttl-expired"]).toBe(2);
  });

  it("traces the route hop by hop, the last hop's second probe lost to IOS's unreachable rate limit", async () => {
    const { clock, r1 } = line();
    const result = await finish(clock, traceroute(r1.stack, { dst: ip("3.3.3.3") }));
    expect(formatTraceroute(result)).toBe(
      [
        "Type escape sequence to abort.",
        "Tracing the route to 3.3.3.3",
        "VRF info: (vrf in name/id, vrf out name/id)",
        "  1 10.0.12.2 0 msec 0 msec 0 msec",
        "  2 10.0.23.3 0 msec *  0 msec",
      ].join("\n"),
    );
  });

  it("reports U.U.U when the middle router has no route, and nothing with `no ip unreachables`", async () => {
    const { clock, r1, r2 } = line();
    const unreachable = await finish(clock, ping(r1.stack, { dst: ip("192.0.2.1") }));
    expect(unreachable.probes.join("")).toBe("U.U.U");
    expect(r2.ethernet("Ethernet0/0").counters.drops["no-route"]).toBe(5);

    r2.ethernet("Ethernet0/0").ipUnreachables = false;
    const silent = await finish(clock, ping(r1.stack, { dst: ip("192.0.2.1") }));
    expect(silent.probes.join("")).toBe(".....");
  });

  it("fragments a big ping to fit a smaller IP MTU, and refuses with M when DF is set", async () => {
    const { clock, r1, r2 } = line();
    r2.ethernet("Ethernet0/1").setIpMtu(576);
    const big = await finish(clock, ping(r1.stack, { dst: ip("3.3.3.3"), size: 1400, repeat: 2 }));
    expect(big.probes.join("")).toBe("!!");
    const df = await finish(clock, ping(r1.stack, { dst: ip("3.3.3.3"), size: 1400, repeat: 3, dontFragment: true }));
    expect(df.probes.join("")).toBe("M.M");
  });
});

describe("VRFs", () => {
  it("keep the same prefix apart: a packet entering VRF A never reaches VRF B's interface", async () => {
    const clock = new VirtualClock();
    const pe = new TestRouter("PE", clock, 1);
    const ceA = new TestRouter("CE-A", clock, 2);
    const ceB = new TestRouter("CE-B", clock, 3);
    pe.stack.addVrf("A");
    pe.stack.addVrf("B");
    const [peA] = cable(pe, "Ethernet0/0", undefined, ceA, "Ethernet0/0", "10.0.0.2/24");
    const [peB] = cable(pe, "Ethernet0/1", undefined, ceB, "Ethernet0/0", "10.0.0.2/24");
    pe.stack.setInterfaceVrf(peA, "A");
    pe.stack.setInterfaceVrf(peB, "B");
    pe.address(peA, "10.0.0.1/24");
    pe.address(peB, "10.0.0.1/24"); // the same subnet is fine in another VRF
    ceB.loopback("Loopback0", "192.168.1.1/24");
    pe.routing.statics.add({ vrf: "B", prefix: p("192.168.1.0/24"), nextHop: ip("10.0.0.2") });
    ceA.routing.statics.add({ prefix: p("0.0.0.0/0"), nextHop: ip("10.0.0.1") });
    clock.settle(1000);

    expect((await finish(clock, ping(ceA.stack, { dst: ip("10.0.0.1") }))).probes.join("")).toBe("!!!!!");
    expect((await finish(clock, ping(pe.stack, { vrf: "B", dst: ip("192.168.1.1") }))).probes.join("")).toBe("!!!!!");
    const inB = ceB.ethernet("Ethernet0/0").counters.inPackets;

    const leak = await finish(clock, ping(ceA.stack, { dst: ip("192.168.1.1") }));

    expect(leak.probes.join("")).toBe("U.U.U");
    expect(ceB.ethernet("Ethernet0/0").counters.inPackets).toBe(inB);
    expect(pe.routing.showIpRoute("B")).toContain("Routing Table: B");
    expect(pe.routing.rib.routes("A").map((r) => `${formatIpv4(r.prefix.addr)}/${r.prefix.len}`)).toEqual(["10.0.0.0/24", "10.0.0.1/32"]);
  });

  it("refuses an overlapping address in the same VRF, as IOS does", () => {
    const clock = new VirtualClock();
    const r = new TestRouter("R", clock, 1);
    r.loopback("Loopback0", "10.0.0.1/24");
    const lo1 = r.stack.addLoopback("Loopback1");
    expect(lo1.setAddress(ip("10.0.0.5"), 30)).toBe("% 10.0.0.4 overlaps with Loopback0");
  });

  it("removes an interface's addresses when it moves to a VRF", () => {
    const clock = new VirtualClock();
    const r = new TestRouter("R", clock, 1);
    const lo = r.loopback("Loopback0", "10.0.0.1/24");
    r.stack.addVrf("cust1");
    expect(r.stack.setInterfaceVrf(lo, "cust1")).toBeUndefined();
    expect(lo.addresses).toEqual([]);
    expect(r.stack.setInterfaceVrf(lo, "nope")).toBe("% VRF nope not configured.");
  });
});

describe("GRE tunnels", () => {
  function tunnels(): { clock: VirtualClock; r1: TestRouter; r2: TestRouter; t1: TunnelInterface; t2: TunnelInterface } {
    const clock = new VirtualClock();
    const r1 = new TestRouter("R1", clock, 1);
    const r2 = new TestRouter("R2", clock, 2);
    const [e1] = cable(r1, "Ethernet0/0", "172.16.0.1/30", r2, "Ethernet0/0", "172.16.0.2/30");
    const t1 = r1.stack.addTunnel("Tunnel0");
    const t2 = r2.stack.addTunnel("Tunnel0");
    r1.address(t1, "10.1.1.1/30");
    r2.address(t2, "10.1.1.2/30");
    t1.setSource({ interface: e1 });
    t1.setDestination(ip("172.16.0.2"));
    t2.setSource({ address: ip("172.16.0.2") });
    t2.setDestination(ip("172.16.0.1"));
    r1.loopback("Loopback0", "192.168.1.1/24");
    r2.loopback("Loopback0", "192.168.2.1/24");
    r1.routing.statics.add({ prefix: p("192.168.2.0/24"), interface: "Tunnel0", nextHop: ip("10.1.1.2") });
    r2.routing.statics.add({ prefix: p("192.168.1.0/24"), nextHop: ip("10.1.1.1") });
    clock.settle(1000);
    return { clock, r1, r2, t1, t2 };
  }

  it("comes up when its source is up and its destination routable, and carries a ping", async () => {
    const { clock, r1, r2, t1, t2 } = tunnels();
    expect(t1.isUp && t2.isUp).toBe(true);
    expect(r1.logs).toContain("%LINEPROTO-5-UPDOWN: Line protocol on Interface Tunnel0, changed state to up");

    const result = await finish(clock, ping(r1.stack, { dst: ip("192.168.2.1"), source: "Loopback0" }));

    expect(result.probes.join("")).toBe("!!!!!");
    expect(t1.counters.outPackets).toBe(5);
    expect(t2.counters.inPackets).toBe(5);
    expect(t1.ipMtuBytes).toBe(1476);
    expect(r2.stack.interface("Ethernet0/0")?.counters.inBytes).toBe(5 * (100 + 24)); // GRE (4) + outer IPv4 (20) around each
  });

  it("fragments a packet bigger than the tunnel's IP MTU (1476) before encapsulating it", async () => {
    const { clock, r1, r2 } = tunnels();
    const result = await finish(clock, ping(r1.stack, { dst: ip("192.168.2.1"), source: "Loopback0", size: 1500, repeat: 2 }));
    expect(result.probes.join("")).toBe("!!");
    expect(r2.ethernet("Ethernet0/0").counters.inPackets).toBe(4); // two fragments per echo
  });

  it("carries a customer VRF over a global transport (`vrf forwarding` on the tunnel only)", async () => {
    const { clock, r1, r2, t1, t2 } = tunnels();
    for (const [r, t, cidr] of [[r1, t1, "10.1.1.1/30"], [r2, t2, "10.1.1.2/30"]] as const) {
      r.stack.addVrf("cust");
      r.stack.setInterfaceVrf(t, "cust");
      r.address(t, cidr);
    }
    clock.settle(100);
    expect((await finish(clock, ping(r1.stack, { vrf: "cust", dst: ip("10.1.1.2") }))).probes.join("")).toBe("!!!!!");
    expect((await finish(clock, ping(r1.stack, { dst: ip("10.1.1.2"), repeat: 1 }))).probes.join("")).toBe(".");
  });

  it("hands the outer packet to tunnel protection instead of routing it, and refuses clear GRE once protected", async () => {
    const { clock, r1, r2, t1, t2 } = tunnels();
    const protectedPackets: number[] = [];
    // Stands in for IPsec: records the GRE packet and lets the far end take it as decrypted.
    t1.protection = {
      profileName: "default",
      protect(_tunnel, buf, start, end) {
        protectedPackets.push(end - start);
        const copy = buf.slice(start, end);
        clock.defer(() => r2.stack.tunnels.receive(r2.ethernet("Ethernet0/0"), copy, 0, copy.length, true));
        return true;
      },
    };
    t2.protection = { profileName: "default", protect: (_t, buf, start, end) => r2.stack.sendIpv4(r2.stack.globalVrf, buf, start, end) };
    const result = await finish(clock, ping(r1.stack, { dst: ip("10.1.1.2"), repeat: 2 }));
    expect(result.probes.join("")).toBe("..");
    expect(protectedPackets).toEqual([124, 124]);
    expect(r1.ethernet("Ethernet0/0").counters.drops["tunnel-not-protected"]).toBe(0);
    expect(t1.counters.drops["tunnel-not-protected"]).toBe(2); // R2's replies came back in clear
    expect(t2.counters.inPackets).toBe(2);
  });

  it("drops GRE whose key does not match, and goes down when its destination is unroutable", async () => {
    const { clock, r1, r2, t1, t2 } = tunnels();
    t1.setKey(7);
    clock.settle(10);
    const result = await finish(clock, ping(r1.stack, { dst: ip("10.1.1.2"), repeat: 2 }));
    expect(result.probes.join("")).toBe("..");
    expect(r2.ethernet("Ethernet0/0").counters.drops["gre-no-tunnel"]).toBe(2);
    t2.setKey(7);
    expect((await finish(clock, ping(r1.stack, { dst: ip("10.1.1.2"), repeat: 2 }))).probes.join("")).toBe("!!");

    t1.setDestination(ip("203.0.113.9"));
    clock.settle(10);
    expect(t1.isUp).toBe(false);
    expect(r1.logs.at(-1)).toBe("%LINEPROTO-5-UPDOWN: Line protocol on Interface Tunnel0, changed state to down");
  });
});

describe("dot1Q subinterfaces", () => {
  it("carry each VLAN to its own subinterface, untagged frames to the main interface", async () => {
    const clock = new VirtualClock();
    const r1 = new TestRouter("R1", clock, 1);
    const r2 = new TestRouter("R2", clock, 2);
    const [e1, e2] = cable(r1, "Ethernet0/1", "192.168.0.1/24", r2, "Ethernet0/1", "192.168.0.2/24");
    for (const [r, e, host] of [[r1, e1, 1], [r2, e2, 2]] as const) {
      for (const vlan of [10, 20]) {
        const sub = r.stack.addSubinterface(`Ethernet0/1.${vlan}`, e);
        sub.setVlan(vlan);
        r.address(sub, `192.168.${vlan}.${host}/24`);
      }
    }
    clock.settle(1000);

    for (const target of ["192.168.10.2", "192.168.20.2", "192.168.0.2"]) {
      expect((await finish(clock, ping(r1.stack, { dst: ip(target), repeat: 2 }))).probes.join("")).toBe("!!");
    }
    expect(r2.stack.interface("Ethernet0/1.10")?.counters.inPackets).toBe(2);
    expect(r2.stack.interface("Ethernet0/1.20")?.counters.inPackets).toBe(2);
    expect(formatArpTable(r1.stack.arpRows()).split("\n").filter((l) => l.includes("192.168.10.2"))).toEqual([
      "Internet  192.168.10.2            0   aabb.cc00.0200  ARPA   Ethernet0/1.10",
    ]);
  });
});

describe("a tunnel routing its own destination through itself", () => {
  it("is disabled for a while, as IOS's %TUN-5-RECURDOWN says", () => {
    const clock = new VirtualClock();
    const r1 = new TestRouter("R1", clock, 1);
    const r2 = new TestRouter("R2", clock, 2);
    const [e1] = cable(r1, "Ethernet0/0", "172.16.0.1/30", r2, "Ethernet0/0", "172.16.0.2/30");
    const t = r1.stack.addTunnel("Tunnel0");
    r1.address(t, "10.1.1.1/30");
    t.setSource({ interface: e1 });
    t.setDestination(ip("198.51.100.1"));
    r1.routing.statics.add({ prefix: p("198.51.100.0/24"), nextHop: ip("172.16.0.2") });
    clock.settle(100);
    expect(t.isUp).toBe(true);

    r1.routing.statics.add({ prefix: p("198.51.100.1/32"), interface: "Tunnel0" });
    clock.runDeferred();

    expect(t.isUp).toBe(false);
    expect(r1.logs).toContain("%TUN-5-RECURDOWN: Tunnel0 temporarily disabled due to recursive routing");
    expect(formatMacIos(e1.mac)).toBe("aabb.cc00.0100");
  });
});
