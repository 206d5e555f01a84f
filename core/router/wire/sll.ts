// Linux "cooked" capture headers, which libpcap puts in front of each packet when capturing
// on `any` or a device without a link-layer header: SLL v1 (LINKTYPE_LINUX_SLL, 16 bytes)
// and SLL2 (LINKTYPE_LINUX_SLL2, 20 bytes, adds the interface index). Both carry the packet
// type (to us, from us, broadcast...), the ARPHRD device type, up to 8 bytes of the sender's
// link-layer address and the protocol, an EtherType for the devices we meet.
// Layouts: tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html and LINKTYPE_LINUX_SLL2.html.

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
  const addressLength = (buf[4] << 8) | buf[5];
  return {
    repr: { packetType: (buf[0] << 8) | buf[1], arphrdType: (buf[2] << 8) | buf[3], address: addressOf(buf, 6, addressLength), protocol: (buf[14] << 8) | buf[15] },
    payload: buf.subarray(SLL_HEADER_LENGTH),
  };
}

/** SLL2: protocol, reserved, interface index, ARPHRD type, packet type, address length, address (8). */
export function parseSll2(buf: Uint8Array): SllPacket | WireError {
  if (buf.length < SLL2_HEADER_LENGTH) return truncated("sll2", "header", 0, SLL2_HEADER_LENGTH, buf.length);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return {
    repr: {
      protocol: view.getUint16(0),
      interfaceIndex: view.getUint32(4),
      arphrdType: view.getUint16(8),
      packetType: buf[10],
      address: addressOf(buf, 12, buf[11]),
    },
    payload: buf.subarray(SLL2_HEADER_LENGTH),
  };
}

/** An SLL v1 header in front of `payload`. */
export function buildSll(repr: SllRepr, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(SLL_HEADER_LENGTH + payload.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, repr.packetType);
  view.setUint16(2, repr.arphrdType);
  view.setUint16(4, repr.address.length);
  out.set(repr.address.subarray(0, ADDRESS_FIELD_LENGTH), 6);
  view.setUint16(14, repr.protocol);
  out.set(payload, SLL_HEADER_LENGTH);
  return out;
}

/** An SLL2 header in front of `payload`. */
export function buildSll2(repr: SllRepr, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(SLL2_HEADER_LENGTH + payload.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, repr.protocol);
  view.setUint32(4, repr.interfaceIndex ?? 0);
  view.setUint16(8, repr.arphrdType);
  out[10] = repr.packetType;
  out[11] = Math.min(repr.address.length, ADDRESS_FIELD_LENGTH);
  out.set(repr.address.subarray(0, ADDRESS_FIELD_LENGTH), 12);
  out.set(payload, SLL2_HEADER_LENGTH);
  return out;
}
