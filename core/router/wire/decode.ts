// The capture decoder behind `flexlab decode` and the desktop app's capture view: walks a
// captured frame layer by layer with the wire/ parsers, from the link type down, and says
// for each layer what it is ("MPLS 16", "TCP 179") and its fields. Pure (no Node APIs), so
// the renderer can run it too.
//
// Which parser comes next is looked up in a `DissectorRegistry`, keyed by table and number:
// the link type, an EtherType, an IP protocol, a GRE protocol type, a UDP or TCP port. A
// protocol joins the decoder with one registration in `standardDissectors()`, e.g.
//   registry.register("tcp-port", BGP_PORT, "BGP", dissectBgp)   // decode-bgp.ts
// A dissector gets the bytes of its layer and returns its `DecodedLayer` and what follows
// (table, key, payload), or the parser's WireError. Outcomes of a walk:
// - every layer decoded, the last one a leaf (echo data, ESP ciphertext, a fragment);
// - a layer failed to parse: it is kept with the parser's error and the walk stops;
// - the next key has no dissector: the packet is `undecoded` from there on, which is not an
//   error (a protocol we do not parse yet).

import { formatIpv4, formatMac, type Ipv4 } from "./addr";
import { arpOperationName, parseArp } from "./arp";
import { BGP_PORT } from "./bgp";
import { hex16, hexBytes, hexDigits } from "./bytes";
import { dissectBgp } from "./decode-bgp";
import { dissectCdp, dissectLlc } from "./decode-cdp";
import { dissectIke, dissectUdpEncap } from "./decode-ikev2";
import { dissectNhrp } from "./decode-nhrp";
import { parseDot1q } from "./dot1q";
import { WireError, isWireError } from "./errors";
import { parseEsp } from "./esp";
import { EtherType, parseEthernet } from "./ethernet";
import { CiscoSnapPid, SnapOui, isIeee8023Length, snapKey } from "./llc";
import { GreProtocol, parseGre } from "./gre";
import { parseIcmp, type IcmpExtensionObject, type IcmpRepr } from "./icmp";
import { IKE_NAT_T_PORT, IKE_PORT } from "./ikev2";
import { IpProtocol, parseIpv4, quotedIpv4 } from "./ipv4";
import { parseMpls } from "./mpls";
import { LinkType } from "./pcap";
import { ARPHRD_IPGRE, SLL_PROTOCOL_802_2, parseSll, parseSll2, type SllRepr } from "./sll";
import { TcpFlag, parseTcp, type TcpRepr } from "./tcp";
import { parseUdp } from "./udp";

/** The tables a dissector can hand its payload on to. */
export type NextLayerTable = "link-type" | "ethertype" | "llc" | "snap" | "ip-protocol" | "gre-protocol" | "udp-port" | "tcp-port";

/** One decoded (or failed) layer. */
export interface DecodedLayer {
  /** The protocol's name, e.g. "IPv4", "MPLS". */
  readonly protocol: string;
  /** What the one-line view shows, e.g. "MPLS 16", "TCP 179", "ICMP echo". */
  readonly summary: string;
  /** The parser's repr, addresses formatted as text (MACs, IPv4); absent on error. */
  readonly fields?: Readonly<Record<string, unknown>>;
  /** The parser's error when this layer failed to parse. */
  readonly error?: WireError;
}

export interface DecodedPacket {
  readonly layers: readonly DecodedLayer[];
  /** Bytes after the last layer that no dissector is registered for (not an error). */
  readonly undecoded: string | undefined;
  /** The error of the layer that failed, if one did. */
  readonly error: WireError | undefined;
}

/** What a dissector hands on: which table to look the next layer up in, and its bytes. */
export interface NextLayer {
  readonly table: NextLayerTable;
  readonly key: number;
  readonly payload: Uint8Array;
  /** An IPv4 layer's addresses, for the UDP and TCP pseudo-header below it. */
  readonly ip?: { readonly src: Ipv4; readonly dst: Ipv4 };
}

export interface Dissection {
  readonly layer: DecodedLayer;
  /** Absent for a leaf: the rest is data of this layer, not another protocol. */
  readonly next?: NextLayer;
  /** Set instead of `next` when what follows is a protocol we cannot even look up (how it reads). */
  readonly undecoded?: string;
}

export interface DissectContext {
  readonly registry: DissectorRegistry;
  /** The innermost IPv4 header's source and destination (0 before any). */
  readonly ipSrc: Ipv4;
  readonly ipDst: Ipv4;
}

export type Dissector = (bytes: Uint8Array, context: DissectContext) => Dissection | WireError;

