// BGP origination and policy between two iBGP routers, from config: `network`,
// `redistribute connected route-map` with a prefix-list, `aggregate-address`, a neighbor's
// inbound route-map setting local preference, and a route-map change taking effect on a live
// session; the IPv4 routes land in the routing table as `B` with iBGP's distance.
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

const R1 = `hostname R1
interface Loopback0
 ip address 1.1.1.1 255.255.255.255
interface Loopback1
 ip address 10.1.1.1 255.255.255.0
interface Loopback2
 ip address 10.1.2.1 255.255.255.0
interface Loopback3
 ip address 172.20.0.1 255.255.255.0
interface Ethernet0/0
 ip address 10.0.12.1 255.255.255.0
ip route 2.2.2.2 255.255.255.255 10.0.12.2
ip prefix-list TEN seq 5 permit 10.0.0.0/8 le 24
route-map CONNECTED permit 10
 match ip address prefix-list TEN
 set metric 7
router bgp 65000
 neighbor 2.2.2.2 remote-as 65000
 neighbor 2.2.2.2 update-source Loopback0
 address-family ipv4
  network 1.1.1.1 mask 255.255.255.255
  aggregate-address 10.1.0.0 255.255.0.0
  redistribute connected route-map CONNECTED
 exit-address-family
`;
const R2 = `hostname R2
interface Loopback0
 ip address 2.2.2.2 255.255.255.255
interface Ethernet0/0
 ip address 10.0.12.2 255.255.255.0
ip route 1.1.1.1 255.255.255.255 10.0.12.1
route-map IN permit 10
 set local-preference 250
router bgp 65000
 neighbor 1.1.1.1 remote-as 65000
 neighbor 1.1.1.1 update-source Loopback0
 address-family ipv4
  neighbor 1.1.1.1 route-map IN in
 exit-address-family
`;

describe("BGP origination and policy", () => {
  it("advertises network, the prefix-list's connected routes with the route-map's metric and the aggregate; applies the neighbor's route-map in", async () => {
    sim = new Simulation({ nodes: { R1, R2 }, links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]] });
    sim.advance(60_000);
    const table = await sim.exec("R2", "show ip bgp");
    expect(table).toMatch(/^\*>i1\.1\.1\.1\/32 +1\.1\.1\.1 +0 +250 +0 i$/m);
    expect(table).toMatch(/^\*>i10\.1\.0\.0\/16 +1\.1\.1\.1 +250 +0 i$/m);
    expect(table).toMatch(/^\*>i10\.1\.1\.0\/24 +1\.1\.1\.1 +7 +250 +0 \?$/m);
    expect(table).toMatch(/^\*>i10\.1\.2\.0\/24 +1\.1\.1\.1 +7 +250 +0 \?$/m);
    // 172.20.0.0/24 fails the prefix-list; the link's 10.0.12.0/24 passes it.
    expect(table).not.toContain("172.20.0.0");
    expect(table).toMatch(/^\*>i10\.0\.12\.0\/24 +1\.1\.1\.1 +7 +250 +0 \?$/m);
    const routes = await sim.exec("R2", "show ip route");
    expect(routes).toMatch(/^B {8}10\.1\.1\.0\/24 \[200\/7\] via 1\.1\.1\.1, /m);

    // The engineer widens the prefix-list: 172.20.0.0/24 follows on the live session.
    await sim.transcript("R1", ["configure terminal", "ip prefix-list TEN seq 10 permit 172.20.0.0/16 le 24", "end"]);
    sim.advance(5_000);
    expect(await sim.exec("R2", "show ip bgp")).toMatch(/^\*>i172\.20\.0\.0\/24 +1\.1\.1\.1 +7 +250 +0 \?$/m);
    // And an entry gone from the RIB is withdrawn: Loopback2 shut.
    await sim.transcript("R1", ["configure terminal", "interface Loopback2", "shutdown", "end"]);
    sim.advance(5_000);
    expect(await sim.exec("R2", "show ip bgp")).not.toContain("10.1.2.0");
  });

  it("stops a neighbor that sends more prefixes than maximum-prefix allows until clear ip bgp, with Cease 6/1", async () => {
    const r2 = R2.replace("  neighbor 1.1.1.1 route-map IN in\n", "  neighbor 1.1.1.1 route-map IN in\n  neighbor 1.1.1.1 maximum-prefix 4\n");
    sim = new Simulation({ nodes: { R1, R2: r2 }, links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]] });
    sim.advance(60_000);
    const log = (node: string) => sim!.node(node).log.map((l) => l.text);
    expect(log("R2")).toContain("%BGP-4-MAXPFX: No. of prefix received from 1.1.1.1 (afi 0) reaches 3, max 4");
    expect(log("R2")).toContain("%BGP-3-MAXPFXEXCEED: No. of prefix received from 1.1.1.1 (afi 0): 5 exceed limit 4");
    expect(log("R1")).toContain("%BGP-3-NOTIFICATION: received from neighbor 2.2.2.2 6/1 (Maximum Number of Prefixes Reached) 0 bytes");
    sim.advance(120_000);
    expect(await sim.exec("R2", "show ip bgp summary")).toMatch(/^1\.1\.1\.1 .* Idle \(PfxCt\)$/m);
    expect(await sim.exec("R2", "show ip route")).not.toMatch(/^B /m);
    await sim.transcript("R2", ["configure terminal", "router bgp 65000", "address-family ipv4", "neighbor 1.1.1.1 maximum-prefix 100", "end", "clear ip bgp 1.1.1.1"]);
    sim.advance(60_000);
    expect(await sim.exec("R2", "show ip bgp summary")).toMatch(/^1\.1\.1\.1 .* +5$/m);
  });
});
