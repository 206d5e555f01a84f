// Valid frames, per protocol, that the receive-path fuzzer mutates. Each is what a neighbour
// of the seed lab's hub (R1-HUB, Ethernet0/0 172.16.0.1/30, INET at 172.16.0.2) could send
// it, built with the wire/ builders so the starting point is exactly right; each also says
// where its IPv4 headers are, so the mutator can repair their checksums and reach the
// layers behind them.
import { createECDH } from "node:crypto";
import { parseIpv4 as parseAddress, type Ipv4, type Mac } from "../../core/router/wire/addr";
import { ArpOperation, buildArp } from "../../core/router/wire/arp";
import { CDP_MULTICAST, CdpCapability, emitCdp } from "../../core/router/wire/cdp";
import { CiscoSnapPid, LLC_SNAP_HEADER_LENGTH, SnapOui, emitLlcSnap } from "../../core/router/wire/llc";
import { buildDot1qFrame } from "../../core/router/wire/dot1q";
import { buildEsp } from "../../core/router/wire/esp";
import { EtherType, buildEthernet } from "../../core/router/wire/ethernet";
import { GreProtocol, buildGre } from "../../core/router/wire/gre";
import { buildIkeMessage } from "../../core/router/wire/ikev2";
import { DhGroup, NotifyType } from "../../core/router/wire/ikev2-registry";
import { IOS_DEFAULT_IKE_PROPOSAL, ikeSaInitRequest } from "../../core/router/wire/testdata/ikev2-messages";
import { buildIcmp } from "../../core/router/wire/icmp";
import { IpProtocol, buildIpv4, type Ipv4Repr } from "../../core/router/wire/ipv4";
import { buildMpls, type Label } from "../../core/router/wire/mpls";
import { NhrpErrorCode, NhrpResolutionFlag, NhrpType, emitNhrp, type NhrpPacket } from "../../core/router/wire/nhrp";
import { NHRP_PREFIX_ANY, type NhrpCie } from "../../core/router/wire/nhrp-cie";
import { TcpFlag, buildTcp } from "../../core/router/wire/tcp";
import { buildUdp } from "../../core/router/wire/udp";

export const PROTOCOLS = ["arp", "icmp", "udp", "tcp", "gre", "gre-mpls", "nhrp", "dot1q", "esp", "mpls", "fragments", "ipv4-options", "cdp"] as const;
export type FuzzProtocol = (typeof PROTOCOLS)[number];

export interface CorpusFrame {
  readonly bytes: Uint8Array;
  /** Offsets of the IPv4 headers in the frame, outermost first. */
  readonly ipv4At: readonly number[];
  /** Offset of an NHRP packet in the frame, whose checksum the mutator repairs too. */
  readonly nhrpAt?: number;
  /** Offset of a CDP PDU in an 802.3 frame, whose checksum the mutator repairs too. */
  readonly cdpAt?: number;
}

/** The hub's neighbour on Ethernet0/0 (INET), as the fuzzer plays it. */
export const NEIGHBOUR_MAC = 0x020000000002 as Mac;
export const NEIGHBOUR_IP = ip("172.16.0.2");
export const HUB_IP = ip("172.16.0.1");
const BROADCAST_MAC = 0xffffffffffff as Mac;

/** Extra config for the hub: a dot1Q subinterface and a GRE tunnel to the neighbour that
 * speaks NHRP (with redirects and MPLS labels), so tagged, GRE and NHRP frames reach a handler. */
export const HUB_EXTRA_CONFIG = `interface Ethernet0/0.10
 encapsulation dot1Q 10
 ip address 172.16.10.1 255.255.255.0
!
interface Tunnel100
 ip address 10.99.0.1 255.255.255.252
 ip nhrp network-id 1
 ip nhrp redirect
 mpls ip
 mpls nhrp
 tunnel source Ethernet0/0
 tunnel destination 172.16.0.2
!
`;

function ip(text: string): Ipv4 {
  const a = parseAddress(text);
  if (a === undefined) throw new Error(text);
  return a;
}

function ipv4(overrides: Partial<Ipv4Repr>, payload: Uint8Array): Uint8Array {
  return buildIpv4(
    {
      dscp: 0,
      ecn: 0,
      identification: 0x1234,
      dontFragment: false,
      moreFragments: false,
      fragmentOffsetBytes: 0,
      ttl: 64,
      protocol: IpProtocol.Udp,
      src: NEIGHBOUR_IP,
      dst: HUB_IP,
      payloadLength: payload.length,
      ...overrides,
    },
    payload,
  );
}

function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

