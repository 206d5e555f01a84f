// TCP header (RFC 9293 §3.1) and the options a router meets: MSS (RFC 9293 §3.2), window
// scale and timestamps (RFC 7323), SACK-permitted and SACK blocks (RFC 2018), the MD5
// signature (RFC 2385, kind 19: BGP's `neighbor X password`). Unknown options
// are kept as kind + bytes so they round-trip. The checksum covers an IPv4 pseudo-header, so
// parse and emit take the source and destination addresses.

import { finishChecksum, pseudoHeaderSum, sumWords } from "./checksum";
import type { Ipv4 } from "./addr";
import { WireError, truncated } from "./errors";
import { IpProtocol } from "./ipv4";
import { readU32, writeU32 } from "./bytes";

/** The control bits (RFC 9293 §3.1, ECE and CWR from RFC 3168), as masks on the flags byte. */
export const TcpFlag = {
  Fin: 0x01,
  Syn: 0x02,
  Rst: 0x04,
  Psh: 0x08,
  Ack: 0x10,
  Urg: 0x20,
  Ece: 0x40,
  Cwr: 0x80,
} as const;

/** Option kinds we decode; any other kind is kept as an "unknown" option. */
export const TcpOptionKind = {
  EndOfList: 0,
  Nop: 1,
  Mss: 2,
  WindowScale: 3,
  SackPermitted: 4,
  Sack: 5,
  Timestamps: 8,
  Md5Signature: 19,
} as const;

/** Bytes of an RFC 2385 MD5 digest. */
export const TCP_MD5_DIGEST_LENGTH = 16;

export const TCP_MIN_HEADER_LENGTH = 20;
export const TCP_MAX_OPTIONS_LENGTH = 40;

/** A SACK block: the first sequence number of a received block and the one after it. */
export interface TcpSackBlock {
  readonly left: number;
  readonly right: number;
}

/** One option. End-of-option-list is not an entry: it ends the list, and emit adds it (as
 * zero padding) when the options do not fill the header to a 4-byte boundary. */
export type TcpOption =
  | { readonly type: "nop" }
  | { readonly type: "mss"; readonly mss: number }
  | { readonly type: "window-scale"; readonly shift: number }
  | { readonly type: "sack-permitted" }
  | { readonly type: "sack"; readonly blocks: readonly TcpSackBlock[] }
  | { readonly type: "timestamps"; readonly tsVal: number; readonly tsEcr: number }
  /** RFC 2385: the 16-byte MD5 digest (a copy) over pseudo-header, fixed header, data and key. */
  | { readonly type: "md5"; readonly digest: Uint8Array }
  /** Any other kind, with the bytes after its length octet (a copy). */
  | { readonly type: "unknown"; readonly kind: number; readonly data: Uint8Array };

export interface TcpRepr {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  /** TcpFlag bits (the eight control bits; the four reserved bits are ignored). */
  readonly flags: number;
  readonly window: number;
  readonly urgentPointer: number;
  readonly options: readonly TcpOption[];
}

export interface TcpPacket {
  readonly repr: TcpRepr;
  /** The segment's data (a subarray, not a copy). */
  readonly payload: Uint8Array;
}

/**
 * Parses a segment; `buf` is the whole IP payload (header and data), since the checksum
 * covers it all, with the pseudo-header built from `src` and `dst`.
 */
export function parseTcp(buf: Uint8Array, src: Ipv4, dst: Ipv4): TcpPacket | WireError {
  if (buf.length < TCP_MIN_HEADER_LENGTH) return truncated("tcp", "header", 0, TCP_MIN_HEADER_LENGTH, buf.length);
  const headerLength = tcpHeaderLengthAt(buf, 0);
  if (headerLength < TCP_MIN_HEADER_LENGTH) {
    return new WireError("tcp", "data offset", 12, `${headerLength / 4} words is less than the minimum 5`);
  }
  if (buf.length < headerLength) return truncated("tcp", "options", TCP_MIN_HEADER_LENGTH, headerLength - TCP_MIN_HEADER_LENGTH, buf.length - TCP_MIN_HEADER_LENGTH);
  if (!tcpChecksumValid(buf, 0, buf.length, src, dst)) {
    return new WireError("tcp", "checksum", 16, "does not match pseudo-header, header and data");
  }
  const options = parseOptions(buf, TCP_MIN_HEADER_LENGTH, headerLength);
  if (options instanceof WireError) return options;
  const repr: TcpRepr = {
    srcPort: tcpSrcPort(buf, 0),
    dstPort: tcpDstPort(buf, 0),
    seq: tcpSeq(buf, 0),
    ack: tcpAck(buf, 0),
    flags: tcpFlags(buf, 0),
    window: tcpWindow(buf, 0),
    urgentPointer: (buf[18] << 8) | buf[19],
    options,
  };
  return { repr, payload: buf.subarray(headerLength) };
}

