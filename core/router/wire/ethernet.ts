// Ethernet II (DIX) framing: destination MAC, source MAC, EtherType. No preamble and no FCS:
// every backend we use hands frames over without them, and padding to the 60-byte minimum
// is the sender's business (parsers here accept and ignore it as payload).

import { readMac, writeMac, type Mac } from "./addr";
import { truncated, type WireError } from "./errors";
import { hex16, writeU16 } from "./bytes";

/** EtherTypes FlexLab speaks. Any other number is kept as is and round-trips. */
export const EtherType = {
  Ipv4: 0x0800,
  Arp: 0x0806,
  Dot1Q: 0x8100,
  MplsUnicast: 0x8847,
} as const;

export type KnownEtherType = (typeof EtherType)[keyof typeof EtherType];

const etherTypeNames = new Map<number, string>(Object.entries(EtherType).map(([name, value]) => [value, name]));

/** "Ipv4", "MplsUnicast", or "Unknown(0x88cc)" for a number we do not know. */
export function etherTypeName(n: number): string {
  return etherTypeNames.get(n) ?? `Unknown(${hex16(n)})`;
}

export interface EthernetRepr {
  readonly dst: Mac;
  readonly src: Mac;
  /** The raw EtherType; values up to 1500 are IEEE 802.3 lengths and pass through unchanged. */
  readonly etherType: number;
}

export interface EthernetPacket {
  readonly repr: EthernetRepr;
  readonly payload: Uint8Array;
}

export const ETHERNET_HEADER_LENGTH = 14;

// Field offsets.
const DST = 0;
const SRC = 6;
const TYPE = 12;

export function parseEthernet(buf: Uint8Array): EthernetPacket | WireError {
  if (buf.length < ETHERNET_HEADER_LENGTH) {
    return truncated("ethernet", "header", 0, ETHERNET_HEADER_LENGTH, buf.length);
  }
  return {
    repr: { dst: readMac(buf, DST), src: readMac(buf, SRC), etherType: (buf[TYPE] << 8) | buf[TYPE + 1] },
    payload: buf.subarray(ETHERNET_HEADER_LENGTH),
  };
}

/** Writes the 14-byte header at `offset`; returns 14. */
export function emitEthernet(repr: EthernetRepr, buf: Uint8Array, offset: number): number {
  if (offset + ETHERNET_HEADER_LENGTH > buf.length) {
    throw new RangeError(`emitEthernet: need ${ETHERNET_HEADER_LENGTH} bytes at offset ${offset}, buffer has ${buf.length}`);
  }
  writeMac(buf, offset + DST, repr.dst);
  writeMac(buf, offset + SRC, repr.src);
  buf[offset + TYPE] = (repr.etherType >>> 8) & 0xff;
  buf[offset + TYPE + 1] = repr.etherType & 0xff;
  return ETHERNET_HEADER_LENGTH;
}

export function buildEthernet(repr: EthernetRepr, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(ETHERNET_HEADER_LENGTH + payload.length);
  emitEthernet(repr, out, 0);
  out.set(payload, ETHERNET_HEADER_LENGTH);
  return out;
}

// Hot-path accessors: no checks, no allocation. The caller has already seen 14 bytes.

export function ethernetDst(buf: Uint8Array, offset: number): Mac {
  return readMac(buf, offset + DST);
}

export function ethernetSrc(buf: Uint8Array, offset: number): Mac {
  return readMac(buf, offset + SRC);
}

export function ethernetType(buf: Uint8Array, offset: number): number {
  return (buf[offset + TYPE] << 8) | buf[offset + TYPE + 1];
}

/** Whether the destination is a group (multicast or broadcast) address: the I/G bit. */
export function ethernetDstIsGroup(buf: Uint8Array, offset: number): boolean {
  return (buf[offset + DST] & 1) !== 0;
}

/** A group source is invalid (802.1D never learns one); this says whether the frame has one. */
export function ethernetSrcIsGroup(buf: Uint8Array, offset: number): boolean {
  return (buf[offset + SRC] & 1) !== 0;
}

/** Whether the destination equals `mac`, given as its 6 bytes (no number boxing per frame). */
export function ethernetDstEquals(buf: Uint8Array, offset: number, mac: Uint8Array): boolean {
  const d = offset + DST;
  return buf[d + 5] === mac[5] && buf[d + 4] === mac[4] && buf[d + 3] === mac[3] && buf[d + 2] === mac[2] && buf[d + 1] === mac[1] && buf[d] === mac[0];
}

/**
 * Sets the EtherType of the Ethernet II or 802.1Q header that ends where the payload starts,
 * at `payloadOffset`: it is the header's last two bytes either way (the inner type when
 * tagged). For a prebuilt header copied in front of a packet of another type.
 */
export function setEtherTypeBefore(buf: Uint8Array, payloadOffset: number, etherType: number): void {
  writeU16(buf, payloadOffset - 2, etherType);
}

/** Rewrites the destination and source addresses of the header at `offset` in place. */
export function setEthernetAddresses(buf: Uint8Array, offset: number, dst: Mac, src: Mac): void {
  writeMac(buf, offset + DST, dst);
  writeMac(buf, offset + SRC, src);
}