interface Registered {
  readonly name: string;
  readonly dissect: Dissector;
}

/** Which dissector decodes which key of which table. */
export class DissectorRegistry {
  private readonly tables = new Map<NextLayerTable, Map<number, Registered>>();

  /** Registers `dissect` for `key` in `table`; a later registration replaces an earlier one. */
  register(table: NextLayerTable, key: number, name: string, dissect: Dissector): this {
    let entries = this.tables.get(table);
    if (entries === undefined) this.tables.set(table, (entries = new Map()));
    entries.set(key, { name, dissect });
    return this;
  }

  lookup(table: NextLayerTable, key: number): Registered | undefined {
    return this.tables.get(table)?.get(key);
  }

  has(table: NextLayerTable, key: number): boolean {
    return this.lookup(table, key) !== undefined;
  }
}

/** A hostile capture cannot nest forever (each layer eats bytes anyway); real ones stay far below. */
const MAX_LAYERS = 32;

const TABLE_NAMES: Record<NextLayerTable, (key: number) => string> = {
  "link-type": (k) => `link type ${k}`,
  ethertype: (k) => `EtherType ${hex16(k)}`,
  llc: () => "LLC",
  snap: (k) => `SNAP OUI 0x${hexDigits(Math.floor(k / 0x10000), 6)} protocol ${hex16(k % 0x10000)}`,
  "ip-protocol": (k) => `IP protocol ${k}`,
  "gre-protocol": (k) => `GRE protocol ${hex16(k)}`,
  "udp-port": (k) => `UDP port ${k}`,
  "tcp-port": (k) => `TCP port ${k}`,
};

/** Decodes one captured frame of link type `linkType`. Never throws on bad bytes. */
export function decodePacket(frame: Uint8Array, linkType: number, registry: DissectorRegistry = STANDARD): DecodedPacket {
  const layers: DecodedLayer[] = [];
  let next: NextLayer = { table: "link-type", key: linkType, payload: frame };
  let context: DissectContext = { registry, ipSrc: 0 as Ipv4, ipDst: 0 as Ipv4 };
  for (;;) {
    // A segment or datagram without data (a SYN, a bare ACK) has no layer below it.
    if (next.payload.length === 0 && (next.table === "tcp-port" || next.table === "udp-port")) return { layers, undecoded: undefined, error: undefined };
    const entry = registry.lookup(next.table, next.key);
    // Nothing registered: the previous layer's payload is a protocol we do not parse yet.
    if (entry === undefined) return { layers, undecoded: next.payload.length === 0 ? undefined : TABLE_NAMES[next.table](next.key), error: undefined };
    if (layers.length === MAX_LAYERS) return { layers, undecoded: `more than ${MAX_LAYERS} layers`, error: undefined };
    if (next.ip !== undefined) context = { registry, ipSrc: next.ip.src, ipDst: next.ip.dst };
    const result = entry.dissect(next.payload, context);
    if (isWireError(result)) {
      layers.push({ protocol: entry.name, summary: entry.name, error: result });
      return { layers, undecoded: undefined, error: result };
    }
    layers.push(result.layer);
    if (result.next === undefined) return { layers, undecoded: result.undecoded, error: undefined };
    next = result.next;
  }
}

/** The one-line view: "Ethernet / IPv4 / GRE / MPLS 16 / IPv4 / ICMP echo". */
export function summarizePacket(packet: DecodedPacket): string {
  const parts = packet.layers.map((l) => (l.error === undefined ? l.summary : `${l.summary} [${l.error.toString()}]`));
  if (packet.undecoded !== undefined) {
    if (parts.length === 0) return `${packet.undecoded} (undecoded)`;
    parts[parts.length - 1] += " (undecoded)";
  }
  return parts.join(" / ");
}

