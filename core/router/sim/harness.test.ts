import { afterEach, describe, expect, it } from "vitest";
import type { EthernetInterface } from "../net/ethernet-port";
import { buildEthernet } from "../wire/ethernet";
import { Simulation, type SimTopology } from "./harness";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

function start(topology: SimTopology): Simulation {
  sim = new Simulation(topology);
  sim.settle();
  return sim;
}

const R1 = `hostname R1
interface Ethernet0/0
 ip address 10.0.12.1 255.255.255.0
`;
const R2 = `hostname R2
interface Ethernet0/0
 ip address 10.0.12.2 255.255.255.0
interface Ethernet0/1
 ip address 10.0.23.2 255.255.255.0
`;
const R3 = `hostname R3
interface Ethernet0/0
 ip address 10.0.23.3 255.255.255.0
ip route 0.0.0.0 0.0.0.0 10.0.23.2
`;

describe("the simulation harness", () => {
  it("survives a router's timer and frame handler throwing: each is a %SYS-3-INTERNAL in its log, and pings still work", async () => {
    const s = start({ nodes: { R1, R2 }, links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]] });
    const r2 = s.node("R2");
    r2.router.clock.after(10, () => {
      throw new Error("timer bug");
    });
    r2.router.stack.registerEtherType(0x88b5, () => {
      throw new Error("handler bug");
    });
    const r2Mac = (r2.router.stack.interface("Ethernet0/0") as EthernetInterface).mac;
    const e0 = s.node("R1").router.stack.interface("Ethernet0/0") as EthernetInterface;
    e0.sendFrame(buildEthernet({ dst: r2Mac, src: e0.mac, etherType: 0x88b5 }, new Uint8Array(46)));
    expect(() => s.advance(1000)).not.toThrow();
    expect(r2.log.map((l) => l.text).filter((t) => t.startsWith("%SYS"))).toEqual(["%SYS-3-INTERNAL: frame received on Ethernet0/0: handler bug", "%SYS-3-INTERNAL: timer: timer bug"]);
    expect(r2.router.stack.interface("Ethernet0/0")?.counters.drops["internal-error"]).toBe(1);
    expect(await s.exec("R1", "ping 10.0.12.2")).toMatch(/Success rate is 100 percent \(5\/5\)/);
  });

  it("pings between two routers on one link", async () => {
    const s = start({ nodes: { R1, R2 }, links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]] });
    const out = await s.exec("R1", "ping 10.0.12.2");
    expect(out).toContain("Sending 5, 100-byte ICMP Echos to 10.0.12.2, timeout is 2 seconds:");
    expect(out).toContain("!!!!!");
    expect(out).toMatch(/Success rate is 100 percent \(5\/5\)/);
  });

  it("shows each hop of a traceroute across three routers", async () => {
    const r1 = R1 + "ip route 0.0.0.0 0.0.0.0 10.0.12.2\n";
    const s = start({
      nodes: { R1: r1, R2, R3 },
      links: [
        [{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }],
        [{ node: "R2", iface: "Ethernet0/1" }, { node: "R3", iface: "Ethernet0/0" }],
      ],
    });
    const out = await s.exec("R1", "traceroute 10.0.23.3");
    expect(out).toContain("Tracing the route to 10.0.23.3");
    expect(out).toMatch(/^ {2}1 10\.0\.12\.2 /m);
    expect(out).toMatch(/^ {2}2 10\.0\.23\.3 /m);
  });

  it("keeps the same prefix in two VRFs apart on one router", async () => {
    const pe = `hostname PE
vrf definition A
 rd 1:1
 address-family ipv4
 exit-address-family
vrf definition B
 rd 2:2
 address-family ipv4
 exit-address-family
interface Ethernet0/0
 vrf forwarding A
 ip address 192.168.1.1 255.255.255.0
interface Ethernet0/1
 vrf forwarding B
 ip address 192.168.1.1 255.255.255.0
`;
    const ce = (n: string) => `hostname ${n}\ninterface Ethernet0/0\n ip address 192.168.1.2 255.255.255.0\n`;
    const s = start({
      nodes: { PE: pe, CEA: ce("CEA"), CEB: ce("CEB") },
      links: [
        [{ node: "PE", iface: "Ethernet0/0" }, { node: "CEA", iface: "Ethernet0/0" }],
        [{ node: "PE", iface: "Ethernet0/1" }, { node: "CEB", iface: "Ethernet0/0" }],
      ],
    });
    expect(await s.exec("PE", "ping vrf A 192.168.1.2")).toContain("!!!!!");
    expect(await s.exec("PE", "ping 192.168.1.2")).toContain("Success rate is 0 percent (0/5)");
    const a = s.node("CEA").router.stack.interface("Ethernet0/0")!.counters.inPackets;
    const b = s.node("CEB").router.stack.interface("Ethernet0/0")!.counters.inPackets;
    expect(await s.exec("PE", "ping vrf B 192.168.1.2 repeat 3")).toContain("!!!");
    expect(s.node("CEA").router.stack.interface("Ethernet0/0")!.counters.inPackets).toBe(a);
    expect(s.node("CEB").router.stack.interface("Ethernet0/0")!.counters.inPackets).toBeGreaterThan(b);
    expect(await s.exec("PE", "show ip route vrf A | include 192.168.1.0")).toMatch(/^C\s+192\.168\.1\.0\/24 is directly connected, Ethernet0\/0$/m);
  });

  it("puts the caret under a typo, after the prompt", async () => {
    const s = start({ nodes: { R1 }, links: [] });
    expect(await s.transcript("R1", ["show ip intreface brief"])).toBe(
      "R1#show ip intreface brief\n" + " ".repeat("R1#show ip int".length) + "^\n% Invalid input detected at '^' marker.\n\n",
    );
  });

  it("reports startup-config problems with line and column", () => {
    const s = start({ nodes: { R1: "hostname R1\ninterface Ethernet0/0\n ip adress 1.1.1.1 255.0.0.0\n" }, links: [] });
    expect(s.node("R1").diagnostics).toEqual([expect.objectContaining({ line: 3, message: "% Invalid input detected at '^' marker." })]);
  });
});
