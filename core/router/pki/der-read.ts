// Reading DER (ITU-T X.690) for what SCEP brings a router: PKCS#10 requests, CMS SignedData
// and EnvelopedData, certificates inside them. A thin view: a TLV names its tag and the bytes
// of its content and of itself, without copying. Input comes off the network, so every read
// checks its bounds and throws DerError, which the parsers built on it (pkcs10.ts, cms.ts)
// catch at their boundary and return as a value.

/** Malformed DER: what was expected and where. */
export class DerError extends Error {}

export interface Tlv {
  /** The identifier octet (single-byte tags only: all X.509/CMS tags fit). */
  readonly tag: number;
  /** The content octets. */
  readonly content: Uint8Array;
  /** The whole TLV, header included (what a signature or a digest covers). */
  readonly raw: Uint8Array;
}

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Reads the TLV starting at `at`; the returned `end` is the offset after it. */
export function readTlvAt(buf: Uint8Array, at: number): Tlv & { readonly end: number } {
  if (at + 2 > buf.length) throw new DerError(`truncated TLV header at offset ${at}`);
  const tag = buf[at];
  if ((tag & 0x1f) === 0x1f) throw new DerError(`multi-byte tag at offset ${at}`);
  const first = buf[at + 1];
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const n = first & 0x7f;
    // 0x80 is BER's indefinite length, which DER forbids; more than 4 length octets is no
    // message a router reads.
    if (n === 0 || n > 4) throw new DerError(`unsupported length form 0x${first.toString(16)} at offset ${at + 1}`);
    if (at + 2 + n > buf.length) throw new DerError(`truncated length at offset ${at + 1}`);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[at + 2 + i];
    header += n;
  }
  const end = at + header + length;
  if (end > buf.length) throw new DerError(`content of tag 0x${tag.toString(16)} at offset ${at} runs past the end (${length} bytes)`);
  return { tag, content: buf.subarray(at + header, end), raw: buf.subarray(at, end), end };
}

/** The one TLV `buf` holds (trailing bytes are an error). */
export function readDer(buf: Uint8Array): Tlv {
  const t = readTlvAt(buf, 0);
  if (t.end !== buf.length) throw new DerError(`${buf.length - t.end} bytes after the outer TLV`);
  return t;
}

/** The TLVs inside a constructed TLV's content. */
export function children(t: Tlv): Tlv[] {
  if (!(t.tag & 0x20)) throw new DerError(`tag 0x${t.tag.toString(16)} is primitive, not constructed`);
  const out: Tlv[] = [];
  for (let at = 0; at < t.content.length; ) {
    const c = readTlvAt(t.content, at);
    out.push(c);
    at = c.end;
  }
  return out;
}

/** `t`, after checking its tag; `what` names the field for the error. */
export function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t) throw new DerError(`${what} is missing`);
  if (t.tag !== tag) throw new DerError(`${what}: tag 0x${t.tag.toString(16)}, expected 0x${tag.toString(16)}`);
  return t;
}

/** The children of a SEQUENCE (or another constructed tag), checked to be at least `min`. */
export function fields(t: Tlv | undefined, tag: number, what: string, min = 0): Tlv[] {
  const list = children(expect(t, tag, what));
  if (list.length < min) throw new DerError(`${what}: ${list.length} fields, expected at least ${min}`);
  return list;
}

export function oidOf(t: Tlv | undefined, what: string): string {
  const c = expect(t, TAG.oid, what).content;
  if (c.length === 0) throw new DerError(`${what}: empty OBJECT IDENTIFIER`);
  const parts = [Math.floor(c[0] / 40), c[0] % 40];
  let v = 0;
  for (let i = 1; i < c.length; i++) {
    v = v * 128 + (c[i] & 0x7f);
    if (!(c[i] & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join(".");
}

export function integerOf(t: Tlv | undefined, what: string): bigint {
  const c = expect(t, TAG.integer, what).content;
  if (c.length === 0) throw new DerError(`${what}: empty INTEGER`);
  let v = 0n;
  for (const b of c) v = (v << 8n) | BigInt(b);
  return v;
}

/** The text of a string type (PrintableString, UTF8String, IA5String). */
export function stringOf(t: Tlv | undefined, what: string): string {
  if (!t) throw new DerError(`${what} is missing`);
  if (t.tag !== TAG.printableString && t.tag !== TAG.utf8String && t.tag !== TAG.ia5String) throw new DerError(`${what}: tag 0x${t.tag.toString(16)} is not a string`);
  return new TextDecoder().decode(t.content);
}

/** A BIT STRING's bytes (no unused bits, as keys and signatures have). */
export function bitStringOf(t: Tlv | undefined, what: string): Uint8Array {
  const c = expect(t, TAG.bitString, what).content;
  if (c.length === 0 || c[0] !== 0) throw new DerError(`${what}: BIT STRING with unused bits`);
  return c.subarray(1);
}
