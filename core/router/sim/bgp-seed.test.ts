// The "done when" for BGP, in the harness: the guide's hub and two spokes, their
// configs pasted as they are, joined by plain GRE tunnels with the overlay addresses the hub
// would assign (seed-overlay.ts). BGP comes up from the seed's own lines (the hub listens on
// 0.0.0.0/0 for peer-group mpls, passively; the spokes connect from Tunnel0), VPNv4 routes
// with labels cross, `show` matches the source document's samples in structure, a ping from
// R4-Spoke's cust1 loopback reaches the hub's cust1 LAN through labelled forwarding, and
// cust2's overlapping use of the same addresses never shows up in cust1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mplsSubsystem } from "../routing/mpls-subsystem";
import { TABLES } from "../node/tables";
import type { Simulation } from "./harness";
import { seedOverlay } from "./seed-overlay";

let sim: Simulation;
beforeAll(async () => {
  sim = await seedOverlay();
  sim.advance(120_000);
});
afterAll(() => sim.close());

const L = "\\d+";

describe("the seed lab's BGP over plain GRE", () => {
  it("brings the spokes up as dynamic neighbors of the hub's listen range, logged as IOS logs them", async () => {
    const hub = sim.node("R1-HUB");
    expect(hub.log.map((l) => l.text)).toEqual(expect.arrayContaining(["%BGP-5-ADJCHANGE: neighbor *10.1.1.3 Up ", "%BGP-5-ADJCHANGE: neighbor *10.1.1.4 Up "]));
    expect(sim.node("R4-Spoke").log.map((l) => l.text)).toContain("%BGP-5-ADJCHANGE: neighbor 10.0.0.1 Up ");
    const sum = await sim.exec("R1-HUB", "show ip bgp vpnv4 all summary");
    expect(sum).toContain("BGP router identifier 10.0.0.1, local AS number 10");
    expect(sum).toMatch(/^\*10\.1\.1\.3 {7}4 {10}100 +\d+ +\d+ +\d+ +0 +0 \d\d:\d\d:\d\d +2$/m);
    expect(sum).toMatch(/^\*10\.1\.1\.4 {7}4 {10}100 +\d+ +\d+ +\d+ +0 +0 \d\d:\d\d:\d\d +2$/m);
    expect(sum).toContain("Total dynamically created neighbors: 2/(5000 max), Subnet ranges: 1");
    // The hub never connects (passive); each session is the spoke's connection to port 179.
    for (const c of hub.router.stack.tcp.all().filter((x) => x.state === "ESTABLISHED")) expect(c.endpoint.localPort).toBe(179);
    const nb = await sim.exec("R4-Spoke", "show ip bgp neighbors 10.0.0.1");
    expect(nb).toContain("Local host: 10.1.1.4, Local port: ");
    expect(nb).toContain("Foreign host: 10.0.0.1, Foreign port: 179");
  });

  it("shows the hub's VPNv4 table as the source document's sample does", async () => {
    const out = await sim.exec("R1-HUB", "show ip bgp vpnv4 all");
    expect(out).toContain("BGP table version is");
    expect(out).toContain(
      [
        "   Network          Next Hop            Metric LocPrf Weight Path",
        "Route Distinguisher: 1:1 (default for vrf cust1)",
        "*> 0.0.0.0          0.0.0.0                  0         32768 ?",
        "*> 192.168.110.0    0.0.0.0                  0         32768 ?",
        "*> 192.168.113.0    10.1.1.3                 0             0 100 ?",
        "*> 192.168.114.0    10.1.1.4                 0             0 100 ?",
        "Route Distinguisher: 2:2 (default for vrf cust2)",
        "*> 0.0.0.0          0.0.0.0                  0         32768 ?",
        "*> 192.168.111.0    0.0.0.0                  0         32768 ?",
        "*> 192.168.123.0    10.1.1.3                 0             0 100 ?",
        "*> 192.168.124.0    10.1.1.4                 0             0 100 ?",
      ].join("\n"),
    );
    const entry = await sim.exec("R1-HUB", "show ip bgp vpnv4 all 192.168.113.1");
    expect(entry).toMatch(/BGP routing table entry for 1:1:192\.168\.113\.0\/24, version \d+\nPaths: \(1 available, best #1, table cust1\)/);
    expect(entry).toContain("    10.1.1.3 from *10.1.1.3 (172.16.1.103)\n      Origin incomplete, metric 0, localpref 100, valid, external, best\n      Extended Community: RT:1:1\n");
    expect(entry).toMatch(/mpls labels in\/out \d+\/\d+/);
    expect(entry).toMatch(/mpls labels in\/out \d+\/aggregate\(cust2\)/);
  });

  it("shows labels in and out: the spoke's own prefixes with their local label, the hub's with the hub's", async () => {
    const spoke = await sim.exec("R4-Spoke", "show ip bgp vpnv4 all labels");
    const lines = spoke.trimEnd().split("\n");
    expect(lines[0]).toBe("   Network          Next Hop      In label/Out label");
    expect(lines[1]).toBe("Route Distinguisher: 1:1 (cust1)");
    expect(lines[2]).toMatch(new RegExp(`^   0\\.0\\.0\\.0          10\\.0\\.0\\.1        nolabel/${L}$`));
    expect(lines[3]).toMatch(new RegExp(`^   192\\.168\\.110\\.0    10\\.0\\.0\\.1        nolabel/${L}$`));
    expect(lines[4]).toMatch(new RegExp(`^   192\\.168\\.114\\.0    0\\.0\\.0\\.0         ${L}/nolabel\\(cust1\\)$`));
    expect(lines[5]).toBe("Route Distinguisher: 2:2 (cust2)");
    expect(lines[8]).toMatch(new RegExp(`^   192\\.168\\.124\\.0    0\\.0\\.0\\.0         ${L}/nolabel\\(cust2\\)$`));
    const hub = await sim.exec("R1-HUB", "show ip bgp vpnv4 all labels");
    expect(hub).toMatch(new RegExp(`^   0\\.0\\.0\\.0          0\\.0\\.0\\.0         ${L}/aggregate\\(cust1\\)$`, "m"));
    expect(hub).toMatch(new RegExp(`^   192\\.168\\.110\\.0    0\\.0\\.0\\.0         ${L}/nolabel\\(cust1\\)$`, "m"));
    expect(hub).toMatch(new RegExp(`^   192\\.168\\.113\\.0    10\\.1\\.1\\.3        ${L}/${L}$`, "m"));
  });

  it("forwards the hub's cust1 route to R4's prefix recursively via its overlay address with the VPN label over an implicit-null tunnel", async () => {
    const out = await sim.exec("R1-HUB", "show ip cef vrf cust1 192.168.114.0 detail");
    const vpnLabel = /recursive via 10\.1\.1\.4\[IPv4:Default\] label (\d+)/.exec(out)?.[1];
    expect(vpnLabel).toBeDefined();
    expect(out).toMatch(/^192\.168\.114\.0\/24, epoch 0, flags rib defined all labels, RIB\[B\]/);
    expect(out).toContain("type recursive, for IPv4, flags must-be-labelled");
    expect(out).toContain("MPLS short path extensions: MOI flags = 0x1 label implicit-null\n    attached to Tunnel2");
    expect(out).toContain(`  output chain:\n    label ${vpnLabel}\n    label implicit-null\n    TAG midchain out of Tunnel2\n    IP adj out of Ethernet0/0, addr 172.16.0.2`);
    // The label R4 advertised for its loopback's prefix.
    const r4 = await sim.exec("R4-Spoke", "show ip bgp vpnv4 all labels");
    expect(r4).toContain(`192.168.114.0    0.0.0.0         ${vpnLabel}/nolabel(cust1)`);
    expect(await sim.exec("R1-HUB", "show ip route vrf cust1")).toMatch(/^B {5}192\.168\.114\.0\/24 \[20\/0\] via 10\.1\.1\.4, /m);
  });

  it("lists a VRF's whole CEF table: remote prefixes via the spoke's overlay address, the LAN attached, its own addresses receive", async () => {
    const out = await sim.exec("R1-HUB", "show ip cef vrf cust1");
    const lines = out.split("\n");
    expect(lines[0]).toBe("Prefix               Next Hop             Interface");
    expect(lines).toContain("192.168.114.0/24     10.1.1.4             Tunnel2");
    expect(lines).toContain("192.168.110.1/32     receive              Ethernet0/2");
    expect(lines.filter((l) => l.startsWith("192.168.110.0/24 "))).toEqual(["192.168.110.0/24     attached             Ethernet0/2"]);
    // Address order, as IOS lists it.
    const prefixes = lines.slice(1).map((l) => l.split(" ")[0]).filter((p) => p !== "");
    const key = (p: string) => p.split(/[./]/).map(Number).reduce((a, n, i) => (i < 4 ? a * 256 + n : a * 64 + n), 0);
    expect([...prefixes].sort((a, b) => key(a) - key(b))).toEqual(prefixes);
    expect((await sim.exec("R1-HUB", "show ip cef vrf nosuch")).trim()).toBe("%IP routing table nosuch does not exist");
  });

  it("pings the hub's cust1 LAN from R4-Spoke's Loopback100 through labelled forwarding", async () => {
    const hubLfib = sim.node("R1-HUB").router.subsystem(mplsSubsystem).lfib;
    const r4Lfib = sim.node("R4-Spoke").router.subsystem(mplsSubsystem).lfib;
    const labelsOut = await sim.exec("R4-Spoke", "show ip bgp vpnv4 all labels");
    const hubLabel = Number(/192\.168\.110\.0 +10\.0\.0\.1 +\S+?\/(\d+)/.exec(labelsOut)?.[1]);
    const r4Label = Number(/192\.168\.114\.0 +0\.0\.0\.0 +(\d+)\//.exec(labelsOut)?.[1]);
    const before = { hub: hubLfib.lookup(hubLabel)?.packets ?? 0, r4: r4Lfib.lookup(r4Label)?.packets ?? 0 };
    const out = await sim.exec("R4-Spoke", "ping vrf cust1 192.168.110.1 source Loopback100");
    expect(out).toContain("Success rate is 100 percent (5/5)");
    // Requests popped by the hub's cust1 label, replies by R4's.
    expect(hubLfib.lookup(hubLabel)?.packets).toBe(before.hub + 5);
    expect(r4Lfib.lookup(r4Label)?.packets).toBe(before.r4 + 5);
  });

  it("keeps cust2's overlapping use out of cust1", async () => {
    const hubCust1 = await sim.exec("R1-HUB", "show ip route vrf cust1");
    expect(hubCust1).not.toMatch(/192\.168\.12[34]\.0/);
    const rows = TABLES["bgp-vpnv4"].rows(sim.node("R1-HUB").router, { vrf: "cust1" });
    expect(rows.map((r) => r.prefix).sort()).toEqual(["0.0.0.0/0", "192.168.110.0/24", "192.168.113.0/24", "192.168.114.0/24"]);
    expect(rows.every((r) => r.rd === "1:1")).toBe(true);
    // cust2's loopback on R4 is not reachable from cust1: the hub's cust1 default is Null0.
    expect(await sim.exec("R4-Spoke", "ping vrf cust1 192.168.124.1 source Loopback100")).toContain("Success rate is 0 percent");
    // The same ping in cust2 works, through cust2's own labels.
    expect(await sim.exec("R4-Spoke", "ping vrf cust2 192.168.111.1 source Loopback101")).toContain("Success rate is 100 percent (5/5)");
  });

  it("asks the hub to resend its table on clear ip bgp * soft, without dropping the session", async () => {
    const r4 = sim.node("R4-Spoke");
    await sim.exec("R4-Spoke", "debug ip bgp updates");
    const seen = r4.log.length;
    await sim.exec("R4-Spoke", "clear ip bgp * soft");
    sim.advance(2000);
    const lines = r4.log.slice(seen).map((l) => l.text);
    expect(lines.some((t) => /BGP\(0\): 10\.0\.0\.1 rcvd UPDATE, length \d+/.test(t))).toBe(true);
    expect(lines.some((t) => t.includes("ADJCHANGE"))).toBe(false);
    const nb = await sim.exec("R4-Spoke", "show ip bgp neighbors 10.0.0.1");
    expect(nb).toMatch(/Route Refresh: +[1-9]\d* +0/);
    expect(nb).toContain("Connections established 1; dropped 0");
    await sim.exec("R4-Spoke", "undebug all");
  });
});
