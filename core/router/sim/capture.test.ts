import { describe, expect, it } from "vitest";
import { decodePacket, summarizePacket } from "../wire/decode";
import { LinkType } from "../wire/pcap";
import { parseSll } from "../wire/sll";
import { tapTunnel } from "./capture";
import { Simulation } from "./harness";

const R1 = "hostname R1\ninterface Ethernet0/0\n ip address 10.0.12.1 255.255.255.0\ninterface Tunnel0\n ip address 172.16.0.1 255.255.255.252\n tunnel source Ethernet0/0\n tunnel destination 10.0.12.2\n";
const R2 = "hostname R2\ninterface Ethernet0/0\n ip address 10.0.12.2 255.255.255.0\ninterface Tunnel0\n ip address 172.16.0.2 255.255.255.252\n tunnel source Ethernet0/0\n tunnel destination 10.0.12.1\n";

function start(): Simulation {
  const sim = new Simulation({ nodes: { R1, R2 }, links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]] });
  sim.settle();
  return sim;
}

describe("captures on a simulated router's tunnels", () => {
  it("sees each payload in clear behind a GRE device's cooked header: sent outgoing, received to us", async () => {
    const sim = start();
    const frames: Uint8Array[] = [];
    try {
      expect(tapTunnel(sim.node("R1"), "Tunnel0", (f) => frames.push(f.slice()))).toBe(true);
      expect(await sim.exec("R1", "ping 172.16.0.2 repeat 2")).toContain("Success rate is 100 percent (2/2)");
    } finally {
      sim.close();
    }
    expect(frames.map((f) => summarizePacket(decodePacket(f, LinkType.LinuxSll)))).toEqual([
      "Linux cooked / IPv4 / ICMP echo",
      "Linux cooked / IPv4 / ICMP echo reply",
      "Linux cooked / IPv4 / ICMP echo",
      "Linux cooked / IPv4 / ICMP echo reply",
    ]);
    const sll = frames.map((f) => parseSll(f));
    expect(sll.map((p) => ("repr" in p ? [p.repr.packetType, p.repr.arphrdType, p.repr.protocol, p.repr.address.length] : p))).toEqual([
      [4, 778, 0x0800, 0],
      [0, 778, 0x0800, 0],
      [4, 778, 0x0800, 0],
      [0, 778, 0x0800, 0],
    ]);
  });

  it("taps a tunnel configured later under the name given, and refuses other kinds of interface", async () => {
    const sim = start();
    const frames: Uint8Array[] = [];
    try {
      expect(tapTunnel(sim.node("R1"), "Ethernet0/0", () => {})).toBe(false);
      expect(tapTunnel(sim.node("R1"), "Loopback0", () => {})).toBe(false);
      expect(tapTunnel(sim.node("R1"), "Tunnel5", (f) => frames.push(f.slice()))).toBe(true);
      for (const [node, ours, theirs] of [["R1", "172.16.5.1", "10.0.12.2"], ["R2", "172.16.5.2", "10.0.12.1"]]) {
        for (const line of ["configure terminal", "interface Tunnel5", `ip address ${ours} 255.255.255.252`, "tunnel source Ethernet0/0", `tunnel destination ${theirs}`, "tunnel key 5", "end"]) await sim.exec(node, line);
      }
      sim.settle();
      expect(await sim.exec("R1", "ping 172.16.5.2 repeat 1")).toContain("Success rate is 100 percent (1/1)");
    } finally {
      sim.close();
    }
    expect(frames.map((f) => summarizePacket(decodePacket(f, LinkType.LinuxSll)))).toEqual(["Linux cooked / IPv4 / ICMP echo", "Linux cooked / IPv4 / ICMP echo reply"]);
  });
});
