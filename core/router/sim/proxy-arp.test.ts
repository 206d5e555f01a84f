// Proxy ARP (`ip proxy-arp`, on by default): R1 reaches 3.3.3.3 by a static route out of its
// interface with no next hop, so it ARPs for 3.3.3.3 itself; R2 answers for it because it
// routes there through another interface, unless `no ip proxy-arp` is on the asking side's link.
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

const R1 = `hostname R1
interface GigabitEthernet1
 ip address 10.0.12.1 255.255.255.0
 negotiation auto
ip route 3.3.3.3 255.255.255.255 GigabitEthernet1
`;
const r2 = (proxy: string): string => `hostname R2
interface GigabitEthernet1
 ip address 10.0.12.2 255.255.255.0
${proxy} negotiation auto
interface GigabitEthernet2
 ip address 10.0.23.2 255.255.255.0
 negotiation auto
ip route 3.3.3.3 255.255.255.255 10.0.23.3
`;
const R3 = `hostname R3
interface GigabitEthernet1
 ip address 10.0.23.3 255.255.255.0
 negotiation auto
interface Loopback0
 ip address 3.3.3.3 255.255.255.255
ip route 10.0.12.0 255.255.255.0 10.0.23.2
`;

function start(proxy: string): Simulation {
  sim = new Simulation({
    nodes: { R1, R2: r2(proxy), R3 },
    links: [
      [{ node: "R1", iface: "GigabitEthernet1" }, { node: "R2", iface: "GigabitEthernet1" }],
      [{ node: "R2", iface: "GigabitEthernet2" }, { node: "R3", iface: "GigabitEthernet1" }],
    ],
    hardware: () => ({ platform: "csr1000v" }),
  });
  sim.settle();
  return sim;
}

describe("proxy ARP", () => {
  it("answers by default for an address routed through another interface", async () => {
    const s = start("");
    expect(await s.exec("R1", "ping 3.3.3.3")).toContain("Success rate is");
    expect(await s.exec("R1", "ping 3.3.3.3")).toContain("Success rate is 100 percent (5/5)");
    expect(await s.exec("R1", "show ip arp 3.3.3.3")).toContain("3.3.3.3");
    expect(await s.exec("R2", "show ip interface GigabitEthernet1")).toContain("  Proxy ARP is enabled\n");
  });

  it("stays silent with no ip proxy-arp, and answers again once it is back on", async () => {
    const s = start(" no ip proxy-arp\n");
    expect(await s.exec("R2", "show running-config interface GigabitEthernet1")).toContain(" no ip proxy-arp\n");
    expect(await s.exec("R2", "show ip interface GigabitEthernet1")).toContain("  Proxy ARP is disabled\n");
    expect(await s.exec("R1", "ping 3.3.3.3")).toContain("Success rate is 0 percent (0/5)");
    expect(await s.exec("R1", "show ip arp 3.3.3.3")).toContain("Incomplete");
    await s.transcript("R2", ["configure terminal", "interface GigabitEthernet1", "ip proxy-arp", "end"]);
    s.advance(5_000);
    expect(await s.exec("R1", "ping 3.3.3.3")).toContain("Success rate is 100 percent (5/5)");
  });
});
