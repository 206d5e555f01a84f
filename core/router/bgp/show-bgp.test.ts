import { describe, expect, it } from "vitest";
import { bgpPathRowSchema } from "../../api/tables";
import { formatIpv4 } from "../wire/addr";
import type { Label } from "../wire/mpls";
import { BgpRib } from "./rib";
import { bgpNetwork, bgpPathRows, bgpTableLines, formatBgpEntries, formatBgpLabels, formatBgpTable } from "./show-bgp";
import { RecordingHooks, ip, peer, pfx, rd, ribConfig, rt, updateMessage, vrf } from "./test-fixtures";

/** The source document's hub: AS 10, VRFs cust1 (1:1) and cust2 (2:2), its own LAN and
 * default in each, and the spokes' LANs from two eBGP VPNv4 neighbors (AS 100). */
function hub() {
  const hooks = new RecordingHooks();
  const rib = new BgpRib(ribConfig({ cust1: vrf("1:1", ["1:1"]), cust2: vrf("2:2", ["2:2"]) }, { localAs: 10, routerId: ip("10.0.0.1") }), hooks);
  const local = { origin: 2 as const, med: 0, nextHop: ip("0.0.0.0") };
  rib.originate("cust1", pfx("0.0.0.0/0"), "default", local);
  rib.originate("cust1", pfx("192.168.110.0/24"), "redistribute-connected", local);
  rib.originate("cust2", pfx("0.0.0.0/0"), "default", local);
  rib.originate("cust2", pfx("192.168.111.0/24"), "redistribute-connected", local);
  for (const [addr, wan, n] of [["10.1.1.3", "172.16.1.103", 3], ["10.1.1.4", "172.16.1.104", 4]] as const) {
    const spoke = peer(addr, { ebgp: true, remoteAs: 100, routerId: ip(wan), dynamic: true, localAddress: ip("10.0.0.1") });
    rib.peerUp(spoke);
    const m = updateMessage({
      vpn: [
        { labels: [(16 + n) as Label], rd: rd("1:1"), prefix: pfx(`192.168.11${n}.0/24`) },
      ],
      rts: [rt("1:1")], asPath: [100], origin: 2, med: 0, nextHop: ip(addr),
    });
    rib.receiveUpdate(spoke, m, 19, m.length);
    const m2 = updateMessage({ vpn: [{ labels: [(26 + n) as Label], rd: rd("2:2"), prefix: pfx(`192.168.12${n}.0/24`) }], rts: [rt("2:2")], asPath: [100], origin: 2, med: 0, nextHop: ip(addr) });
    rib.receiveUpdate(spoke, m2, 19, m2.length);
    rib.takeUpdates(spoke);
  }
  return { rib, hooks };
}

const header = (rib: BgpRib) => ({ tableVersion: rib.counts("vpnv4").tableVersion, routerId: formatIpv4(rib.routerId) });

