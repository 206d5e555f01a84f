import { describe, expect, it } from "vitest";
import { nhrpRowSchema, nhrpTrafficRowSchema } from "../../api/tables";
import { parseIpv4, parsePrefix, type Ipv4, type Prefix } from "../wire/addr";
import { NhrpType } from "../wire/nhrp";
import type { Label } from "../wire/mpls";
import { debugNhrpAddressLine, debugNhrpBytesOutLine, debugNhrpPacketLine, nhrpTypeName } from "./debug-lines";
import { dmvpnAttributes, formatShowDmvpn, formatShowIpNhrp, formatShowIpNhrpTraffic, nhrpRows, nhrpTrafficRows } from "./show";
import { NHRP_TRAFFIC_KINDS, type NhrpCacheEntry, type NhrpInterfaceTraffic, type NhrpPeer, type NhrpTrafficKind } from "./types";

const ip = (s: string): Ipv4 => parseIpv4(s) ?? expect.unreachable(s);
const pfx = (s: string): Prefix => parsePrefix(s) ?? expect.unreachable(s);

const NOW = 100_000_000;
const SEC = 1000;

function entry(over: Partial<NhrpCacheEntry> & Pick<NhrpCacheEntry, "prefix" | "via" | "interface">): NhrpCacheEntry {
  return {
    vrf: "",
    nbma: undefined,
    type: "dynamic",
    flags: [],
    createdAt: NOW - 32 * SEC,
    expiresAt: NOW + 147 * SEC,
    noSocket: false,
    preference: 255,
    cacheHits: 0,
    ...over,
  };
}

// R3-Spoke1 (NBMA 172.16.1.103, overlay 10.1.1.1) after a shortcut to R4 (172.16.1.104,
// 10.1.1.2) for cust1's 192.168.114.0/24: R4's tunnel address (implicit-null) and LAN (label
// 40) over Virtual-Access1, R3's own LAN given to R4, and a resolution still pending.
const R4_TUNNEL = entry({
  vrf: "cust1",
  prefix: pfx("10.1.1.2/32"),
  via: ip("10.1.1.2"),
  interface: "Virtual-Access1",
  nbma: ip("172.16.1.104"),
  flags: ["rib", "nhop", "router"],
  label: 3 as Label,
});
const R4_LAN = entry({
  vrf: "cust1",
  prefix: pfx("192.168.114.0/24"),
  via: ip("10.1.1.2"),
  interface: "Virtual-Access1",
  nbma: ip("172.16.1.104"),
  flags: ["router", "rib"],
  label: 40 as Label,
  requester: ip("10.1.1.1"),
  requestId: 7,
});
const OWN_LAN = entry({
  vrf: "cust1",
  prefix: pfx("192.168.113.0/24"),
  via: ip("10.1.1.1"),
  interface: "Virtual-Access1",
  nbma: ip("172.16.1.103"),
  flags: ["local", "unique", "router"],
  expiresAt: NOW + 149 * SEC,
  noSocket: true,
  requester: ip("10.1.1.2"),
  requestId: 97,
});
const PENDING = entry({
  vrf: "cust1",
  prefix: pfx("192.168.115.0/24"),
  via: ip("0.0.0.0"),
  interface: "Tunnel0",
  type: "incomplete",
  flags: ["negative"],
  createdAt: NOW - 4 * SEC,
  expiresAt: NOW + 175 * SEC,
  cacheHits: 2,
});
const HUB = entry({
  prefix: pfx("10.0.0.1/32"),
  via: ip("10.0.0.1"),
  interface: "Tunnel0",
  nbma: ip("172.16.0.1"),
  type: "static",
  createdAt: NOW - (70 * 86400 + 2 * 86400) * SEC,
  expiresAt: undefined,
});

