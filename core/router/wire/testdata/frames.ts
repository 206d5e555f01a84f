// One frame of every protocol (and header variant) FlexLab emits, built with the wire/
// emitters, each with the line `flexlab decode` prints for it. The decoder's unit tests, the tshark
// agreement test and the decode benchmark all use this one set.

import { ipv4, type Ipv4, type Mac } from "../addr";
import { ArpOperation, buildArp } from "../arp";
import { buildBgpMessage, type BgpMessage } from "../bgp";
import { concatBytes } from "../bytes";
import { CdpCapability, buildCdpFrame } from "../cdp";
import { buildDot1q } from "../dot1q";
import { buildEsp } from "../esp";
import { EtherType, buildEthernet } from "../ethernet";
import { GreProtocol, buildGre } from "../gre";
import { IcmpRedirectCode, IcmpTimeExceededCode, IcmpUnreachableCode, buildIcmp } from "../icmp";
import { IKE_NAT_T_PORT, IKE_PORT, NAT_KEEPALIVE, buildIkeMessage, withNonEspMarker, type IkeMessageRepr } from "../ikev2";
import { DhGroup, IkeExchangeType, IkePayloadType, NotifyType } from "../ikev2-registry";
import { IpProtocol, buildIpv4, type Ipv4Repr } from "../ipv4";
import { buildMpls, toLabel, type Label } from "../mpls";
import { NhrpResolutionFlag, NhrpType, emitNhrp } from "../nhrp";
import { NHRP_PREFIX_ANY, type NhrpCie } from "../nhrp-cie";
import { TcpFlag, buildTcp } from "../tcp";
import { buildUdp } from "../udp";
import { IKE_PROPOSAL_AES256_SHA256_G14, ikeSaInitRequest } from "./ikev2-messages";

export const R1_MAC = 0xaabbcc000100 as Mac;
export const R2_MAC = 0xaabbcc000200 as Mac;
const R1 = ipv4(192, 0, 2, 1);
const R2 = ipv4(192, 0, 2, 2);
const HOST_A = ipv4(10, 1, 1, 1);
const HOST_B = ipv4(10, 2, 2, 2);

function ipRepr(src: Ipv4, dst: Ipv4, protocol: number, payloadLength: number): Ipv4Repr {
  return { dscp: 0, ecn: 0, identification: 0x1234, dontFragment: true, moreFragments: false, fragmentOffsetBytes: 0, ttl: 64, protocol, src, dst, payloadLength };
}

export function ip(src: Ipv4, dst: Ipv4, protocol: number, payload: Uint8Array): Uint8Array {
  return buildIpv4(ipRepr(src, dst, protocol, payload.length), payload);
}

export function ethernet(payload: Uint8Array, etherType: number = EtherType.Ipv4): Uint8Array {
  return buildEthernet({ dst: R2_MAC, src: R1_MAC, etherType }, payload);
}

const label = (n: number): Label => toLabel(n) as Label;
const ECHO_DATA = new TextEncoder().encode("abcdefghijklmnopqrstuvwabcdefghi");

/** An IPv4 packet carrying an ICMP echo request from HOST_A to HOST_B. */
export function echoRequest(src: Ipv4 = HOST_A, dst: Ipv4 = HOST_B): Uint8Array {
  return ip(src, dst, IpProtocol.Icmp, buildIcmp({ kind: "echo-request", identifier: 7, sequenceNumber: 1, payloadLength: ECHO_DATA.length }, ECHO_DATA));
}

function udp(srcPort: number, dstPort: number, data: Uint8Array): Uint8Array {
  return ip(HOST_A, HOST_B, IpProtocol.Udp, buildUdp({ srcPort, dstPort, payloadLength: data.length }, data, HOST_A, HOST_B));
}