function echo(src: Ipv4, dst: Ipv4, dataBytes = 56, overrides: Partial<Ipv4Repr> = {}): Uint8Array {
  return ipv4({ protocol: IpProtocol.Icmp, src, dst, ...overrides }, buildIcmp({ kind: "echo-request", identifier: 7, sequenceNumber: 1, payloadLength: dataBytes }, bytes(dataBytes, 1)));
}

function udp(dst: Ipv4, port: number, payload: Uint8Array, overrides: Partial<Ipv4Repr> = {}): Uint8Array {
  return ipv4({ dst, ...overrides }, buildUdp({ srcPort: port === 4500 ? 4500 : 500, dstPort: port, payloadLength: payload.length }, payload, NEIGHBOUR_IP, dst));
}

function tcp(dstPort: number, flags: number, payload: Uint8Array): Uint8Array {
  const segment = buildTcp({ srcPort: 40000, dstPort, seq: 1000, ack: flags & TcpFlag.Ack ? 1 : 0, flags, window: 16384, urgentPointer: 0, options: flags & TcpFlag.Syn ? [{ type: "mss", mss: 1460 }] : [] }, payload, NEIGHBOUR_IP, HUB_IP);
  return ipv4({ protocol: IpProtocol.Tcp }, segment);
}

/** A whole IKE_SA_INIT request the hub's smart defaults accept: IOS's default proposal and a
 * real P-256 public key, so mutations reach proposal selection, DH and the cookie logic. */
function ikeSaInit(): Uint8Array {
  const ecdh = createECDH("prime256v1");
  const publicKey = ecdh.generateKeys().subarray(1); // RFC 5903: x | y, without the 0x04 prefix
  const notify = (notifyType: number, seed: number) => ({ kind: "notify" as const, protocolId: 0, spi: new Uint8Array(0), notifyType, data: bytes(20, seed) });
  return buildIkeMessage(
    ikeSaInitRequest(0x5eed5eed5eed5eedn, [
      { kind: "sa", proposals: [IOS_DEFAULT_IKE_PROPOSAL] },
      { kind: "ke", dhGroup: DhGroup.ECP_256, data: new Uint8Array(publicKey) },
      { kind: "nonce", data: bytes(32, 11) },
      notify(NotifyType.NAT_DETECTION_SOURCE_IP, 12),
      notify(NotifyType.NAT_DETECTION_DESTINATION_IP, 13),
    ]),
  );
}

/** An IKEv2 header (RFC 7296 §3.1): SPIs, next payload SA, version 2.0, IKE_SA_INIT, initiator, length. */
function ikeHeader(extra: number): Uint8Array {
  const out = bytes(28 + extra, 3);
  out.fill(0, 8, 16); // responder SPI zero
  out[16] = 33;
  out[17] = 0x20;
  out[18] = 34;
  out[19] = 0x08;
  out.fill(0, 20, 24);
  const length = out.length;
  out[24] = length >>> 24;
  out[25] = (length >>> 16) & 0xff;
  out[26] = (length >>> 8) & 0xff;
  out[27] = length & 0xff;
  if (extra >= 4) {
    out[28] = 0; // last payload
    out[30] = extra >>> 8;
    out[31] = extra & 0xff;
  }
  return out;
}

/** NHRP packets the neighbour (tunnel 10.99.0.2, NBMA 172.16.0.2) could send the hub on
 * Tunnel100: a resolution request with the VRF label, a labelled reply, registration and
 * purge, a redirect and an error indication, with every extension IOS sends between them. */
