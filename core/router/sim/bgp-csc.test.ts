// Carrier Supporting Carrier with BGP labels (`neighbor X send-label` in `address-family ipv4
// vrf V`, RFC 8277 between a PE and a CE inside a VRF), from config alone: two customer-carrier
// CEs run labelled IPv4 unicast in their global table to a backbone PE each; the PEs are joined
// by a GRE tunnel with `mpls bgp forwarding` and iBGP VPNv4. CE2 originates its loopback
// (implicit null) and a static route's prefix toward H (a label of its own). Each PE's VPN label
// for a CE route swaps to the CE's label (pops for its implicit null) rather than popping into
// the VRF, and each PE gives its CE a label of its own for the other PE's routes, which swaps
// to that PE's VPN label. CE1's traffic crosses labelled end to end.
import { afterEach, describe, expect, it } from "vitest";
import { mplsSubsystem } from "../routing/mpls-subsystem";
import { parsePrefix } from "../wire/addr";
import { Simulation } from "./harness";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

const CE1 = `hostname CE1
interface Loopback0
 ip address 1.1.1.1 255.255.255.255
interface Ethernet0/0
 ip address 10.1.1.2 255.255.255.0
router bgp 65001
 neighbor 10.1.1.1 remote-as 100
 address-family ipv4
  network 1.1.1.1 mask 255.255.255.255
  neighbor 10.1.1.1 send-label
 exit-address-family
`;
const CE2 = `hostname CE2
interface Loopback0
 ip address 2.2.2.2 255.255.255.255
interface Ethernet0/0
 ip address 10.2.2.2 255.255.255.0
interface Ethernet0/1
 ip address 10.0.9.2 255.255.255.0
ip route 172.16.9.0 255.255.255.0 10.0.9.9
router bgp 65002
 neighbor 10.2.2.1 remote-as 100
 address-family ipv4
  network 2.2.2.2 mask 255.255.255.255
  network 172.16.9.0 mask 255.255.255.0
  neighbor 10.2.2.1 send-label
 exit-address-family
`;
const H = `hostname H
interface Loopback0
 ip address 172.16.9.1 255.255.255.0
interface Ethernet0/0
 ip address 10.0.9.9 255.255.255.0
ip route 0.0.0.0 0.0.0.0 10.0.9.2
`;
const PE = (n: 1 | 2, peer: 1 | 2, ceAs: number) => `hostname PE${n}
vrf definition V
 rd 100:1
 route-target export 100:1
 route-target import 100:1
 address-family ipv4
 exit-address-family
interface Tunnel0
 ip address 10.0.0.${n} 255.255.255.252
 mpls bgp forwarding
 tunnel source Ethernet0/1
 tunnel destination 172.16.12.${peer}
interface Ethernet0/0
 vrf forwarding V
 ip address 10.${n}.${n}.1 255.255.255.0
interface Ethernet0/1
 ip address 172.16.12.${n} 255.255.255.0
router bgp 100
 neighbor 10.0.0.${peer} remote-as 100
 neighbor 10.0.0.${peer} update-source Tunnel0
 address-family vpnv4
  neighbor 10.0.0.${peer} activate
  neighbor 10.0.0.${peer} send-community extended
 exit-address-family
 address-family ipv4 vrf V
  neighbor 10.${n}.${n}.2 remote-as ${ceAs}
  neighbor 10.${n}.${n}.2 activate
  neighbor 10.${n}.${n}.2 send-label
 exit-address-family
`;

function start(pe1 = PE(1, 2, 65001)): Simulation {
  sim = new Simulation({
    nodes: { CE1, PE1: pe1, PE2: PE(2, 1, 65002), CE2, H },
    links: [
      [{ node: "CE1", iface: "Ethernet0/0" }, { node: "PE1", iface: "Ethernet0/0" }],
      [{ node: "PE1", iface: "Ethernet0/1" }, { node: "PE2", iface: "Ethernet0/1" }],
      [{ node: "PE2", iface: "Ethernet0/0" }, { node: "CE2", iface: "Ethernet0/0" }],
      [{ node: "CE2", iface: "Ethernet0/1" }, { node: "H", iface: "Ethernet0/0" }],
    ],
  });
  sim.advance(60_000);
  return sim;
}

