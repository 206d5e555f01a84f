// BGP NLRI encodings: IPv4 prefixes as (length in bits, significant octets) (RFC 4271 §4.3),
// route distinguishers (RFC 4364 §4.2: types 0, 1 and 2), labelled IPv4 NLRI (RFC 8277 §2,
// AFI 1/SAFI 4: length in bits, 3-byte label fields down to bottom of stack, the prefix), and
// VPN-IPv4 NLRI (RFC 4364 §4.3.4 with RFC 8277's label stack): the same with the 8-byte RD
// between labels and prefix. Withdrawals carry one 3-byte compatibility field, 0x800000
// (RFC 8277 §2.4), whose value receivers ignore.
//
// Two ways in: `parseIpv4Prefixes` / `parseVpnv4Nlri` build arrays of reprs, and
// `Vpnv4NlriReader` walks the same bytes without allocating per prefix, for the receive path
// of an UPDATE that carries hundreds of VPN routes.

import { formatIpv4, parseIpv4, readIpv4, type Ipv4, type Prefix } from "./addr";
import { hexBytes, readU16, readU32, writeU16, writeU32 } from "./bytes";
import { WireError } from "./errors";
import type { Label } from "./mpls";

/** Route distinguisher (RFC 4364 §4.2). Types 0 and 2 have an AS number administrator
 * (2 and 4 octets), type 1 an IPv4 address; any other type keeps its 6 value bytes. */
export type RouteDistinguisher =
  | { readonly type: 0; readonly asn: number; readonly assigned: number }
  | { readonly type: 1; readonly ip: Ipv4; readonly assigned: number }
  | { readonly type: 2; readonly asn: number; readonly assigned: number }
  | { readonly type: number; readonly value: Uint8Array };

export const RD_LENGTH = 8;

/** A labelled VPN-IPv4 route as MP_REACH_NLRI carries it (RFC 8277 §2). */
export interface Vpnv4Route {
  /** Outermost first; the last one is sent with bottom of stack set. At least one. */
  readonly labels: readonly Label[];
  readonly rd: RouteDistinguisher;
  readonly prefix: Prefix;
}

/** A VPN-IPv4 route as MP_UNREACH_NLRI withdraws it: no labels (RFC 8277 §2.4). */
export interface Vpnv4Withdrawal {
  readonly rd: RouteDistinguisher;
  readonly prefix: Prefix;
}

/** The label field value RFC 8277 §2.4 puts in a withdrawal. */
export const WITHDRAW_LABEL_FIELD = 0x800000;

// ---- IPv4 prefixes ---------------------------------------------------------------------

/** Bytes a prefix of `len` bits takes after its length octet. */
function prefixOctets(len: number): number {
  return (len + 7) >>> 3;
}

/** Reads the significant octets of a /`len` as an address (the rest zero), masked to `len`. */
function readPrefixAddr(buf: Uint8Array, at: number, len: number): Ipv4 {
  if (len === 0) return 0 as Ipv4;
  let addr = buf[at] << 24;
  if (len > 8) addr |= buf[at + 1] << 16;
  if (len > 16) addr |= buf[at + 2] << 8;
  if (len > 24) addr |= buf[at + 3];
  return ((addr & (0xffffffff << (32 - len))) >>> 0) as Ipv4;
}

function writePrefixAddr(buf: Uint8Array, at: number, addr: number, len: number): void {
  const octets = prefixOctets(len);
  for (let i = 0; i < octets; i++) buf[at + i] = (addr >>> (24 - 8 * i)) & 0xff;
}

/** Parses the IPv4 prefixes in `buf[start, end)` (Withdrawn Routes, NLRI, or MP_(UN)REACH's
 * NLRI for AFI 1/SAFI 1). `field` names the field in errors; offsets are into `buf`. */
