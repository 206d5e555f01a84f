// Wireshark as the independent judge of our formats: build frames with the wire/ emitters,
// write them with PcapngWriter, and check that tshark decodes every frame to the protocol
// stack we meant, with no malformed packet, no checksum complaint and no expert error.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ipv4, type Ipv4, type Mac } from "./addr";
import { concatBytes } from "./bytes";
import { buildEsp } from "./esp";
import { EtherType, buildEthernet } from "./ethernet";
import { GreProtocol, buildGre } from "./gre";
import { buildIcmp } from "./icmp";
import { IpProtocol, buildIpv4 } from "./ipv4";
import { LABEL_FIRST_DYNAMIC, buildMpls, toLabel, type Label } from "./mpls";
import { LINKTYPE_ETHERNET, PcapngWriter } from "./pcapng";
import { TcpFlag, buildTcp } from "./tcp";
import { HAS_TSHARK, PI_WARN, tsharkFields as tshark } from "./testdata/tshark";
import { buildUdp } from "./udp";

const R1_MAC = 0xaabbcc000100 as Mac;
const R2_MAC = 0xaabbcc000200 as Mac;
const R1 = ipv4(192, 0, 2, 1);
const R2 = ipv4(192, 0, 2, 2);
const HOST_A = ipv4(10, 1, 1, 1);
const HOST_B = ipv4(10, 2, 2, 2);

function ip(src: Ipv4, dst: Ipv4, protocol: number, payload: Uint8Array): Uint8Array {
  const repr = { dscp: 0, ecn: 0, identification: 0x1234, dontFragment: true, moreFragments: false, fragmentOffsetBytes: 0, ttl: 64, protocol, src, dst, payloadLength: payload.length };
  return buildIpv4(repr, payload);
}

function ethernet(payload: Uint8Array): Uint8Array {
  return buildEthernet({ dst: R2_MAC, src: R1_MAC, etherType: EtherType.Ipv4 }, payload);
}

function echoRequest(src: Ipv4, dst: Ipv4): Uint8Array {
  const data = new TextEncoder().encode("abcdefghijklmnopqrstuvwabcdefghi");
  return ip(src, dst, IpProtocol.Icmp, buildIcmp({ kind: "echo-request", identifier: 7, sequenceNumber: 1, payloadLength: data.length }, data));
}

/** Each frame with the protocol stack tshark should report for it. */
const FRAMES: { name: string; frame: Uint8Array; protocols: string }[] = [
  {
    name: "GRE over IPv4 carrying two MPLS labels, then IPv4/ICMP echo",
    frame: ethernet(
      ip(R1, R2, IpProtocol.Gre,
        buildGre({ protocol: GreProtocol.MplsUnicast, checksum: false },
          buildMpls({ stack: [
            { label: toLabel(1000) as Label, tc: 0, bottom: false, ttl: 255 },
            { label: LABEL_FIRST_DYNAMIC, tc: 0, bottom: true, ttl: 255 },
          ] }, echoRequest(HOST_A, HOST_B))))),
    protocols: "eth:ethertype:ip:gre:mpls:ip:icmp:data",
  },
  {
    name: "a TCP SYN with every option we know and one we do not",
    frame: ethernet(ip(HOST_A, HOST_B, IpProtocol.Tcp, buildTcp({
      srcPort: 49152, dstPort: 179, seq: 0x01020304, ack: 0, flags: TcpFlag.Syn, window: 64240, urgentPointer: 0,
      options: [
        { type: "mss", mss: 1460 },
        { type: "nop" },
        { type: "window-scale", shift: 7 },
        { type: "sack-permitted" },
        { type: "timestamps", tsVal: 123456, tsEcr: 0 },
        { type: "sack", blocks: [{ left: 0x01020305, right: 0x01020405 }] },
        { type: "unknown", kind: 253, data: Uint8Array.of(0x12, 0x34, 0x56, 0x78) }, // RFC 6994 experimental, ExID 0x1234
      ],
    }, new Uint8Array(0), HOST_A, HOST_B))),
    protocols: "eth:ethertype:ip:tcp",
  },
  {
    name: "an ESP packet (IV, ciphertext and ICV opaque)",
    frame: ethernet(ip(R1, R2, IpProtocol.Esp, buildEsp({ spi: 0xc0ffee01, sequence: 1 }, Uint8Array.from({ length: 16 + 48 + 16 }, (_, i) => (i * 37) & 0xff)))),
    protocols: "eth:ethertype:ip:esp",
  },
  {
    name: "GRE with checksum, key and sequence number carrying IPv4/UDP",
    frame: ethernet(
      ip(R1, R2, IpProtocol.Gre,
        buildGre({ protocol: GreProtocol.Ipv4, checksum: true, key: 42, sequence: 7 },
          ip(HOST_A, HOST_B, IpProtocol.Udp, buildUdp({ srcPort: 40000, dstPort: 9, payloadLength: 5 }, Uint8Array.of(1, 2, 3, 4, 5), HOST_A, HOST_B))))),
    protocols: "eth:ethertype:ip:gre:ip:udp:data",
  },
];

