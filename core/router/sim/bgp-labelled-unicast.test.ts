// Labelled IPv4 unicast (`neighbor X send-label`, RFC 8277 / AFI 1 SAFI 4) across a chain of
// three eBGP routers, from config alone: R1 originates its loopback (implicit null: connected)
// and a static route's prefix (a label of its own, untagged toward the static's next hop H);
// R2 re-advertises both to R3 with labels it allocates (pop toward R1 for the loopback, swap to
// R1's label for the static prefix); R3 pushes R2's label. Traffic from R3 crosses labelled,
// as R2's and R1's LFIB counters show.
import { afterEach, describe, expect, it } from "vitest";
import { mplsSubsystem } from "../routing/mpls-subsystem";
import { parsePrefix } from "../wire/addr";
import { Simulation } from "./harness";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

const R1 = `hostname R1
interface Loopback0
 ip address 1.1.1.1 255.255.255.255
interface Ethernet0/0
 ip address 10.0.12.1 255.255.255.0
interface Ethernet0/1
 ip address 10.0.1.1 255.255.255.0
ip route 172.16.9.0 255.255.255.0 10.0.1.9
router bgp 65001
 neighbor 10.0.12.2 remote-as 65002
 address-family ipv4
  network 1.1.1.1 mask 255.255.255.255
  network 172.16.9.0 mask 255.255.255.0
  neighbor 10.0.12.2 send-label
 exit-address-family
`;
const R2 = `hostname R2
interface Ethernet0/0
 ip address 10.0.12.2 255.255.255.0
interface Ethernet0/1
 ip address 10.0.23.2 255.255.255.0
router bgp 65002
 neighbor 10.0.12.1 remote-as 65001
 neighbor 10.0.23.3 remote-as 65003
 address-family ipv4
  neighbor 10.0.12.1 send-label
  neighbor 10.0.23.3 send-label
 exit-address-family
`;
const R3 = `hostname R3
interface Loopback0
 ip address 3.3.3.3 255.255.255.255
interface Ethernet0/0
 ip address 10.0.23.3 255.255.255.0
router bgp 65003
 neighbor 10.0.23.2 remote-as 65002
 address-family ipv4
  network 3.3.3.3 mask 255.255.255.255
  neighbor 10.0.23.2 send-label
 exit-address-family
`;
const H = `hostname H
interface Loopback0
 ip address 172.16.9.1 255.255.255.0
interface Ethernet0/0
 ip address 10.0.1.9 255.255.255.0
ip route 0.0.0.0 0.0.0.0 10.0.1.1
`;

function start(r1 = R1): Simulation {
  sim = new Simulation({
    nodes: { R1: r1, R2, R3, H },
    links: [
      [{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }],
      [{ node: "R2", iface: "Ethernet0/1" }, { node: "R3", iface: "Ethernet0/0" }],
      [{ node: "R1", iface: "Ethernet0/1" }, { node: "H", iface: "Ethernet0/0" }],
    ],
  });
  sim.advance(60_000);
  return sim;
}

const labelOf = (s: Simulation, node: string, prefix: string): number | undefined =>
  s.node(node).router.subsystem(mplsSubsystem).labels.labelOf({ kind: "prefix", vrf: "", prefix: parsePrefix(prefix)! });
const lfib = (s: Simulation, node: string, label: number) => s.node(node).router.subsystem(mplsSubsystem).lfib.lookup(label);

