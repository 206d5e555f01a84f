// The MPLS label stack (RFC 3032 §2.1): 4-byte entries of label (20 bits), traffic class
// (3 bits, RFC 5462), bottom-of-stack S (1 bit) and TTL (8 bits), outermost first, the last
// one with S=1. The forwarding path swaps labels and decrements TTLs in place through the
// entry accessors below; the Repr is for everything that is not per packet.

import { WireError, truncated } from "./errors";

declare const labelBrand: unique symbol;

/** An MPLS label value, 0..0xFFFFF. Made by `toLabel` or the constants below. */
export type Label = number & { readonly [labelBrand]: true };

/** Reserved label values (RFC 3032 §2.1, RFC 7274). */
export const ReservedLabel = {
  Ipv4ExplicitNull: 0 as Label,
  RouterAlert: 1 as Label,
  Ipv6ExplicitNull: 2 as Label,
  /** Distributed by the control plane to mean "pop"; it never appears on the wire. */
  ImplicitNull: 3 as Label,
} as const;

/** Labels 4..15 are reserved; allocation starts here. */
export const LABEL_FIRST_DYNAMIC = 16 as Label;
export const LABEL_MAX = 0xfffff as Label;

export const MPLS_ENTRY_LENGTH = 4;

/** A label from a number; undefined unless it is an integer in 0..0xFFFFF. */
export function toLabel(value: number): Label | undefined {
  return Number.isInteger(value) && value >= 0 && value <= LABEL_MAX ? (value as Label) : undefined;
}

/** One label stack entry. */
export interface MplsEntry {
  readonly label: Label;
  /** Traffic class, 0..7 (the former EXP bits). */
  readonly tc: number;
  /** S: this is the last entry of the stack. */
  readonly bottom: boolean;
  readonly ttl: number;
}

export interface MplsRepr {
  /** Outermost entry first. Parsed stacks end with the only `bottom` entry. */
  readonly stack: readonly MplsEntry[];
}

export interface MplsPacket {
  readonly repr: MplsRepr;
  /** What follows the bottom-of-stack entry (a subarray, not a copy). */
  readonly payload: Uint8Array;
}

/** Parses the whole label stack, walking entries until S=1. */
export function parseMpls(buf: Uint8Array): MplsPacket | WireError {
  const stack: MplsEntry[] = [];
  let offset = 0;
  for (;;) {
    if (buf.length - offset < MPLS_ENTRY_LENGTH) {
      return truncated("mpls", `label stack entry ${stack.length}`, offset, MPLS_ENTRY_LENGTH, buf.length - offset);
    }
    const label = mplsLabel(buf, offset);
    // RFC 3032 §2.1: implicit null "never actually appears in the encapsulation".
    if (label === ReservedLabel.ImplicitNull) {
      return new WireError("mpls", `label (entry ${stack.length})`, offset, "implicit null (3) never appears on the wire");
    }
    const bottom = mplsBottom(buf, offset);
    stack.push({ label, tc: mplsTc(buf, offset), bottom, ttl: mplsTtl(buf, offset) });
    offset += MPLS_ENTRY_LENGTH;
    if (bottom) break;
  }
  return { repr: { stack }, payload: buf.subarray(offset) };
}

export function mplsHeaderLength(repr: MplsRepr): number {
  return repr.stack.length * MPLS_ENTRY_LENGTH;
}

/**
 * Writes the entries at `offset`, each with its own `bottom` bit as given: a full stack ends
 * with `bottom: true`; entries pushed above a stack already in `buf` have `bottom: false`.
 * Throws on a label that cannot be sent (out of range or implicit null): that is a bug in
 * the caller, not bad input.
 */
export function emitMpls(repr: MplsRepr, buf: Uint8Array, offset: number): number {
  const length = mplsHeaderLength(repr);
  if (offset + length > buf.length) {
    throw new RangeError(`emitMpls: need ${length} bytes at offset ${offset}, buffer has ${buf.length}`);
  }
  let at = offset;
  for (const entry of repr.stack) {
    if (toLabel(entry.label) === undefined || entry.label === ReservedLabel.ImplicitNull) {
      throw new RangeError(`mpls: label ${entry.label} cannot be sent`);
    }
    writeMplsEntry(buf, at, entry.label, entry.tc, entry.bottom, entry.ttl);
    at += MPLS_ENTRY_LENGTH;
  }
  return at - offset;
}

export function buildMpls(repr: MplsRepr, payload: Uint8Array): Uint8Array {
  const headerLength = mplsHeaderLength(repr);
  const out = new Uint8Array(headerLength + payload.length);
  emitMpls(repr, out, 0);
  out.set(payload, headerLength);
  return out;
}

// Hot-path accessors on one entry at `offset`. No bounds checks beyond what the typed array
// gives (reads past the end yield 0): callers check length once per packet.

export function mplsLabel(buf: Uint8Array, offset: number): Label {
  return ((buf[offset] << 12) | (buf[offset + 1] << 4) | (buf[offset + 2] >>> 4)) as Label;
}

export function mplsTc(buf: Uint8Array, offset: number): number {
  return (buf[offset + 2] >>> 1) & 0x7;
}

export function mplsBottom(buf: Uint8Array, offset: number): boolean {
  return (buf[offset + 2] & 0x1) === 1;
}

export function mplsTtl(buf: Uint8Array, offset: number): number {
  return buf[offset + 3];
}

/** Swaps the label in place, keeping TC, S and TTL. */
export function setMplsLabel(buf: Uint8Array, offset: number, label: Label): void {
  buf[offset] = label >>> 12;
  buf[offset + 1] = (label >>> 4) & 0xff;
  buf[offset + 2] = ((label & 0xf) << 4) | (buf[offset + 2] & 0xf);
}

export function setMplsTtl(buf: Uint8Array, offset: number, ttl: number): void {
  buf[offset + 3] = ttl;
}

/** Decrements the TTL in place and returns the new value; a TTL of 0 stays 0 (the caller
 * drops, or answers time-exceeded, before forwarding anything that reaches 0). */
export function decrementMplsTtl(buf: Uint8Array, offset: number): number {
  const ttl = buf[offset + 3];
  if (ttl === 0) return 0;
  buf[offset + 3] = ttl - 1;
  return ttl - 1;
}

/** Writes one whole entry in place (a push, or a rewrite of all four fields). */
export function writeMplsEntry(buf: Uint8Array, offset: number, label: Label, tc: number, bottom: boolean, ttl: number): void {
  buf[offset] = label >>> 12;
  buf[offset + 1] = (label >>> 4) & 0xff;
  buf[offset + 2] = ((label & 0xf) << 4) | ((tc & 0x7) << 1) | (bottom ? 1 : 0);
  buf[offset + 3] = ttl & 0xff;
}

/** Bytes from `offset` through the bottom-of-stack entry, or -1 when the buffer ends first.
 * Lets the forwarding path find the payload without building a Repr. */
export function mplsStackLength(buf: Uint8Array, offset: number): number {
  for (let at = offset; at + MPLS_ENTRY_LENGTH <= buf.length; at += MPLS_ENTRY_LENGTH) {
    if (buf[at + 2] & 0x1) return at + MPLS_ENTRY_LENGTH - offset;
  }
  return -1;
}
