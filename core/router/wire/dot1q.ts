// IEEE 802.1Q VLAN tag: after an Ethernet header whose EtherType is 0x8100 (the TPID) come
// the tag control information (PCP 3 bits, DEI 1, VID 12) and the inner EtherType. The
// `Dot1qFrame` helpers read and write a whole Ethernet frame with at most one tag, which is
// what IOS subinterfaces (`encapsulation dot1Q N`) see; a second tag is left in the payload.

import type { Mac } from "./addr";
import { isWireError, truncated, type WireError } from "./errors";
import { ETHERNET_HEADER_LENGTH, EtherType, emitEthernet, parseEthernet } from "./ethernet";

/** The tag control information alone. */
export interface Dot1qTci {
  /** Priority code point, 0..7 (IOS: CoS). */
  readonly pcp: number;
  /** Drop eligible indicator (formerly CFI). */
  readonly dei: boolean;
  /** VLAN identifier, 0..4095; 0 means priority-tagged, 4095 is reserved. */
  readonly vid: number;
}

/** The 4 bytes after the TPID: TCI and the EtherType of what follows. */
export interface Dot1qRepr extends Dot1qTci {
  readonly etherType: number;
}

export interface Dot1qPacket {
  readonly repr: Dot1qRepr;
  readonly payload: Uint8Array;
}

/** TCI (2) + inner EtherType (2); the TPID belongs to the Ethernet header before it. */
export const DOT1Q_TAG_LENGTH = 4;

/** Parses the tag at the start of `buf`, which is an Ethernet payload whose EtherType was 0x8100. */
export function parseDot1q(buf: Uint8Array): Dot1qPacket | WireError {
  if (buf.length < DOT1Q_TAG_LENGTH) return truncated("dot1q", "tag control information", 0, DOT1Q_TAG_LENGTH, buf.length);
  return { repr: readTag(buf, 0), payload: buf.subarray(DOT1Q_TAG_LENGTH) };
}

function readTag(buf: Uint8Array, at: number): Dot1qRepr {
  const tci = (buf[at] << 8) | buf[at + 1];
  return { pcp: tci >>> 13, dei: (tci & 0x1000) !== 0, vid: tci & 0x0fff, etherType: (buf[at + 2] << 8) | buf[at + 3] };
}

/** Writes TCI and inner EtherType at `offset`; returns 4. */
export function emitDot1q(repr: Dot1qRepr, buf: Uint8Array, offset: number): number {
  if (offset + DOT1Q_TAG_LENGTH > buf.length) {
    throw new RangeError(`emitDot1q: need ${DOT1Q_TAG_LENGTH} bytes at offset ${offset}, buffer has ${buf.length}`);
  }
  const tci = ((repr.pcp & 7) << 13) | (repr.dei ? 0x1000 : 0) | (repr.vid & 0x0fff);
  buf[offset] = tci >>> 8;
  buf[offset + 1] = tci & 0xff;
  buf[offset + 2] = (repr.etherType >>> 8) & 0xff;
  buf[offset + 3] = repr.etherType & 0xff;
  return DOT1Q_TAG_LENGTH;
}

export function buildDot1q(repr: Dot1qRepr, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(DOT1Q_TAG_LENGTH + payload.length);
  emitDot1q(repr, out, 0);
  out.set(payload, DOT1Q_TAG_LENGTH);
  return out;
}

// --- An Ethernet frame with an optional single tag ---

export interface Dot1qFrameRepr {
  readonly dst: Mac;
  readonly src: Mac;
  /** The tag, or undefined for an untagged frame. */
  readonly vlan: Dot1qTci | undefined;
  /** The EtherType of the payload: the inner one when tagged. */
  readonly etherType: number;
}

export interface Dot1qFramePacket {
  readonly repr: Dot1qFrameRepr;
  readonly payload: Uint8Array;
}

const TAGGED_HEADER_LENGTH = ETHERNET_HEADER_LENGTH + DOT1Q_TAG_LENGTH;

export function dot1qFrameHeaderLength(repr: Dot1qFrameRepr): number {
  return repr.vlan === undefined ? ETHERNET_HEADER_LENGTH : TAGGED_HEADER_LENGTH;
}

export function parseDot1qFrame(buf: Uint8Array): Dot1qFramePacket | WireError {
  const eth = parseEthernet(buf);
  if (isWireError(eth)) return eth;
  const { dst, src, etherType } = eth.repr;
  if (etherType !== EtherType.Dot1Q) return { repr: { dst, src, vlan: undefined, etherType }, payload: eth.payload };
  const tag = parseDot1q(eth.payload);
  if (isWireError(tag)) {
    return truncated("dot1q", tag.field, ETHERNET_HEADER_LENGTH + tag.offset, TAGGED_HEADER_LENGTH, buf.length);
  }
  const { pcp, dei, vid } = tag.repr;
  return { repr: { dst, src, vlan: { pcp, dei, vid }, etherType: tag.repr.etherType }, payload: tag.payload };
}

/** Writes the Ethernet header and, when `repr.vlan` is set, the tag; returns 14 or 18. */
export function emitDot1qFrame(repr: Dot1qFrameRepr, buf: Uint8Array, offset: number): number {
  const { dst, src, vlan, etherType } = repr;
  if (vlan === undefined) return emitEthernet({ dst, src, etherType }, buf, offset);
  if (offset + TAGGED_HEADER_LENGTH > buf.length) {
    throw new RangeError(`emitDot1qFrame: need ${TAGGED_HEADER_LENGTH} bytes at offset ${offset}, buffer has ${buf.length}`);
  }
  emitEthernet({ dst, src, etherType: EtherType.Dot1Q }, buf, offset);
  emitDot1q({ pcp: vlan.pcp, dei: vlan.dei, vid: vlan.vid, etherType }, buf, offset + ETHERNET_HEADER_LENGTH);
  return TAGGED_HEADER_LENGTH;
}

export function buildDot1qFrame(repr: Dot1qFrameRepr, payload: Uint8Array): Uint8Array {
  const headerLength = dot1qFrameHeaderLength(repr);
  const out = new Uint8Array(headerLength + payload.length);
  emitDot1qFrame(repr, out, 0);
  out.set(payload, headerLength);
  return out;
}

// Hot-path accessors over a frame at `offset`, skipping at most one tag. No checks: the
// caller has seen at least 18 bytes, or 14 when the frame is untagged.

function isTagged(buf: Uint8Array, offset: number): boolean {
  return buf[offset + 12] === 0x81 && buf[offset + 13] === 0x00;
}

/** The VID of a tagged frame, or -1 when untagged. */
export function dot1qFrameVid(buf: Uint8Array, offset: number): number {
  return isTagged(buf, offset) ? ((buf[offset + 14] << 8) | buf[offset + 15]) & 0x0fff : -1;
}

/** The EtherType of the payload (the inner one when tagged). */
export function dot1qFrameEtherType(buf: Uint8Array, offset: number): number {
  const at = isTagged(buf, offset) ? offset + 16 : offset + 12;
  return (buf[at] << 8) | buf[at + 1];
}

/** Where the payload starts, relative to `offset`: 18 when tagged, else 14. */
export function dot1qFramePayloadOffset(buf: Uint8Array, offset: number): number {
  return isTagged(buf, offset) ? TAGGED_HEADER_LENGTH : ETHERNET_HEADER_LENGTH;
}
