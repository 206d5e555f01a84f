// ESP (RFC 4303) formats, no crypto: the cleartext header (SPI, sequence number), and the
// trailer inside the encrypted part (padding, pad length, next header) that ipsec/ builds
// before encrypting and checks after decrypting. IV, ciphertext and ICV are opaque here.

import { WireError, truncated } from "./errors";
import { readU32, writeU32 } from "./bytes";

export const ESP_HEADER_LENGTH = 8;

// Next Header values are IP protocol numbers (`IpProtocol` in ipv4.ts): IpProtocol.Ipip (4)
// in tunnel mode, IpProtocol.Gre (47) in transport mode under GRE, FlexVPN's default.
/** A dummy packet for traffic-flow confidentiality, to be dropped (RFC 4303 §2.6). */
export const ESP_NO_NEXT_HEADER = 59;

export interface EspRepr {
  /** Security Parameters Index; 0 is reserved and never sent (RFC 4303 §2.1). */
  readonly spi: number;
  /** The low 32 bits of the sequence number (RFC 4303 §2.2). */
  readonly sequence: number;
}

export interface EspPacket {
  readonly repr: EspRepr;
  /** IV, ciphertext and ICV, as received (a subarray, not a copy). */
  readonly payload: Uint8Array;
}

export function parseEsp(buf: Uint8Array): EspPacket | WireError {
  if (buf.length < ESP_HEADER_LENGTH) return truncated("esp", "header", 0, ESP_HEADER_LENGTH, buf.length);
  const spi = espSpi(buf, 0);
  if (spi === 0) return new WireError("esp", "SPI", 0, "zero is reserved for local use and never sent (RFC 4303 §2.1)");
  return { repr: { spi, sequence: espSequence(buf, 0) }, payload: buf.subarray(ESP_HEADER_LENGTH) };
}

export function espHeaderLength(_repr: EspRepr): number {
  return ESP_HEADER_LENGTH;
}

export function emitEsp(repr: EspRepr, buf: Uint8Array, offset: number): number {
  if (offset + ESP_HEADER_LENGTH > buf.length) {
    throw new RangeError(`emitEsp: need ${ESP_HEADER_LENGTH} bytes at offset ${offset}, buffer has ${buf.length}`);
  }
  writeU32(buf, offset, repr.spi);
  writeU32(buf, offset + 4, repr.sequence);
  return ESP_HEADER_LENGTH;
}

/** The header followed by `payload` (IV, ciphertext and ICV, already made by ipsec/). */
export function buildEsp(repr: EspRepr, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(ESP_HEADER_LENGTH + payload.length);
  emitEsp(repr, out, 0);
  out.set(payload, ESP_HEADER_LENGTH);
  return out;
}

// Hot-path accessors: the SPI picks the SA before anything else is looked at.

export function espSpi(buf: Uint8Array, offset: number): number {
  return readU32(buf, offset);
}

export function espSequence(buf: Uint8Array, offset: number): number {
  return readU32(buf, offset + 4);
}

/** Writes SPI and sequence number at `offset`: emitEsp without the repr, for the per-packet path. */
export function writeEspHeader(buf: Uint8Array, offset: number, spi: number, sequence: number): void {
  writeU32(buf, offset, spi);
  writeU32(buf, offset + 4, sequence);
}

/**
 * parseEspTrailer's check without allocating, for the per-packet path: the decrypted
 * plaintext is `buf[start, end)`; returns where the payload ends (before the padding), or -1
 * when the pad length overruns the plaintext or the padding is not 1, 2, 3, ... The next
 * header is the last byte, `espNextHeader(buf, end)`.
 */
export function espPayloadEnd(buf: Uint8Array, start: number, end: number): number {
  if (end - start < 2) return -1;
  const padLength = buf[end - 2];
  const padStart = end - 2 - padLength;
  if (padStart < start) return -1;
  for (let i = 0; i < padLength; i++) if (buf[padStart + i] !== i + 1) return -1;
  return padStart;
}

/** The next header of the decrypted plaintext ending at `end`. */
export function espNextHeader(buf: Uint8Array, end: number): number {
  return buf[end - 1];
}

/** The decrypted plaintext split into its parts. */
export interface EspTrailer {
  /** The inner packet (a subarray of the plaintext, not a copy). */
  readonly payload: Uint8Array;
  readonly padLength: number;
  readonly nextHeader: number;
}

/**
 * Splits decrypted plaintext (payload | padding | pad length | next header) and checks the
 * padding is 1, 2, 3, ... as RFC 4303 §2.4 prescribes when the cipher does not define its
 * own. Offsets in errors are relative to `plain`.
 */
export function parseEspTrailer(plain: Uint8Array): EspTrailer | WireError {
  const length = plain.length;
  if (length < 2) return truncated("esp", "pad length and next header", 0, 2, length);
  const padLength = plain[length - 2];
  const padStart = length - 2 - padLength;
  if (padStart < 0) {
    return new WireError("esp", "pad length", length - 2, `${padLength} is more than the ${length - 2} bytes before it`);
  }
  for (let i = 0; i < padLength; i++) {
    if (plain[padStart + i] !== i + 1) {
      return new WireError("esp", "padding", padStart + i, `byte ${i + 1} of the padding is ${plain[padStart + i]}, not ${i + 1} (RFC 4303 §2.4)`);
    }
  }
  return { payload: plain.subarray(0, padStart), padLength, nextHeader: plain[length - 1] };
}

/**
 * How many padding bytes follow a payload of `payloadLength` so that payload, padding, pad
 * length and next header fill whole cipher blocks and end on a 4-byte boundary (RFC 4303
 * §2.4): `blockSize` 16 for AES-CBC, 1 for a stream mode such as AES-GCM (which then pads
 * to 4). The block size must be a power of two up to 256 (so the padding fits the one-byte
 * pad length); anything else is a bug in the caller and throws.
 */
export function espPadding(payloadLength: number, blockSize: number): number {
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > 256 || (blockSize & (blockSize - 1)) !== 0) {
    throw new RangeError(`esp: block size ${blockSize} is not a power of two in 1..256`);
  }
  const align = blockSize < 4 ? 4 : blockSize;
  return (align - ((payloadLength + 2) % align)) % align;
}

/** Writes padding 1..padLength, the pad length and the next header at `offset` (right
 * after the payload) and returns the bytes written, padLength + 2. */
export function emitEspTrailer(buf: Uint8Array, offset: number, padLength: number, nextHeader: number): number {
  if (offset + padLength + 2 > buf.length) {
    throw new RangeError(`emitEspTrailer: need ${padLength + 2} bytes at offset ${offset}, buffer has ${buf.length}`);
  }
  for (let i = 0; i < padLength; i++) buf[offset + i] = i + 1;
  buf[offset + padLength] = padLength;
  buf[offset + padLength + 1] = nextHeader;
  return padLength + 2;
}

/** The plaintext to encrypt: payload, monotonic padding, pad length and next header. */
export function buildEspPlaintext(payload: Uint8Array, nextHeader: number, blockSize: number): Uint8Array {
  const padLength = espPadding(payload.length, blockSize);
  const out = new Uint8Array(payload.length + padLength + 2);
  out.set(payload, 0);
  emitEspTrailer(out, payload.length, padLength, nextHeader);
  return out;
}