describe(HAS_TSHARK ? "tshark decodes a capture of our frames" : "tshark decodes a capture of our frames (skipped: tshark not installed)", () => {
  let dir: string | undefined; // made on first use, so a skipped run leaves nothing behind
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Writes the capture once to a temp dir; returns its path. */
  function writeCapture(): string {
    if (dir !== undefined) return join(dir, "frames.pcapng");
    dir = mkdtempSync(join(tmpdir(), "flexlab-tshark-"));
    const chunks: Uint8Array[] = [];
    const writer = new PcapngWriter((chunk) => chunks.push(chunk));
    const iface = writer.addInterface("GigabitEthernet1", LINKTYPE_ETHERNET);
    FRAMES.forEach(({ frame, name }, i) => writer.writePacket(iface, 1_764_300_000_000 + i * 1.5, frame, name));
    const file = join(dir, "frames.pcapng");
    writeFileSync(file, concatBytes(chunks));
    return file;
  }


  it.skipIf(!HAS_TSHARK)("decodes each frame to the protocol stack it was built with", () => {
    const rows = tshark(writeCapture(), ["frame.number", "frame.protocols"]);
    expect(rows.map(([number, protocols]) => [Number(number), protocols])).toEqual(FRAMES.map((f, i) => [i + 1, f.protocols]));
  });

  it.skipIf(!HAS_TSHARK)("sees the interface name, microsecond timestamps and comments the pcapng writer wrote", () => {
    const rows = tshark(writeCapture(), ["frame.interface_name", "frame.time_epoch", "frame.comment"]);
    const times = ["1764300000.000000000", "1764300000.001500000", "1764300000.003000000", "1764300000.004500000"];
    expect(rows).toEqual(FRAMES.map((f, i) => ["GigabitEthernet1", times[i], f.name]));
  });

  it.skipIf(!HAS_TSHARK)("finds no malformed packet and no expert warning or error (bad checksums included)", () => {
    const file = writeCapture();
    expect(tshark(file, ["frame.number"], `_ws.malformed || _ws.expert.severity >= ${PI_WARN}`)).toEqual([]);
    const rows = tshark(file, ["frame.number", "_ws.expert.severity", "_ws.expert.message"]);
    for (const [number, severities, messages] of rows) {
      const worst = Math.max(0, ...severities.split(",").filter(Boolean).map(Number));
      expect(worst, `frame ${number}: ${messages}`).toBeLessThan(PI_WARN);
    }
  });

  it.skipIf(!HAS_TSHARK)("finds every IPv4, ICMP, TCP, UDP and GRE checksum good", () => {
    const fields = ["ip.checksum.status", "icmp.checksum.status", "tcp.checksum.status", "udp.checksum.status", "gre.checksum.status"];
    const rows = tshark(writeCapture(), fields);
    // Checksum status 1 is "Good" (0 bad, 2 unverified); fields a frame does not have are empty.
    const statuses = rows.map((row) => row.flatMap((cell, i) => cell.split(",").filter(Boolean).map((status) => `${fields[i]}=${status}`)));
    expect(statuses).toEqual([
      ["ip.checksum.status=1", "ip.checksum.status=1", "icmp.checksum.status=1"],
      ["ip.checksum.status=1", "tcp.checksum.status=1"],
      ["ip.checksum.status=1"],
      ["ip.checksum.status=1", "ip.checksum.status=1", "udp.checksum.status=1", "gre.checksum.status=1"],
    ]);
  });

  it.skipIf(!HAS_TSHARK)("reads back the fields we wrote: MPLS labels, TCP options, ESP SPI, GRE key and sequence", () => {
    const [mpls, tcp, esp, gre] = tshark(writeCapture(), [
      "mpls.label", "mpls.bottom", "tcp.options.mss_val", "tcp.options.wscale.shift", "tcp.options.timestamp.tsval",
      "tcp.options.sack_le", "tcp.options.experimental.exid", "esp.spi", "gre.key", "gre.sequence_number",
    ]);
    expect(mpls.slice(0, 2)).toEqual(["1000,16", "0,1"]);
    expect(tcp.slice(2, 7)).toEqual(["1460", "7", "123456", String(0x01020305), "0x1234"]);
    expect(esp[7]).toBe("0xc0ffee01");
    expect(gre.slice(8, 10)).toEqual(["0x0000002a", "7"]);
  });
});
