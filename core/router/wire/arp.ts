// ARP (RFC 826) for IPv4 over Ethernet, the only pairing a FlexLab router resolves: hardware
// type 1, protocol type 0x0800, address lengths 6 and 4, so the packet is always 28 bytes.
// Anything else is rejected naming the field, rather than half-parsed.

import { readIpv4, readMac, writeIpv4, writeMac, type Ipv4, type Mac } from "./addr";
import { WireError, truncated } from "./errors";
import { hex16 } from "./bytes";

/** ARP opcodes (RFC 826, RFC 5494). Other numbers (RARP, InARP) are kept and round-trip. */
export const ArpOperation = {
  Request: 1,
  Reply: 2,
} as const;

const operationNames = new Map<number, string>(Object.entries(ArpOperation).map(([name, value]) => [value, name]));

/** "Request", "Reply", or "Unknown(8)". */
export function arpOperationName(n: number): string {
  return operationNames.get(n) ?? `Unknown(${n})`;
}

export interface ArpRepr {
  readonly operation: number;
  readonly senderMac: Mac;
  readonly senderIp: Ipv4;
  /** All zeros in a request: the sender does not know it yet. */
  readonly targetMac: Mac;
  readonly targetIp: Ipv4;
}

export interface ArpPacket {
  readonly repr: ArpRepr;
  /** Whatever followed the 28 bytes, usually Ethernet padding to 60 bytes. */
  readonly payload: Uint8Array;
}

export const ARP_PACKET_LENGTH = 28;

// Field offsets (RFC 826 names in comments).
const HTYPE = 0; // ar$hrd
const PTYPE = 2; // ar$pro
const HLEN = 4; // ar$hln
const PLEN = 5; // ar$pln
const OPER = 6; // ar$op
const SHA = 8;
const SPA = 14;
const THA = 18;
const TPA = 24;

const HTYPE_ETHERNET = 1;
const PTYPE_IPV4 = 0x0800;

export function parseArp(buf: Uint8Array): ArpPacket | WireError {
  if (buf.length < ARP_PACKET_LENGTH) return truncated("arp", "packet", 0, ARP_PACKET_LENGTH, buf.length);
  const htype = (buf[HTYPE] << 8) | buf[HTYPE + 1];
  if (htype !== HTYPE_ETHERNET) return new WireError("arp", "hardware type", HTYPE, `${htype} is not Ethernet (1)`);
  const ptype = (buf[PTYPE] << 8) | buf[PTYPE + 1];
  if (ptype !== PTYPE_IPV4) {
    return new WireError("arp", "protocol type", PTYPE, `${hex16(ptype)} is not IPv4 (0x0800)`);
  }
  if (buf[HLEN] !== 6) return new WireError("arp", "hardware address length", HLEN, `${buf[HLEN]}, Ethernet needs 6`);
  if (buf[PLEN] !== 4) return new WireError("arp", "protocol address length", PLEN, `${buf[PLEN]}, IPv4 needs 4`);
  return {
    repr: {
      operation: (buf[OPER] << 8) | buf[OPER + 1],
      senderMac: readMac(buf, SHA),
      senderIp: readIpv4(buf, SPA),
      targetMac: readMac(buf, THA),
      targetIp: readIpv4(buf, TPA),
    },
    payload: buf.subarray(ARP_PACKET_LENGTH),
  };
}

/** Writes the 28-byte packet at `offset`; returns 28. */
export function emitArp(repr: ArpRepr, buf: Uint8Array, offset: number): number {
  if (offset + ARP_PACKET_LENGTH > buf.length) {
    throw new RangeError(`emitArp: need ${ARP_PACKET_LENGTH} bytes at offset ${offset}, buffer has ${buf.length}`);
  }
  buf[offset + HTYPE] = 0;
  buf[offset + HTYPE + 1] = HTYPE_ETHERNET;
  buf[offset + PTYPE] = PTYPE_IPV4 >>> 8;
  buf[offset + PTYPE + 1] = PTYPE_IPV4 & 0xff;
  buf[offset + HLEN] = 6;
  buf[offset + PLEN] = 4;
  buf[offset + OPER] = (repr.operation >>> 8) & 0xff;
  buf[offset + OPER + 1] = repr.operation & 0xff;
  writeMac(buf, offset + SHA, repr.senderMac);
  writeIpv4(buf, offset + SPA, repr.senderIp);
  writeMac(buf, offset + THA, repr.targetMac);
  writeIpv4(buf, offset + TPA, repr.targetIp);
  return ARP_PACKET_LENGTH;
}

/** The packet followed by `payload` (pass padding here, or an empty array for none). */
export function buildArp(repr: ArpRepr, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(ARP_PACKET_LENGTH + payload.length);
  emitArp(repr, out, 0);
  out.set(payload, ARP_PACKET_LENGTH);
  return out;
}

// Hot-path accessors: no checks; valid only after parseArp accepted the bytes.

export function arpOperation(buf: Uint8Array, offset: number): number {
  return (buf[offset + OPER] << 8) | buf[offset + OPER + 1];
}

export function arpSenderMac(buf: Uint8Array, offset: number): Mac {
  return readMac(buf, offset + SHA);
}

export function arpSenderIp(buf: Uint8Array, offset: number): Ipv4 {
  return readIpv4(buf, offset + SPA);
}

export function arpTargetIp(buf: Uint8Array, offset: number): Ipv4 {
  return readIpv4(buf, offset + TPA);
}