/** A field value as text: bigints and bytes in hex, arrays and objects inline. */
export function formatFieldValue(value: unknown): string {
  if (value instanceof Uint8Array) return value.length === 0 ? "(none)" : hexBytes(value);
  if (typeof value === "bigint") return `0x${value.toString(16)}`;
  if (Array.isArray(value)) return `[${value.map(formatFieldValue).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${formatFieldValue(v)}`).join(", ")} }`;
  }
  return String(value);
}

/** `[name, value]` pairs of a layer's fields, for the verbose view; undefined fields skipped. */
export function layerFieldLines(layer: DecodedLayer): [string, string][] {
  const lines: [string, string][] = [];
  for (const [name, value] of Object.entries(layer.fields ?? {})) {
    if (value !== undefined) lines.push([name, formatFieldValue(value)]);
  }
  return lines;
}

/** A JSON.stringify replacer: bigints and byte arrays as hex strings, as `--json` prints them. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return `0x${value.toString(16)}`;
  if (value instanceof Uint8Array) return hexBytes(value);
  return value;
}

// --- The standard dissectors ---

function layer(protocol: string, summary: string, fields: Readonly<Record<string, unknown>>): DecodedLayer {
  return { protocol, summary, fields };
}

const dissectEthernet: Dissector = (bytes) => {
  const p = parseEthernet(bytes);
  if (isWireError(p)) return p;
  const { dst, src, etherType } = p.repr;
  if (isIeee8023Length(etherType)) {
    // IEEE 802.3: the field is the LLC PDU's length; what follows it is padding.
    if (etherType > p.payload.length) return new WireError("ethernet", "length", 12, `${etherType} is past the frame's ${p.payload.length} bytes`);
    return {
      layer: layer("Ethernet", "Ethernet", { dst: formatMac(dst), src: formatMac(src), length: etherType }),
      next: { table: "llc", key: 0, payload: p.payload.subarray(0, etherType) },
    };
  }
  return {
    layer: layer("Ethernet", "Ethernet", { dst: formatMac(dst), src: formatMac(src), etherType: hex16(etherType) }),
    next: { table: "ethertype", key: etherType, payload: p.payload },
  };
};

function sllFields(repr: SllRepr): Record<string, unknown> {
  return { ...repr, protocol: hex16(repr.protocol) };
}

/** Where a cooked header's payload goes next, as Wireshark's sll dissector reads the protocol
 * field: a GRE device's is a GRE protocol type; on other devices an EtherType, but for Linux's
 * ETH_P_802_2, an 802.3 frame whose payload is its LLC header on (CDP). */
function sllNext(repr: SllRepr, payload: Uint8Array): Dissection["next"] {
  if (repr.arphrdType === ARPHRD_IPGRE) return { table: "gre-protocol", key: repr.protocol, payload };
  if (repr.protocol === SLL_PROTOCOL_802_2) return { table: "llc", key: 0, payload };
  return { table: "ethertype", key: repr.protocol, payload };
}

const dissectSll: Dissector = (bytes) => {
  const p = parseSll(bytes);
  if (isWireError(p)) return p;
  return { layer: layer("Linux cooked", "Linux cooked", sllFields(p.repr)), next: sllNext(p.repr, p.payload) };
};

const dissectSll2: Dissector = (bytes) => {
  const p = parseSll2(bytes);
  if (isWireError(p)) return p;
  return { layer: layer("Linux cooked v2", "Linux cooked v2", sllFields(p.repr)), next: sllNext(p.repr, p.payload) };
};

/** LINKTYPE_RAW: no link header, the IP version nibble says which IP (LINKTYPE_IPV4 needs no such layer). */
const dissectRawIp: Dissector = (bytes) => {
  const version = bytes.length === 0 ? 0 : bytes[0] >>> 4;
  const key = version === 4 ? EtherType.Ipv4 : version === 6 ? 0x86dd : -1;
  if (key === -1) return { layer: layer("Raw IP", "Raw IP", { version }), undecoded: `IP version ${version}` };
  return { layer: layer("Raw IP", "Raw IP", { version }), next: { table: "ethertype", key, payload: bytes } };
};

const dissectDot1q: Dissector = (bytes) => {
  const p = parseDot1q(bytes);
  if (isWireError(p)) return p;
  return { layer: layer("802.1Q", `802.1Q ${p.repr.vid}`, { ...p.repr, etherType: hex16(p.repr.etherType) }), next: { table: "ethertype", key: p.repr.etherType, payload: p.payload } };
};

const dissectArp: Dissector = (bytes) => {
  const p = parseArp(bytes);
  if (isWireError(p)) return p;
  const r = p.repr;
  const op = arpOperationName(r.operation);
  return {
    // Sender and target the same: an announcement of the sender's own address (RFC 5227 §3).
    layer: layer("ARP", `ARP ${op.toLowerCase()} ${formatIpv4(r.targetIp)}${r.senderIp === r.targetIp ? " (gratuitous)" : ""}`, {
      operation: op,
      senderMac: formatMac(r.senderMac),
      senderIp: formatIpv4(r.senderIp),
      targetMac: formatMac(r.targetMac),
      targetIp: formatIpv4(r.targetIp),
    }),
  };
};

