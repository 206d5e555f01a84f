import { beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import { memoryPair } from "../io/memory";
import { parseIpv4, type Ipv4, type Mac } from "../wire/addr";
import { buildEthernet } from "../wire/ethernet";
import { clearInterfaceCounters, nonZeroDrops } from "./counters";
import { formatInterfaceBrief, interfaceBriefRows } from "./show";
import { NetStack, type InterfaceEvent } from "./stack";

function ip(text: string): Ipv4 {
  return parseIpv4(text) as Ipv4;
}

let clock: VirtualClock;
let stack: NetStack;
let logs: string[];
let events: string[];

beforeEach(() => {
  clock = new VirtualClock();
  stack = new NetStack({ clock });
  logs = [];
  events = [];
  stack.onLog((m) => logs.push(m.text));
  stack.onInterfaceChange((e: InterfaceEvent) => events.push(`${e.interface.name} ${e.change}`));
});

describe("interfaces", () => {
  it("bring a new Loopback's line protocol up and say so; a new Tunnel's stays down", () => {
    stack.addLoopback("Loopback0");
    stack.addTunnel("Tunnel0");
    expect(logs).toEqual(["%LINEPROTO-5-UPDOWN: Line protocol on Interface Loopback0, changed state to up", "%LINEPROTO-5-UPDOWN: Line protocol on Interface Tunnel0, changed state to down"]);
  });

  it("start an Ethernet port administratively down, as IOS does, and follow its carrier once enabled", () => {
    const [a, b] = memoryPair({ clock });
    const e0 = stack.addEthernet("Ethernet0/0", a);
    expect(e0.linkState).toBe("administratively down");
    e0.setShutdown(false);
    clock.runDeferred();
    expect(e0.isUp).toBe(true);
    b.setUp(false);
    clock.runDeferred();
    expect([e0.linkState, e0.lineProtocolUp]).toEqual(["down", false]);
    expect(logs).toEqual([
      "%LINK-3-UPDOWN: Interface Ethernet0/0, changed state to up",
      "%LINEPROTO-5-UPDOWN: Line protocol on Interface Ethernet0/0, changed state to up",
      "%LINK-3-UPDOWN: Interface Ethernet0/0, changed state to down",
      "%LINEPROTO-5-UPDOWN: Line protocol on Interface Ethernet0/0, changed state to down",
    ]);
  });

  it("refuse a host address that is its subnet's network or broadcast address", () => {
    const lo = stack.addLoopback("Loopback0");
    expect(lo.setAddress(ip("10.0.0.0"), 24)).toBe("% Bad mask /24 for address 10.0.0.0");
    expect(lo.setAddress(ip("10.0.0.255"), 24)).toBe("% Bad mask /24 for address 10.0.0.255");
    expect(lo.setAddress(ip("10.0.0.1"), 32)).toBeUndefined();
  });

  it("need a primary address before a secondary one", () => {
    const lo = stack.addLoopback("Loopback0");
    expect(lo.addSecondaryAddress(ip("10.0.1.1"), 24)).toBe("% Must configure a primary address first");
    lo.setAddress(ip("10.0.0.1"), 24);
    expect(lo.addSecondaryAddress(ip("10.0.1.1"), 24)).toBeUndefined();
    expect(lo.addresses.map((a) => a.address)).toEqual([ip("10.0.0.1"), ip("10.0.1.1")]);
  });

  it("borrow an address with `ip unnumbered`, and follow the lender's changes", () => {
    const lo = stack.addLoopback("Loopback0");
    const tunnel = stack.addTunnel("Tunnel0");
    lo.setAddress(ip("10.0.0.1"), 32);
    tunnel.setUnnumbered(lo);
    expect(tunnel.sourceAddress).toBe(ip("10.0.0.1"));
    expect(tunnel.addresses).toEqual([]);
    events.length = 0;
    lo.setAddress(ip("10.0.0.2"), 32);
    expect(tunnel.sourceAddress).toBe(ip("10.0.0.2"));
    expect(events).toEqual(["Tunnel0 addresses", "Loopback0 addresses"]);
  });

  it("demultiplex dot1Q subinterfaces and refuse a VLAN id already taken on the same port", () => {
    const [a] = memoryPair({ clock });
    const e0 = stack.addEthernet("Ethernet0/0", a);
    expect(stack.addSubinterface("Ethernet0/0.10", e0).setVlan(10)).toBeUndefined();
    const sub = stack.addSubinterface("Ethernet0/0.20", e0);
    expect(sub.setVlan(10)).toContain("This VID is already configured on Ethernet0/0.10.");
    expect(sub.setVlan(20)).toBeUndefined();
    expect(sub.mac).toBe(e0.mac);
  });

  it("list themselves for `show ip interface brief` in IOS's columns", () => {
    const [a] = memoryPair({ clock });
    const e0 = stack.addEthernet("Ethernet0/0", a);
    e0.setAddress(ip("172.16.1.103"), 24);
    const lo = stack.addLoopback("Loopback100");
    lo.setAddress(ip("192.168.114.1"), 24);
    lo.setShutdown(true);
    const t = stack.addTunnel("Tunnel0");
    t.setUnnumbered(lo);
    expect(formatInterfaceBrief(interfaceBriefRows(stack.interfaces()))).toBe(
      [
        "Interface              IP-Address      OK? Method Status                Protocol",
        "Ethernet0/0            172.16.1.103    YES manual administratively down down",
        "Loopback100            192.168.114.1   YES manual administratively down down",
        "Tunnel0                192.168.114.1   YES unset  up                    down",
      ].join("\n"),
    );
  });

  it("count drops by reason, and clear them", () => {
    const lo = stack.addLoopback("Loopback0");
    lo.drop("no-route");
    lo.drop("no-route");
    expect([lo.counters.drops["no-route"], lo.counters.dropsTotal]).toEqual([2, 2]);
    clearInterfaceCounters(lo.counters);
    expect(nonZeroDrops(lo.counters)).toEqual({});
  });
});

describe("a bug on the receive path", () => {
  it("is counted as an internal-error drop and logged as %SYS-3-INTERNAL; the next frame is handled as usual", () => {
    const [a, b] = memoryPair({ clock });
    const e0 = stack.addEthernet("Ethernet0/0", a, { adminUp: true });
    clock.runDeferred();
    let handled = 0;
    stack.registerEtherType(0x88b5, (_inIf, buf, offset) => {
      if (buf[offset] === 1) throw new Error("parser bug");
      handled++;
    });
    const frame = buildEthernet({ dst: e0.mac, src: 0x020000000001 as Mac, etherType: 0x88b5 }, new Uint8Array(46));
    frame[14] = 1;
    b.send(frame);
    frame[14] = 2;
    b.send(frame);
    expect(() => clock.runDeferred()).not.toThrow();
    expect(handled).toBe(1);
    expect(nonZeroDrops(e0.counters)).toEqual({ "internal-error": 1 });
    expect(logs.filter((l) => l.startsWith("%SYS"))).toEqual(["%SYS-3-INTERNAL: frame received on Ethernet0/0: parser bug"]);
  });

  it("in what a carrier change sets off is reported the same way, and the port still follows its carrier", () => {
    const [a, b] = memoryPair({ clock });
    const e0 = stack.addEthernet("Ethernet0/0", a, { adminUp: true });
    clock.runDeferred();
    stack.onInterfaceChange((e) => {
      if (e.change === "state" && !e.interface.isUp) throw new Error("listener bug");
    });
    b.setUp(false);
    expect(() => clock.runDeferred()).not.toThrow();
    expect(e0.isUp).toBe(false);
    expect(logs.filter((l) => l.startsWith("%SYS"))).toEqual(["%SYS-3-INTERNAL: carrier change on Ethernet0/0: listener bug"]);
    b.setUp(true);
    clock.runDeferred();
    expect(e0.isUp).toBe(true);
  });
});