export function parseIpv4Prefixes(buf: Uint8Array, start: number, end: number, field: string): Prefix[] | WireError {
  const out: Prefix[] = [];
  let at = start;
  while (at < end) {
    const len = buf[at];
    if (len > 32) return new WireError("bgp", `${field} prefix length`, at, `${len} bits is more than 32`);
    if (at + 1 + prefixOctets(len) > end) {
      return new WireError("bgp", `${field} prefix`, at, `a /${len} needs ${prefixOctets(len)} bytes, ${end - at - 1} left`);
    }
    out.push({ addr: readPrefixAddr(buf, at + 1, len), len });
    at += 1 + prefixOctets(len);
  }
  return out;
}

export function ipv4PrefixesLength(prefixes: readonly Prefix[]): number {
  let n = 0;
  for (const p of prefixes) n += 1 + prefixOctets(p.len);
  return n;
}

/** Writes prefixes at `at`, returns the offset after them. */
export function writeIpv4Prefixes(buf: Uint8Array, at: number, prefixes: readonly Prefix[]): number {
  for (const p of prefixes) {
    buf[at] = p.len;
    writePrefixAddr(buf, at + 1, p.addr, p.len);
    at += 1 + prefixOctets(p.len);
  }
  return at;
}

// ---- Labelled IPv4 (RFC 8277, SAFI 4) ----------------------------------------------------

/** A labelled IPv4 unicast route as MP_REACH_NLRI carries it (RFC 8277 §2). */
export interface LabelledIpv4Route {
  /** Outermost first; the last one is sent with bottom of stack set. At least one. */
  readonly labels: readonly Label[];
  readonly prefix: Prefix;
}

/**
 * The label stack at `at` of an NLRI whose length octet said `bits`: the number of 3-byte
 * label fields up to and including the one with bottom of stack (in a withdrawal, also up to
 * a compatibility value, 0x800000 or RFC 3107's 0x000000), or a WireError.
 */
function labelFields(buf: Uint8Array, at: number, end: number, bits: number, withdraw: boolean, what: string): number | WireError {
  let fields = 0;
  for (let remaining = bits; ; ) {
    if (remaining < 24 || at + 3 > end) return new WireError("bgp", `${what} NLRI label`, at, `the NLRI ends (length ${bits} bits) before a label field with bottom of stack`);
    const field = (buf[at] << 16) | (buf[at + 1] << 8) | buf[at + 2];
    at += 3;
    remaining -= 24;
    fields++;
    if ((field & 1) === 1) return fields;
    if (withdraw && (field === WITHDRAW_LABEL_FIELD || field === 0)) return fields;
  }
}

function readLabel(buf: Uint8Array, at: number): Label {
  return ((buf[at] << 12) | (buf[at + 1] << 4) | (buf[at + 2] >>> 4)) as Label;
}

/**
 * Parses labelled IPv4 NLRI in `buf[start, end)`. In MP_REACH_NLRI (`withdraw` false) each
 * route's labels run to bottom of stack; in MP_UNREACH_NLRI to bottom of stack or a
 * compatibility value, and are dropped (the prefix alone is withdrawn).
 */
export function parseLabelledIpv4Nlri(buf: Uint8Array, start: number, end: number, withdraw: false): LabelledIpv4Route[] | WireError;
export function parseLabelledIpv4Nlri(buf: Uint8Array, start: number, end: number, withdraw: true): Prefix[] | WireError;
export function parseLabelledIpv4Nlri(buf: Uint8Array, start: number, end: number, withdraw: boolean): (LabelledIpv4Route | Prefix)[] | WireError {
  const out: (LabelledIpv4Route | Prefix)[] = [];
  let at = start;
  while (at < end) {
    const bits = buf[at];
    const fields = labelFields(buf, at + 1, end, bits, withdraw, "labelled IPv4");
    if (fields instanceof WireError) return fields;
    const len = bits - 24 * fields;
    if (len > 32) return new WireError("bgp", "labelled IPv4 NLRI length", at, `${bits} bits leave ${len} for the IPv4 prefix after ${fields} label(s)`);
    const prefixAt = at + 1 + 3 * fields;
    if (prefixAt + prefixOctets(len) > end) return new WireError("bgp", "labelled IPv4 NLRI prefix", at, `a /${len} needs ${prefixOctets(len)} bytes, ${end - prefixAt} left`);
    const prefix: Prefix = { addr: readPrefixAddr(buf, prefixAt, len), len };
    if (withdraw) out.push(prefix);
    else {
      const labels: Label[] = [];
      for (let i = 0; i < fields; i++) labels.push(readLabel(buf, at + 1 + 3 * i));
      out.push({ labels, prefix });
    }
    at = prefixAt + prefixOctets(len);
  }
  return out;
}

