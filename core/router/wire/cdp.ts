// Cisco Discovery Protocol, versions 1 and 2: a 4-byte header (version, TTL in seconds, and
// a checksum) followed by type-length-value fields, carried in an IEEE 802.3 frame to
// 01:00:0c:cc:cc:cc with LLC/SNAP, OUI 00-00-0C, protocol ID 0x2000 (llc.ts). Field
// numbers and layouts follow Wireshark's packet-cdp.c and Cisco's CDP documentation.
//
// The checksum is the Internet checksum over the whole PDU with Cisco's quirk for an odd
// length (Wireshark's packet-cdp.c describes it): the last byte is added as the low byte of
// a word, sign-extended, so a last byte with its top bit set counts as 0xFF00 | (byte - 1).
//
// Known TLVs become fields of the repr; unknown ones (and a second copy of a known one) are
// kept in order in `unknown` and emitted after the known ones, so every accepted PDU
// round-trips. Strings are Latin-1, a byte to a character, so any bytes round-trip.

import { readIpv4, writeIpv4, type Ipv4, type Mac } from "./addr";
import { WireError, truncated } from "./errors";
import { finishChecksum, sumWords } from "./checksum";
import { buildEthernet } from "./ethernet";
import { CiscoSnapPid, LLC_SNAP_HEADER_LENGTH, SnapOui, emitLlcSnap } from "./llc";
import { hex16, readU16, readU32, writeU16, writeU32 } from "./bytes";

/** Where every CDP advertisement goes. */
export const CDP_MULTICAST = 0x01000ccccccc as Mac;

export const CDP_HEADER_LENGTH = 4;
const TLV_HEADER_LENGTH = 4;

/** TLV types (packet-cdp.c). Others are kept as unknown and round-trip. */
export const CdpTlvType = {
  DeviceId: 0x0001,
  Addresses: 0x0002,
  PortId: 0x0003,
  Capabilities: 0x0004,
  SoftwareVersion: 0x0005,
  Platform: 0x0006,
  VtpManagementDomain: 0x0009,
  NativeVlan: 0x000a,
  Duplex: 0x000b,
  ManagementAddresses: 0x0016,
} as const;

const tlvNames = new Map<number, string>(Object.entries(CdpTlvType).map(([name, value]) => [value, name]));

/** "DeviceId", or "Unknown(0x001a)". */
export function cdpTlvName(type: number): string {
  return tlvNames.get(type) ?? `Unknown(${hex16(type)})`;
}

/** Capability bits of TLV 0x0004, with IOS's letter and the word `show cdp … detail` prints. */
export const CDP_CAPABILITIES = [
  { bit: 0x001, letter: "R", word: "Router", legend: "Router" },
  { bit: 0x002, letter: "T", word: "Trans-Bridge", legend: "Trans Bridge" },
  { bit: 0x004, letter: "B", word: "Source-Route-Bridge", legend: "Source Route Bridge" },
  { bit: 0x008, letter: "S", word: "Switch", legend: "Switch" },
  { bit: 0x010, letter: "H", word: "Host", legend: "Host" },
  { bit: 0x020, letter: "I", word: "IGMP", legend: "IGMP" },
  { bit: 0x040, letter: "r", word: "Repeater", legend: "Repeater" },
  { bit: 0x080, letter: "P", word: "Phone", legend: "Phone" },
  { bit: 0x100, letter: "D", word: "Remote", legend: "Remote" },
  { bit: 0x200, letter: "C", word: "CVTA", legend: "CVTA" },
  { bit: 0x400, letter: "M", word: "Two-port Mac Relay", legend: "Two-port Mac Relay" },
] as const;

export const CdpCapability = {
  Router: 0x001,
  SourceRouteBridge: 0x004,
  Switch: 0x008,
  Igmp: 0x020,
} as const;

/** Address protocol types (packet-cdp.c): NLPID, or an 802.2 LLC/SNAP protocol. */
export const CDP_PROTOCOL_TYPE_NLPID = 1;
/** NLPID for IP (ISO/IEC TR 9577). */
export const NLPID_IP = 0xcc;

/** One entry of the Addresses (or Management Addresses) TLV. */
export type CdpAddress =
  | { readonly kind: "ipv4"; readonly address: Ipv4 }
  | { readonly kind: "other"; readonly protocolType: number; readonly protocol: Uint8Array; readonly address: Uint8Array };

export interface CdpTlv {
  readonly type: number;
  readonly value: Uint8Array;
}

export interface CdpRepr {
  /** 1 or 2. */
  readonly version: number;
  /** The holdtime the sender asks for, in seconds. */
  readonly ttlSec: number;
  readonly deviceId?: string;
  readonly addresses?: readonly CdpAddress[];
  readonly portId?: string;
  /** Bits of CDP_CAPABILITIES. */
  readonly capabilities?: number;
  readonly softwareVersion?: string;
  readonly platform?: string;
  readonly vtpManagementDomain?: string;
  readonly nativeVlan?: number;
  readonly duplex?: "half" | "full";
  readonly managementAddresses?: readonly CdpAddress[];
  /** TLVs this codec does not know, or second copies of ones it does, in order. */
  readonly unknown: readonly CdpTlv[];
}