describe("show ip nhrp", () => {
  const cache = [R4_TUNNEL, R4_LAN, OWN_LAN, PENDING, HUB];

  it("prints a FlexVPN spoke's cache after a shortcut as IOS does, with FlexLab's label line", () => {
    expect(formatShowIpNhrp(cache, { detail: false, now: NOW })).toBe(
      [
        "192.168.115.0/24",
        "   Tunnel0 created 00:00:04, expire 00:02:55",
        "   Type: incomplete, Flags: negative",
        "   Cache hits: 2",
        "10.0.0.1/32 via 10.0.0.1",
        "   Tunnel0 created 10w2d, never expire",
        "   Type: static, Flags:",
        "   NBMA address: 172.16.0.1",
        "10.1.1.2/32 via 10.1.1.2",
        "   Virtual-Access1 created 00:00:32, expire 00:02:27",
        "   Type: dynamic, Flags: router nhop rib",
        "   NBMA address: 172.16.1.104",
        "   Label: implicit-null",
        "192.168.114.0/24 via 10.1.1.2",
        "   Virtual-Access1 created 00:00:32, expire 00:02:27",
        "   Type: dynamic, Flags: router rib",
        "   NBMA address: 172.16.1.104",
        "   Label: 40",
        "192.168.113.0/24 via 10.1.1.1",
        "   Virtual-Access1 created 00:00:32, expire 00:02:29",
        "   Type: dynamic, Flags: router unique local",
        "   NBMA address: 172.16.1.103",
        "    (no-socket)",
        "",
      ].join("\n"),
    );
  });

  it("adds the preference and the requester in detail, after (no-socket) as IOS does", () => {
    const text = formatShowIpNhrp([OWN_LAN], { detail: true, now: NOW });
    expect(text.split("\n")).toEqual([
      "192.168.113.0/24 via 10.1.1.1",
      "   Virtual-Access1 created 00:00:32, expire 00:02:29",
      "   Type: dynamic, Flags: router unique local",
      "   NBMA address: 172.16.1.103",
      "   Preference: 255",
      "    (no-socket)",
      "  Requester: 10.1.1.2 Request ID: 97",
      "",
    ]);
  });

  it("lists only the entries behind routes for show ip nhrp shortcut", () => {
    const text = formatShowIpNhrp(cache, { detail: false, now: NOW, shortcutOnly: true });
    expect(text.split("\n").filter((l) => !l.startsWith(" "))).toEqual(["10.1.1.2/32 via 10.1.1.2", "192.168.114.0/24 via 10.1.1.2", ""]);
  });

  it("prints ages past a day and a week like IOS, and nothing for an empty cache", () => {
    const old = entry({ prefix: pfx("10.9.9.9/32"), via: ip("10.9.9.9"), interface: "Tunnel0", nbma: ip("1.1.1.1"), createdAt: NOW - 93600 * SEC, expiresAt: NOW + 17 * 86400 * SEC });
    expect(formatShowIpNhrp([old], { detail: false, now: NOW })).toContain("   Tunnel0 created 1d02h, expire 2w3d\n");
    expect(formatShowIpNhrp([], { detail: true, now: NOW })).toBe("");
  });

  it("builds rows the nhrp table schema accepts, flags in IOS's order", () => {
    const rows = nhrpRows(cache, NOW);
    expect(rows.map((r) => nhrpRowSchema.safeParse(r).success)).toEqual([true, true, true, true, true]);
    expect(rows[2]).toEqual({
      vrf: "cust1",
      prefix: "10.1.1.2/32",
      via: "10.1.1.2",
      interface: "Virtual-Access1",
      nbma: "172.16.1.104",
      type: "dynamic",
      flags: ["router", "nhop", "rib"],
      createdSec: 32,
      expiresSec: 147,
      label: 3,
      noSocket: false,
      preference: 255,
      cacheHits: 0,
    });
    expect(rows[1].expiresSec).toBeUndefined();
    expect(rows[0].nbma).toBeUndefined();
    expect(JSON.parse(JSON.stringify(rows))).toEqual(rows);
  });
});

const LEGEND = [
  "Legend: Attrb --> S - Static, D - Dynamic, I - Incomplete",
  "        N - NATed, L - Local, X - No Socket",
  "        T1 - Route Installed, T2 - Nexthop-override",
  "        C - CTS Capable",
  "        # Ent --> Number of NHRP entries with same NBMA peer",
  "        NHS Status: E --> Expecting Replies, R --> Responding, W --> Waiting",
  "        UpDn Time --> Up or Down Time for a Tunnel",
  "==========================================================================",
];