/** Bytes one labelled IPv4 route takes: length octet, 3 per label (one compatibility field
 * for a withdrawal), significant prefix octets. */
export function labelledIpv4NlriLength(labelCount: number, prefixLength: number): number {
  return 1 + 3 * Math.max(labelCount, 1) + prefixOctets(prefixLength);
}

/** Writes one label stack (or, `labels` empty, the withdrawal's compatibility field) at `at`;
 * returns the offset after it. */
function writeLabelFields(buf: Uint8Array, at: number, labels: readonly Label[]): number {
  if (labels.length === 0) {
    buf[at] = WITHDRAW_LABEL_FIELD >>> 16;
    buf[at + 1] = 0;
    buf[at + 2] = 0;
    return at + 3;
  }
  for (let i = 0; i < labels.length; i++) {
    const field = (labels[i] << 4) | (i === labels.length - 1 ? 1 : 0);
    buf[at] = field >>> 16;
    buf[at + 1] = (field >>> 8) & 0xff;
    buf[at + 2] = field & 0xff;
    at += 3;
  }
  return at;
}

/** Writes one labelled IPv4 route at `at` and returns the offset after it; `labels` empty
 * writes a withdrawal. Throws past the 255 bits the length octet counts (a caller's bug). */
export function writeLabelledIpv4Nlri(buf: Uint8Array, at: number, labels: readonly Label[], prefix: Prefix): number {
  const bits = Math.max(labels.length, 1) * 24 + prefix.len;
  if (bits > 255) throw new RangeError(`bgp: ${labels.length} labels and a /${prefix.len} do not fit one labelled IPv4 NLRI`);
  buf[at] = bits;
  at = writeLabelFields(buf, at + 1, labels);
  writePrefixAddr(buf, at, prefix.addr, prefix.len);
  return at + prefixOctets(prefix.len);
}

// ---- Route distinguishers -------------------------------------------------------------

export function readRouteDistinguisher(buf: Uint8Array, at: number): RouteDistinguisher {
  const type = readU16(buf, at);
  switch (type) {
    case 0:
      return { type: 0, asn: readU16(buf, at + 2), assigned: readU32(buf, at + 4) };
    case 1:
      return { type: 1, ip: readIpv4(buf, at + 2), assigned: readU16(buf, at + 6) };
    case 2:
      return { type: 2, asn: readU32(buf, at + 2), assigned: readU16(buf, at + 6) };
    default:
      return { type, value: buf.slice(at + 2, at + 8) };
  }
}

export function writeRouteDistinguisher(buf: Uint8Array, at: number, rd: RouteDistinguisher): void {
  writeU16(buf, at, rd.type);
  if ("value" in rd) {
    buf.set(rd.value.subarray(0, 6), at + 2);
  } else if ("ip" in rd) {
    writeU32(buf, at + 2, rd.ip);
    writeU16(buf, at + 6, rd.assigned);
  } else if (rd.type === 0) {
    writeU16(buf, at + 2, rd.asn);
    writeU32(buf, at + 4, rd.assigned);
  } else {
    writeU32(buf, at + 2, rd.asn);
    writeU16(buf, at + 6, rd.assigned);
  }
}

/** IOS's text form: "65000:1" (type 0 and 2), "10.0.0.1:1" (type 1); other types as
 * "type:hex". */