/** Cisco's checksum of `buf[start, end)` (see the header comment for the odd-length quirk). */
export function cdpChecksum(buf: Uint8Array, start = 0, end = buf.length): number {
  const length = end - start;
  if ((length & 1) === 0) return finishChecksum(sumWords(buf, start, end));
  const last = buf[end - 1];
  const word = last & 0x80 ? 0xff00 | ((last - 1) & 0xff) : last;
  return finishChecksum(sumWords(buf, start, end - 1, word));
}

const latin1 = (buf: Uint8Array, start: number, end: number): string => {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
  return s;
};

function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

function parseAddresses(buf: Uint8Array, start: number, end: number, field: string): CdpAddress[] | WireError {
  if (end - start < 4) return truncated("cdp", `${field} count`, start, 4, end - start);
  const count = readU32(buf, start);
  const out: CdpAddress[] = [];
  let at = start + 4;
  for (let i = 0; i < count; i++) {
    if (end - at < 2) return truncated("cdp", `${field} entry`, at, 2, end - at);
    const protocolType = buf[at];
    const protocolLength = buf[at + 1];
    const p = at + 2;
    if (end - p < protocolLength + 2) return truncated("cdp", `${field} protocol`, p, protocolLength + 2, end - p);
    const addressLength = readU16(buf, p + protocolLength);
    const a = p + protocolLength + 2;
    if (end - a < addressLength) return truncated("cdp", `${field} address`, a, addressLength, end - a);
    if (protocolType === CDP_PROTOCOL_TYPE_NLPID && protocolLength === 1 && buf[p] === NLPID_IP && addressLength === 4) {
      out.push({ kind: "ipv4", address: readIpv4(buf, a) });
    } else {
      out.push({ kind: "other", protocolType, protocol: buf.slice(p, p + protocolLength), address: buf.slice(a, a + addressLength) });
    }
    at = a + addressLength;
  }
  if (at !== end) return new WireError("cdp", `${field} length`, at, `${end - at} bytes after ${count} addresses`);
  return out;
}