const dissectIpv4: Dissector = (bytes) => {
  const p = parseIpv4(bytes);
  if (isWireError(p)) return p;
  const r = p.repr;
  const fields = { ...r, src: formatIpv4(r.src), dst: formatIpv4(r.dst) };
  // Without reassembly only a whole datagram has an upper layer to decode: a fragment's
  // checksums cover bytes it does not carry.
  if (r.moreFragments || r.fragmentOffsetBytes !== 0) {
    const more = r.moreFragments ? ", more follow" : "";
    return { layer: layer("IPv4", `IPv4 fragment offset ${r.fragmentOffsetBytes}${more}`, fields) };
  }
  return { layer: layer("IPv4", "IPv4", fields), next: { table: "ip-protocol", key: r.protocol, payload: p.payload, ip: { src: r.src, dst: r.dst } } };
};

const REDIRECT_CODES = ["net", "host", "tos and net", "tos and host"];
const UNREACHABLE_CODES = ["net", "host", "protocol", "port", "fragmentation needed", "source route failed"];

function icmpSummary(repr: IcmpRepr, payload: Uint8Array): string {
  switch (repr.kind) {
    case "echo-request":
      return "ICMP echo";
    case "echo-reply":
      return "ICMP echo reply";
    case "dst-unreachable": {
      const code = repr.code === 13 ? "administratively prohibited" : (UNREACHABLE_CODES[repr.code] ?? `code ${repr.code}`);
      const mtu = repr.code === 4 ? ` mtu ${repr.nextHopMtu}` : "";
      return `ICMP unreachable ${code}${mtu} (${quotedIpv4(payload)}${labelsOf(repr.extensions)})`;
    }
    case "redirect":
      return `ICMP redirect ${REDIRECT_CODES[repr.code] ?? `code ${repr.code}`} to ${formatIpv4(repr.gateway)} (${quotedIpv4(payload)})`;
    case "time-exceeded":
      return `ICMP time exceeded ${repr.code === 0 ? "in transit" : repr.code === 1 ? "in reassembly" : `code ${repr.code}`} (${quotedIpv4(payload)}${labelsOf(repr.extensions)})`;
    case "other":
      return `ICMP type ${repr.type} code ${repr.code}`;
  }
}

/** ", MPLS 16 17" for an RFC 4950 label stack object. */
function labelsOf(extensions: readonly IcmpExtensionObject[] | undefined): string {
  const stack = extensions?.find((e) => e.kind === "mpls-label-stack");
  return stack?.kind === "mpls-label-stack" ? `, MPLS ${stack.entries.map((e) => e.label).join(" ")}` : "";
}

const dissectIcmp: Dissector = (bytes) => {
  const p = parseIcmp(bytes);
  if (isWireError(p)) return p;
  const fields: Record<string, unknown> = { ...p.repr };
  if (p.repr.kind === "dst-unreachable" || p.repr.kind === "time-exceeded" || p.repr.kind === "redirect") fields.quoted = quotedIpv4(p.payload);
  return { layer: layer("ICMP", icmpSummary(p.repr, p.payload), fields) };
};

/** The port a flow is summarised by: one with a dissector, else the lower (usually the service's). */
function servicePort(context: DissectContext, table: "udp-port" | "tcp-port", src: number, dst: number): number {
  if (context.registry.has(table, dst)) return dst;
  if (context.registry.has(table, src)) return src;
  return Math.min(src, dst);
}

const dissectUdp: Dissector = (bytes, context) => {
  const p = parseUdp(bytes, context.ipSrc, context.ipDst);
  if (isWireError(p)) return p;
  const port = servicePort(context, "udp-port", p.repr.srcPort, p.repr.dstPort);
  return { layer: layer("UDP", `UDP ${port}`, { ...p.repr }), next: { table: "udp-port", key: port, payload: p.payload } };
};

const TCP_FLAG_NAMES: [number, string][] = [
  [TcpFlag.Syn, "SYN"],
  [TcpFlag.Fin, "FIN"],
  [TcpFlag.Rst, "RST"],
  [TcpFlag.Psh, "PSH"],
  [TcpFlag.Ack, "ACK"],
  [TcpFlag.Urg, "URG"],
  [TcpFlag.Ece, "ECE"],
  [TcpFlag.Cwr, "CWR"],
];

function tcpFlagNames(flags: number): string {
  return TCP_FLAG_NAMES.filter(([bit]) => flags & bit).map(([, name]) => name).join(",");
}

function tcpFields(repr: TcpRepr): Record<string, unknown> {
  return { ...repr, flags: tcpFlagNames(repr.flags) };
}