export function nhrpPackets(): Uint8Array[] {
  const tunnel = ip("10.99.0.2");
  const hubTunnel = ip("10.99.0.1");
  const self: NhrpCie = { code: 0, prefixLength: 32, mtu: 1514, holdingTime: 600, preference: 0, clientNbma: NEIGHBOUR_IP, clientProtocol: tunnel };
  const flags = NhrpResolutionFlag.Q | NhrpResolutionFlag.A | NhrpResolutionFlag.S | NhrpResolutionFlag.Nat;
  const common = { hopCount: 255, srcNbma: NEIGHBOUR_IP, srcProtocol: tunnel };
  const auth = { spi: 1, data: new TextEncoder().encode("cisco123") };
  const packets: NhrpPacket[] = [
    { ...common, type: NhrpType.ResolutionRequest, flags, requestId: 1, dstProtocol: ip("192.168.110.9"), cies: [{ code: 0, prefixLength: NHRP_PREFIX_ANY, mtu: 1514, holdingTime: 600, preference: 0 }], extensions: { responder: null, forwardTransit: [], reverseTransit: [], labels: { vrfLabel: 16 as Label } } },
    { ...common, type: NhrpType.ResolutionReply, flags, requestId: 1, dstProtocol: ip("192.168.120.1"), cies: [{ ...self, prefixLength: 24 }], extensions: { responder: self, forwardTransit: [], reverseTransit: [self], authentication: auth, labels: { cieLabels: [40 as Label, 3 as Label] } } },
    { ...common, type: NhrpType.RegistrationRequest, flags: 0x8000, requestId: 2, dstProtocol: hubTunnel, cies: [{ ...self, clientNbma: undefined, clientProtocol: undefined }], extensions: { responder: null, forwardTransit: [], reverseTransit: [], nat: [self] } },
    { ...common, type: NhrpType.PurgeRequest, flags: 0x8000, requestId: 3, dstProtocol: hubTunnel, cies: [{ ...self, prefixLength: 24, clientProtocol: ip("192.168.120.0") }], extensions: { unknown: [{ type: 8, compulsory: false, data: Uint8Array.of(0, 0, 0x0c, 1, 2) }] } },
    { ...common, type: NhrpType.TrafficIndication, trafficCode: 0, dstProtocol: ip("192.168.110.9"), packet: echo(ip("192.168.110.9"), ip("192.168.120.1")).subarray(0, 28), extensions: { labels: { vrfLabel: 16 as Label } } },
    { ...common, type: NhrpType.ErrorIndication, errorCode: NhrpErrorCode.ProtocolAddressUnreachable, errorOffset: 0, dstProtocol: hubTunnel, packet: new Uint8Array(0), extensions: {} },
  ];
  return packets.map(emitNhrp);
}

/** CDP advertisements a neighbour could send: IOL's (as INET on Ethernet0/0), a CSR1000v's,
 * and a switch's with the version 2 TLVs and ones FlexLab does not know (VTP, power). */
export function cdpPdus(): Uint8Array[] {
  const iol = "Cisco IOS Software, Linux Software (I86BI_LINUX-ADVENTERPRISEK9-M), Version 15.7(3)M2, RELEASE SOFTWARE (fc2)";
  return [
    emitCdp({ version: 2, ttlSec: 180, deviceId: "INET", addresses: [{ kind: "ipv4", address: NEIGHBOUR_IP }], portId: "Ethernet0/0", capabilities: CdpCapability.Router | CdpCapability.SourceRouteBridge, softwareVersion: iol, platform: "Linux Unix", duplex: "half", unknown: [] }),
    emitCdp({ version: 2, ttlSec: 150, deviceId: "CSR1", addresses: [{ kind: "ipv4", address: NEIGHBOUR_IP }], portId: "GigabitEthernet1", capabilities: CdpCapability.Router | CdpCapability.Igmp, softwareVersion: "Cisco IOS Software [Fuji], Virtual XE Software", platform: "cisco CSR1000V", duplex: "full", managementAddresses: [{ kind: "ipv4", address: NEIGHBOUR_IP }], unknown: [] }),
    emitCdp({ version: 2, ttlSec: 180, deviceId: "SW1", portId: "GigabitEthernet0/1", capabilities: CdpCapability.Switch | CdpCapability.Igmp, platform: "cisco WS-C2960-8TC-L", vtpManagementDomain: "", nativeVlan: 1, duplex: "full", unknown: [{ type: 0x0012, value: Uint8Array.of(0) }, { type: 0x0013, value: Uint8Array.of(0) }, { type: 0x1a, value: Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff) }] }),
  ];
}

/** An 802.3 frame (length, not EtherType) with LLC/SNAP, Cisco's OUI and `pid`. */
function snapFrame(dst: Mac, pid: number, pdu: Uint8Array): Uint8Array {
  const body = new Uint8Array(LLC_SNAP_HEADER_LENGTH + pdu.length);
  emitLlcSnap({ oui: SnapOui.Cisco, pid }, body, 0);
  body.set(pdu, LLC_SNAP_HEADER_LENGTH);
  return eth(dst, body.length, body);
}

function eth(dst: Mac, etherType: number, payload: Uint8Array): Uint8Array {
  return buildEthernet({ dst, src: NEIGHBOUR_MAC, etherType }, payload);
}

