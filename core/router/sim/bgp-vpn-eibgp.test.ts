// `maximum-paths eibgp N` on a PE, from config alone: CE1 (eBGP inside VRF A on PE1) and
// PE2 (iBGP VPNv4, its own CE2 behind it) both announce 192.168.99.0/24 with equal
// attributes (AS path 65010, origin incomplete, MED 0, local preference 100). Without eibgp
// multipath PE1 installs only its best, the eBGP path; with `maximum-paths eibgp 2` in
// `address-family ipv4 vrf A` it installs both: the CE's next hop in the VRF and the remote
// PE's through the global table under PE2's VPN label, and the VRF's FIB shares traffic
// over the two.
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

const VRF = (n: number) => `vrf definition A
 rd ${n}:1
 route-target export 65000:1
 route-target import 65000:1
 address-family ipv4
 exit-address-family
`;

/** A CE in AS 65010 announcing the shared prefix (its own address in it differs). */
const CE = (n: number) => `hostname CE${n}
interface Loopback0
 ip address 192.168.99.${n} 255.255.255.0
interface Ethernet0/0
 ip address 172.16.${n}.2 255.255.255.0
router bgp 65010
 neighbor 172.16.${n}.1 remote-as 65000
 address-family ipv4
  redistribute connected
 exit-address-family
`;

/** PE`n`: CE`n` on Ethernet0/1 in VRF A, the other PE over Ethernet0/0. */
const PE = (n: number, af: string) => `hostname PE${n}
${VRF(n)}interface Ethernet0/0
 ip address 10.0.0.${n} 255.255.255.0
 mpls bgp forwarding
interface Ethernet0/1
 vrf forwarding A
 ip address 172.16.${n}.1 255.255.255.0
router bgp 65000
 neighbor 10.0.0.${3 - n} remote-as 65000
 address-family vpnv4
  neighbor 10.0.0.${3 - n} activate
  neighbor 10.0.0.${3 - n} send-community extended
 exit-address-family
 address-family ipv4 vrf A
  neighbor 172.16.${n}.2 remote-as 65010
  neighbor 172.16.${n}.2 activate
${af} exit-address-family
`;

function start(pe1Af: string): Simulation {
  sim = new Simulation({
    nodes: { CE1: CE(1), PE1: PE(1, pe1Af), PE2: PE(2, ""), CE2: CE(2) },
    links: [
      [{ node: "CE1", iface: "Ethernet0/0" }, { node: "PE1", iface: "Ethernet0/1" }],
      [{ node: "PE1", iface: "Ethernet0/0" }, { node: "PE2", iface: "Ethernet0/0" }],
      [{ node: "PE2", iface: "Ethernet0/1" }, { node: "CE2", iface: "Ethernet0/0" }],
    ],
  });
  sim.advance(60_000);
  return sim;
}

/** PE1's VRF A forwarding for an address in the shared prefix: [next hop, labels] per path. */
function fibPaths(s: Simulation): [number | undefined, number][] {
  const fib = s.node("PE1").router.stack.vrf("A")!.fib.lookup(0xc0a86309);
  return fib?.kind === "forward" ? fib.paths.map((p) => [p.nextHop, p.labels?.length ?? 0]) : [];
}

const CE1_NH = 0xac100102; // 172.16.1.2
const PE2_NH = 0x0a000002; // 10.0.0.2

