// BGP policy that really filters, from config, between an eBGP pair: community lists
// (standard and expanded), AS-path access lists, access lists and prefix-lists in route-maps
// and as a neighbor's filter-list / prefix-list; set clauses (community additive, as-path
// prepend, metric, local preference, origin); soft-reconfiguration inbound with
// received-routes / routes / advertised-routes and `clear ip bgp X soft in`; maximum-prefix
// with restart.
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

// R1 (AS 65001) originates four /24s, each tagged by its network route-map, and prepends its
// own AS twice to 10.1.4.0/24 on the way out.
const R1 = `hostname R1
interface Loopback1
 ip address 10.1.1.1 255.255.255.0
interface Loopback2
 ip address 10.1.2.1 255.255.255.0
interface Loopback3
 ip address 10.1.3.1 255.255.255.0
interface Loopback4
 ip address 10.1.4.1 255.255.255.0
interface Ethernet0/0
 ip address 10.0.12.1 255.255.255.0
ip prefix-list FOUR seq 5 permit 10.1.4.0/24
route-map C100 permit 10
 set community 65001:100
route-map C200 permit 10
 set community 65001:200 65001:201 65001:300
route-map OUT permit 10
 match ip address prefix-list FOUR
 set as-path prepend 65001 65001
route-map OUT permit 20
router bgp 65001
 neighbor 10.0.12.2 remote-as 65000
 address-family ipv4
  network 10.1.1.0 mask 255.255.255.0 route-map C100
  network 10.1.2.0 mask 255.255.255.0 route-map C200
  network 10.1.3.0 mask 255.255.255.0
  network 10.1.4.0 mask 255.255.255.0
  neighbor 10.0.12.2 send-community
  neighbor 10.0.12.2 route-map OUT out
 exit-address-family
`;

// R2 (AS 65000): 65001:2xx is refused, 65001:100 gets local preference 300 and 65000:1 on
// top, 10.1.3.0/24 (access list 10) gets metric 50, anything else only if its path is R1's
// AS once (as-path list 5).
const R2 = `hostname R2
interface Ethernet0/0
 ip address 10.0.12.2 255.255.255.0
ip bgp-community new-format
ip community-list standard C100 permit 65001:100
ip community-list expanded C2XX permit ^65001:2
ip community-list standard C300 permit 65001:300
ip as-path access-list 5 permit ^65001$
access-list 10 permit 10.1.3.0 0.0.0.255
route-map IN deny 5
 match community C2XX
route-map IN permit 10
 match community C100
 set local-preference 300
 set community 65000:1 additive
route-map IN permit 20
 match ip address 10
 set metric 50
 set origin incomplete
route-map IN permit 30
 match as-path 5
router bgp 65000
 neighbor 10.0.12.1 remote-as 65001
 address-family ipv4
  neighbor 10.0.12.1 soft-reconfiguration inbound
  neighbor 10.0.12.1 route-map IN in
 exit-address-family
`;

const link = [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]] as const;

