// The filtered BGP views and their address-family spellings on the seed lab's hub and spoke
// (seed-overlay.ts): `show ip bgp vpnv4 vrf X summary`, `… all neighbors [X]`, `… rd RD
// [prefix]`, and `show bgp {ipv4 | vpnv4} unicast …`, which IOS prints exactly as the
// `show ip bgp …` form it stands for.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulation } from "./harness";
import { seedOverlay } from "./seed-overlay";

let sim: Simulation;
beforeAll(async () => {
  sim = await seedOverlay();
  sim.advance(120_000);
});
afterAll(() => sim.close());

const SPOKE_VPNV4_HEADER = [
  "BGP router identifier 192.168.104.1, local AS number 100",
  "BGP table version is 7, main routing table version 7",
  "6 network entries using 1536 bytes of memory",
  "6 path entries using 816 bytes of memory",
  "6 BGP path/bestpath attribute entries using 912 bytes of memory",
  "BGP using 3264 total bytes of memory",
  "BGP activity 6/0 prefixes, 6/0 paths, scan interval 60 secs",
];

describe("show ip bgp vpnv4 … summary", () => {
  it("lists a VRF's own neighbors under the VPNv4 table's lines: none for cust1 on the spoke, so no neighbor table", async () => {
    expect(await sim.exec("R4-Spoke", "show ip bgp vpnv4 vrf cust1 summary")).toBe(SPOKE_VPNV4_HEADER.join("\n") + "\n");
  });

  it("prints `show bgp vpnv4 unicast all summary` as `show ip bgp vpnv4 all summary`", async () => {
    const old = await sim.exec("R4-Spoke", "show ip bgp vpnv4 all summary");
    expect(old).toBe(
      [
        ...SPOKE_VPNV4_HEADER,
        "",
        "Neighbor        V           AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd",
        "10.0.0.1        4           10      10       8        7    0    0 00:02:00        4",
      ].join("\n") + "\n",
    );
    expect(await sim.exec("R4-Spoke", "show bgp vpnv4 unicast all summary")).toBe(old);
    expect(await sim.exec("R4-Spoke", "show bgp vpnv4 unicast vrf cust1 summary")).toBe(SPOKE_VPNV4_HEADER.join("\n") + "\n");
  });

  it("prints `show bgp ipv4 unicast summary` as `show ip bgp summary`", async () => {
    const old = await sim.exec("R4-Spoke", "show ip bgp summary");
    expect(old).toBe(
      [
        "BGP router identifier 192.168.104.1, local AS number 100",
        "BGP table version is 7, main routing table version 7",
        "",
        "Neighbor        V           AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd",
        "10.0.0.1        4           10      10       8        7    0    0 00:02:00        0",
      ].join("\n") + "\n",
    );
    expect(await sim.exec("R4-Spoke", "show bgp ipv4 unicast summary")).toBe(old);
  });

  it("refuses a VRF the router does not have", async () => {
    expect(await sim.exec("R4-Spoke", "show ip bgp vpnv4 vrf nosuch summary")).toBe("% No such VRF nosuch\n");
  });
});

describe("show ip bgp vpnv4 all neighbors", () => {
  it("shows the VPNv4 neighbor in the `show ip bgp neighbors` layout, with its VPNv4 section", async () => {
    const out = await sim.exec("R4-Spoke", "show ip bgp vpnv4 all neighbors 10.0.0.1");
    expect(out).toBe(await sim.exec("R4-Spoke", "show ip bgp neighbors 10.0.0.1"));
    expect(out.split("\n").slice(0, 3)).toEqual(["BGP neighbor is 10.0.0.1,  remote AS 10, external link", "  BGP version 4, remote router ID 10.0.0.1", "  BGP state = Established, up for 00:02:00"]);
    expect(out).toContain(["", " For address family: VPNv4 Unicast", "  Session: 10.0.0.1", "  4 accepted prefixes consume 128 bytes"].join("\n") + "\n");
    expect(await sim.exec("R4-Spoke", "show ip bgp vpnv4 all neighbors")).toBe(out);
    expect(await sim.exec("R4-Spoke", "show bgp vpnv4 unicast all neighbors 10.0.0.1")).toBe(out);
  });

  it("lists no neighbor for a VRF without PE-CE sessions, and says so for an address asked for", async () => {
    expect(await sim.exec("R1-HUB", "show ip bgp vpnv4 vrf cust1 neighbors")).toBe("");
    expect(await sim.exec("R1-HUB", "show ip bgp vpnv4 vrf cust1 neighbors 10.1.1.4")).toBe("% No such neighbor or address family\n");
  });
});