describe("BGP labelled IPv4 unicast (send-label)", () => {
  it("negotiates AFI 1/SAFI 4 and says so in show ip bgp neighbors", async () => {
    const s = start();
    const out = await s.exec("R2", "show ip bgp neighbors 10.0.23.3");
    expect(out).toContain("    Address family IPv4 Unicast: advertised and received\n");
    expect(out).toContain("    ipv4 MPLS Label capability: advertised and received\n");
    expect(out).toContain(" For address family: IPv4 Unicast\n  Session: 10.0.23.3\n  Sending Prefix & Label\n");
  });

  it("advertises implicit null for a connected prefix, its own label for others, and swaps or pops as the labels say", async () => {
    const s = start();
    const r1Static = labelOf(s, "R1", "172.16.9.0/24");
    const r2Loop = labelOf(s, "R2", "1.1.1.1/32");
    const r2Static = labelOf(s, "R2", "172.16.9.0/24");
    const r2R3 = labelOf(s, "R2", "3.3.3.3/32");
    expect([r1Static, r2Loop, r2Static, r2R3].every((l) => l !== undefined && l >= 16)).toBe(true);
    // R1 gives its loopback no label of its own: implicit null.
    expect(labelOf(s, "R1", "1.1.1.1/32")).toBeUndefined();

    expect(await s.exec("R1", "show ip bgp labels")).toBe(
      [
        "   Network          Next Hop      In label/Out label",
        "   1.1.1.1/32       0.0.0.0         imp-null/nolabel",
        `   3.3.3.3/32       10.0.12.2       nolabel/${labelOf(s, "R2", "3.3.3.3/32")}`,
        `   172.16.9.0/24    0.0.0.0         ${r1Static}/nolabel`,
        "",
      ].join("\n"),
    );
    expect(await s.exec("R2", "show bgp ipv4 unicast labels")).toBe(
      [
        "   Network          Next Hop      In label/Out label",
        `   1.1.1.1/32       10.0.12.1       ${r2Loop}/imp-null`,
        `   3.3.3.3/32       10.0.23.3       ${r2R3}/imp-null`,
        `   172.16.9.0/24    10.0.12.1       ${r2Static}/${r1Static}`,
        "",
      ].join("\n"),
    );
    expect(await s.exec("R3", "show ip bgp labels")).toContain(`   1.1.1.1/32       10.0.23.2       nolabel/${r2Loop}\n`);
    expect(await s.exec("R3", "show ip bgp 1.1.1.1")).toContain(`      mpls labels in/out nolabel/${r2Loop}\n`);

    const fwd = await s.exec("R2", "show mpls forwarding-table");
    expect(fwd).toMatch(new RegExp(`^${r2Loop} +Pop Label +1\\.1\\.1\\.1/32 +0 +Et0/0 +10\\.0\\.12\\.1$`, "m"));
    expect(fwd).toMatch(new RegExp(`^${r2Static} +${r1Static} +172\\.16\\.9\\.0/24 +0 +Et0/0 +10\\.0\\.12\\.1$`, "m"));
    expect(await s.exec("R1", "show mpls forwarding-table")).toMatch(new RegExp(`^${r1Static} +No Label +172\\.16\\.9\\.0/24 +0 +Et0/1 +10\\.0\\.1\\.9$`, "m"));
    // R3 pushes R2's label toward 1.1.1.1.
    expect(await s.exec("R3", "show ip route 1.1.1.1")).toContain("MPLS label: " + r2Loop);
  });

  it("forwards R3's traffic label-imposed: R2 pops toward R1's loopback and swaps toward the static prefix", async () => {
    const s = start();
    const r2Loop = labelOf(s, "R2", "1.1.1.1/32")!;
    const r2Static = labelOf(s, "R2", "172.16.9.0/24")!;
    const r1Static = labelOf(s, "R1", "172.16.9.0/24")!;
    expect(await s.exec("R3", "ping 1.1.1.1 source Loopback0 repeat 3")).toContain("Success rate is 100 percent (3/3)");
    expect(lfib(s, "R2", r2Loop)?.packets).toBe(3);
    expect(await s.exec("R3", "ping 172.16.9.1 source Loopback0 repeat 2")).toContain("Success rate is 100 percent (2/2)");
    expect(lfib(s, "R2", r2Static)?.packets).toBe(2);
    expect(lfib(s, "R1", r1Static)?.packets).toBe(2);
    expect(await s.exec("R2", "show mpls forwarding-table")).toMatch(new RegExp(`^${r2Static} +${r1Static} +172\\.16\\.9\\.0/24 +${2 * 104} +Et0/0 +10\\.0\\.12\\.1$`, "m"));
  });

  it("withdraws a labelled route with its label when the prefix goes, and sends plain IPv4 without send-label", async () => {
    const s = start();
    await s.transcript("R1", ["configure terminal", "no ip route 172.16.9.0 255.255.255.0 10.0.1.9", "end"]);
    s.advance(5_000);
    expect(await s.exec("R3", "show ip bgp")).not.toContain("172.16.9.0");
    expect(labelOf(s, "R1", "172.16.9.0/24")).toBeUndefined();
    expect(labelOf(s, "R2", "172.16.9.0/24")).toBeUndefined();

    sim!.close();
    const plain = start(R1.replace("  neighbor 10.0.12.2 send-label\n", ""));
    // R1 no longer labels: R2 learns 1.1.1.1 unlabelled, labels it itself (untagged toward R1).
    expect(await plain.exec("R2", "show ip bgp labels")).toContain(`   1.1.1.1/32       10.0.12.1       ${labelOf(plain, "R2", "1.1.1.1/32")}/nolabel\n`);
    const neighbor = await plain.exec("R2", "show ip bgp neighbors 10.0.12.1");
    expect(neighbor).toContain("    ipv4 MPLS Label capability: advertised\n");
    expect(neighbor).not.toContain("Sending Prefix & Label");
    expect(await plain.exec("R3", "ping 1.1.1.1 source Loopback0 repeat 1")).toContain("Success rate is 100 percent (1/1)");

    // Configured on the live session: it resets (as IOS does) and comes back labelled.
    await plain.transcript("R1", ["configure terminal", "router bgp 65001", "address-family ipv4", "neighbor 10.0.12.2 send-label", "end"]);
    plain.advance(60_000);
    expect(await plain.exec("R2", "show ip bgp labels")).toContain(`   1.1.1.1/32       10.0.12.1       ${labelOf(plain, "R2", "1.1.1.1/32")}/imp-null\n`);
    expect(await plain.exec("R2", "show ip bgp neighbors 10.0.12.1")).toContain("    ipv4 MPLS Label capability: advertised and received\n");
  });
});