export function formatRouteDistinguisher(rd: RouteDistinguisher): string {
  if ("value" in rd) return `${rd.type}:${hexBytes(rd.value)}`;
  if ("ip" in rd) return `${formatIpv4(rd.ip)}:${rd.assigned}`;
  return `${rd.asn}:${rd.assigned}`;
}

/**
 * Reads `rd` / `route-target` text as IOS takes it: "ASN:nn" (type 0 when the AS fits 2
 * octets, nn up to 2^32-1; else type 2, nn up to 65535) or "A.B.C.D:nn" (type 1, nn up to
 * 65535). Undefined for anything else.
 */
export function parseRouteDistinguisher(text: string): RouteDistinguisher | undefined {
  const colon = text.lastIndexOf(":");
  if (colon <= 0) return undefined;
  const admin = text.slice(0, colon);
  const assigned = decimal(text.slice(colon + 1), 0xffffffff);
  if (assigned === undefined) return undefined;
  const ip = parseIpv4(admin);
  if (ip !== undefined) return assigned <= 0xffff ? { type: 1, ip, assigned } : undefined;
  const asn = decimal(admin, 0xffffffff);
  if (asn === undefined) return undefined;
  if (asn <= 0xffff) return { type: 0, asn, assigned };
  return assigned <= 0xffff ? { type: 2, asn, assigned } : undefined;
}

/** A decimal number of at most 10 digits, up to `max`. */
export function decimal(text: string, max: number): number | undefined {
  if (text.length === 0 || text.length > 10) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const n = Number(text);
  return n <= max ? n : undefined;
}

// ---- VPN-IPv4 NLRI --------------------------------------------------------------------

const VPN_FIXED_BITS = RD_LENGTH * 8;

/**
 * Parses VPN-IPv4 NLRI in `buf[start, end)`. In MP_REACH_NLRI (`withdraw` false) label
 * fields run until one with bottom of stack set; in MP_UNREACH_NLRI they run until bottom of
 * stack or a compatibility value (0x800000, or 0x000000 from older speakers) and are dropped.
 */
export function parseVpnv4Nlri(buf: Uint8Array, start: number, end: number, withdraw: false): Vpnv4Route[] | WireError;
export function parseVpnv4Nlri(buf: Uint8Array, start: number, end: number, withdraw: true): Vpnv4Withdrawal[] | WireError;
export function parseVpnv4Nlri(buf: Uint8Array, start: number, end: number, withdraw: boolean): (Vpnv4Route | Vpnv4Withdrawal)[] | WireError {
  const reader = new Vpnv4NlriReader();
  reader.reset(buf, start, end, withdraw);
  const out: (Vpnv4Route | Vpnv4Withdrawal)[] = [];
  while (reader.next()) {
    const rd = readRouteDistinguisher(buf, reader.rdOffset);
    const prefix: Prefix = { addr: reader.prefixAddr, len: reader.prefixLength };
    if (withdraw) {
      out.push({ rd, prefix });
    } else {
      const labels: Label[] = [];
      for (let i = 0; i < reader.labelCount; i++) labels.push(reader.label(i));
      out.push({ labels, rd, prefix });
    }
  }
  return reader.error ?? out;
}

/** Bytes one route takes: length octet, 3 per label (one compatibility field for a
 * withdrawal), RD, significant prefix octets. */
export function vpnv4NlriLength(labelCount: number, prefixLength: number): number {
  return 1 + 3 * Math.max(labelCount, 1) + RD_LENGTH + prefixOctets(prefixLength);
}

/** Writes one VPN-IPv4 route at `at` and returns the offset after it. `labels` empty writes
 * the withdrawal's compatibility field. Throws when labels, RD and prefix exceed the 255 bits
 * the length octet can count (7 labels and a /32, say), a bug in the caller. */