// NHRP over GRE between the seed lab's spokes and hub (NBMA 172.16.1.103/.104 and 172.16.0.1,
// tunnel addresses 10.1.1.3/.4 and 10.0.0.1): R3's resolution request for a host behind R4,
// R4's reply with FlexLab's labels (40 for the prefix, implicit-null for R4's own tunnel
// address), and the hub's redirect quoting the packet that set it off.
const R3_NBMA = ipv4(172, 16, 1, 103);
const R4_NBMA = ipv4(172, 16, 1, 104);
const HUB_NBMA = ipv4(172, 16, 0, 1);
const R3_TUNNEL = ipv4(10, 1, 1, 3);
const R4_TUNNEL = ipv4(10, 1, 1, 4);
const HUB_TUNNEL = ipv4(10, 0, 0, 1);
const NHRP_FLAGS = NhrpResolutionFlag.Q | NhrpResolutionFlag.A | NhrpResolutionFlag.S | NhrpResolutionFlag.Nat;
const R4_CIE: NhrpCie = { code: 0, prefixLength: 32, mtu: 1514, holdingTime: 600, preference: 0, clientNbma: R4_NBMA, clientProtocol: R4_TUNNEL };

/** NHRP `packet` in GRE (protocol 0x2001) in IPv4 from `src` to `dst`, on Ethernet. */
function nhrpFrame(src: Ipv4, dst: Ipv4, packet: Uint8Array): Uint8Array {
  return ethernet(ip(src, dst, IpProtocol.Gre, buildGre({ protocol: GreProtocol.Nhrp, checksum: false }, packet)));
}

export const NHRP_RESOLUTION_REQUEST = emitNhrp({
  type: NhrpType.ResolutionRequest, hopCount: 255, flags: NHRP_FLAGS, requestId: 7,
  srcNbma: R3_NBMA, srcProtocol: R3_TUNNEL, dstProtocol: ipv4(192, 168, 114, 1),
  cies: [{ code: 0, prefixLength: NHRP_PREFIX_ANY, mtu: 1514, holdingTime: 600, preference: 0 }],
  extensions: { responder: null, forwardTransit: [], reverseTransit: [], labels: { vrfLabel: label(30) } },
});

export const NHRP_RESOLUTION_REPLY = emitNhrp({
  type: NhrpType.ResolutionReply, hopCount: 255, flags: NHRP_FLAGS, requestId: 7,
  srcNbma: R3_NBMA, srcProtocol: R3_TUNNEL, dstProtocol: ipv4(192, 168, 114, 1),
  cies: [{ ...R4_CIE, prefixLength: 24 }],
  extensions: {
    responder: R4_CIE, forwardTransit: [], reverseTransit: [{ ...R4_CIE, clientNbma: HUB_NBMA, clientProtocol: HUB_TUNNEL }],
    authentication: { spi: 1, data: new TextEncoder().encode("cisco123") },
    labels: { cieLabels: [label(40), label(3)] },
  },
});

const REDIRECTED = echoRequest(ipv4(192, 168, 113, 1), ipv4(192, 168, 114, 1));
export const NHRP_TRAFFIC_INDICATION = emitNhrp({
  type: NhrpType.TrafficIndication, hopCount: 255, trafficCode: 0,
  srcNbma: HUB_NBMA, srcProtocol: HUB_TUNNEL, dstProtocol: ipv4(192, 168, 113, 1),
  packet: REDIRECTED.subarray(0, 28),
  extensions: { labels: { vrfLabel: label(30) } },
});

export interface SampleFrame {
  readonly name: string;
  /** An Ethernet frame. */
  readonly frame: Uint8Array;
  /** The line `flexlab decode` prints for it (after number and time). */
  readonly summary: string;
}

const quotedUdp = udp(40000, 33434, new Uint8Array(12));

const AS4 = { fourOctetAs: true };

/** A TCP segment from HOST_A port 179 with sequence number `seq` carrying `messages`, back to back. */
function bgpSegment(seq: number, ...messages: BgpMessage[]): Uint8Array {
  const data = concatBytes(messages.map((m) => buildBgpMessage(m, AS4)));
  return ip(HOST_A, HOST_B, IpProtocol.Tcp, buildTcp({ srcPort: 179, dstPort: 40001, seq, ack: 2000, flags: TcpFlag.Ack | TcpFlag.Psh, window: 16384, urgentPointer: 0, options: [] }, data, HOST_A, HOST_B));
}

const BGP_OPEN: BgpMessage = {
  type: "open", version: 4, myAs: 65000, holdTimeSec: 180, bgpId: ipv4(1, 1, 1, 1),
  parameters: [{ type: "capabilities", capabilities: [{ type: "multiprotocol", afi: 1, safi: 128 }, { type: "route-refresh" }, { type: "four-octet-as", asn: 65000 }] }],
};