/** The local label `node` allocated for `prefix` in `vrf` ("" = global). */
const labelOf = (s: Simulation, node: string, vrf: string, prefix: string): number | undefined =>
  s.node(node).router.subsystem(mplsSubsystem).labels.labelOf({ kind: "prefix", vrf, prefix: parsePrefix(prefix)! });
const lfib = (s: Simulation, node: string, label: number) => s.node(node).router.subsystem(mplsSubsystem).lfib.lookup(label);

/** Every label of the test, all asserted to be allocated. */
function labels(s: Simulation) {
  const l = {
    // CE2's own label for the prefix behind it (its loopback is implicit null).
    ce2Static: labelOf(s, "CE2", "", "172.16.9.0/24"),
    // PE2's VPN labels for CE2's routes; PE1's labels for them toward CE1.
    pe2Loop: labelOf(s, "PE2", "V", "2.2.2.2/32"),
    pe2Static: labelOf(s, "PE2", "V", "172.16.9.0/24"),
    pe1Loop2: labelOf(s, "PE1", "V", "2.2.2.2/32"),
    pe1Static: labelOf(s, "PE1", "V", "172.16.9.0/24"),
    // PE1's VPN label for CE1's loopback; PE2's label for it toward CE2.
    pe1Loop1: labelOf(s, "PE1", "V", "1.1.1.1/32"),
    pe2Loop1: labelOf(s, "PE2", "V", "1.1.1.1/32"),
  };
  for (const [name, v] of Object.entries(l)) expect(v, name).toBeGreaterThanOrEqual(16);
  return l as { [K in keyof typeof l]: number };
}