const PEERS: NhrpPeer[] = [
  { interface: "Virtual-Access1", role: "Spoke", nbma: ip("172.16.1.104"), tunnelAddress: ip("10.1.1.2"), state: "UP", since: NOW - 5 * SEC, attributes: "D", entries: [R4_TUNNEL, R4_LAN] },
  { interface: "Virtual-Access1", role: "Spoke", nbma: ip("172.16.1.103"), tunnelAddress: ip("10.1.1.1"), state: "UP", since: NOW - 5 * SEC, attributes: "DLX", entries: [OWN_LAN] },
  { interface: "Tunnel0", role: "Spoke", nbma: ip("172.16.0.1"), tunnelAddress: ip("10.0.0.1"), state: "UP", since: NOW - 26 * 86400 * SEC, attributes: "S", entries: [] },
];

describe("show dmvpn", () => {
  it("prints one block per interface, peers by NBMA address, one line per entry", () => {
    expect(formatShowDmvpn(PEERS, { detail: false, now: NOW }).split("\n")).toEqual([
      ...LEGEND,
      "",
      "Interface: Tunnel0, IPv4 NHRP Details",
      "Type:Spoke, NHRP Peers:1,",
      "",
      " # Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb",
      " ----- --------------- --------------- ----- -------- -----",
      "     1 172.16.0.1             10.0.0.1    UP     3w5d     S",
      "",
      "Interface: Virtual-Access1, IPv4 NHRP Details",
      "Type:Spoke, NHRP Peers:2,",
      "",
      " # Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb",
      " ----- --------------- --------------- ----- -------- -----",
      "     1 172.16.1.103           10.1.1.1    UP 00:00:05   DLX",
      "     2 172.16.1.104           10.1.1.2    UP 00:00:05   DT1",
      "                              10.1.1.2    UP 00:00:05   DT1",
      "",
    ]);
  });

  it("puts the columns where ios-output.md §3 says", () => {
    const row = formatShowDmvpn(PEERS, { detail: false, now: NOW })
      .split("\n")
      .find((l) => l.includes("172.16.1.104"));
    if (row === undefined) throw new Error("no row");
    expect(row.indexOf("2")).toBe(5); // # Ent ends at 5
    expect(row.indexOf("172.16.1.104")).toBe(7); // NBMA starts at 7
    expect(row.indexOf("10.1.1.2") + "10.1.1.2".length - 1).toBe(37); // tunnel address ends at 37
    expect(row.length).toBe(59); // State 5, UpDn 8, Attrb 5, each after one space
  });

  it("adds the target network in detail and the interface header when given", () => {
    const lines = formatShowDmvpn(PEERS, {
      detail: true,
      now: NOW,
      interfaces: {
        Tunnel0: { status: "up/up", address: ip("10.0.0.11"), vrf: "", tunnelSource: ip("172.16.1.103"), tunnelDestination: ip("172.16.0.1"), tunnelVrf: "", transport: "GRE/IP", protect: "default", nhs: [{ address: ip("10.0.0.1"), status: "RE" }] },
      },
    }).split("\n");
    expect(lines.slice(LEGEND.length)).toEqual([
      "",
      'Interface Tunnel0 is up/up, Addr. is 10.0.0.11, VRF ""',
      '   Tunnel Src./Dest. addr: 172.16.1.103/172.16.0.1, Tunnel VRF ""',
      '   Protocol/Transport: "GRE/IP", Protect "default"',
      "   Interface State Control: Disabled",
      "   nhrp event-publisher : Disabled",
      "",
      "IPv4 NHS:",
      "10.0.0.1  RE priority = 0 cluster = 0",
      "Type:Spoke, Total NBMA Peers (v4/v6): 1",
      "",
      "# Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb    Target Network",
      "----- --------------- --------------- ----- -------- ----- -----------------",
      "    1 172.16.0.1             10.0.0.1    UP     3w5d     S",
      "",
      "Interface Virtual-Access1, IPv4 NHRP Details",
      "Type:Spoke, Total NBMA Peers (v4/v6): 2",
      "",
      "# Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb    Target Network",
      "----- --------------- --------------- ----- -------- ----- -----------------",
      "    1 172.16.1.103           10.1.1.1    UP 00:00:05   DLX   192.168.113.0/24",
      "    2 172.16.1.104           10.1.1.2    UP 00:00:05   DT1        10.1.1.2/32",
      "      172.16.1.104           10.1.1.2    UP 00:00:05   DT1   192.168.114.0/24",
      "",
    ]);
  });

  it("derives Attrb from the entry's type and flags", () => {
    expect(dmvpnAttributes(HUB)).toBe("S");
    expect(dmvpnAttributes(PENDING)).toBe("I");
    expect(dmvpnAttributes(entry({ prefix: pfx("10.0.0.5/32"), via: ip("10.0.0.5"), interface: "Tunnel0", flags: ["router", "nho", "nat"] }))).toBe("DNT2");
  });
});