const BGP_VPNV4_UPDATE: BgpMessage = {
  type: "update",
  withdrawn: [],
  attributes: [
    { type: "origin", origin: 0 },
    { type: "as-path", segments: [] },
    { type: "local-pref", localPref: 100 },
    { type: "extended-communities", communities: [{ type: "route-target", format: 0, global: 65000, local: 1 }] },
    { type: "mp-reach", family: "vpnv4", nextHop: R1, nlri: [{ labels: [label(16)], rd: { type: 0, asn: 65000, assigned: 1 }, prefix: { addr: ipv4(192, 168, 1, 0), len: 24 } }] },
  ],
  nlri: [],
};

const pattern = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
const SPI_I = 0x8f3a5c2e11d04b77n;
const SPI_R = 0x2b6e90d1a4c3f085n;

const IKE_SA_INIT_REQUEST: IkeMessageRepr = ikeSaInitRequest(SPI_I, [
  { kind: "sa", proposals: [IKE_PROPOSAL_AES256_SHA256_G14] },
  { kind: "ke", dhGroup: DhGroup.MODP_2048, data: pattern(256, 3) },
  { kind: "nonce", data: pattern(32, 5) },
  { kind: "notify", protocolId: 0, spi: new Uint8Array(0), notifyType: NotifyType.NAT_DETECTION_SOURCE_IP, data: pattern(20, 1) },
  { kind: "vendor-id", data: new TextEncoder().encode("FLEXVPN-SUPPORTED") },
]);

/** IKE_AUTH's SK payload: AES-CBC IV, ciphertext and HMAC-SHA256-128 ICV, opaque. */
const IKE_AUTH_REQUEST: IkeMessageRepr = {
  initiatorSpi: SPI_I, responderSpi: SPI_R, exchangeType: IkeExchangeType.IKE_AUTH, initiator: true, response: false, messageId: 1,
  payloads: [{ kind: "sk", innerNextPayload: IkePayloadType.IDi, data: pattern(16 + 320 + 16, 17) }],
};

/** An IKE_AUTH response's second of three RFC 7383 fragments (SKF). */
const IKE_AUTH_FRAGMENT: IkeMessageRepr = {
  initiatorSpi: SPI_I, responderSpi: SPI_R, exchangeType: IkeExchangeType.IKE_AUTH, initiator: false, response: true, messageId: 1,
  payloads: [{ kind: "skf", innerNextPayload: 0, fragmentNumber: 2, totalFragments: 3, data: pattern(8 + 480 + 16, 19) }],
};

const udpFromTo = (src: Ipv4, dst: Ipv4, port: number, data: Uint8Array): Uint8Array =>
  ip(src, dst, IpProtocol.Udp, buildUdp({ srcPort: port, dstPort: port, payloadLength: data.length }, data, src, dst));

function laterFragment(): Uint8Array {
  const payload = new Uint8Array(64).fill(0x5a);
  return buildIpv4({ ...ipRepr(HOST_A, HOST_B, IpProtocol.Icmp, payload.length), dontFragment: false, fragmentOffsetBytes: 1480 }, payload);
}