describe("show ip bgp vpnv4", () => {
  it("prints `show ip bgp vpnv4 all` as the hub does, a section per RD", () => {
    const { rib } = hub();
    const rows = bgpPathRows(rib, { family: "vpnv4" });
    for (const r of rows) bgpPathRowSchema.parse(r);
    expect(formatBgpTable(rows, header(rib))).toBe(
      [
        `BGP table version is ${rib.counts("vpnv4").tableVersion}, local router ID is 10.0.0.1`,
        "Status codes: s suppressed, d damped, h history, * valid, > best, i - internal, ",
        "              r RIB-failure, S Stale, m multipath, b backup-path, x best-external, f RT-Filter, a additional-path",
        "Origin codes: i - IGP, e - EGP, ? - incomplete",
        "",
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
        "",
      ].join("\n"),
    );
  });

  it("prints `vpnv4 vrf X` as that VRF's RD section only", () => {
    const { rib } = hub();
    const text = formatBgpTable(bgpPathRows(rib, { family: "vpnv4", vrf: "cust2" }), header(rib));
    expect(text).toContain("Route Distinguisher: 2:2 (default for vrf cust2)");
    expect(text).not.toContain("1:1");
    expect(formatBgpTable(bgpPathRows(rib, { family: "vpnv4", vrf: "nosuch" }), header(rib))).toBe("");
  });

  it("prints `labels` with the local label of each VRF prefix and the spokes' labels out", () => {
    const { rib, hooks } = hub();
    const text = formatBgpLabels(bgpPathRows(rib, { family: "vpnv4", vrf: "cust1" }));
    const lab = (p: string, agg = false) => hooks.labels.get(`cust1 ${pfx(p).addr}/${pfx(p).len}${agg ? " agg" : ""}`);
    expect(text).toBe(
      [
        "   Network          Next Hop      In label/Out label",
        "Route Distinguisher: 1:1 (cust1)",
        `   0.0.0.0          0.0.0.0         ${lab("0.0.0.0/0", true)}/aggregate(cust1)`,
        `   192.168.110.0    0.0.0.0         ${lab("192.168.110.0/24")}/nolabel(cust1)`,
        `   192.168.113.0    10.1.1.3        ${lab("192.168.113.0/24")}/19`,
        `   192.168.114.0    10.1.1.4        ${lab("192.168.114.0/24")}/20`,
        "",
      ].join("\n"),
    );
  });

  it("prints a spoke's view: nolabel in for routes it only receives", () => {
    const hooks = new RecordingHooks();
    const rib = new BgpRib(ribConfig({ cust1: vrf("1:1", ["1:1"]) }, { localAs: 100, routerId: ip("172.16.1.104") }), hooks);
    const hubPeer = peer("10.0.0.1", { ebgp: true, remoteAs: 10 });
    rib.peerUp(hubPeer);
    const m = updateMessage({ vpn: [{ labels: [18 as Label], rd: rd("1:1"), prefix: pfx("0.0.0.0/0") }], rts: [rt("1:1")], asPath: [10], origin: 2, nextHop: ip("10.0.0.1") });
    rib.receiveUpdate(hubPeer, m, 19, m.length);
    // the hub is the spoke's only VPNv4 neighbor and the route's source: no local label for it
    rib.originate("cust1", pfx("192.168.114.0/24"), "redistribute-connected", { origin: 2, med: 0, nextHop: ip("0.0.0.0") });
    const text = formatBgpLabels(bgpPathRows(rib, { family: "vpnv4" }));
    expect(text.split("\n")[3]).toMatch(/^ {3}192\.168\.114\.0 {4}0\.0\.0\.0 {9}\d+\/nolabel\(cust1\)$/);
    expect(text.split("\n")[2]).toBe("   0.0.0.0          10.0.0.1        nolabel/18");
  });

  it("prints the detailed entry of the longest match in each RD", () => {
    const { rib, hooks } = hub();
    const text = formatBgpEntries(bgpPathRows(rib, { family: "vpnv4", address: ip("192.168.113.1") }));
    const inLabel = hooks.labels.get(`cust1 ${pfx("192.168.113.0/24").addr}/24`);
    const agg = hooks.labels.get(`cust2 0/0 agg`);
    expect(text.startsWith("BGP routing table entry for 1:1:192.168.113.0/24, version ")).toBe(true);
    const lines = text.split("\n");
    expect(lines.slice(0, 10).slice(1)).toEqual([
      "Paths: (1 available, best #1, table cust1)",
      "  Advertised to non peer-group peers:",
      "  10.1.1.4 ",
      "  Refresh Epoch 1",
      "  100",
      "    10.1.1.3 from *10.1.1.3 (172.16.1.103)",
      "      Origin incomplete, metric 0, localpref 100, valid, external, best",
      "      Extended Community: RT:1:1",
      `      mpls labels in/out ${inLabel}/19`,
    ]);
    expect(lines[10]).toMatch(/^BGP routing table entry for 2:2:0\.0\.0\.0\/0, version \d+$/);
    expect(lines.slice(11)).toEqual([
      "Paths: (1 available, best #1, table cust2)",
      "  Advertised to non peer-group peers:",
      "  10.1.1.3 10.1.1.4 ",
      "  Refresh Epoch 1",
      "  Local",
      "    0.0.0.0 from 0.0.0.0 (10.0.0.1)",
      "      Origin incomplete, metric 0, localpref 100, weight 32768, valid, sourced, best",
      "      Extended Community: RT:2:2",
      `      mpls labels in/out ${agg}/aggregate(cust2)`,
      "",
    ]);
  });

  it("prints an imported path with where it came from", () => {
    const hooks = new RecordingHooks();
    const rib = new BgpRib(ribConfig({ cust1: vrf("1:1", ["1:1"]) }), hooks);
    const pe = peer("10.1.1.3");
    rib.peerUp(pe);
    const m = updateMessage({ vpn: [{ labels: [30 as Label], rd: rd("65000:7"), prefix: pfx("10.7.0.0/16") }], rts: [rt("1:1")], localPref: 100, nextHop: ip("10.1.1.3") });
    rib.receiveUpdate(pe, m, 19, m.length);
    const table = formatBgpTable(bgpPathRows(rib, { family: "vpnv4" }), { tableVersion: 5, routerId: "10.0.0.1" });
    expect(table.split("\n").slice(6)).toEqual([
      "Route Distinguisher: 1:1 (default for vrf cust1)",
      "*>i10.7.0.0/16      10.1.1.3                      100      0 i",
      "Route Distinguisher: 65000:7",
      "*>i10.7.0.0/16      10.1.1.3                      100      0 i",
      "",
    ]);
    const entry = formatBgpEntries(bgpPathRows(rib, { family: "vpnv4", vrf: "cust1", prefix: pfx("10.7.0.0/16") }));
    expect(entry).toContain("  Local, imported path from 65000:7:10.7.0.0/16 (global)\n");
    expect(entry).toContain("      mpls labels in/out nolabel/30\n");
  });
});

