// VRF-scoped BGP options on three PEs sharing one Ethernet segment, iBGP VPNv4 between them,
// from config alone: `maximum-paths ibgp N` inside `address-family ipv4 vrf X` governs that
// VRF's table only (PE1 and PE2 both advertise 192.168.50.0/24 in VRFs A and B; PE3 takes
// both paths in A, one in B), and `aggregate-address … summary-only` inside a VRF's family
// keeps the more specific routes out of VPNv4, sending the aggregate with the VRF's
// aggregate label.
import { afterEach, describe, expect, it } from "vitest";
import { mplsSubsystem } from "../routing/mpls-subsystem";
import { Simulation } from "./harness";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

const VRFS = (n: number) => `vrf definition A
 rd ${n}:1
 route-target export 65000:1
 route-target import 65000:1
 address-family ipv4
 exit-address-family
vrf definition B
 rd ${n}:2
 route-target export 65000:2
 route-target import 65000:2
 address-family ipv4
 exit-address-family
`;

/** PE1 and PE2: the same customer prefix in A and B; PE1 also two /24s under a summary. */
const EDGE = (n: number, extra: string, af: string) => `hostname PE${n}
${VRFS(n)}interface Loopback10
 vrf forwarding A
 ip address 192.168.50.${n} 255.255.255.0
interface Loopback20
 vrf forwarding B
 ip address 192.168.50.${n} 255.255.255.0
${extra}interface Ethernet0/0
 ip address 10.0.0.${n} 255.255.255.0
 mpls bgp forwarding
router bgp 65000
 neighbor 10.0.0.3 remote-as 65000
 address-family vpnv4
  neighbor 10.0.0.3 activate
  neighbor 10.0.0.3 send-community extended
 exit-address-family
 address-family ipv4 vrf A
  redistribute connected
${af} exit-address-family
 address-family ipv4 vrf B
  redistribute connected
 exit-address-family
`;

const PE1 = EDGE(
  1,
  `interface Loopback11
 vrf forwarding A
 ip address 10.10.1.1 255.255.255.0
interface Loopback12
 vrf forwarding A
 ip address 10.10.2.1 255.255.255.0
`,
  "  aggregate-address 10.10.0.0 255.255.0.0 summary-only\n",
);
const PE2 = EDGE(2, "", "");
const PE3 = `hostname PE3
${VRFS(3)}interface Loopback10
 vrf forwarding A
 ip address 192.168.60.3 255.255.255.0
interface Ethernet0/0
 ip address 10.0.0.3 255.255.255.0
 mpls bgp forwarding
router bgp 65000
 neighbor 10.0.0.1 remote-as 65000
 neighbor 10.0.0.2 remote-as 65000
 address-family ipv4
  maximum-paths ibgp 4
 exit-address-family
 address-family vpnv4
  neighbor 10.0.0.1 activate
  neighbor 10.0.0.1 send-community extended
  neighbor 10.0.0.2 activate
  neighbor 10.0.0.2 send-community extended
 exit-address-family
 address-family ipv4 vrf A
  redistribute connected
  maximum-paths ibgp 2
 exit-address-family
`;

function start(): Simulation {
  sim = new Simulation({
    nodes: { PE1, PE2, PE3 },
    links: [[{ node: "PE1", iface: "Ethernet0/0" }, { node: "PE2", iface: "Ethernet0/0" }, { node: "PE3", iface: "Ethernet0/0" }]],
  });
  sim.advance(60_000);
  return sim;
}