describe("BGP policy matching", () => {
  it("filters on communities, AS paths and access lists and applies the set clauses", async () => {
    sim = new Simulation({ nodes: { R1, R2 }, links: link.map((l) => [...l]) });
    sim.advance(60_000);
    const table = await sim.exec("R2", "show ip bgp");
    expect(table).toMatch(/^\*> 10\.1\.1\.0\/24 +10\.0\.12\.1 +0 +300 +0 65001 i$/m);
    expect(table).toMatch(/^\*> 10\.1\.3\.0\/24 +10\.0\.12\.1 +50 +0 65001 \?$/m);
    expect(table).not.toContain("10.1.2.0"); // 65001:200 matches ^65001:2
    expect(table).not.toContain("10.1.4.0"); // 65001 65001 65001 is not ^65001$
    const entry = await sim.exec("R2", "show ip bgp 10.1.1.0/24");
    expect(entry).toContain("Community: 65001:100 65000:1");

    // Soft reconfiguration keeps what policy refused, as received.
    const received = await sim.exec("R2", "show ip bgp neighbors 10.0.12.1 received-routes");
    expect(received).toMatch(/^\*  10\.1\.2\.0\/24 +10\.0\.12\.1 +0 +0 65001 i$/m);
    expect(received).toMatch(/^\*  10\.1\.4\.0\/24 +10\.0\.12\.1 +0 +0 65001 65001 65001 i$/m);
    expect(received).toContain("Total number of prefixes 4");
    const routes = await sim.exec("R2", "show ip bgp neighbors 10.0.12.1 routes");
    expect(routes).toContain("Total number of prefixes 2");
    const detail = await sim.exec("R2", "show ip bgp neighbors 10.0.12.1");
    expect(detail).toContain("  Inbound soft reconfiguration allowed\n  Inbound path policy configured\n  Route map for incoming advertisements is IN\n");
    const advertised = await sim.exec("R1", "show ip bgp neighbors 10.0.12.2 advertised-routes");
    expect(advertised).toContain("Total number of prefixes 4");

    // The engineer lets R1's prepended path in; the stored routes are run through it again.
    await sim.transcript("R2", ["configure terminal", "ip as-path access-list 5 permit ^65001(_65001)*$", "end", "clear ip bgp 10.0.12.1 soft in"]);
    sim.advance(5_000);
    expect(await sim.exec("R2", "show ip bgp")).toMatch(/^\*> 10\.1\.4\.0\/24 +10\.0\.12\.1 +0 +0 65001 65001 65001 i$/m);
  });

  it("applies a neighbor's prefix-list, distribute-list and filter-list, and a refused route is withdrawn", async () => {
    const r2 = R2.replace("  neighbor 10.0.12.1 route-map IN in\n", "  neighbor 10.0.12.1 prefix-list NOT3 in\n  neighbor 10.0.12.1 filter-list 5 in\n").replace(
      "ip bgp-community new-format\n",
      "ip prefix-list NOT3 seq 5 deny 10.1.3.0/24\nip prefix-list NOT3 seq 10 permit 0.0.0.0/0 le 32\n",
    );
    sim = new Simulation({ nodes: { R1, R2: r2 }, links: link.map((l) => [...l]) });
    sim.advance(60_000);
    const table = await sim.exec("R2", "show ip bgp");
    expect(table).toContain("10.1.1.0/24");
    expect(table).toContain("10.1.2.0/24");
    expect(table).not.toContain("10.1.3.0"); // the prefix-list
    expect(table).not.toContain("10.1.4.0"); // the filter-list
    // Outbound on R1: a prefix-list refusing 10.1.1.0/24 takes it away from R2.
    await sim.transcript("R1", [
      "configure terminal",
      "ip prefix-list NOT1 seq 5 deny 10.1.1.0/24",
      "ip prefix-list NOT1 seq 10 permit 0.0.0.0/0 le 32",
      "router bgp 65001",
      "address-family ipv4",
      "neighbor 10.0.12.2 prefix-list NOT1 out",
      "end",
    ]);
    sim.advance(5_000);
    const after = await sim.exec("R2", "show ip bgp");
    expect(after).not.toContain("10.1.1.0");
    expect(after).toContain("10.1.2.0/24");
    // And a distribute-list (access list 20 refuses 10.1.2.0/24) on top of it.
    await sim.transcript("R1", ["configure terminal", "access-list 20 deny 10.1.2.0 0.0.0.255", "access-list 20 permit any", "router bgp 65001", "address-family ipv4", "neighbor 10.0.12.2 distribute-list 20 out", "end"]);
    sim.advance(5_000);
    const last = await sim.exec("R2", "show ip bgp");
    expect(last).not.toContain("10.1.2.0");
    expect(await sim.exec("R1", "show ip bgp neighbors 10.0.12.2")).toContain("  Outgoing update network filter list is 20\n  Outgoing update prefix filter list is NOT1\n");
  });

  it("restarts a neighbor stopped by maximum-prefix after the restart interval", async () => {
    const r2 = R2.replace("  neighbor 10.0.12.1 route-map IN in\n", "  neighbor 10.0.12.1 maximum-prefix 3 restart 2\n");
    sim = new Simulation({ nodes: { R1, R2: r2 }, links: link.map((l) => [...l]) });
    sim.advance(30_000);
    const log = () => sim!.node("R2").log.map((l) => l.text);
    expect(log()).toContain("%BGP-3-MAXPFXEXCEED: No. of prefix received from 10.0.12.1 (afi 0): 4 exceed limit 3");
    expect(sim.node("R1").log.map((l) => l.text)).toContain("%BGP-3-NOTIFICATION: received from neighbor 10.0.12.2 6/1 (Maximum Number of Prefixes Reached) 0 bytes");
    expect(await sim.exec("R2", "show ip bgp summary")).toMatch(/^10\.0\.12\.1 .* Idle \(PfxCt\)$/m);
    const detail = await sim.exec("R2", "show ip bgp neighbors 10.0.12.1");
    expect(detail).toContain("  Maximum prefixes allowed 3\n  Threshold for warning message 75%, restart interval 2 min\n");
    expect(detail).toMatch(/^  Peer had exceeded the max\. no\. of prefixes configured\.\n  Reduce the no\. of prefix from 10\.0\.12\.1, will restart in 00:01:[345]\d$/m);
    // Still down a minute later; up again after two, and stopped again by the same four.
    sim.advance(60_000);
    expect(await sim.exec("R2", "show ip bgp summary")).toMatch(/Idle \(PfxCt\)$/m);
    const exceeded = () => log().filter((l) => l.startsWith("%BGP-3-MAXPFXEXCEED")).length;
    expect(exceeded()).toBe(1);
    sim.advance(90_000);
    expect(exceeded()).toBe(2);
  });

  it("sends an as-set, summary-only aggregate of received routes in place of them", async () => {
    const r2 = `hostname R2
interface Ethernet0/0
 ip address 10.0.12.2 255.255.255.0
interface Ethernet0/1
 ip address 10.0.23.2 255.255.255.0
router bgp 65000
 neighbor 10.0.12.1 remote-as 65001
 neighbor 10.0.23.3 remote-as 65003
 address-family ipv4
  aggregate-address 10.1.0.0 255.255.0.0 as-set summary-only
 exit-address-family
`;
    const r3 = `hostname R3
interface Ethernet0/0
 ip address 10.0.23.3 255.255.255.0
router bgp 65003
 neighbor 10.0.23.2 remote-as 65000
`;
    sim = new Simulation({
      nodes: { R1, R2: r2, R3: r3 },
      links: [
        [{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }],
        [{ node: "R2", iface: "Ethernet0/1" }, { node: "R3", iface: "Ethernet0/0" }],
      ],
    });
    sim.advance(60_000);
    const r2Table = await sim.exec("R2", "show ip bgp");
    expect(r2Table).toMatch(/^\*> 10\.1\.0\.0\/16 +0\.0\.0\.0 +32768 \{65001\} i$/m);
    expect(r2Table).toMatch(/^s> 10\.1\.1\.0\/24 +10\.0\.12\.1 +0 +0 65001 i$/m);
    const r3Table = await sim.exec("R3", "show ip bgp");
    expect(r3Table).toMatch(/^\*> 10\.1\.0\.0\/16 +10\.0\.23\.2 +0 65000 \{65001\} i$/m);
    expect(r3Table).not.toContain("10.1.1.0");
    expect(r3Table).not.toContain("10.1.4.0");
    const entry = await sim.exec("R3", "show ip bgp 10.1.0.0/16");
    expect(entry).not.toContain("atomic-aggregate");
    expect(entry).toContain("Aggregated by 65000 ");
    // R1 refuses the aggregate: its AS is in the AS_SET.
    expect(await sim.exec("R1", "show ip bgp")).not.toContain("10.1.0.0/16");
    // Components withdrawn one by one: the aggregate goes with the last.
    await sim.transcript("R1", ["configure terminal", "router bgp 65001", "address-family ipv4", "no network 10.1.1.0 mask 255.255.255.0", "no network 10.1.2.0 mask 255.255.255.0", "no network 10.1.3.0 mask 255.255.255.0", "no network 10.1.4.0 mask 255.255.255.0", "end"]);
    sim.advance(10_000);
    expect(await sim.exec("R3", "show ip bgp")).not.toContain("10.1.0.0");
  });

  it("rewrites route targets on VPNv4 routes in: a route-map matching an extcommunity list adds an RT that imports the route into a second VRF", async () => {
    const vrf = (name: string, rd: string, exp: string, imp: string) =>
      `vrf definition ${name}\n rd ${rd}\n route-target export ${exp}\n route-target import ${imp}\n address-family ipv4\n exit-address-family\n`;
    const pe1 = `hostname PE1
${vrf("A", "1:1", "1:1", "1:1")}interface Loopback0
 ip address 1.1.1.1 255.255.255.255
interface Loopback10
 vrf forwarding A
 ip address 172.16.1.1 255.255.255.0
interface Loopback11
 vrf forwarding A
 ip address 172.16.2.1 255.255.255.0
interface Ethernet0/0
 ip address 10.0.12.1 255.255.255.0
ip route 2.2.2.2 255.255.255.255 10.0.12.2
router bgp 65000
 neighbor 2.2.2.2 remote-as 65000
 neighbor 2.2.2.2 update-source Loopback0
 address-family vpnv4
  neighbor 2.2.2.2 activate
  neighbor 2.2.2.2 send-community extended
 exit-address-family
 address-family ipv4 vrf A
  redistribute connected
 exit-address-family
`;
    const pe2 = `hostname PE2
${vrf("A", "2:1", "2:1", "1:1")}${vrf("B", "2:2", "2:2", "9:9")}interface Loopback0
 ip address 2.2.2.2 255.255.255.255
interface Ethernet0/0
 ip address 10.0.12.2 255.255.255.0
ip route 1.1.1.1 255.255.255.255 10.0.12.1
ip extcommunity-list 1 permit rt 1:1
ip prefix-list ONE seq 5 permit 172.16.1.0/24
route-map RT permit 10
 match extcommunity 1
 match ip address prefix-list ONE
 set extcommunity rt 9:9 additive
route-map RT permit 20
router bgp 65000
 neighbor 1.1.1.1 remote-as 65000
 neighbor 1.1.1.1 update-source Loopback0
 address-family vpnv4
  neighbor 1.1.1.1 activate
  neighbor 1.1.1.1 send-community extended
  neighbor 1.1.1.1 route-map RT in
 exit-address-family
`;
    sim = new Simulation({ nodes: { PE1: pe1, PE2: pe2 }, links: [[{ node: "PE1", iface: "Ethernet0/0" }, { node: "PE2", iface: "Ethernet0/0" }]] });
    sim.advance(60_000);
    const a = await sim.exec("PE2", "show ip bgp vpnv4 vrf A");
    expect(a).toContain("172.16.1.0/24");
    expect(a).toContain("172.16.2.0/24");
    const b = await sim.exec("PE2", "show ip bgp vpnv4 vrf B");
    expect(b).toContain("172.16.1.0/24");
    expect(b).not.toContain("172.16.2.0");
    expect(await sim.exec("PE2", "show ip bgp vpnv4 all 172.16.1.0/24")).toContain("Extended Community: RT:1:1 RT:9:9");
  });

  it("deletes the communities a list permits with set comm-list … delete", async () => {
    const r2 = R2.replace("neighbor 10.0.12.1 route-map IN in", "neighbor 10.0.12.1 route-map STRIP in") + "route-map STRIP permit 10\n set comm-list C300 delete\n";
    sim = new Simulation({ nodes: { R1, R2: r2 }, links: link.map((l) => [...l]) });
    sim.advance(60_000);
    expect(await sim.exec("R2", "show ip bgp 10.1.2.0/24")).toMatch(/^ {6}Community: 65001:200 65001:201$/m);
    expect(await sim.exec("R2", "show ip bgp neighbors 10.0.12.1 received-routes")).toContain("10.1.2.0/24");
  });
});