/** Frames to the hub's Ethernet0/0 (MAC `hubMac`), by protocol. */
export function corpus(hubMac: Mac): Record<FuzzProtocol, CorpusFrame[]> {
  const L2 = 14;
  const v4 = (packet: Uint8Array, extraIpv4At: readonly number[] = []): CorpusFrame => ({ bytes: eth(hubMac, EtherType.Ipv4, packet), ipv4At: [L2, ...extraIpv4At.map((o) => L2 + o)] });
  const inner = echo(ip("10.99.0.2"), ip("10.99.0.1"));
  const greInner = (gre: Uint8Array, at: number): CorpusFrame => v4(ipv4({ protocol: IpProtocol.Gre }, gre), [20 + at]);
  const arp = (operation: number, dst: Mac, targetMac: Mac, target: Ipv4, sender = NEIGHBOUR_IP): Uint8Array =>
    eth(dst, EtherType.Arp, buildArp({ operation, senderMac: NEIGHBOUR_MAC, senderIp: sender, targetMac, targetIp: target }));
  const label = (n: number) => n as Label;

  const whole = echo(NEIGHBOUR_IP, HUB_IP, 2972).subarray(20); // an ICMP message of 2980 bytes
  const fragment = (offset: number, length: number, more: boolean, identification = 0x4242) =>
    v4(ipv4({ protocol: IpProtocol.Icmp, identification, moreFragments: more, fragmentOffsetBytes: offset }, whole.subarray(offset, offset + length)));
  const withOptions = (options: number[]) => v4(ipv4({ protocol: IpProtocol.Icmp, options: new Uint8Array(options) }, buildIcmp({ kind: "echo-request", identifier: 9, sequenceNumber: 2, payloadLength: 16 }, bytes(16, 2))));

  return {
    arp: [
      { bytes: arp(ArpOperation.Request, BROADCAST_MAC, 0 as Mac, HUB_IP), ipv4At: [] },
      { bytes: arp(ArpOperation.Reply, hubMac, hubMac, HUB_IP), ipv4At: [] },
      { bytes: arp(ArpOperation.Request, BROADCAST_MAC, 0 as Mac, NEIGHBOUR_IP), ipv4At: [] }, // gratuitous
      { bytes: arp(ArpOperation.Request, BROADCAST_MAC, 0 as Mac, ip("172.16.0.3"), ip("172.16.0.3")), ipv4At: [] },
    ],
    icmp: [
      v4(echo(NEIGHBOUR_IP, HUB_IP)),
      v4(echo(NEIGHBOUR_IP, ip("10.0.0.1"))), // the Loopback
      v4(echo(NEIGHBOUR_IP, ip("192.168.100.7"))), // through to the LAN, which needs ARP
      v4(echo(NEIGHBOUR_IP, ip("192.168.100.7"), 56, { ttl: 1 })), // time exceeded
      v4(echo(NEIGHBOUR_IP, ip("172.16.0.3"))), // the subnet broadcast
      v4(ipv4({ protocol: IpProtocol.Icmp }, buildIcmp({ kind: "dst-unreachable", code: 3, nextHopMtu: 0, payloadLength: 28 }, echo(HUB_IP, NEIGHBOUR_IP).subarray(0, 28)))),
    ],
    udp: [
      v4(udp(HUB_IP, 500, ikeHeader(40))),
      v4(udp(HUB_IP, 500, ikeSaInit())),
      v4(udp(HUB_IP, 4500, new Uint8Array([0, 0, 0, 0, ...ikeHeader(8)]))), // non-ESP marker, then IKE
      v4(udp(HUB_IP, 4500, new Uint8Array([0, 0, 0x10, 0, 0, 0, 0, 1, ...bytes(48, 4)]))), // UDP-encapsulated ESP
      v4(udp(HUB_IP, 33434, bytes(12, 5))), // a closed port
      v4(udp(ip("192.168.110.9"), 33434, bytes(12, 5), { ttl: 1 })),
      v4(udp(ip("255.255.255.255"), 67, bytes(40, 6))),
    ],
    tcp: [
      v4(tcp(179, TcpFlag.Syn, new Uint8Array(0))),
      v4(tcp(179, TcpFlag.Ack | TcpFlag.Psh, bytes(29, 7))),
      v4(tcp(23, TcpFlag.Syn, new Uint8Array(0))),
      v4(tcp(179, TcpFlag.Rst, new Uint8Array(0))),
    ],
    gre: [
      greInner(buildGre({ protocol: GreProtocol.Ipv4, checksum: false }, inner), 4),
      greInner(buildGre({ protocol: GreProtocol.Ipv4, checksum: true, key: 100 }, inner), 12),
      greInner(buildGre({ protocol: GreProtocol.Ipv4, checksum: false, sequence: 9 }, inner), 8),
      v4(ipv4({ protocol: IpProtocol.Gre }, buildGre({ protocol: GreProtocol.Nhrp, checksum: false }, bytes(48, 8)))),
    ],
    nhrp: nhrpPackets().map((packet) => ({ ...greInner(buildGre({ protocol: GreProtocol.Nhrp, checksum: false }, packet), 4), ipv4At: [L2], nhrpAt: L2 + 20 + 4 })),
    "gre-mpls": [
      greInner(buildGre({ protocol: GreProtocol.MplsUnicast, checksum: false }, buildMpls({ stack: [{ label: label(16), tc: 0, bottom: true, ttl: 64 }] }, inner)), 8),
      greInner(buildGre({ protocol: GreProtocol.MplsUnicast, checksum: false }, buildMpls({ stack: [{ label: label(18), tc: 0, bottom: false, ttl: 64 }, { label: label(17), tc: 0, bottom: true, ttl: 64 }] }, inner)), 12),
      greInner(buildGre({ protocol: GreProtocol.MplsUnicast, checksum: false }, buildMpls({ stack: [{ label: label(0), tc: 0, bottom: true, ttl: 1 }] }, inner)), 8),
    ],
    dot1q: [
      { bytes: buildDot1qFrame({ dst: hubMac, src: NEIGHBOUR_MAC, vlan: { pcp: 0, dei: false, vid: 10 }, etherType: EtherType.Ipv4 }, echo(ip("172.16.10.2"), ip("172.16.10.1"))), ipv4At: [18] },
      { bytes: buildDot1qFrame({ dst: BROADCAST_MAC, src: NEIGHBOUR_MAC, vlan: { pcp: 0, dei: false, vid: 10 }, etherType: EtherType.Arp }, buildArp({ operation: ArpOperation.Request, senderMac: NEIGHBOUR_MAC, senderIp: ip("172.16.10.2"), targetMac: 0 as Mac, targetIp: ip("172.16.10.1") })), ipv4At: [] },
      { bytes: buildDot1qFrame({ dst: hubMac, src: NEIGHBOUR_MAC, vlan: { pcp: 5, dei: false, vid: 20 }, etherType: EtherType.Ipv4 }, echo(NEIGHBOUR_IP, HUB_IP)), ipv4At: [18] },
      { bytes: buildDot1qFrame({ dst: hubMac, src: NEIGHBOUR_MAC, vlan: { pcp: 0, dei: false, vid: 0 }, etherType: EtherType.Ipv4 }, echo(NEIGHBOUR_IP, HUB_IP)), ipv4At: [18] },
    ],
    esp: [
      v4(ipv4({ protocol: IpProtocol.Esp }, buildEsp({ spi: 0x1000, sequence: 1 }, bytes(64, 9)))),
      v4(ipv4({ protocol: IpProtocol.Esp }, buildEsp({ spi: 0x2000, sequence: 7 }, bytes(16, 10)))),
    ],
    mpls: [
      { bytes: eth(hubMac, EtherType.MplsUnicast, buildMpls({ stack: [{ label: label(16), tc: 0, bottom: true, ttl: 64 }] }, echo(NEIGHBOUR_IP, HUB_IP))), ipv4At: [18] },
      { bytes: eth(hubMac, EtherType.MplsUnicast, buildMpls({ stack: [{ label: label(0), tc: 0, bottom: true, ttl: 64 }] }, echo(NEIGHBOUR_IP, ip("192.168.100.7")))), ipv4At: [18] },
    ],
    fragments: [
      fragment(0, 1480, true),
      fragment(1480, 1480, true),
      fragment(2960, 20, false),
      // issue 9's crafted three
      fragment(0, 1480, true, 0x4343),
      fragment(1480, 8, true, 0x4343),
      fragment(8, 16, false, 0x4343),
    ],
    // 802.3 frames with LLC/SNAP: CDP advertisements, and a spanning-tree BPDU (LLC SAP 0x42).
    cdp: [
      ...cdpPdus().map((pdu) => ({ bytes: snapFrame(CDP_MULTICAST, CiscoSnapPid.Cdp, pdu), ipv4At: [], cdpAt: L2 + LLC_SNAP_HEADER_LENGTH })),
      { bytes: eth(0x0180c2000000 as Mac, 38, Uint8Array.of(0x42, 0x42, 0x03, ...bytes(35, 12))), ipv4At: [] },
    ],
    "ipv4-options": [
      withOptions([7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 1]), // record route
      withOptions([0x94, 4, 0, 0]), // router alert
      withOptions([0x83, 7, 4, 10, 0, 0, 1, 0]), // loose source route
      withOptions([1, 1, 1, 0]), // NOPs, end of options
    ],
  };
}