describe("show ip bgp", () => {
  it("prints the IPv4 table with multipaths and a long network on its own line", () => {
    const hooks = new RecordingHooks();
    const rib = new BgpRib(ribConfig({}, { maximumPathsIbgp: 2 }), hooks);
    const a = peer("10.9.9.1", { families: new Set(["ipv4"]) });
    const b = peer("10.9.9.2", { families: new Set(["ipv4"]) });
    rib.peerUp(a);
    rib.peerUp(b);
    for (const p of [a, b]) {
      const m = updateMessage({ nlri: [pfx("172.16.128.0/17"), pfx("192.168.200.128/25")], asPath: [300], localPref: 100, nextHop: p.address });
      rib.receiveUpdate(p, m, 19, m.length);
    }
    const text = formatBgpTable(bgpPathRows(rib, { family: "ipv4" }), { tableVersion: 9, routerId: "10.0.0.1" });
    expect(text.split("\n").slice(5)).toEqual([
      "   Network          Next Hop            Metric LocPrf Weight Path",
      "*>i172.16.128.0/17  10.9.9.1                      100      0 300 i",
      "*mi                 10.9.9.2                      100      0 300 i",
      "*>i192.168.200.128/25",
      "                    10.9.9.1                      100      0 300 i",
      "*mi                 10.9.9.2                      100      0 300 i",
      "",
    ]);
    expect(formatBgpTable([], { tableVersion: 1, routerId: "10.0.0.1" })).toBe("");
  });

  it("names the table's multipath in the entry and marks the multipath that came first after the best (oldest)", () => {
    const hooks = new RecordingHooks();
    const rib = new BgpRib(ribConfig({}, { maximumPaths: 4, maximumPathsIbgp: 2 }), hooks);
    // three equal eBGP paths: the first to arrive is the best (the oldest eBGP path)
    const peers = ["10.9.9.3", "10.9.9.1", "10.9.9.2"].map((a) => peer(a, { ebgp: true, remoteAs: 300, routerId: ip(a), families: new Set(["ipv4"]) }));
    for (const p of peers) {
      rib.peerUp(p);
      const m = updateMessage({ nlri: [pfx("172.16.128.0/17")], asPath: [300], nextHop: p.address });
      rib.receiveUpdate(p, m, 19, m.length);
    }
    const rows = bgpPathRows(rib, { family: "ipv4", prefix: pfx("172.16.128.0/17") });
    for (const r of rows) expect(bgpPathRowSchema.parse(r)).toEqual(r);
    const entry = formatBgpEntries(rows);
    expect(entry).toContain("Paths: (3 available, best #1, table default)\nMultipath: eBGP iBGP\n");
    const facts = entry.split("\n").filter((l) => l.includes("Origin IGP"));
    expect(facts).toEqual([
      "      Origin IGP, localpref 100, valid, external, multipath, best",
      expect.stringMatching(/external, multipath(\(oldest\))?$/),
      expect.stringMatching(/external, multipath(\(oldest\))?$/),
    ]);
    // 10.9.9.1 came first of the two that are not the best
    expect(entry).toMatch(/10\.9\.9\.3 from 10\.9\.9\.3 \(10\.9\.9\.3\)\n {6}Origin IGP, localpref 100, valid, external, multipath, best\n/);
    expect(entry).toMatch(/10\.9\.9\.1 from 10\.9\.9\.1 \(10\.9\.9\.1\)\n {6}Origin IGP, localpref 100, valid, external, multipath\(oldest\)\n/);
    expect(entry).toMatch(/10\.9\.9\.2 from 10\.9\.9\.2 \(10\.9\.9\.2\)\n {6}Origin IGP, localpref 100, valid, external, multipath\n/);
    // without multipath configured, no Multipath line
    const single = new BgpRib(ribConfig(), new RecordingHooks());
    single.peerUp(peers[0]);
    const m = updateMessage({ nlri: [pfx("172.16.128.0/17")], asPath: [300], nextHop: peers[0].address });
    single.receiveUpdate(peers[0], m, 19, m.length);
    expect(formatBgpEntries(bgpPathRows(single, { family: "ipv4" }))).not.toContain("ultipath");
  });

  it("names classful prefixes bare", () => {
    expect(bgpNetwork("10.0.0.0/8")).toBe("10.0.0.0");
    expect(bgpNetwork("10.1.0.0/16")).toBe("10.1.0.0/16");
    expect(bgpNetwork("172.16.0.0/16")).toBe("172.16.0.0");
    expect(bgpNetwork("0.0.0.0/0")).toBe("0.0.0.0");
    expect(bgpNetwork("192.168.1.0/24")).toBe("192.168.1.0");
  });

  it("gives the summary its entry, memory and activity lines", () => {
    const { rib } = hub();
    expect(bgpTableLines(rib.counts("vpnv4"))).toEqual([
      "8 network entries using 2048 bytes of memory",
      "8 path entries using 1088 bytes of memory",
      expect.stringMatching(/^\d+ BGP path\/bestpath attribute entries using \d+ bytes of memory$/),
      expect.stringMatching(/^BGP using \d+ total bytes of memory$/),
      "BGP activity 8/0 prefixes, 8/0 paths, scan interval 60 secs",
    ]);
  });
});