export function writeVpnv4Nlri(buf: Uint8Array, at: number, labels: readonly Label[], rd: RouteDistinguisher, prefix: Prefix): number {
  const fields = Math.max(labels.length, 1);
  const bits = fields * 24 + VPN_FIXED_BITS + prefix.len;
  if (bits > 255) throw new RangeError(`bgp: ${labels.length} labels and a /${prefix.len} do not fit one VPN-IPv4 NLRI`);
  buf[at] = bits;
  at = writeLabelFields(buf, at + 1, labels);
  writeRouteDistinguisher(buf, at, rd);
  at += RD_LENGTH;
  writePrefixAddr(buf, at, prefix.addr, prefix.len);
  return at + prefixOctets(prefix.len);
}

/**
 * Walks VPN-IPv4 NLRI without allocating: `reset` it on a field, call `next()` until it
 * returns false, read the current route from the fields and accessors in between. After the
 * walk, `error` is undefined when every byte was a well-formed route, else the WireError that
 * stopped it (routes before it were good). One reader can be reused for every UPDATE.
 */
export class Vpnv4NlriReader {
  private buf: Uint8Array = new Uint8Array(0);
  private at = 0;
  private end = 0;
  private withdraw = false;
  private firstLabelAt = 0;
  /** Labels of the current route (0 in a withdrawal). */
  labelCount = 0;
  /** Offset in the buffer of the current route's 8-byte RD. */
  rdOffset = 0;
  prefixAddr = 0 as Ipv4;
  prefixLength = 0;
  error: WireError | undefined = undefined;

  reset(buf: Uint8Array, start: number, end: number, withdraw: boolean): void {
    this.buf = buf;
    this.at = start;
    this.end = end;
    this.withdraw = withdraw;
    this.error = undefined;
    this.labelCount = 0;
  }

  /** The i-th label of the current route, outermost first. */
  label(i: number): Label {
    return readLabel(this.buf, this.firstLabelAt + 3 * i);
  }

  /** The current route's RD type and its 6 value bytes as two numbers (high 2, low 4), for
   * comparing and hashing without building a RouteDistinguisher. */
  rdType(): number {
    return readU16(this.buf, this.rdOffset);
  }

  rdHigh(): number {
    return readU16(this.buf, this.rdOffset + 2);
  }

  rdLow(): number {
    return readU32(this.buf, this.rdOffset + 4);
  }

  /** Advances to the next route; false at the end or on an error (then `error` says which). */
  next(): boolean {
    const buf = this.buf;
    const end = this.end;
    const start = this.at;
    if (start >= end || this.error !== undefined) return false;
    const bits = buf[start];
    let at = start + 1;
    let remaining = bits;
    this.firstLabelAt = at;
    let labels = 0;
    for (;;) {
      if (remaining < 24 || at + 3 > end) return this.fail("label", at, `the NLRI ends (length ${bits} bits) before a label field with bottom of stack`);
      const field = (buf[at] << 16) | (buf[at + 1] << 8) | buf[at + 2];
      at += 3;
      remaining -= 24;
      labels++;
      if ((field & 1) === 1) break;
      if (this.withdraw && (field === WITHDRAW_LABEL_FIELD || field === 0)) break;
    }
    this.labelCount = this.withdraw ? 0 : labels;
    const prefixLength = remaining - VPN_FIXED_BITS;
    if (prefixLength < 0 || prefixLength > 32) {
      return this.fail("length", start, `${bits} bits leave ${prefixLength} for the IPv4 prefix after ${labels} label(s) and the RD`);
    }
    if (at + RD_LENGTH + prefixOctets(prefixLength) > end) {
      return this.fail("prefix", start, `a /${prefixLength} VPN-IPv4 route needs ${at + RD_LENGTH + prefixOctets(prefixLength) - start} bytes, ${end - start} left`);
    }
    this.rdOffset = at;
    this.prefixLength = prefixLength;
    this.prefixAddr = readPrefixAddr(buf, at + RD_LENGTH, prefixLength);
    this.at = at + RD_LENGTH + prefixOctets(prefixLength);
    return true;
  }

  private fail(field: string, offset: number, reason: string): false {
    this.error = new WireError("bgp", `VPN-IPv4 NLRI ${field}`, offset, reason);
    return false;
  }
}