function emitAddresses(list: readonly CdpAddress[]): Uint8Array {
  let length = 4;
  for (const a of list) length += a.kind === "ipv4" ? 9 : 4 + a.protocol.length + a.address.length;
  const out = new Uint8Array(length);
  writeU32(out, 0, list.length);
  let at = 4;
  for (const a of list) {
    if (a.kind === "ipv4") {
      out[at] = CDP_PROTOCOL_TYPE_NLPID;
      out[at + 1] = 1;
      out[at + 2] = NLPID_IP;
      writeU16(out, at + 3, 4);
      writeIpv4(out, at + 5, a.address);
      at += 9;
    } else {
      out[at] = a.protocolType;
      out[at + 1] = a.protocol.length;
      out.set(a.protocol, at + 2);
      writeU16(out, at + 2 + a.protocol.length, a.address.length);
      out.set(a.address, at + 4 + a.protocol.length);
      at += 4 + a.protocol.length + a.address.length;
    }
  }
  return out;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Parses a CDP PDU (what follows the LLC/SNAP header), checking version, checksum and every TLV. */
export function parseCdp(buf: Uint8Array): CdpRepr | WireError {
  if (buf.length < CDP_HEADER_LENGTH) return truncated("cdp", "header", 0, CDP_HEADER_LENGTH, buf.length);
  const version = buf[0];
  if (version !== 1 && version !== 2) return new WireError("cdp", "version", 0, `${version}, expected 1 or 2`);
  if (cdpChecksum(buf) !== 0) return new WireError("cdp", "checksum", 2, `${hex16(readU16(buf, 2))} does not verify`);
  const repr: Mutable<CdpRepr> = { version, ttlSec: buf[1], unknown: [] };
  const unknown: CdpTlv[] = [];
  let at = CDP_HEADER_LENGTH;
  while (at < buf.length) {
    if (buf.length - at < TLV_HEADER_LENGTH) return truncated("cdp", "TLV header", at, TLV_HEADER_LENGTH, buf.length - at);
    const type = readU16(buf, at);
    const length = readU16(buf, at + 2);
    if (length < TLV_HEADER_LENGTH) return new WireError("cdp", "TLV length", at + 2, `${length} is less than 4`);
    if (at + length > buf.length) return truncated("cdp", `${cdpTlvName(type)} TLV`, at, length, buf.length - at);
    const v = at + TLV_HEADER_LENGTH;
    const end = at + length;
    const valueLength = end - v;
    const keep = (): void => void unknown.push({ type, value: buf.slice(v, end) });
    switch (type) {
      case CdpTlvType.DeviceId:
        if (repr.deviceId === undefined) repr.deviceId = latin1(buf, v, end);
        else keep();
        break;
      case CdpTlvType.PortId:
        if (repr.portId === undefined) repr.portId = latin1(buf, v, end);
        else keep();
        break;
      case CdpTlvType.SoftwareVersion:
        if (repr.softwareVersion === undefined) repr.softwareVersion = latin1(buf, v, end);
        else keep();
        break;
      case CdpTlvType.Platform:
        if (repr.platform === undefined) repr.platform = latin1(buf, v, end);
        else keep();
        break;
      case CdpTlvType.VtpManagementDomain:
        if (repr.vtpManagementDomain === undefined) repr.vtpManagementDomain = latin1(buf, v, end);
        else keep();
        break;
      case CdpTlvType.Addresses:
      case CdpTlvType.ManagementAddresses: {
        const key = type === CdpTlvType.Addresses ? "addresses" : "managementAddresses";
        if (repr[key] !== undefined) {
          keep();
          break;
        }
        const list = parseAddresses(buf, v, end, type === CdpTlvType.Addresses ? "addresses" : "management addresses");
        if (list instanceof WireError) return list;
        repr[key] = list;
        break;
      }
      case CdpTlvType.Capabilities:
        if (valueLength !== 4) return new WireError("cdp", "capabilities length", at + 2, `${length}, expected 8`);
        if (repr.capabilities === undefined) repr.capabilities = readU32(buf, v);
        else keep();
        break;
      case CdpTlvType.NativeVlan:
        if (valueLength !== 2) return new WireError("cdp", "native VLAN length", at + 2, `${length}, expected 6`);
        if (repr.nativeVlan === undefined) repr.nativeVlan = readU16(buf, v);
        else keep();
        break;
      case CdpTlvType.Duplex:
        if (valueLength !== 1) return new WireError("cdp", "duplex length", at + 2, `${length}, expected 5`);
        // Any non-zero byte is full duplex (packet-cdp.c); only 0 and 1 map back exactly.
        if (repr.duplex === undefined && buf[v] <= 1) repr.duplex = buf[v] === 1 ? "full" : "half";
        else keep();
        break;
      default:
        keep();
    }
    at = end;
  }
  repr.unknown = unknown;
  return repr;
}

function tlv(type: number, value: Uint8Array): Uint8Array {
  if (value.length + TLV_HEADER_LENGTH > 0xffff) throw new RangeError(`CDP ${cdpTlvName(type)} TLV: ${value.length} bytes do not fit`);
  const out = new Uint8Array(TLV_HEADER_LENGTH + value.length);
  writeU16(out, 0, type);
  writeU16(out, 2, out.length);
  out.set(value, TLV_HEADER_LENGTH);
  return out;
}

function u16(n: number): Uint8Array {
  const out = new Uint8Array(2);
  writeU16(out, 0, n);
  return out;
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  writeU32(out, 0, n);
  return out;
}

/** The PDU: header with its checksum, then the known TLVs in IOS's order, then the unknown ones. */
export function emitCdp(repr: CdpRepr): Uint8Array {
  const parts: Uint8Array[] = [];
  if (repr.deviceId !== undefined) parts.push(tlv(CdpTlvType.DeviceId, latin1Bytes(repr.deviceId)));
  if (repr.addresses !== undefined) parts.push(tlv(CdpTlvType.Addresses, emitAddresses(repr.addresses)));
  if (repr.portId !== undefined) parts.push(tlv(CdpTlvType.PortId, latin1Bytes(repr.portId)));
  if (repr.capabilities !== undefined) parts.push(tlv(CdpTlvType.Capabilities, u32(repr.capabilities)));
  if (repr.softwareVersion !== undefined) parts.push(tlv(CdpTlvType.SoftwareVersion, latin1Bytes(repr.softwareVersion)));
  if (repr.platform !== undefined) parts.push(tlv(CdpTlvType.Platform, latin1Bytes(repr.platform)));
  if (repr.vtpManagementDomain !== undefined) parts.push(tlv(CdpTlvType.VtpManagementDomain, latin1Bytes(repr.vtpManagementDomain)));
  if (repr.nativeVlan !== undefined) parts.push(tlv(CdpTlvType.NativeVlan, u16(repr.nativeVlan)));
  if (repr.duplex !== undefined) parts.push(tlv(CdpTlvType.Duplex, Uint8Array.of(repr.duplex === "full" ? 1 : 0)));
  if (repr.managementAddresses !== undefined) parts.push(tlv(CdpTlvType.ManagementAddresses, emitAddresses(repr.managementAddresses)));
  for (const t of repr.unknown) parts.push(tlv(t.type, t.value));
  let length = CDP_HEADER_LENGTH;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  out[0] = repr.version;
  out[1] = repr.ttlSec;
  let at = CDP_HEADER_LENGTH;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  writeU16(out, 2, cdpChecksum(out));
  return out;
}

/** The whole frame: 802.3 header (length, not EtherType) to the CDP multicast, LLC/SNAP, PDU. */
export function buildCdpFrame(src: Mac, repr: CdpRepr): Uint8Array {
  const pdu = emitCdp(repr);
  const body = new Uint8Array(LLC_SNAP_HEADER_LENGTH + pdu.length);
  emitLlcSnap({ oui: SnapOui.Cisco, pid: CiscoSnapPid.Cdp }, body, 0);
  body.set(pdu, LLC_SNAP_HEADER_LENGTH);
  return buildEthernet({ dst: CDP_MULTICAST, src, etherType: body.length }, body);
}
