// IEEE 802.3 frames with a length field instead of an EtherType, carrying IEEE 802.2 LLC
// with a SNAP header (RFC 1042): DSAP 0xAA, SSAP 0xAA, control 0x03 (UI), then a 3-byte
// OUI and a 2-byte protocol ID. Cisco's link protocols (CDP, VTP, DTP) ride it with OUI
// 00-00-0C. Only the SNAP form is parsed; other LLC SAPs are rejected naming the field.

import { WireError, truncated } from "./errors";
import { hexDigits } from "./bytes";

/** An Ethernet type/length field up to this is an 802.3 length (IEEE 802.3 §3.2.6). */
export const IEEE8023_MAX_LENGTH = 1500;

export const LLC_SNAP_HEADER_LENGTH = 8;

/** The SAP (0xAA) and control byte (UI, 0x03) of a SNAP frame. */
const SNAP_SAP = 0xaa;
const LLC_UI = 0x03;

/** OUIs FlexLab knows; any other number round-trips. */
export const SnapOui = {
  Cisco: 0x00000c,
} as const;

/** Cisco's SNAP protocol IDs under OUI 00-00-0C (Wireshark's oui.c / packet-llc.c). */
export const CiscoSnapPid = {
  Cdp: 0x2000,
} as const;

/** One number for a SNAP protocol (OUI and protocol ID), to key tables of handlers by. */
export function snapKey(oui: number, pid: number): number {
  return oui * 0x10000 + pid;
}

export interface LlcSnapRepr {
  readonly oui: number;
  readonly pid: number;
}

export interface LlcSnapPacket {
  readonly repr: LlcSnapRepr;
  readonly payload: Uint8Array;
}

// Field offsets.
const DSAP = 0;
const SSAP = 1;
const CONTROL = 2;
const OUI = 3;
const PID = 6;

/** Whether an Ethernet type/length field is an 802.3 length. */
export function isIeee8023Length(typeOrLength: number): boolean {
  return typeOrLength <= IEEE8023_MAX_LENGTH;
}

export function parseLlcSnap(buf: Uint8Array): LlcSnapPacket | WireError {
  if (buf.length < LLC_SNAP_HEADER_LENGTH) return truncated("llc", "SNAP header", 0, LLC_SNAP_HEADER_LENGTH, buf.length);
  if (buf[DSAP] !== SNAP_SAP) return new WireError("llc", "DSAP", DSAP, `0x${hexDigits(buf[DSAP], 2)} is not SNAP (0xaa)`);
  if (buf[SSAP] !== SNAP_SAP) return new WireError("llc", "SSAP", SSAP, `0x${hexDigits(buf[SSAP], 2)} is not SNAP (0xaa)`);
  if (buf[CONTROL] !== LLC_UI) return new WireError("llc", "control", CONTROL, `0x${hexDigits(buf[CONTROL], 2)} is not UI (0x03)`);
  return {
    repr: { oui: (buf[OUI] << 16) | (buf[OUI + 1] << 8) | buf[OUI + 2], pid: (buf[PID] << 8) | buf[PID + 1] },
    payload: buf.subarray(LLC_SNAP_HEADER_LENGTH),
  };
}

/** Writes the 8-byte LLC/SNAP header at `offset`; returns 8. */
export function emitLlcSnap(repr: LlcSnapRepr, buf: Uint8Array, offset: number): number {
  if (offset + LLC_SNAP_HEADER_LENGTH > buf.length) {
    throw new RangeError(`emitLlcSnap: need ${LLC_SNAP_HEADER_LENGTH} bytes at offset ${offset}, buffer has ${buf.length}`);
  }
  buf[offset + DSAP] = SNAP_SAP;
  buf[offset + SSAP] = SNAP_SAP;
  buf[offset + CONTROL] = LLC_UI;
  buf[offset + OUI] = (repr.oui >>> 16) & 0xff;
  buf[offset + OUI + 1] = (repr.oui >>> 8) & 0xff;
  buf[offset + OUI + 2] = repr.oui & 0xff;
  buf[offset + PID] = (repr.pid >>> 8) & 0xff;
  buf[offset + PID + 1] = repr.pid & 0xff;
  return LLC_SNAP_HEADER_LENGTH;
}

// Hot-path accessors for the receive path: valid once 8 bytes are there.

/** Whether the 3 bytes at `offset` are the SNAP DSAP, SSAP and UI control. */
export function isLlcSnapAt(buf: Uint8Array, offset: number): boolean {
  return buf[offset + DSAP] === SNAP_SAP && buf[offset + SSAP] === SNAP_SAP && buf[offset + CONTROL] === LLC_UI;
}

export function llcSnapOui(buf: Uint8Array, offset: number): number {
  return (buf[offset + OUI] << 16) | (buf[offset + OUI + 1] << 8) | buf[offset + OUI + 2];
}

export function llcSnapPid(buf: Uint8Array, offset: number): number {
  return (buf[offset + PID] << 8) | buf[offset + PID + 1];
}