const dissectTcp: Dissector = (bytes, context) => {
  const p = parseTcp(bytes, context.ipSrc, context.ipDst);
  if (isWireError(p)) return p;
  const port = servicePort(context, "tcp-port", p.repr.srcPort, p.repr.dstPort);
  // A segment's bytes are a piece of a stream; an empty one (SYN, bare ACK) has nothing below.
  const f = p.repr.flags;
  const control = f & (TcpFlag.Syn | TcpFlag.Fin | TcpFlag.Rst) ? ` ${tcpFlagNames(f & (TcpFlag.Syn | TcpFlag.Fin | TcpFlag.Rst | TcpFlag.Ack))}` : "";
  return { layer: layer("TCP", `TCP ${port}${control}`, tcpFields(p.repr)), next: { table: "tcp-port", key: port, payload: p.payload } };
};

const dissectGre: Dissector = (bytes) => {
  const p = parseGre(bytes);
  if (isWireError(p)) return p;
  const r = p.repr;
  return { layer: layer("GRE", r.key === undefined ? "GRE" : `GRE key ${r.key}`, { ...r, protocol: hex16(r.protocol) }), next: { table: "gre-protocol", key: r.protocol, payload: p.payload } };
};

const dissectMpls: Dissector = (bytes) => {
  const p = parseMpls(bytes);
  if (isWireError(p)) return p;
  const summary = `MPLS ${p.repr.stack.map((e) => e.label).join(" ")}`;
  const fields = { stack: p.repr.stack };
  // RFC 3032 has no payload type: like every LSR, look at the first nibble.
  const version = p.payload.length === 0 ? -1 : p.payload[0] >>> 4;
  if (version === 4) return { layer: layer("MPLS", summary, fields), next: { table: "ethertype", key: EtherType.Ipv4, payload: p.payload } };
  return { layer: layer("MPLS", summary, fields), undecoded: p.payload.length === 0 ? undefined : `MPLS payload, first nibble ${version}` };
};

const dissectEsp: Dissector = (bytes) => {
  const p = parseEsp(bytes);
  if (isWireError(p)) return p;
  // IV, ciphertext and ICV: nothing more to read without the SA's keys.
  return { layer: layer("ESP", `ESP spi 0x${hexDigits(p.repr.spi, 8)} seq ${p.repr.sequence}`, { ...p.repr, spi: `0x${hexDigits(p.repr.spi, 8)}`, encryptedLength: p.payload.length }) };
};

/** The dissectors of every protocol wire/ parses. A new protocol is one line here. */
export function standardDissectors(): DissectorRegistry {
  return new DissectorRegistry()
    .register("link-type", LinkType.Ethernet, "Ethernet", dissectEthernet)
    .register("link-type", LinkType.LinuxSll, "Linux cooked", dissectSll)
    .register("link-type", LinkType.LinuxSll2, "Linux cooked v2", dissectSll2)
    .register("link-type", LinkType.Raw, "Raw IP", dissectRawIp)
    .register("link-type", LinkType.Ipv4, "IPv4", dissectIpv4)
    .register("ethertype", EtherType.Ipv4, "IPv4", dissectIpv4)
    .register("ethertype", EtherType.Arp, "ARP", dissectArp)
    .register("ethertype", EtherType.Dot1Q, "802.1Q", dissectDot1q)
    .register("ethertype", EtherType.MplsUnicast, "MPLS", dissectMpls)
    .register("llc", 0, "LLC", dissectLlc)
    .register("snap", snapKey(SnapOui.Cisco, CiscoSnapPid.Cdp), "CDP", dissectCdp)
    .register("gre-protocol", GreProtocol.Ipv4, "IPv4", dissectIpv4)
    .register("gre-protocol", GreProtocol.MplsUnicast, "MPLS", dissectMpls)
    .register("gre-protocol", GreProtocol.Nhrp, "NHRP", dissectNhrp)
    .register("ip-protocol", IpProtocol.Icmp, "ICMP", dissectIcmp)
    .register("ip-protocol", IpProtocol.Ipip, "IPv4", dissectIpv4)
    .register("ip-protocol", IpProtocol.Tcp, "TCP", dissectTcp)
    .register("ip-protocol", IpProtocol.Udp, "UDP", dissectUdp)
    .register("ip-protocol", IpProtocol.Gre, "GRE", dissectGre)
    .register("ip-protocol", IpProtocol.Esp, "ESP", dissectEsp)
    .register("tcp-port", BGP_PORT, "BGP", dissectBgp)
    .register("udp-port", IKE_PORT, "IKEv2", dissectIke)
    .register("udp-port", IKE_NAT_T_PORT, "NAT-T", dissectUdpEncap);
}

const STANDARD = standardDissectors();