describe("Carrier Supporting Carrier: send-label in a VRF address family", () => {
  it("negotiates labelled IPv4 unicast (AFI 1/SAFI 4) with the CE inside the VRF", async () => {
    const s = start();
    const out = await s.exec("PE1", "show ip bgp vpnv4 vrf V neighbors 10.1.1.2");
    expect(out).toContain("    ipv4 MPLS Label capability: advertised and received\n");
    expect(out).toContain("  Sending Prefix & Label\n");
    expect(await s.exec("CE1", "show ip bgp neighbors 10.1.1.1")).toContain("    ipv4 MPLS Label capability: advertised and received\n");
    // The CE's routes count as the VRF's in the VPNv4 summary (PfxRcd), as IOS counts them.
    expect(await s.exec("PE2", "show ip bgp vpnv4 all summary")).toMatch(/^10\.2\.2\.2 +4 +65002 +\d+ +\d+ +\d+ +0 +0 +[\d:]+ +2$/m);
    expect(await s.exec("PE1", "show running-config | section router bgp")).toContain(
      " address-family ipv4 vrf V\n  neighbor 10.1.1.2 remote-as 65001\n  neighbor 10.1.1.2 activate\n  neighbor 10.1.1.2 send-label\n exit-address-family\n",
    );
  });

  it("takes the CE's labels, exports them under VPN labels that swap to them, and labels the other PE's routes toward the CE", async () => {
    const s = start();
    const l = labels(s);
    // CE2 sends implicit null for its loopback, its own label for the prefix behind it.
    expect(await s.exec("PE2", "show ip bgp vpnv4 vrf V labels")).toBe(
      [
        "   Network          Next Hop      In label/Out label",
        "Route Distinguisher: 100:1 (V)",
        `   1.1.1.1/32       10.0.0.1        ${l.pe2Loop1}/${l.pe1Loop1}`,
        `   2.2.2.2/32       10.2.2.2        ${l.pe2Loop}/imp-null`,
        `   172.16.9.0/24    10.2.2.2        ${l.pe2Static}/${l.ce2Static}`,
        "",
      ].join("\n"),
    );
    // PE1 learns PE2's VPN labels and gives CE1 labels of its own for them.
    expect(await s.exec("PE1", "show ip bgp vpnv4 vrf V labels")).toBe(
      [
        "   Network          Next Hop      In label/Out label",
        "Route Distinguisher: 100:1 (V)",
        `   1.1.1.1/32       10.1.1.2        ${l.pe1Loop1}/imp-null`,
        `   2.2.2.2/32       10.0.0.2        ${l.pe1Loop2}/${l.pe2Loop}`,
        `   172.16.9.0/24    10.0.0.2        ${l.pe1Static}/${l.pe2Static}`,
        "",
      ].join("\n"),
    );
    expect(await s.exec("CE1", "show ip bgp labels")).toBe(
      [
        "   Network          Next Hop      In label/Out label",
        "   1.1.1.1/32       0.0.0.0         imp-null/nolabel",
        `   2.2.2.2/32       10.1.1.1        nolabel/${l.pe1Loop2}`,
        `   172.16.9.0/24    10.1.1.1        nolabel/${l.pe1Static}`,
        "",
      ].join("\n"),
    );
    expect(await s.exec("CE1", "show ip route 172.16.9.1")).toContain("MPLS label: " + l.pe1Static);

    // The VRF's LFIB: toward the CE, pop for its implicit null and swap to its label; toward
    // the other PE, swap to its VPN label (the tunnel's transport label is implicit null).
    const pe2 = await s.exec("PE2", "show mpls forwarding-table vrf V");
    expect(pe2).toMatch(new RegExp(`^${l.pe2Loop} +Pop Label +2\\.2\\.2\\.2/32\\[V\\] +0 +Et0/0 +10\\.2\\.2\\.2$`, "m"));
    expect(pe2).toMatch(new RegExp(`^${l.pe2Static} +${l.ce2Static} +172\\.16\\.9\\.0/24\\[V\\] +0 +Et0/0 +10\\.2\\.2\\.2$`, "m"));
    expect(pe2).toMatch(new RegExp(`^${l.pe2Loop1} +${l.pe1Loop1} +1\\.1\\.1\\.1/32\\[V\\] +0 +Tu0 +point2point$`, "m"));
    const pe1 = await s.exec("PE1", "show mpls forwarding-table vrf V detail");
    expect(pe1).toMatch(new RegExp(`^${l.pe1Static} +${l.pe2Static} +172\\.16\\.9\\.0/24\\[V\\] +0 +Tu0 +point2point\\n.*Label Stack\\{${l.pe2Static}\\}\\n +VPN route: V$`, "m"));
    // None of them is a disposition into the VRF.
    expect(pe1).not.toContain("No Label");
    expect(pe2).not.toContain("No Label");
    // Without `vrf`, the whole LFIB: the VRF's entries too, as IOS lists them.
    expect(await s.exec("PE1", "show mpls forwarding-table")).toMatch(new RegExp(`^${l.pe1Loop2} +${l.pe2Loop} +2\\.2\\.2\\.2/32\\[V\\] +0 +Tu0 +point2point$`, "m"));
  });

  it("carries CE1's traffic labelled: PE1 swaps to PE2's VPN label, PE2 swaps to CE2's label or pops toward CE2", async () => {
    const s = start();
    const l = labels(s);
    expect(await s.exec("CE1", "ping 172.16.9.1 source Loopback0 repeat 3")).toContain("Success rate is 100 percent (3/3)");
    expect(lfib(s, "PE1", l.pe1Static)?.packets).toBe(3);
    expect(lfib(s, "PE2", l.pe2Static)?.packets).toBe(3);
    expect(lfib(s, "CE2", l.ce2Static)?.packets).toBe(3);
    // The replies come back labelled too: PE2's label for CE1's loopback, then PE1's VPN label,
    // popped toward CE1 (its implicit null).
    expect(lfib(s, "PE2", l.pe2Loop1)?.packets).toBe(3);
    expect(lfib(s, "PE1", l.pe1Loop1)?.packets).toBe(3);

    expect(await s.exec("CE1", "ping 2.2.2.2 source Loopback0 repeat 2")).toContain("Success rate is 100 percent (2/2)");
    expect(lfib(s, "PE1", l.pe1Loop2)?.packets).toBe(2);
    expect(lfib(s, "PE2", l.pe2Loop)?.packets).toBe(2);
    expect(lfib(s, "PE1", l.pe1Loop1)?.packets).toBe(5);
  });

  it("traces every labelled hop: each PE answers a label TTL running out with the stack it received, sent on along the LSP (RFC 3032)", async () => {
    const s = start();
    const trace = await s.exec("CE1", "traceroute 172.16.9.1 source Loopback0");
    expect(trace.split("\n").slice(3, 7)).toEqual([
      expect.stringMatching(/^ {2}1 10\.1\.1\.1 \[MPLS: Label \d+ Exp 0\] \d+ msec \d+ msec \d+ msec$/),
      expect.stringMatching(/^ {2}2 10\.0\.0\.2 \[MPLS: Label \d+ Exp 0\] \d+ msec \d+ msec \d+ msec$/),
      expect.stringMatching(/^ {2}3 10\.2\.2\.2 \[MPLS: Label \d+ Exp 0\] \d+ msec \d+ msec \d+ msec$/),
      expect.stringMatching(/^ {2}4 10\.0\.9\.9 \d+ msec \* {2}\d+ msec$/),
    ]);
  });

  it("withdraws a CE's labelled route end to end, and its labels go back to the pool", async () => {
    const s = start();
    const l = labels(s);
    await s.transcript("CE2", ["configure terminal", "no ip route 172.16.9.0 255.255.255.0 10.0.9.9", "end"]);
    s.advance(5_000);
    expect(await s.exec("CE1", "show ip bgp")).not.toContain("172.16.9.0");
    expect(labelOf(s, "PE2", "V", "172.16.9.0/24")).toBeUndefined();
    expect(labelOf(s, "PE1", "V", "172.16.9.0/24")).toBeUndefined();
    expect(lfib(s, "PE2", l.pe2Static)).toBeUndefined();
    expect(lfib(s, "PE1", l.pe1Static)).toBeUndefined();
    // The rest stays labelled.
    expect(lfib(s, "PE1", l.pe1Loop2)?.action.kind).toBe("swap");
  });

  it("goes back to plain IPv4 and a VPN label that pops into the VRF when send-label is removed", async () => {
    const s = start();
    const l = labels(s);
    expect(await s.exec("PE1", "show mpls forwarding-table vrf V")).toMatch(new RegExp(`^${l.pe1Loop1} +Pop Label +1\\.1\\.1\\.1/32\\[V\\]`, "m"));
    // Removed on the live session: it resets (as IOS does) and comes back unlabelled.
    await s.transcript("PE1", ["configure terminal", "router bgp 100", "address-family ipv4 vrf V", "no neighbor 10.1.1.2 send-label", "end"]);
    s.advance(60_000);
    const out = await s.exec("PE1", "show ip bgp vpnv4 vrf V neighbors 10.1.1.2");
    expect(out).toContain("  Connections established 2; dropped 1\n");
    expect(out).not.toContain("MPLS Label capability: advertised");
    expect(out).not.toContain("Sending Prefix & Label");
    // CE1's loopback came unlabelled: its VPN label is a disposition into V again.
    const loop1 = labelOf(s, "PE1", "V", "1.1.1.1/32")!;
    expect(await s.exec("PE1", "show mpls forwarding-table vrf V")).toMatch(new RegExp(`^${loop1} +No Label +1\\.1\\.1\\.1/32\\[V\\]`, "m"));
    // PE2's routes go to CE1 unlabelled: PE1 keeps no label of its own for them.
    expect(labelOf(s, "PE1", "V", "2.2.2.2/32")).toBeUndefined();
    expect(lfib(s, "PE1", l.pe1Loop2)).toBeUndefined();
    expect(await s.exec("CE1", "show ip bgp labels")).toContain("   2.2.2.2/32       10.1.1.1        nolabel/nolabel\n");
    expect(await s.exec("CE1", "ping 2.2.2.2 source Loopback0 repeat 1")).toContain("Success rate is 100 percent (1/1)");
  });

  it("stacks the other PE's VPN label under the transport label when the PEs reach each other through a labelled core", async () => {
    // Option C-like: PE1 (AS 100) and PE2 (AS 300) learn each other's loopback from P (AS 200)
    // over labelled IPv4 and run eBGP VPNv4 between the loopbacks.
    const pe = (n: 1 | 2, asn: number, peer: 1 | 2, peerAs: number, ceAs: number) => `hostname PE${n}
vrf definition V
 rd 100:1
 route-target export 100:1
 route-target import 100:1
 address-family ipv4
 exit-address-family
interface Loopback0
 ip address ${n}${n}.${n}${n}.${n}${n}.${n}${n} 255.255.255.255
interface Ethernet0/0
 vrf forwarding V
 ip address 10.${n}.${n}.1 255.255.255.0
interface Ethernet0/1
 ip address 10.0.${n}.1 255.255.255.0
router bgp ${asn}
 neighbor 10.0.${n}.2 remote-as 200
 neighbor ${peer}${peer}.${peer}${peer}.${peer}${peer}.${peer}${peer} remote-as ${peerAs}
 neighbor ${peer}${peer}.${peer}${peer}.${peer}${peer}.${peer}${peer} ebgp-multihop 255
 neighbor ${peer}${peer}.${peer}${peer}.${peer}${peer}.${peer}${peer} update-source Loopback0
 address-family ipv4
  network ${n}${n}.${n}${n}.${n}${n}.${n}${n} mask 255.255.255.255
  neighbor 10.0.${n}.2 send-label
  no neighbor ${peer}${peer}.${peer}${peer}.${peer}${peer}.${peer}${peer} activate
 exit-address-family
 address-family vpnv4
  neighbor ${peer}${peer}.${peer}${peer}.${peer}${peer}.${peer}${peer} activate
  neighbor ${peer}${peer}.${peer}${peer}.${peer}${peer}.${peer}${peer} send-community extended
 exit-address-family
 address-family ipv4 vrf V
  neighbor 10.${n}.${n}.2 remote-as ${ceAs}
  neighbor 10.${n}.${n}.2 activate
  neighbor 10.${n}.${n}.2 send-label
 exit-address-family
`;
    const P = `hostname P
interface Ethernet0/0
 ip address 10.0.1.2 255.255.255.0
interface Ethernet0/1
 ip address 10.0.2.2 255.255.255.0
router bgp 200
 neighbor 10.0.1.1 remote-as 100
 neighbor 10.0.2.1 remote-as 300
 address-family ipv4
  neighbor 10.0.1.1 send-label
  neighbor 10.0.2.1 send-label
 exit-address-family
`;
    sim = new Simulation({
      nodes: { CE1, PE1: pe(1, 100, 2, 300, 65001), P, PE2: pe(2, 300, 1, 100, 65002), CE2: CE2.replace("remote-as 100", "remote-as 300"), H },
      links: [
        [{ node: "CE1", iface: "Ethernet0/0" }, { node: "PE1", iface: "Ethernet0/0" }],
        [{ node: "PE1", iface: "Ethernet0/1" }, { node: "P", iface: "Ethernet0/0" }],
        [{ node: "P", iface: "Ethernet0/1" }, { node: "PE2", iface: "Ethernet0/1" }],
        [{ node: "PE2", iface: "Ethernet0/0" }, { node: "CE2", iface: "Ethernet0/0" }],
        [{ node: "CE2", iface: "Ethernet0/1" }, { node: "H", iface: "Ethernet0/0" }],
      ],
    });
    const s = sim;
    s.advance(120_000);
    const l = labels(s);
    // P's label for PE2's loopback: the transport label PE1 pushes toward PE2.
    const transport = labelOf(s, "P", "", "22.22.22.22/32")!;
    expect(transport).toBeGreaterThanOrEqual(16);
    const pe1 = await s.exec("PE1", "show mpls forwarding-table vrf V detail");
    expect(pe1).toMatch(new RegExp(`^${l.pe1Static} +${l.pe2Static} +172\\.16\\.9\\.0/24\\[V\\] +0 +Et0/1 +10\\.0\\.1\\.2\\n +MAC/Encaps=14/22, MRU=1496, Label Stack\\{${transport} ${l.pe2Static}\\}\\n +VPN route: V$`, "m"));
    // P's label also carries the PEs' own BGP session: count what the ping adds.
    const transit = lfib(s, "P", transport)!.packets;
    expect(await s.exec("CE1", "ping 172.16.9.1 source Loopback0 repeat 2")).toContain("Success rate is 100 percent (2/2)");
    expect(lfib(s, "PE1", l.pe1Static)?.packets).toBe(2);
    // P pops its label (PE2's implicit null) and PE2 switches on the VPN label beneath.
    expect(lfib(s, "P", transport)!.packets).toBeGreaterThanOrEqual(transit + 2);
    expect(lfib(s, "PE2", l.pe2Static)?.packets).toBe(2);
    expect(lfib(s, "CE2", l.ce2Static)?.packets).toBe(2);
  });
});
