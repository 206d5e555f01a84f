// Wireshark as the independent judge of the NHRP codec: R3's resolution request, R4's reply
// carrying FlexLab's label extension, the hub's redirect (traffic indication) and an error
// indication quoting the request, each in GRE (protocol 0x2001) as a classic pcap, decoded by
// tshark as NHRP with the fields we wrote, a good NHRP checksum, no malformed packet and no
// expert warning; the label extension shows as vendor-private data with our vendor ID.
// Skipped where tshark is missing, like tshark.test.ts.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ipv4, type Ipv4, type Mac } from "./addr";
import { hexBytes } from "./bytes";
import { EtherType, buildEthernet } from "./ethernet";
import { GreProtocol, buildGre } from "./gre";
import { IpProtocol, buildIpv4 } from "./ipv4";
import { NhrpErrorCode, NhrpType, emitNhrp } from "./nhrp";
import { FLEXLAB_LABEL_OUI } from "./nhrp-labels";
import { LinkType, writePcap } from "./pcap";
import { NHRP_RESOLUTION_REPLY, NHRP_RESOLUTION_REQUEST, NHRP_TRAFFIC_INDICATION } from "./testdata/frames";
import { HAS_TSHARK, PI_WARN, tsharkFields as tshark } from "./testdata/tshark";

const R3_NBMA = ipv4(172, 16, 1, 103);
const R4_NBMA = ipv4(172, 16, 1, 104);
const HUB_NBMA = ipv4(172, 16, 0, 1);

function frame(src: Ipv4, dst: Ipv4, nhrp: Uint8Array): Uint8Array {
  const gre = buildGre({ protocol: GreProtocol.Nhrp, checksum: false }, nhrp);
  const ip = buildIpv4({
    dscp: 0, ecn: 0, identification: 0x0101, dontFragment: false, moreFragments: false, fragmentOffsetBytes: 0,
    ttl: 255, protocol: IpProtocol.Gre, src, dst, payloadLength: gre.length,
  }, gre);
  return buildEthernet({ dst: 0xaabbcc000100 as Mac, src: 0xaabbcc000300 as Mac, etherType: EtherType.Ipv4 }, ip);
}

const ERROR_INDICATION = emitNhrp({
  type: NhrpType.ErrorIndication, hopCount: 255, errorCode: NhrpErrorCode.ProtocolAddressUnreachable, errorOffset: 0,
  srcNbma: HUB_NBMA, srcProtocol: ipv4(10, 0, 0, 1), dstProtocol: ipv4(10, 1, 1, 3), packet: NHRP_RESOLUTION_REQUEST, extensions: {},
});

const FRAMES = [
  frame(R3_NBMA, HUB_NBMA, NHRP_RESOLUTION_REQUEST),
  frame(R4_NBMA, R3_NBMA, NHRP_RESOLUTION_REPLY),
  frame(HUB_NBMA, R3_NBMA, NHRP_TRAFFIC_INDICATION),
  frame(HUB_NBMA, R3_NBMA, ERROR_INDICATION),
];

