// Linux "cooked" capture headers, which libpcap puts in front of each packet when capturing
// on `any` or a device without a link-layer header: SLL v1 (LINKTYPE_LINUX_SLL, 16 bytes)
// and SLL2 (LINKTYPE_LINUX_SLL2, 20 bytes, adds the interface index). Both carry the packet
// type (to us, from us, broadcast...), the ARPHRD device type, up to 8 bytes of the sender's
// link-layer address and the protocol, an EtherType for the devices we meet.
// Layouts: tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html and LINKTYPE_LINUX_SLL2.html.

import { readU16, readU32, writeU16, writeU32 } from "./bytes";
import { truncated, type WireError } from "./errors";

/** The packet type field (Linux's PACKET_* from if_packet.h). */
export const SllPacketType = {
  Host: 0,
  Broadcast: 1,
  Multicast: 2,
  OtherHost: 3,
  Outgoing: 4,
} as const;

export const ARPHRD_ETHER = 1;
/** The protocol field of an 802.3 frame with an 802.2 LLC header (Linux's ETH_P_802_2): the
 * payload starts at the LLC header, as CDP's frames do. */
export const SLL_PROTOCOL_802_2 = 0x0004;
/** A GRE tunnel device (Linux's gre0): the protocol field is a GRE protocol type, so
 * Wireshark decodes the payload by its GRE dissector table (NHRP is 0x2001 there, not an
 * EtherType). FlexLab's captures on Tunnel and Virtual-Access interfaces use it. */
export const ARPHRD_IPGRE = 778;

export interface SllRepr {
  readonly packetType: number;
  /** ARPHRD_* device type, e.g. 1 for Ethernet. */
  readonly arphrdType: number;
  /** The sender's link-layer address, as many bytes as its length field says (at most 8). */
  readonly address: Uint8Array;
  /** An EtherType for Ethernet-like devices. */
  readonly protocol: number;
  /** SLL2 only: the capturing interface's index. */
  readonly interfaceIndex?: number;
}

export interface SllPacket {
  readonly repr: SllRepr;
  readonly payload: Uint8Array;
}

export const SLL_HEADER_LENGTH = 16;
export const SLL2_HEADER_LENGTH = 20;
const ADDRESS_FIELD_LENGTH = 8;

function addressOf(buf: Uint8Array, at: number, length: number): Uint8Array {
  return buf.slice(at, at + Math.min(length, ADDRESS_FIELD_LENGTH));
}

/** SLL v1: packet type, ARPHRD type, address length, address (8), protocol. */
export function parseSll(buf: Uint8Array): SllPacket | WireError {
  if (buf.length < SLL_HEADER_LENGTH) return truncated("sll", "header", 0, SLL_HEADER_LENGTH, buf.length);
  return {
    repr: { packetType: readU16(buf, 0), arphrdType: readU16(buf, 2), address: addressOf(buf, 6, readU16(buf, 4)), protocol: readU16(buf, 14) },
    payload: buf.subarray(SLL_HEADER_LENGTH),
  };
}

/** SLL2: protocol, reserved, interface index, ARPHRD type, packet type, address length, address (8). */
export function parseSll2(buf: Uint8Array): SllPacket | WireError {
  if (buf.length < SLL2_HEADER_LENGTH) return truncated("sll2", "header", 0, SLL2_HEADER_LENGTH, buf.length);
  return {
    repr: {
      protocol: readU16(buf, 0),
      interfaceIndex: readU32(buf, 4),
      arphrdType: readU16(buf, 8),
      packetType: buf[10],
      address: addressOf(buf, 12, buf[11]),
    },
    payload: buf.subarray(SLL2_HEADER_LENGTH),
  };
}

/** An SLL v1 header in front of `payload`. */
export function buildSll(repr: SllRepr, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(SLL_HEADER_LENGTH + payload.length);
  writeU16(out, 0, repr.packetType);
  writeU16(out, 2, repr.arphrdType);
  writeU16(out, 4, repr.address.length);
  out.set(repr.address.subarray(0, ADDRESS_FIELD_LENGTH), 6);
  writeU16(out, 14, repr.protocol);
  out.set(payload, SLL_HEADER_LENGTH);
  return out;
}

/** An SLL2 header in front of `payload`. */
export function buildSll2(repr: SllRepr, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(SLL2_HEADER_LENGTH + payload.length);
  writeU16(out, 0, repr.protocol);
  writeU32(out, 4, repr.interfaceIndex ?? 0);
  writeU16(out, 8, repr.arphrdType);
  out[10] = repr.packetType;
  out[11] = Math.min(repr.address.length, ADDRESS_FIELD_LENGTH);
  out.set(repr.address.subarray(0, ADDRESS_FIELD_LENGTH), 12);
  out.set(payload, SLL2_HEADER_LENGTH);
  return out;
}

/** A tunnel's payload as a capture on a GRE device shows it: an SLL header with the payload's
 * GRE protocol type, packet type outgoing or to us, and no link-layer address. */
export function buildGreDeviceSll(payload: Uint8Array, protocol: number, outgoing: boolean): Uint8Array {
  return buildSll({ packetType: outgoing ? SllPacketType.Outgoing : SllPacketType.Host, arphrdType: ARPHRD_IPGRE, address: NO_ADDRESS, protocol }, payload);
}

const NO_ADDRESS = new Uint8Array(0);
