// Wireshark as the independent judge of our BGP formats: one BGP conversation (OPEN, an IPv4
// UPDATE, a VPNv4 UPDATE with labels, route targets and communities, a VPNv4 withdrawal,
// KEEPALIVE, ROUTE-REFRESH, NOTIFICATION) built with the wire/ emitters, sent as
// Ethernet/IPv4/TCP port 179 segments of one in-order stream, written with PcapngWriter, and
// read back with tshark: no malformed packet, no expert warning, and the fields we wrote.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ipv4, type Mac } from "./addr";
import { AsPathSegmentType } from "./bgp-aspath";
import type { BgpCodecOptions } from "./bgp-attributes";
import { WellKnownCommunity, parseRouteTarget, type ExtendedCommunity } from "./bgp-communities";
import { BgpCeaseSubcode, BgpErrorCode } from "./bgp-errors";
import { AS_TRANS, BGP_PORT, buildBgpMessage, type BgpMessage } from "./bgp";
import { concatBytes } from "./bytes";
import { EtherType, buildEthernet } from "./ethernet";
import { IpProtocol, buildIpv4 } from "./ipv4";
import { toLabel, type Label } from "./mpls";
import { LINKTYPE_ETHERNET, PcapngWriter } from "./pcapng";
import { TcpFlag, buildTcp } from "./tcp";
import { HAS_TSHARK, PI_WARN, tsharkFields } from "./testdata/tshark";

const PE1 = ipv4(10, 0, 0, 1);
const PE2 = ipv4(10, 0, 0, 2);
const AS4: BgpCodecOptions = { fourOctetAs: true };
const rt = (text: string) => parseRouteTarget(text) as ExtendedCommunity;
const label = (n: number) => toLabel(n) as Label;

/** The conversation, PE1 to PE2, one message per segment. */
const MESSAGES: { name: string; message: BgpMessage }[] = [
  {
    name: "OPEN with MP IPv4 unicast and VPNv4, route refresh (2 and 128), 4-octet AS 4200000001",
    message: {
      type: "open", version: 4, myAs: AS_TRANS, holdTimeSec: 180, bgpId: PE1,
      parameters: [{ type: "capabilities", capabilities: [
        { type: "multiprotocol", afi: 1, safi: 1 },
        { type: "multiprotocol", afi: 1, safi: 128 },
        { type: "route-refresh-cisco" },
        { type: "route-refresh" },
        { type: "four-octet-as", asn: 4200000001 },
        { type: "unknown", code: 70, data: new Uint8Array(0) },
      ] }],
    },
  },
  {
    name: "IPv4 UPDATE with a withdrawal, AS_PATH, MED, communities and two prefixes",
    message: {
      type: "update",
      withdrawn: [{ addr: ipv4(172, 16, 0, 0), len: 12 }],
      attributes: [
        { type: "origin", origin: 0 },
        { type: "as-path", segments: [{ type: AsPathSegmentType.AsSequence, asns: [4200000001, 65001] }, { type: AsPathSegmentType.AsSet, asns: [65010, 65011] }] },
        { type: "next-hop", nextHop: PE1 },
        { type: "med", med: 20 },
        { type: "local-pref", localPref: 200 },
        { type: "communities", communities: [(65000 << 16) + 100, WellKnownCommunity.NoExport] },
      ],
      nlri: [{ addr: ipv4(192, 168, 10, 0), len: 24 }, { addr: ipv4(10, 128, 0, 0), len: 9 }],
    },
  },
  {
    name: "VPNv4 UPDATE: two labelled routes, RTs of three kinds, originator and cluster list",
    message: {
      type: "update", withdrawn: [], nlri: [],
      attributes: [
        { type: "origin", origin: 2 },
        { type: "as-path", segments: [] },
        { type: "local-pref", localPref: 100 },
        { type: "communities", communities: [(65000 << 16) + 1] },
        { type: "originator-id", originatorId: PE1 },
        { type: "cluster-list", clusterIds: [ipv4(10, 0, 0, 100)] },
        { type: "extended-communities", communities: [rt("65000:1"), rt("10.0.0.1:5"), rt("4200000001:7")] },
        { type: "mp-reach", family: "vpnv4", nextHop: PE1, nlri: [
          { labels: [label(16)], rd: { type: 0, asn: 65000, assigned: 1 }, prefix: { addr: ipv4(192, 168, 1, 0), len: 24 } },
          { labels: [label(1000), label(17)], rd: { type: 1, ip: PE1, assigned: 5 }, prefix: { addr: ipv4(10, 1, 2, 3), len: 32 } },
        ] },
      ],
    },
  },
  {
    name: "VPNv4 withdrawal with the 0x800000 label field",
    message: {
      type: "update", withdrawn: [], nlri: [],
      attributes: [{ type: "mp-unreach", family: "vpnv4", withdrawn: [{ rd: { type: 2, asn: 4200000001, assigned: 9 }, prefix: { addr: ipv4(192, 168, 2, 0), len: 23 } }] }],
    },
  },
  { name: "KEEPALIVE", message: { type: "keepalive" } },
  { name: "ROUTE-REFRESH for VPNv4", message: { type: "route-refresh", afi: 1, safi: 128, subtype: 0 } },
  { name: "NOTIFICATION Cease / administrative shutdown", message: { type: "notification", code: BgpErrorCode.Cease, subcode: BgpCeaseSubcode.AdministrativeShutdown, data: new Uint8Array(0) } },
];