describe("BGP VPNv4 per-VRF maximum-paths and summary-only", () => {
  it("installs both PEs' paths in the VRF whose family says maximum-paths ibgp 2, one in the VRF without it", async () => {
    const s = start();
    const a = await s.exec("PE3", "show ip bgp vpnv4 vrf A");
    expect(a).toMatch(/^\*>i192\.168\.50\.0 +10\.0\.0\.1 +0 +100 +0 \?$/m);
    expect(a).toMatch(/^\*mi +10\.0\.0\.2 +0 +100 +0 \?$/m);
    const entry = await s.exec("PE3", "show ip bgp vpnv4 vrf A 192.168.50.0");
    // IOS names the table's multipath, and marks the multipath that came first after the best.
    expect(entry).toMatch(/Paths: \(2 available, best #1, table A\)\nMultipath: iBGP\n/);
    expect(entry).toMatch(/Origin incomplete, metric 0, localpref 100, valid, internal, multipath\(oldest\)\n/);
    expect(entry).toMatch(/Origin incomplete, metric 0, localpref 100, valid, internal, multipath, best\n/);
    const routes = await s.exec("PE3", "show ip route vrf A");
    expect(routes).toMatch(/^B {5}192\.168\.50\.0\/24 \[200\/0\] via 10\.0\.0\.1, \d\d:\d\d:\d\d\n {22}\[200\/0\] via 10\.0\.0\.2, \d\d:\d\d:\d\d$/m);

    // VRF B has no maximum-paths of its own: the global family's ibgp 4 does not reach it.
    const b = await s.exec("PE3", "show ip bgp vpnv4 vrf B");
    expect(b).toMatch(/^\*>i192\.168\.50\.0 +10\.0\.0\.1 /m);
    expect(b).toMatch(/^\* i +10\.0\.0\.2 /m);
    expect(await s.exec("PE3", "show ip route vrf B")).toMatch(/^B {5}192\.168\.50\.0\/24 \[200\/0\] via 10\.0\.0\.1, \d\d:\d\d:\d\d$/m);
    expect(await s.exec("PE3", "show ip bgp vpnv4 vrf B 192.168.50.0")).not.toContain("multipath");

    // Taken away on a live session: one path again.
    await s.transcript("PE3", ["configure terminal", "router bgp 65000", "address-family ipv4 vrf A", "no maximum-paths ibgp", "end"]);
    s.advance(1_000);
    expect(await s.exec("PE3", "show ip bgp vpnv4 vrf A")).toMatch(/^\* i +10\.0\.0\.2 /m);
    expect(await s.exec("PE3", "show ip route vrf A")).not.toContain("via 10.0.0.2");
  });

  it("forwards the VRF's traffic over both multipaths, each under its PE's VPN label", async () => {
    const s = start();
    const pe3 = s.node("PE3").router;
    const fib = pe3.stack.vrf("A")!.fib.lookup(0xc0a83209);
    expect(fib?.kind === "forward" ? fib.paths.map((p) => [p.nextHop, p.labels?.length]) : []).toEqual([
      [0x0a000001, 1],
      [0x0a000002, 1],
    ]);
  });

  it("sends a VRF's summary-only aggregate with the aggregate label in place of the routes beneath it", async () => {
    const s = start();
    const own = await s.exec("PE1", "show ip bgp vpnv4 vrf A");
    expect(own).toMatch(/^\*> 10\.10\.0\.0\/16 +0\.0\.0\.0 +32768 i$/m);
    expect(own).toMatch(/^s> 10\.10\.1\.0\/24 +0\.0\.0\.0 +0 +32768 \?$/m);
    expect(own).toMatch(/^s> 10\.10\.2\.0\/24 +0\.0\.0\.0 +0 +32768 \?$/m);
    const labels = await s.exec("PE1", "show ip bgp vpnv4 vrf A labels");
    expect(labels).toMatch(/^ {3}10\.10\.0\.0\/16 +0\.0\.0\.0 +\d+\/aggregate\(A\)$/m);

    const remote = await s.exec("PE3", "show ip bgp vpnv4 all");
    expect(remote).toMatch(/^\*>i10\.10\.0\.0\/16 +10\.0\.0\.1 +100 +0 i$/m);
    expect(remote).not.toContain("10.10.1.0");
    expect(remote).not.toContain("10.10.2.0");
    // The label PE3 imposes is PE1's aggregate label, disposed by an IP lookup in VRF A.
    const pe1Aggregate = [...s.node("PE1").router.subsystem(mplsSubsystem).lfib.entries()].find((e) => e.action.kind === "vrf-lookup" && e.action.aggregate);
    expect(pe1Aggregate).toBeDefined();
    expect(await s.exec("PE3", "show ip bgp vpnv4 all labels")).toMatch(new RegExp(`^ {3}10\\.10\\.0\\.0/16 +10\\.0\\.0\\.1 +nolabel/${pe1Aggregate!.label}$`, "m"));
    expect(await s.exec("PE3", "ping vrf A 10.10.2.1 source Loopback10 repeat 2")).toContain("Success rate is 100 percent (2/2)");

    // No summary-only: the more specific routes follow.
    await s.transcript("PE1", ["configure terminal", "router bgp 65000", "address-family ipv4 vrf A", "aggregate-address 10.10.0.0 255.255.0.0", "end"]);
    s.advance(1_000);
    const after = await s.exec("PE3", "show ip bgp vpnv4 all");
    expect(after).toMatch(/^\*>i10\.10\.1\.0\/24 +10\.0\.0\.1 +0 +100 +0 \?$/m);
    expect(after).toMatch(/^\*>i10\.10\.0\.0\/16 +10\.0\.0\.1 +100 +0 i$/m);
  });
});