describe("BGP eiBGP multipath in a VRF (maximum-paths eibgp)", () => {
  it("installs the CE's eBGP path and the remote PE's iBGP path together with maximum-paths eibgp 2, both in the FIB", async () => {
    const s = start("  maximum-paths eibgp 2\n");
    const table = await s.exec("PE1", "show ip bgp vpnv4 vrf A");
    expect(table).toMatch(/^\*> +192\.168\.99\.0 +172\.16\.1\.2 +0 +0 65010 \?$/m);
    expect(table).toMatch(/^\*mi +10\.0\.0\.2 +0 +100 +0 65010 \?$/m);

    const entry = await s.exec("PE1", "show ip bgp vpnv4 vrf A 192.168.99.0");
    expect(entry).toMatch(/Paths: \(2 available, best #1, table A\)\nMultipath: eiBGP\n/);
    expect(entry).toMatch(/Origin incomplete, metric 0, localpref 100, valid, external, multipath, best\n/);
    expect(entry).toMatch(/imported path from 2:1:192\.168\.99\.0\/24 \(global\)\n.*\n +Origin incomplete, metric 0, localpref 100, valid, internal, multipath\(oldest\)\n/);

    // The route carries both next hops: the CE in the VRF, the remote PE through the global
    // table, each descriptor naming the neighbor it came from.
    const route = await s.exec("PE1", "show ip route vrf A 192.168.99.0");
    expect(route).toMatch(/^ {2}\* 172\.16\.1\.2, from 172\.16\.1\.2, /m);
    expect(route).toMatch(/^ {4}10\.0\.0\.2 \(default\), from 10\.0\.0\.2, .*\n.*\n {6}MPLS label: \d+\n/m);
    expect(await s.exec("PE1", "show ip route vrf A")).toMatch(/^B {5}192\.168\.99\.0\/24 \[20\/0\] via 172\.16\.1\.2, \d\d:\d\d:\d\d\n {22}\[20\/0\] via 10\.0\.0\.2, \d\d:\d\d:\d\d$/m);
    // Both in the FIB: plain IP to CE1, labelled towards PE2 under its VPN label.
    expect(fibPaths(s)).toEqual([
      [CE1_NH, 0],
      [PE2_NH, 1],
    ]);

    // Taken away on a live session: the best alone again.
    await s.transcript("PE1", ["configure terminal", "router bgp 65000", "address-family ipv4 vrf A", "no maximum-paths eibgp", "end"]);
    s.advance(1_000);
    expect(await s.exec("PE1", "show running-config")).not.toContain("eibgp");
    expect(fibPaths(s)).toEqual([[CE1_NH, 0]]);
    expect(await s.exec("PE1", "show ip route vrf A 192.168.99.0")).not.toContain("10.0.0.2");
  });

  it("installs only the best path, the CE's, without it, and both once it is configured on the running PE", async () => {
    const s = start("");
    const table = await s.exec("PE1", "show ip bgp vpnv4 vrf A");
    expect(table).toMatch(/^\*> +192\.168\.99\.0 +172\.16\.1\.2 +0 +0 65010 \?$/m);
    expect(table).toMatch(/^\* i +10\.0\.0\.2 +0 +100 +0 65010 \?$/m);
    expect(await s.exec("PE1", "show ip bgp vpnv4 vrf A 192.168.99.0")).not.toContain("ultipath");
    expect(await s.exec("PE1", "show ip route vrf A 192.168.99.0")).not.toContain("10.0.0.2");
    expect(fibPaths(s)).toEqual([[CE1_NH, 0]]);

    const said = await s.transcript("PE1", ["configure terminal", "router bgp 65000", "address-family ipv4 vrf A", "maximum-paths eibgp 2", "end"]);
    expect(said).not.toContain("%");
    s.advance(1_000);
    expect(await s.exec("PE1", "show running-config")).toContain(" address-family ipv4 vrf A\n  neighbor 172.16.1.2 remote-as 65010\n  neighbor 172.16.1.2 activate\n  maximum-paths eibgp 2\n exit-address-family\n");
    expect(await s.exec("PE1", "show ip bgp vpnv4 vrf A")).toMatch(/^\*mi +10\.0\.0\.2 /m);
    expect(fibPaths(s)).toEqual([
      [CE1_NH, 0],
      [PE2_NH, 1],
    ]);
  });
});

describe("BGP summaries on a PE", () => {
  it("lists a VRF's CE neighbor under vpnv4 all, not in the global IPv4 summary", async () => {
    const s = start("");
    const neighbors = (text: string) => [...text.matchAll(/^(\d+\.\d+\.\d+\.\d+) +4 /gm)].map((m) => m[1]);
    expect(neighbors(await s.exec("PE1", "show ip bgp summary"))).toEqual(["10.0.0.2"]);
    expect(neighbors(await s.exec("PE1", "show ip bgp vpnv4 all summary"))).toEqual(["10.0.0.2", "172.16.1.2"]);
    expect(neighbors(await s.exec("PE1", "show ip bgp vpnv4 vrf A summary"))).toEqual(["172.16.1.2"]);
  });
});