describe(HAS_TSHARK ? "tshark decodes our NHRP" : "tshark decodes our NHRP (skipped: tshark not installed)", () => {
  let dir: string | undefined; // made on first use, so a skipped run leaves nothing behind
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  function capture(): string {
    if (dir !== undefined) return join(dir, "nhrp.pcap");
    dir = mkdtempSync(join(tmpdir(), "flexlab-nhrp-tshark-"));
    const file = join(dir, "nhrp.pcap");
    writeFileSync(file, writePcap(FRAMES.map((data, i) => ({ timestampNs: 1_764_300_000_000_000_000n + BigInt(i) * 1_000_000n, data })), { linkType: LinkType.Ethernet }));
    return file;
  }

  it.skipIf(!HAS_TSHARK)("sees NHRP in GRE in every frame, the redirect's triggering packet as IPv4/ICMP", () => {
    expect(tshark(capture(), ["frame.protocols"]).map(([p]) => p)).toEqual([
      "eth:ethertype:ip:gre:nhrp",
      "eth:ethertype:ip:gre:nhrp",
      "eth:ethertype:ip:gre:nhrp:ip:icmp:data",
      "eth:ethertype:ip:gre:nhrp",
    ]);
  });

  it.skipIf(!HAS_TSHARK)("finds no malformed packet, no expert warning or error, and every NHRP checksum good", () => {
    const file = capture();
    expect(tshark(file, ["frame.number"], `_ws.malformed || _ws.expert.severity >= ${PI_WARN}`)).toEqual([]);
    // Checksum status 1 is "Good"; the error indication's quoted request is checked too.
    expect(tshark(file, ["nhrp.hdr.chksum.status"]).map(([s]) => s)).toEqual(["1", "1", "1", "1,1"]);
  });

  it.skipIf(!HAS_TSHARK)("reads back type, request ID, NBMA and protocol addresses and each CIE's prefix length", () => {
    // tshark prints request IDs in hex ("0x00000007"): compare them as numbers.
    const rows = tshark(capture(), [
      "nhrp.hdr.op.type", "nhrp.reqid", "nhrp.flags", "nhrp.src.nbma.addr", "nhrp.src.prot.addr", "nhrp.dst.prot.addr",
      "nhrp.prefix", "nhrp.client.nbma.addr", "nhrp.client.prot.addr", "nhrp.htime", "nhrp.err.code",
    ]).map((row) => row.map((cell, i) => (i === 1 && cell !== "" ? cell.split(",").map(Number).join(",") : cell)));
    expect(rows[0]).toEqual(["1", "7", "0xc802", "172.16.1.103", "10.1.1.3", "192.168.114.1", "255", "", "", "600", ""]);
    // The reply: its CIE (/24 via 10.1.1.4), then the responder address and reverse transit CIEs.
    expect(rows[1]).toEqual([
      "2", "7", "0xc802", "172.16.1.103", "10.1.1.3", "192.168.114.1",
      "24,32,32", "172.16.1.104,172.16.1.104,172.16.0.1", "10.1.1.4,10.1.1.4,10.0.0.1", "600,600,600", "",
    ]);
    expect(rows[2]).toEqual(["8", "", "", "172.16.0.1", "10.0.0.1", "192.168.113.1", "", "", "", "", ""]);
    // The error indication, then the request it quotes.
    expect(rows[3]).toEqual(["7,1", "7", "0xc802", "172.16.0.1,172.16.1.103", "10.0.0.1,10.1.1.3", "10.1.1.3,192.168.114.1", "255", "", "", "600", "6"]);
  });

  it.skipIf(!HAS_TSHARK)("shows the extensions, FlexLab's labels as vendor-private data with our vendor ID", () => {
    const rows = tshark(capture(), ["nhrp.ext.type", "nhrp.ext.c", "nhrp.vendor_ext.id", "nhrp.vendor_ext.data", "nhrp.auth_ext.spi"]);
    expect(rows[0].slice(0, 4)).toEqual(["0x0003,0x0004,0x0005,0x0008,0x0000", "1,1,1,0,1", String(FLEXLAB_LABEL_OUI), hexBytes(Uint8Array.of(1, 0, 1, 0, 4, 0, 0, 0, 30))]);
    // CIE labels 40 and implicit-null (3), after the format byte and the sub-TLV header.
    expect(rows[1]).toEqual(["0x0003,0x0004,0x0005,0x0007,0x0008,0x0000", "1,1,1,1,0,1", String(FLEXLAB_LABEL_OUI), "01000200080000002800000003", "1"]);
    expect(rows[2].slice(0, 4)).toEqual(["0x0008,0x0000", "0,1", String(FLEXLAB_LABEL_OUI), "01000100040000001e"]);
  });
});
