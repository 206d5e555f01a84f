// Big-endian (network order) 16- and 32-bit fields, for formats that carry SPIs, keys,
// sequence numbers and the like, the hex forms error messages, MACs and opaque fields print, and joining
// byte chunks into one buffer. Addresses
// have their own branded helpers in addr.ts.

export function readU32(buf: Uint8Array, at: number): number {
  return ((buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]) >>> 0;
}

export function writeU32(buf: Uint8Array, at: number, value: number): void {
  buf[at] = value >>> 24;
  buf[at + 1] = (value >>> 16) & 0xff;
  buf[at + 2] = (value >>> 8) & 0xff;
  buf[at + 3] = value & 0xff;
}

export function readU16(buf: Uint8Array, at: number): number {
  return (buf[at] << 8) | buf[at + 1];
}

export function writeU16(buf: Uint8Array, at: number, value: number): void {
  buf[at] = (value >>> 8) & 0xff;
  buf[at + 1] = value & 0xff;
}

/** `n` in lower-case hex, zero-padded to `width` digits: hexDigits(0x800, 4) is "0800". */
export function hexDigits(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/** Each byte as two lower-case hex digits, run together: "0aff01". */
export function hexBytes(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += hexDigits(bytes[i], 2);
  return s;
}

/** A 16-bit field as error messages show it: "0x0800". */
export function hex16(n: number): string {
  return "0x" + hexDigits(n, 4);
}

/** The chunks one after another in one new buffer. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