function counts(values: readonly number[]): Record<NhrpTrafficKind, number> {
  return Object.fromEntries(NHRP_TRAFFIC_KINDS.map((k, i) => [k, values[i]])) as Record<NhrpTrafficKind, number>;
}

describe("show ip nhrp traffic", () => {
  const hub: NhrpInterfaceTraffic = { interface: "Tunnel10", sent: counts([3, 0, 0, 45850, 2, 1, 0, 0, 0]), received: counts([3, 0, 45850, 0, 2, 1, 0, 0, 0]), dropped: 4 };

  it("prints IOS 15's layout: the max-send line, totals, three counters to a line", () => {
    expect(formatShowIpNhrpTraffic([hub])).toBe(
      [
        "Tunnel10: Max-send limit:100Pkts/10Sec, Usage:0%",
        "   Sent: Total 45856",
        "         3 Resolution Request  0 Resolution Reply  0 Registration Request",
        "         45850 Registration Reply  2 Purge Request  1 Purge Reply",
        "         0 Error Indication  0 Traffic Indication  0 Redirect Suppress",
        "   Rcvd: Total 45856",
        "         3 Resolution Request  0 Resolution Reply  45850 Registration Request",
        "         0 Registration Reply  2 Purge Request  1 Purge Reply",
        "         0 Error Indication  0 Traffic Indication  0 Redirect Suppress",
        "",
      ].join("\n"),
    );
  });

  it("takes the max-send budget and its usage from the caller, interfaces in IOS's order", () => {
    const va = { ...hub, interface: "Virtual-Access2" };
    const t0 = { ...hub, interface: "Tunnel0" };
    const text = formatShowIpNhrpTraffic([va, t0], { maxSendPackets: 10000, maxSendIntervalSec: 60, usagePercent: (i) => (i === "Tunnel0" ? 12.4 : 0) });
    expect(text.split("\n").filter((l) => !l.startsWith(" "))).toEqual(["Tunnel0: Max-send limit:10000Pkts/60Sec, Usage:12%", "Virtual-Access2: Max-send limit:10000Pkts/60Sec, Usage:0%", ""]);
    const rows = nhrpTrafficRows([va, t0]);
    expect(rows.map((r) => r.interface)).toEqual(["Tunnel0", "Virtual-Access2"]);
    expect(rows.every((r) => nhrpTrafficRowSchema.safeParse(r).success)).toBe(true);
    expect(formatShowIpNhrpTraffic([])).toBe("");
  });
});

describe("debug nhrp packet lines", () => {
  it("word sends and receives as IOS 15 does", () => {
    expect(debugNhrpPacketLine("send", NhrpType.ResolutionRequest, "Tunnel0", 0, 85)).toBe("NHRP: Send Resolution Request via Tunnel0 vrf 0, packet size: 85");
    expect(debugNhrpPacketLine("receive", NhrpType.ResolutionReply, "Virtual-Access1", 0, 105)).toBe("NHRP: Receive Resolution Reply via Virtual-Access1 vrf 0, packet size: 105");
    expect(debugNhrpPacketLine("send", NhrpType.TrafficIndication, "Virtual-Access3", 2, 96)).toBe("NHRP: Send Traffic Indication via Virtual-Access3 vrf 2, packet size: 96");
    expect(debugNhrpAddressLine(ip("10.0.0.11"), ip("10.0.0.1"))).toBe(" src: 10.0.0.11, dst: 10.0.0.1");
    expect(debugNhrpBytesOutLine(105, "Tunnel0")).toBe("NHRP: 105 bytes out Tunnel0");
  });

  it("names every RFC 2332 type and says which number it does not know", () => {
    expect(Object.values(NhrpType).map(nhrpTypeName)).toEqual([
      "Resolution Request",
      "Resolution Reply",
      "Registration Request",
      "Registration Reply",
      "Purge Request",
      "Purge Reply",
      "Error Indication",
      "Traffic Indication",
    ]);
    expect(nhrpTypeName(42)).toBe("type 42");
  });
});
