// ICMP redirects (`ip redirects`, on by default): three routers on one LAN; R1's default route
// points at R2, but R2 reaches 3.3.3.3 through R3 on the same LAN, so it forwards R1's packets
// back out of the interface they came in on and tells R1 to use R3 (a host redirect), unless
// `no ip redirects` is on that interface. The packets are forwarded either way.
import { afterEach, describe, expect, it } from "vitest";
import { TapNic } from "../io/tap";
import { decodePacket, summarizePacket } from "../wire/decode";
import { LinkType } from "../wire/pcap";
import { Simulation } from "./harness";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

const R1 = `hostname R1
interface Ethernet0/0
 ip address 10.0.0.1 255.255.255.0
ip route 0.0.0.0 0.0.0.0 10.0.0.2
`;
const r2 = (redirects: string): string => `hostname R2
interface Ethernet0/0
 ip address 10.0.0.2 255.255.255.0
${redirects}ip route 3.3.3.3 255.255.255.255 10.0.0.3
`;
const R3 = `hostname R3
interface Ethernet0/0
 ip address 10.0.0.3 255.255.255.0
interface Loopback0
 ip address 3.3.3.3 255.255.255.255
`;

/** Runs the LAN and returns what R1's port received, decoded one line per frame. */
async function pingThroughR2(redirects: string): Promise<{ ping: string; received: string[]; show: string }> {
  const frames: Uint8Array[] = [];
  sim = new Simulation({
    nodes: { R1, R2: r2(redirects), R3 },
    links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }, { node: "R3", iface: "Ethernet0/0" }]],
    port: (node, _iface, nic) => {
      if (node !== "R1") return nic;
      const tap = new TapNic(nic);
      tap.addTap((frame, direction) => {
        if (direction === "rx") frames.push(frame.slice());
      });
      return tap;
    },
  });
  sim.settle();
  await sim.exec("R1", "ping 3.3.3.3 repeat 1"); // ARP on the way (and a first redirect)
  sim.advance(1_000); // past the redirect rate limit
  frames.length = 0;
  const ping = await sim.exec("R1", "ping 3.3.3.3");
  const received = frames.map((f) => summarizePacket(decodePacket(f, LinkType.Ethernet)));
  return { ping, received, show: await sim.exec("R2", "show ip interface Ethernet0/0 | include redirects") };
}

describe("ICMP redirects", () => {
  it("tells the sender of a packet forwarded back out of its own LAN which gateway to use, and forwards it", async () => {
    const { ping, received, show } = await pingThroughR2("");
    expect(ping).toContain("Success rate is 100 percent (5/5)");
    const redirects = received.filter((l) => l.includes("redirect"));
    // One per 500 ms at most: the five echoes go out within one interval of virtual time.
    expect(redirects).toEqual(["Ethernet / IPv4 / ICMP redirect host to 10.0.0.3 (IPv4 10.0.0.1 > 3.3.3.3 ICMP)"]);
    expect(show).toBe("  ICMP redirects are always sent\n");
  });

  it("sends none with no ip redirects on the interface", async () => {
    const { ping, received, show } = await pingThroughR2(" no ip redirects\n");
    expect(ping).toContain("Success rate is 100 percent (5/5)");
    expect(received.filter((l) => l.includes("redirect"))).toEqual([]);
    expect(show).toBe("  ICMP redirects are never sent\n");
  });
});