/** The fixed length (kind and length octets included) each known option must have. */
const FIXED_LENGTHS: Record<number, [name: string, length: number]> = {
  [TcpOptionKind.Mss]: ["MSS", 4],
  [TcpOptionKind.WindowScale]: ["window scale", 3],
  [TcpOptionKind.SackPermitted]: ["SACK-permitted", 2],
  [TcpOptionKind.Timestamps]: ["timestamps", 10],
  [TcpOptionKind.Md5Signature]: ["MD5 signature", 2 + TCP_MD5_DIGEST_LENGTH],
};

function parseOptions(buf: Uint8Array, start: number, end: number): TcpOption[] | WireError {
  const options: TcpOption[] = [];
  let at = start;
  while (at < end) {
    const kind = buf[at];
    if (kind === TcpOptionKind.EndOfList) break; // the rest is padding
    if (kind === TcpOptionKind.Nop) {
      options.push({ type: "nop" });
      at += 1;
      continue;
    }
    const name = FIXED_LENGTHS[kind]?.[0] ?? (kind === TcpOptionKind.Sack ? "SACK" : `kind ${kind}`);
    if (at + 1 >= end) return new WireError("tcp", `${name} option length`, at + 1, "missing: the options end after the kind octet");
    const length = buf[at + 1];
    if (length < 2) return new WireError("tcp", `${name} option length`, at + 1, `${length} is less than 2`);
    if (at + length > end) return new WireError("tcp", `${name} option length`, at + 1, `${length} runs past the data offset (${end - at} bytes left)`);
    const fixed = FIXED_LENGTHS[kind];
    if (fixed && length !== fixed[1]) return new WireError("tcp", `${name} option length`, at + 1, `must be ${fixed[1]}, is ${length}`);
    switch (kind) {
      case TcpOptionKind.Mss:
        options.push({ type: "mss", mss: (buf[at + 2] << 8) | buf[at + 3] });
        break;
      case TcpOptionKind.WindowScale:
        options.push({ type: "window-scale", shift: buf[at + 2] });
        break;
      case TcpOptionKind.SackPermitted:
        options.push({ type: "sack-permitted" });
        break;
      case TcpOptionKind.Timestamps:
        options.push({ type: "timestamps", tsVal: readU32(buf, at + 2), tsEcr: readU32(buf, at + 6) });
        break;
      case TcpOptionKind.Md5Signature:
        options.push({ type: "md5", digest: buf.slice(at + 2, at + length) });
        break;
      case TcpOptionKind.Sack: {
        // RFC 2018 §3: 2 + 8n bytes, n = 1..4 blocks.
        if (length < 10 || (length - 2) % 8 !== 0) {
          return new WireError("tcp", "SACK option length", at + 1, `must be 2 + 8n (n = 1..4), is ${length}`);
        }
        const blocks: TcpSackBlock[] = [];
        for (let b = at + 2; b < at + length; b += 8) blocks.push({ left: readU32(buf, b), right: readU32(buf, b + 4) });
        options.push({ type: "sack", blocks });
        break;
      }
      default:
        options.push({ type: "unknown", kind, data: buf.slice(at + 2, at + length) });
    }
    at += length;
  }
  return options;
}

function optionLength(option: TcpOption): number {
  switch (option.type) {
    case "nop":
      return 1;
    case "mss":
      return 4;
    case "window-scale":
      return 3;
    case "sack-permitted":
      return 2;
    case "sack":
      return 2 + 8 * option.blocks.length;
    case "timestamps":
      return 10;
    case "md5":
      return 2 + TCP_MD5_DIGEST_LENGTH;
    case "unknown":
      return 2 + option.data.length;
  }
}

/** The options' length in bytes, before padding to a 4-byte boundary. */
export function tcpOptionsLength(options: readonly TcpOption[]): number {
  let length = 0;
  for (const option of options) length += optionLength(option);
  return length;
}

export function tcpHeaderLength(repr: TcpRepr): number {
  return TCP_MIN_HEADER_LENGTH + ((tcpOptionsLength(repr.options) + 3) & ~3);
}

/**
 * Writes the header at `offset` and returns its length. The data must already sit right
 * after the header in `buf`, ending at `end` (by default the end of `buf`): the checksum
 * covers the pseudo-header (from `src`, `dst`), header and data. Options longer than 40
 * bytes are a bug in the caller and throw.
 */