export const SAMPLE_FRAMES: readonly SampleFrame[] = [
  {
    name: "ARP request",
    frame: ethernet(buildArp({ operation: ArpOperation.Request, senderMac: R1_MAC, senderIp: R1, targetMac: 0 as Mac, targetIp: R2 }, new Uint8Array(18)), EtherType.Arp),
    summary: "Ethernet / ARP request 192.0.2.2",
  },
  {
    name: "ICMP echo request",
    frame: ethernet(echoRequest()),
    summary: "Ethernet / IPv4 / ICMP echo",
  },
  {
    name: "ICMP echo reply on VLAN 100",
    frame: ethernet(
      buildDot1q({ pcp: 0, dei: false, vid: 100, etherType: EtherType.Ipv4 }, ip(HOST_B, HOST_A, IpProtocol.Icmp, buildIcmp({ kind: "echo-reply", identifier: 7, sequenceNumber: 1, payloadLength: ECHO_DATA.length }, ECHO_DATA))),
      EtherType.Dot1Q,
    ),
    summary: "Ethernet / 802.1Q 100 / IPv4 / ICMP echo reply",
  },
  {
    name: "GRE carrying MPLS 1000/16 over IPv4/ICMP echo",
    frame: ethernet(
      ip(R1, R2, IpProtocol.Gre,
        buildGre({ protocol: GreProtocol.MplsUnicast, checksum: false },
          buildMpls({ stack: [{ label: label(1000), tc: 0, bottom: false, ttl: 255 }, { label: label(16), tc: 0, bottom: true, ttl: 255 }] }, echoRequest()))),
    ),
    summary: "Ethernet / IPv4 / GRE / MPLS 1000 16 / IPv4 / ICMP echo",
  },
  {
    name: "MPLS on Ethernet",
    frame: ethernet(buildMpls({ stack: [{ label: label(17), tc: 0, bottom: true, ttl: 254 }] }, echoRequest()), EtherType.MplsUnicast),
    summary: "Ethernet / MPLS 17 / IPv4 / ICMP echo",
  },
  {
    name: "GRE with checksum, key and sequence carrying IPv4/UDP",
    frame: ethernet(ip(R1, R2, IpProtocol.Gre, buildGre({ protocol: GreProtocol.Ipv4, checksum: true, key: 42, sequence: 7 }, udp(40000, 9, Uint8Array.of(1, 2, 3, 4, 5))))),
    summary: "Ethernet / IPv4 / GRE key 42 / IPv4 / UDP 9 (undecoded)",
  },
  {
    name: "IKE_SA_INIT request on UDP 500",
    frame: ethernet(udpFromTo(R1, R2, IKE_PORT, buildIkeMessage(IKE_SA_INIT_REQUEST))),
    summary: "Ethernet / IPv4 / UDP 500 / IKEv2 IKE_SA_INIT request SA KE Nonce N V",
  },
  {
    name: "IKE_AUTH request behind the non-ESP marker on UDP 4500",
    frame: ethernet(udpFromTo(R1, R2, IKE_NAT_T_PORT, withNonEspMarker(buildIkeMessage(IKE_AUTH_REQUEST)))),
    summary: "Ethernet / IPv4 / UDP 4500 / NAT-T / IKEv2 IKE_AUTH request SK",
  },
  {
    name: "IKE_AUTH response fragment (SKF) on UDP 500",
    frame: ethernet(udpFromTo(R2, R1, IKE_PORT, buildIkeMessage(IKE_AUTH_FRAGMENT))),
    summary: "Ethernet / IPv4 / UDP 500 / IKEv2 IKE_AUTH response SKF(2/3)",
  },
  {
    name: "ESP in UDP 4500",
    frame: ethernet(udpFromTo(R1, R2, IKE_NAT_T_PORT, buildEsp({ spi: 0xc0ffee02, sequence: 9 }, pattern(80, 2)))),
    summary: "Ethernet / IPv4 / UDP 4500 / NAT-T / ESP spi 0xc0ffee02 seq 9",
  },
  {
    name: "NAT-keepalive",
    frame: ethernet(udpFromTo(R1, R2, IKE_NAT_T_PORT, Uint8Array.of(NAT_KEEPALIVE))),
    summary: "Ethernet / IPv4 / UDP 4500 / NAT-T keepalive",
  },
  {
    name: "TCP SYN to 179 with options",
    frame: ethernet(ip(HOST_A, HOST_B, IpProtocol.Tcp, buildTcp({
      srcPort: 49152, dstPort: 179, seq: 0x01020304, ack: 0, flags: TcpFlag.Syn, window: 64240, urgentPointer: 0,
      options: [{ type: "mss", mss: 1460 }, { type: "nop" }, { type: "window-scale", shift: 7 }, { type: "sack-permitted" }, { type: "timestamps", tsVal: 123456, tsEcr: 0 }],
    }, new Uint8Array(0), HOST_A, HOST_B))),
    summary: "Ethernet / IPv4 / TCP 179 SYN",
  },
  {
    name: "BGP OPEN and KEEPALIVE in one segment",
    frame: ethernet(bgpSegment(1000, BGP_OPEN, { type: "keepalive" })),
    summary: "Ethernet / IPv4 / TCP 179 / BGP OPEN 45, KEEPALIVE 19",
  },
  {
    name: "BGP UPDATE announcing a VPNv4 route",
    frame: ethernet(bgpSegment(1000 + 45 + 19, BGP_VPNV4_UPDATE)),
    summary: "Ethernet / IPv4 / TCP 179 / BGP UPDATE 83 VPNv4 NLRI",
  },
  {
    name: "ESP",
    frame: ethernet(ip(R1, R2, IpProtocol.Esp, buildEsp({ spi: 0xc0ffee01, sequence: 1 }, Uint8Array.from({ length: 80 }, (_, i) => (i * 37) & 0xff)))),
    summary: "Ethernet / IPv4 / ESP spi 0xc0ffee01 seq 1",
  },
  {
    name: "ICMP port unreachable quoting a UDP datagram",
    frame: ethernet(ip(HOST_B, HOST_A, IpProtocol.Icmp, buildIcmp({ kind: "dst-unreachable", code: IcmpUnreachableCode.PortUnreachable, nextHopMtu: 0, payloadLength: quotedUdp.length }, quotedUdp))),
    summary: "Ethernet / IPv4 / ICMP unreachable port (IPv4 10.1.1.1 > 10.2.2.2 UDP)",
  },
  {
    name: "ICMP host redirect quoting a UDP datagram",
    frame: ethernet(ip(R2, HOST_A, IpProtocol.Icmp, buildIcmp({ kind: "redirect", code: IcmpRedirectCode.Host, gateway: R1, payloadLength: quotedUdp.length }, quotedUdp))),
    summary: "Ethernet / IPv4 / ICMP redirect host to 192.0.2.1 (IPv4 10.1.1.1 > 10.2.2.2 UDP)",
  },
  {
    name: "ICMP time exceeded with the RFC 4950 label stack",
    frame: ethernet(ip(R2, HOST_A, IpProtocol.Icmp, buildIcmp({
      kind: "time-exceeded", code: IcmpTimeExceededCode.TtlExceeded, payloadLength: quotedUdp.length,
      extensions: [{ kind: "mpls-label-stack", entries: [{ label: label(16), tc: 0, bottom: true, ttl: 1 }] }],
    }, quotedUdp))),
    summary: "Ethernet / IPv4 / ICMP time exceeded in transit (IPv4 10.1.1.1 > 10.2.2.2 UDP, MPLS 16)",
  },
  {
    name: "NHRP resolution request in GRE",
    frame: nhrpFrame(R3_NBMA, HUB_NBMA, NHRP_RESOLUTION_REQUEST),
    summary: "Ethernet / IPv4 / GRE / NHRP Resolution Request id 7 10.1.1.3 > 192.168.114.1 vrf label 30",
  },
  {
    name: "NHRP resolution reply with FlexLab's labels in GRE",
    frame: nhrpFrame(R4_NBMA, R3_NBMA, NHRP_RESOLUTION_REPLY),
    summary: "Ethernet / IPv4 / GRE / NHRP Resolution Reply id 7 10.1.1.3 > 192.168.114.1, 192.168.114.0/24 via 10.1.1.4 label 40",
  },
  {
    name: "NHRP traffic indication (redirect) in GRE",
    frame: nhrpFrame(HUB_NBMA, R3_NBMA, NHRP_TRAFFIC_INDICATION),
    summary: "Ethernet / IPv4 / GRE / NHRP Traffic Indication redirect 10.0.0.1 > 192.168.113.1 vrf label 30 (IPv4 192.168.113.1 > 192.168.114.1 ICMP)",
  },
  {
    name: "a later IPv4 fragment",
    frame: ethernet(laterFragment()),
    summary: "Ethernet / IPv4 fragment offset 1480",
  },
  {
    name: "a CDP v2 advertisement (802.3, LLC/SNAP), as an IOL router sends it",
    frame: buildCdpFrame(R1_MAC, {
      version: 2,
      ttlSec: 180,
      deviceId: "R1",
      addresses: [{ kind: "ipv4", address: R1 }],
      portId: "Ethernet0/0",
      capabilities: CdpCapability.Router | CdpCapability.SourceRouteBridge,
      // Two lines, an odd length in all: the PDU's checksum takes Cisco's odd-length path.
      softwareVersion: "Cisco IOS Software, Linux Software (I86BI_LINUX-ADVENTERPRISEK9-M), Version 15.7(3)M2, RELEASE SOFTWARE (fc2)\nFlexLab router",
      platform: "Linux Unix",
      managementAddresses: [{ kind: "ipv4", address: R1 }],
      unknown: [],
    }),
    summary: "Ethernet / LLC SNAP / CDP v2 R1 Ethernet0/0",
  },
];
