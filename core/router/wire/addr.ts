// Address types shared by every layer: IPv4 addresses as unsigned 32-bit numbers (cheap to
// compare and mask on the forwarding path), prefixes, masks and MAC addresses as 48-bit
// numbers. Text forms follow IOS: dotted quads, "/len" prefixes, "aabb.cc00.0100" MACs.

import { hexDigits } from "./bytes";

declare const ipv4Brand: unique symbol;
declare const macBrand: unique symbol;

/** An IPv4 address as an unsigned 32-bit integer (network order read as big-endian). */
export type Ipv4 = number & { readonly [ipv4Brand]: true };
/** A MAC address as an unsigned 48-bit integer. */
export type Mac = number & { readonly [macBrand]: true };

export interface Prefix {
  readonly addr: Ipv4; // network address, host bits zero
  readonly len: number; // 0..32
}

export const IPV4_ANY = 0 as Ipv4;
export const IPV4_BROADCAST = 0xffffffff as Ipv4;
export const MAC_BROADCAST = 0xffffffffffff as Mac;

export function ipv4(a: number, b: number, c: number, d: number): Ipv4 {
  return (((a & 255) << 24) | ((b & 255) << 16) | ((c & 255) << 8) | (d & 255)) >>> 0 as Ipv4;
}

/** Parses a dotted quad ("10.0.0.1"); undefined unless it is exactly four numbers 0..255. */
export function parseIpv4(text: string): Ipv4 | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value as Ipv4;
}

export function formatIpv4(addr: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}`;
}

export function readIpv4(buf: Uint8Array, offset: number): Ipv4 {
  return ((buf[offset] << 24) | (buf[offset + 1] << 16) | (buf[offset + 2] << 8) | buf[offset + 3]) >>> 0 as Ipv4;
}

export function writeIpv4(buf: Uint8Array, offset: number, addr: number): void {
  buf[offset] = addr >>> 24;
  buf[offset + 1] = (addr >>> 16) & 255;
  buf[offset + 2] = (addr >>> 8) & 255;
  buf[offset + 3] = addr & 255;
}

/** The netmask for a prefix length, as an address (len 24 → 255.255.255.0). */
export function maskOf(len: number): Ipv4 {
  return (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0) as Ipv4;
}

/** The prefix length of a contiguous netmask; undefined for a non-contiguous one. */
export function maskLength(mask: number): number | undefined {
  const inverted = ~mask >>> 0;
  if ((inverted & (inverted + 1)) !== 0) return undefined;
  return Math.clz32(inverted);
}

export function prefix(addr: number, len: number): Prefix {
  return { addr: (addr & maskOf(len)) >>> 0 as Ipv4, len };
}

export function prefixContains(p: Prefix, addr: number): boolean {
  return ((addr & maskOf(p.len)) >>> 0) === p.addr;
}

export function formatPrefix(p: Prefix): string {
  return `${formatIpv4(p.addr)}/${p.len}`;
}

/** Parses "a.b.c.d/len"; host bits must be zero unless `loose` is set (then they are cleared). */
export function parsePrefix(text: string, loose = false): Prefix | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const addr = parseIpv4(text.slice(0, slash));
  const lenText = text.slice(slash + 1);
  if (addr === undefined || !/^\d{1,2}$/.test(lenText)) return undefined;
  const len = Number(lenText);
  if (len > 32) return undefined;
  const p = prefix(addr, len);
  if (!loose && p.addr !== addr) return undefined;
  return p;
}

export function readMac(buf: Uint8Array, offset: number): Mac {
  return (((buf[offset] << 8) | buf[offset + 1]) * 0x100000000 +
    (((buf[offset + 2] << 24) | (buf[offset + 3] << 16) | (buf[offset + 4] << 8) | buf[offset + 5]) >>> 0)) as Mac;
}

export function writeMac(buf: Uint8Array, offset: number, mac: number): void {
  const hi = Math.floor(mac / 0x100000000);
  const lo = mac >>> 0;
  buf[offset] = hi >>> 8;
  buf[offset + 1] = hi & 255;
  buf[offset + 2] = lo >>> 24;
  buf[offset + 3] = (lo >>> 16) & 255;
  buf[offset + 4] = (lo >>> 8) & 255;
  buf[offset + 5] = lo & 255;
}

/** IOS's form: "aabb.cc00.0100". */
export function formatMacIos(mac: number): string {
  const hi = Math.floor(mac / 0x100000000);
  const lo = mac >>> 0;
  return `${hexDigits(hi, 4)}.${hexDigits(lo >>> 16, 4)}.${hexDigits(lo & 0xffff, 4)}`;
}

/** The colon form Linux and Wireshark use: "aa:bb:cc:00:01:00". */
export function formatMac(mac: number): string {
  return formatMacIos(mac).replace(/\./g, "").replace(/(..)(?!$)/g, "$1:");
}

/** Parses "aabb.cc00.0100", "aa:bb:cc:00:01:00" or "aa-bb-cc-00-01-00". */
export function parseMac(text: string): Mac | undefined {
  const digits = text.toLowerCase().replace(/[.:-]/g, "");
  if (!/^[0-9a-f]{12}$/.test(digits)) return undefined;
  const dotted = /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i.test(text);
  const separated = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(text);
  if (!dotted && !separated) return undefined;
  return parseInt(digits, 16) as Mac;
}
