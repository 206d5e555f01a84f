// A small DER encoder (ITU-T X.690) for what X.509 needs: the universal types, explicit
// context tags and object identifiers. Certificates are parsed elsewhere (node:crypto's
// X509Certificate); building them needs only this.

import { concatBytes } from "../wire/bytes";

export type Der = Uint8Array;

const enc = new TextEncoder();

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 255);
  return [0x80 | out.length, ...out];
}

/** A TLV with the given identifier octet. */
export function tlv(tag: number, content: Uint8Array): Der {
  const len = lengthBytes(content.length);
  const out = new Uint8Array(1 + len.length + content.length);
  out[0] = tag;
  out.set(len, 1);
  out.set(content, 1 + len.length);
  return out;
}

export const sequence = (...items: Der[]): Der => tlv(0x30, concatBytes(items));
export const set = (...items: Der[]): Der => tlv(0x31, concatBytes(items));
/** A DER SET OF: its members sorted by their encodings (X.690 §11.6), as signed CMS
 * attributes must be, since a verifier re-encodes them before checking the signature. */
export function setOf(items: readonly Der[], tag = 0x31): Der {
  const sorted = [...items].sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  });
  return tlv(tag, concatBytes(sorted));
}
export const nul = (): Der => tlv(0x05, new Uint8Array(0));
export const bool = (v: boolean): Der => tlv(0x01, Uint8Array.of(v ? 0xff : 0));
export const octetString = (bytes: Uint8Array): Der => tlv(0x04, bytes);
export const utf8String = (text: string): Der => tlv(0x0c, enc.encode(text));
export const printableString = (text: string): Der => tlv(0x13, enc.encode(text));
export const ia5String = (text: string): Der => tlv(0x16, enc.encode(text));
/** `[n] EXPLICIT`. */
export const explicit = (n: number, inner: Der): Der => tlv(0xa0 | n, inner);
/** `[n] IMPLICIT` constructed (a SET OF or SEQUENCE whose tag the context replaces). */
export const implicitConstructed = (n: number, content: Uint8Array): Der => tlv(0xa0 | n, content);
/** `[n] IMPLICIT` primitive (e.g. dNSName in GeneralName). */
export const implicitPrimitive = (n: number, bytes: Uint8Array): Der => tlv(0x80 | n, bytes);

/** A BIT STRING with no unused bits. */
export function bitString(bytes: Uint8Array): Der {
  const content = new Uint8Array(bytes.length + 1);
  content.set(bytes, 1);
  return tlv(0x03, content);
}

/** A BIT STRING of named bits (KeyUsage): bit 0 is the most significant bit of byte 0. */
export function namedBits(bits: readonly number[]): Der {
  const max = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(max / 8) + 1);
  for (const b of bits) bytes[b >> 3] |= 0x80 >> (b & 7);
  const unused = 7 - (max & 7);
  return tlv(0x03, concatBytes([Uint8Array.of(unused), bytes]));
}

/** A non-negative INTEGER from a bigint (two's complement, minimal length). */
export function integer(value: bigint | number): Der {
  let v = BigInt(value);
  if (v < 0n) throw new RangeError("negative integers are not needed here");
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  if (bytes[0] & 0x80) bytes.unshift(0);
  return tlv(0x02, Uint8Array.from(bytes));
}

export function oid(dotted: string): Der {
  const parts = dotted.split(".").map((p) => BigInt(p));
  const out: number[] = [Number(parts[0] * 40n + parts[1])];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [];
    let v = p;
    do {
      chunk.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i] |= 0x80;
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}

/** UTCTime for years 1950–2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
export function time(ms: number): Der {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  const year = d.getUTCFullYear();
  return year < 2050 ? tlv(0x17, enc.encode(p(year % 100) + rest)) : tlv(0x18, enc.encode(String(year) + rest));
}