export function emitTcp(repr: TcpRepr, buf: Uint8Array, offset: number, src: Ipv4, dst: Ipv4, end = buf.length): number {
  const headerLength = tcpHeaderLength(repr);
  if (headerLength - TCP_MIN_HEADER_LENGTH > TCP_MAX_OPTIONS_LENGTH) {
    throw new RangeError(`emitTcp: options take ${tcpOptionsLength(repr.options)} bytes, more than 40`);
  }
  if (offset + headerLength > end || end > buf.length) {
    throw new RangeError(`emitTcp: need ${headerLength} bytes at offset ${offset}, buffer ends at ${Math.min(end, buf.length)}`);
  }
  writeU16(buf, offset, repr.srcPort);
  writeU16(buf, offset + 2, repr.dstPort);
  writeU32(buf, offset + 4, repr.seq);
  writeU32(buf, offset + 8, repr.ack);
  buf[offset + 12] = (headerLength / 4) << 4;
  buf[offset + 13] = repr.flags & 0xff;
  writeU16(buf, offset + 14, repr.window);
  writeU16(buf, offset + 16, 0);
  writeU16(buf, offset + 18, repr.urgentPointer);
  let at = offset + TCP_MIN_HEADER_LENGTH;
  for (const option of repr.options) at = emitOption(option, buf, at);
  buf.fill(TcpOptionKind.EndOfList, at, offset + headerLength);
  const sum = sumWords(buf, offset, end, pseudoHeaderSum(src, dst, IpProtocol.Tcp, end - offset));
  writeU16(buf, offset + 16, finishChecksum(sum));
  return headerLength;
}

function emitOption(option: TcpOption, buf: Uint8Array, at: number): number {
  if (option.type === "nop") {
    buf[at] = TcpOptionKind.Nop;
    return at + 1;
  }
  const length = optionLength(option);
  buf[at + 1] = length;
  switch (option.type) {
    case "mss":
      buf[at] = TcpOptionKind.Mss;
      writeU16(buf, at + 2, option.mss);
      break;
    case "window-scale":
      buf[at] = TcpOptionKind.WindowScale;
      buf[at + 2] = option.shift;
      break;
    case "sack-permitted":
      buf[at] = TcpOptionKind.SackPermitted;
      break;
    case "sack":
      buf[at] = TcpOptionKind.Sack;
      option.blocks.forEach((block, i) => {
        writeU32(buf, at + 2 + 8 * i, block.left);
        writeU32(buf, at + 6 + 8 * i, block.right);
      });
      break;
    case "timestamps":
      buf[at] = TcpOptionKind.Timestamps;
      writeU32(buf, at + 2, option.tsVal);
      writeU32(buf, at + 6, option.tsEcr);
      break;
    case "md5":
      buf[at] = TcpOptionKind.Md5Signature;
      if (option.digest.length !== TCP_MD5_DIGEST_LENGTH) throw new RangeError(`emitTcp: an MD5 digest has 16 bytes, not ${option.digest.length}`);
      buf.set(option.digest, at + 2);
      break;
    case "unknown":
      buf[at] = option.kind;
      buf.set(option.data, at + 2);
      break;
  }
  return at + length;
}

export function buildTcp(repr: TcpRepr, payload: Uint8Array, src: Ipv4, dst: Ipv4): Uint8Array {
  const headerLength = tcpHeaderLength(repr);
  const out = new Uint8Array(headerLength + payload.length);
  out.set(payload, headerLength);
  emitTcp(repr, out, 0, src, dst);
  return out;
}

// Hot-path accessors: no allocation, no validation.

export function tcpSrcPort(buf: Uint8Array, offset: number): number {
  return (buf[offset] << 8) | buf[offset + 1];
}

export function tcpDstPort(buf: Uint8Array, offset: number): number {
  return (buf[offset + 2] << 8) | buf[offset + 3];
}

export function tcpSeq(buf: Uint8Array, offset: number): number {
  return readU32(buf, offset + 4);
}

export function tcpAck(buf: Uint8Array, offset: number): number {
  return readU32(buf, offset + 8);
}

/** The header length in bytes, from the data offset field. */
export function tcpHeaderLengthAt(buf: Uint8Array, offset: number): number {
  return (buf[offset + 12] >>> 4) * 4;
}

export function tcpFlags(buf: Uint8Array, offset: number): number {
  return buf[offset + 13];
}

export function tcpWindow(buf: Uint8Array, offset: number): number {
  return (buf[offset + 14] << 8) | buf[offset + 15];
}

/** Whether the checksum of the segment in `buf[offset, end)` is right for `src` → `dst`. */
export function tcpChecksumValid(buf: Uint8Array, offset: number, end: number, src: Ipv4, dst: Ipv4): boolean {
  return finishChecksum(sumWords(buf, offset, end, pseudoHeaderSum(src, dst, IpProtocol.Tcp, end - offset))) === 0;
}


/** The bytes RFC 2385 §2.0 signs ahead of the data: the pseudo-header (source, destination,
 * zero, protocol, segment length) and the segment's fixed 20-byte header with its checksum
 * zeroed. The caller hashes these, then the data after the options, then the key. */
export function tcpMd5SignedHeader(src: Ipv4, dst: Ipv4, segment: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + TCP_MIN_HEADER_LENGTH);
  writeU32(out, 0, src);
  writeU32(out, 4, dst);
  out[9] = IpProtocol.Tcp;
  writeU16(out, 10, segment.length);
  out.set(segment.subarray(0, TCP_MIN_HEADER_LENGTH), 12);
  writeU16(out, 12 + 16, 0);
  return out;
}

function writeU16(buf: Uint8Array, at: number, value: number): void {
  buf[at] = (value >>> 8) & 0xff;
  buf[at + 1] = value & 0xff;
}