describe("show ip bgp vpnv4 rd RD", () => {
  it("prints that RD's table alone", async () => {
    const out = await sim.exec("R4-Spoke", "show ip bgp vpnv4 rd 2:2");
    expect(out.trimEnd().split("\n").slice(5)).toEqual([
      "   Network          Next Hop            Metric LocPrf Weight Path",
      "Route Distinguisher: 2:2 (default for vrf cust2)",
      "*> 0.0.0.0          10.0.0.1                 0             0 10 ?",
      "*> 192.168.111.0    10.0.0.1                 0             0 10 ?",
      "*> 192.168.124.0    0.0.0.0                  0         32768 ?",
    ]);
    expect(await sim.exec("R4-Spoke", "show bgp vpnv4 unicast rd 2:2")).toBe(out);
  });

  it("finds an address or a prefix in that RD's table only", async () => {
    const entry = [
      "BGP routing table entry for 2:2:192.168.124.0/24, version 3",
      "Paths: (1 available, best #1, table cust2)",
      "  Advertised to non peer-group peers:",
      "  10.0.0.1 ",
      "  Refresh Epoch 1",
      "  Local",
      "    0.0.0.0 from 0.0.0.0 (192.168.104.1)",
      "      Origin incomplete, metric 0, localpref 100, weight 32768, valid, sourced, best",
      "      Extended Community: RT:2:2",
      "      mpls labels in/out 17/nolabel(cust2)",
    ].join("\n") + "\n";
    expect(await sim.exec("R4-Spoke", "show ip bgp vpnv4 rd 2:2 192.168.124.1")).toBe(entry);
    expect(await sim.exec("R4-Spoke", "show ip bgp vpnv4 rd 2:2 192.168.124.0/24")).toBe(entry);
    expect(await sim.exec("R4-Spoke", "show ip bgp vpnv4 rd 1:1 192.168.124.0/24")).toBe("% Network not in table\n");
  });

  it("labels by RD, in the address-family spelling too", async () => {
    expect(await sim.exec("R4-Spoke", "show bgp vpnv4 unicast rd 1:1 labels")).toBe(
      [
        "   Network          Next Hop      In label/Out label",
        "Route Distinguisher: 1:1 (cust1)",
        "   0.0.0.0          10.0.0.1        nolabel/16",
        "   192.168.110.0    10.0.0.1        nolabel/17",
        "   192.168.114.0    0.0.0.0         16/nolabel(cust1)",
      ].join("\n") + "\n",
    );
  });

  it("prints nothing for an RD it holds no routes of", async () => {
    expect(await sim.exec("R4-Spoke", "show ip bgp vpnv4 rd 9:9")).toBe("");
  });
});

describe("show bgp ipv4 unicast", () => {
  it("is `show ip bgp` under its address-family name", async () => {
    for (const suffix of ["", " labels", " 10.0.0.1"]) expect(await sim.exec("R1-HUB", `show bgp ipv4 unicast${suffix}`)).toBe(await sim.exec("R1-HUB", `show ip bgp${suffix}`));
  });
});

describe("`?` on the address-family spellings", () => {
  it("offers the same choices as the `show ip bgp vpnv4` form, from the one declaration", () => {
    const shell = sim.node("R4-Spoke").shell;
    expect(shell.help("show bgp ")).toEqual(["  ipv4   Address family", "  vpnv4  Address family"]);
    expect(shell.help("show bgp vpnv4 unicast ")).toEqual(shell.help("show ip bgp vpnv4 "));
    expect(shell.help("show bgp vpnv4 unicast ")).toEqual([
      "  all  Display information about all VPNv4 NLRIs",
      "  rd   Display information for a route distinguisher",
      "  vrf  Display information for a VPN Routing/Forwarding instance",
    ]);
  });
});