function frames(): Uint8Array[] {
  let seq = 1000;
  return MESSAGES.map(({ message }) => {
    const bgp = buildBgpMessage(message, AS4);
    const tcp = buildTcp({ srcPort: 40000, dstPort: BGP_PORT, seq, ack: 5000, flags: TcpFlag.Ack | TcpFlag.Psh, window: 16384, urgentPointer: 0, options: [] }, bgp, PE1, PE2);
    seq += bgp.length;
    const ip = buildIpv4({ dscp: 48, ecn: 0, identification: seq & 0xffff, dontFragment: true, moreFragments: false, fragmentOffsetBytes: 0, ttl: 255, protocol: IpProtocol.Tcp, src: PE1, dst: PE2, payloadLength: tcp.length }, tcp);
    return buildEthernet({ dst: 0xaabbcc000200 as Mac, src: 0xaabbcc000100 as Mac, etherType: EtherType.Ipv4 }, ip);
  });
}

describe(HAS_TSHARK ? "tshark decodes our BGP messages" : "tshark decodes our BGP messages (skipped: tshark not installed)", () => {
  let dir: string | undefined;
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  function writeCapture(): string {
    if (dir !== undefined) return join(dir, "bgp.pcapng");
    dir = mkdtempSync(join(tmpdir(), "flexlab-bgp-tshark-"));
    const chunks: Uint8Array[] = [];
    const writer = new PcapngWriter((chunk) => chunks.push(chunk));
    const iface = writer.addInterface("GigabitEthernet1", LINKTYPE_ETHERNET);
    frames().forEach((frame, i) => writer.writePacket(iface, 1_764_300_000_000 + i, frame, MESSAGES[i].name));
    const file = join(dir, "bgp.pcapng");
    writeFileSync(file, concatBytes(chunks));
    return file;
  }

  function tshark(fields: string[], filter?: string): string[][] {
    return tsharkFields(writeCapture(), fields, filter);
  }

  it.skipIf(!HAS_TSHARK)("decodes every frame as one BGP message of the type we built", () => {
    const rows = tshark(["frame.protocols", "bgp.type"]);
    expect(rows).toEqual([["eth:ethertype:ip:tcp:bgp", "1"], ...[2, 2, 2, 4, 5, 3].map((t) => ["eth:ethertype:ip:tcp:bgp", String(t)])]);
  });

  it.skipIf(!HAS_TSHARK)("finds no malformed packet and no expert warning or error", () => {
    expect(tshark(["frame.number"], `_ws.malformed || _ws.expert.severity >= ${PI_WARN}`)).toEqual([]);
    for (const [number, severities, messages] of tshark(["frame.number", "_ws.expert.severity", "_ws.expert.message"])) {
      const worst = Math.max(0, ...severities.split(",").filter(Boolean).map(Number));
      expect(worst, `frame ${number}: ${messages}`).toBeLessThan(PI_WARN);
    }
  });

  it.skipIf(!HAS_TSHARK)("reads the OPEN's AS, hold time, identifier and capabilities", () => {
    const [open] = tshark(["bgp.open.myas", "bgp.open.holdtime", "bgp.open.identifier", "bgp.cap.type", "bgp.cap.mp.safi", "bgp.cap.4as"], "bgp.type == 1");
    expect(open).toEqual(["23456", "180", "10.0.0.1", "1,1,128,2,65,70", "1,128", "4200000001"]);
  });

  it.skipIf(!HAS_TSHARK)("reads the IPv4 UPDATE's attributes and prefixes", () => {
    const [update] = tshark([
      "bgp.withdrawn_prefix", "bgp.update.path_attribute.origin", "bgp.update.path_attribute.as_path_segment.as4",
      "bgp.update.path_attribute.next_hop", "bgp.update.path_attribute.multi_exit_disc", "bgp.update.path_attribute.local_pref",
      "bgp.update.path_attribute.community_as", "bgp.update.path_attribute.community_wellknown", "bgp.nlri_prefix",
    ], "frame.number == 2");
    expect(update).toEqual(["172.16.0.0", "0", "4200000001,65001,65010,65011", "10.0.0.1", "20", "200", "65000", "0xffffff01", "192.168.10.0,10.128.0.0"]);
  });

  it.skipIf(!HAS_TSHARK)("reads the VPNv4 routes' labels, RDs and prefixes, the next hop and the route targets", () => {
    const [reach] = tshark([
      "bgp.prefix_length", "bgp.label_stack", "bgp.rd", "bgp.mp_reach_nlri_ipv4_prefix",
      "bgp.update.path_attribute.mp_reach_nlri.next_hop.rd", "bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv4",
      "bgp.ext_com.value_as2", "bgp.ext_com.value_IP4", "bgp.ext_com.value_as4", "bgp.ext_com.value_an4", "bgp.ext_com.value_an2",
      "bgp.update.path_attribute.originator_id", "bgp.path_attribute.cluster_id",
    ], "frame.number == 3");
    expect(reach).toEqual([
      "112,144", "16 (bottom),1000,17 (bottom)", "65000:1,10.0.0.1:5", "192.168.1.0,10.1.2.3",
      "0:0", "10.0.0.1",
      "65000", "10.0.0.1", "4200000001", "1", "5,7",
      "10.0.0.1", "10.0.0.100",
    ]);
    // RFC 8277's withdrawal label field, which Wireshark shows as "withdrawn"; a /23 is 111 bits.
    const [unreach] = tshark(["bgp.prefix_length", "bgp.label_stack", "bgp.rd", "bgp.mp_unreach_nlri_ipv4_prefix"], "frame.number == 4");
    expect(unreach).toEqual(["111", "0 (withdrawn)", "4200000001:9", "192.168.2.0"]);
  });

  it.skipIf(!HAS_TSHARK)("reads the ROUTE-REFRESH family and the NOTIFICATION codes", () => {
    const rows = tshark(["bgp.route_refresh.afi", "bgp.route_refresh.safi", "bgp.notify.major_error", "bgp.notify.minor_error_cease"], "bgp.type == 5 || bgp.type == 3");
    expect(rows).toEqual([["1", "128", "", ""], ["", "", "6", "2"]]);
  });
});
