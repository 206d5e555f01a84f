// ICMP for IPv4 (RFC 792): echo, destination unreachable (with RFC 1191's next-hop MTU),
// redirect and time exceeded, plus RFC 4884 multi-part messages so a time-exceeded from an LSR can carry
// the RFC 4950 MPLS label stack object, which is what makes `traceroute` show labels.
// Other types are kept with their raw rest-of-header word and round-trip unchanged.
//
// Layout of an RFC 4884 error message: 8-byte header (byte 5 = length of the original
// datagram field in 32-bit words), the original datagram zero-padded to at least 128 bytes,
// then the extension structure: version 2 (4 bits), reserved (12), checksum (16), objects.
// Each object: length in bytes including its 4-byte header (16), class-num (8), C-type (8).
// Messages that append extensions with the length byte at 0 (pre-RFC 4884 MPLS routers) read
// as having no extensions: the whole tail is the original datagram. A length attribute with
// nothing after the datagram also reads as no extensions, and is emitted as 0.

import { finishChecksum, internetChecksum, sumWords } from "./checksum";
import { WireError, isWireError, truncated } from "./errors";
import { hex16 } from "./bytes";
import { mplsBottom, mplsLabel, mplsTc, mplsTtl, writeMplsEntry, type MplsEntry } from "./mpls";

export const IcmpType = {
  EchoReply: 0,
  DestinationUnreachable: 3,
  Redirect: 5,
  EchoRequest: 8,
  TimeExceeded: 11,
} as const;

/** Destination unreachable codes (RFC 792, RFC 1812). Other codes are kept as numbers. */
export const IcmpUnreachableCode = {
  NetUnreachable: 0,
  HostUnreachable: 1,
  ProtocolUnreachable: 2,
  PortUnreachable: 3,
  /** "Fragmentation needed and DF set"; carries the next-hop MTU (RFC 1191). */
  FragmentationNeeded: 4,
  SourceRouteFailed: 5,
  /** "Communication administratively prohibited" (RFC 1812): IOS's `U.U.U` for an ACL drop. */
  AdminProhibited: 13,
} as const;

/** Redirect codes (RFC 792): the datagram's network or host, with or without its type of service. */
export const IcmpRedirectCode = {
  Network: 0,
  Host: 1,
  TosNetwork: 2,
  TosHost: 3,
} as const;

export const IcmpTimeExceededCode = {
  TtlExceeded: 0,
  FragmentReassembly: 1,
} as const;

/** An RFC 4884 extension object. Objects other than the MPLS label stack keep their raw bytes. */
export type IcmpExtensionObject =
  | { readonly kind: "mpls-label-stack"; readonly entries: readonly MplsEntry[] }
  | { readonly kind: "unknown"; readonly classNum: number; readonly cType: number; readonly data: Uint8Array };

export interface IcmpEchoRepr {
  readonly kind: "echo-request" | "echo-reply";
  readonly identifier: number;
  readonly sequenceNumber: number;
  /** Length of the echo data. */
  readonly payloadLength: number;
}

export interface IcmpDstUnreachableRepr {
  readonly kind: "dst-unreachable";
  readonly code: number;
  /** RFC 1191 next-hop MTU for code 4; 0 for the other codes. */
  readonly nextHopMtu: number;
  /** Length of the original datagram field, padding included when extensions follow. */
  readonly payloadLength: number;
  /** RFC 4884 extension objects; undefined when the message has no extension structure. */
  readonly extensions?: readonly IcmpExtensionObject[];
}

export interface IcmpTimeExceededRepr {
  readonly kind: "time-exceeded";
  readonly code: number;
  /** Length of the original datagram field, padding included when extensions follow. */
  readonly payloadLength: number;
  /** RFC 4884 extension objects; undefined when the message has no extension structure. */
  readonly extensions?: readonly IcmpExtensionObject[];
}

export interface IcmpRedirectRepr {
  readonly kind: "redirect";
  readonly code: number;
  /** The gateway the sender should use for the datagram's destination. */
  readonly gateway: number;
  /** Length of the original datagram field. */
  readonly payloadLength: number;
}

/** Any other type, kept opaque: bytes 4..7 as one number, the rest as payload. */
export interface IcmpOtherRepr {
  readonly kind: "other";
  readonly type: number;
  readonly code: number;
  readonly restOfHeader: number;
  readonly payloadLength: number;
}

export type IcmpRepr = IcmpEchoRepr | IcmpDstUnreachableRepr | IcmpRedirectRepr | IcmpTimeExceededRepr | IcmpOtherRepr;

export interface IcmpPacket {
  readonly repr: IcmpRepr;
  /** Echo data, the original datagram field of an error, or an unknown type's body. */
  readonly payload: Uint8Array;
}

export const ICMP_HEADER_LENGTH = 8;
/** RFC 4884: with extensions, the original datagram field is zero-padded to at least this. */
export const ICMP_MIN_ORIGINAL_DATAGRAM_LENGTH = 128;
/** The length byte counts 32-bit words, so the original datagram field is at most 255 words. */
const MAX_ORIGINAL_DATAGRAM_LENGTH = 255 * 4;

const EXTENSION_VERSION = 2;
const EXTENSION_HEADER_LENGTH = 4;
const OBJECT_HEADER_LENGTH = 4;
const CLASS_MPLS_LABEL_STACK = 1; // RFC 4950
const CTYPE_INCOMING_LABEL_STACK = 1;

// Field offsets.
const TYPE = 0;
const CODE = 1;
const CHECKSUM = 2;
const REST = 4;
const LENGTH = 5; // RFC 4884 length attribute, in the rest-of-header word

function checksumError(field: string, buf: Uint8Array, start: number, at: number, end: number): WireError {
  const found = (buf[at] << 8) | buf[at + 1];
  const computed = finishChecksum(sumWords(buf, at + 2, end, sumWords(buf, start, at)));
  return new WireError("icmp", field, at, `${hex16(found)}, computed ${hex16(computed)}`);
}

export function parseIcmp(buf: Uint8Array): IcmpPacket | WireError {
  if (buf.length < ICMP_HEADER_LENGTH) return truncated("icmp", "header", 0, ICMP_HEADER_LENGTH, buf.length);
  if (internetChecksum(buf) !== 0) return checksumError("checksum", buf, 0, CHECKSUM, buf.length);
  const type = buf[TYPE];
  const code = buf[CODE];
  switch (type) {
    case IcmpType.EchoRequest:
    case IcmpType.EchoReply:
      return {
        repr: {
          kind: type === IcmpType.EchoRequest ? "echo-request" : "echo-reply",
          identifier: (buf[4] << 8) | buf[5],
          sequenceNumber: (buf[6] << 8) | buf[7],
          payloadLength: buf.length - ICMP_HEADER_LENGTH,
        },
        payload: buf.subarray(ICMP_HEADER_LENGTH),
      };
    case IcmpType.DestinationUnreachable:
    case IcmpType.TimeExceeded: {
      const datagramEnd = buf[LENGTH] === 0 ? buf.length : ICMP_HEADER_LENGTH + buf[LENGTH] * 4;
      if (datagramEnd > buf.length) {
        return new WireError("icmp", "length", LENGTH, `original datagram of ${buf[LENGTH]} words runs past the ${buf.length}-byte message`);
      }
      const extensions = datagramEnd < buf.length ? parseExtensions(buf, datagramEnd) : undefined;
      if (isWireError(extensions)) return extensions;
      const payloadLength = datagramEnd - ICMP_HEADER_LENGTH;
      const payload = buf.subarray(ICMP_HEADER_LENGTH, datagramEnd);
      if (type === IcmpType.TimeExceeded) return { repr: { kind: "time-exceeded", code, payloadLength, extensions }, payload };
      const nextHopMtu = (buf[6] << 8) | buf[7];
      return { repr: { kind: "dst-unreachable", code, nextHopMtu, payloadLength, extensions }, payload };
    }
    case IcmpType.Redirect:
      return {
        repr: { kind: "redirect", code, gateway: ((buf[4] << 24) | (buf[5] << 16) | (buf[6] << 8) | buf[7]) >>> 0, payloadLength: buf.length - ICMP_HEADER_LENGTH },
        payload: buf.subarray(ICMP_HEADER_LENGTH),
      };
    default:
      return {
        repr: {
          kind: "other",
          type,
          code,
          restOfHeader: ((buf[4] << 24) | (buf[5] << 16) | (buf[6] << 8) | buf[7]) >>> 0,
          payloadLength: buf.length - ICMP_HEADER_LENGTH,
        },
        payload: buf.subarray(ICMP_HEADER_LENGTH),
      };
  }
}

/** The RFC 4884 extension structure from `at` to the end of `buf`. */
function parseExtensions(buf: Uint8Array, at: number): IcmpExtensionObject[] | WireError {
  if (buf.length - at < EXTENSION_HEADER_LENGTH) {
    return truncated("icmp", "extension header", at, EXTENSION_HEADER_LENGTH, buf.length - at);
  }
  const version = buf[at] >>> 4;
  if (version !== EXTENSION_VERSION) return new WireError("icmp", "extension version", at, `${version}, expected 2`);
  // RFC 4884 §7: an all-zero checksum means none was sent.
  const hasChecksum = buf[at + 2] !== 0 || buf[at + 3] !== 0;
  if (hasChecksum && internetChecksum(buf, at) !== 0) return checksumError("extension checksum", buf, at, at + 2, buf.length);
  const objects: IcmpExtensionObject[] = [];
  let pos = at + EXTENSION_HEADER_LENGTH;
  while (pos < buf.length) {
    if (buf.length - pos < OBJECT_HEADER_LENGTH) return truncated("icmp", "object header", pos, OBJECT_HEADER_LENGTH, buf.length - pos);
    const length = (buf[pos] << 8) | buf[pos + 1];
    if (length < OBJECT_HEADER_LENGTH) return new WireError("icmp", "object length", pos, `${length} is less than the 4-byte object header`);
    if (pos + length > buf.length) return truncated("icmp", "object length", pos, length, buf.length - pos);
    const classNum = buf[pos + 2];
    const cType = buf[pos + 3];
    const dataStart = pos + OBJECT_HEADER_LENGTH;
    const dataEnd = pos + length;
    if (classNum === CLASS_MPLS_LABEL_STACK && cType === CTYPE_INCOMING_LABEL_STACK) {
      if ((dataEnd - dataStart) % 4 !== 0) {
        return new WireError("icmp", "MPLS label stack entry", dataStart, `${dataEnd - dataStart} bytes is not a whole number of 4-byte entries`);
      }
      // The stack as received, in RFC 3032 layout; no S-bit or reserved-label checks, since
      // it only reports what the LSR saw.
      const entries: MplsEntry[] = [];
      for (let e = dataStart; e < dataEnd; e += 4) {
        entries.push({ label: mplsLabel(buf, e), tc: mplsTc(buf, e), bottom: mplsBottom(buf, e), ttl: mplsTtl(buf, e) });
      }
      objects.push({ kind: "mpls-label-stack", entries });
    } else {
      objects.push({ kind: "unknown", classNum, cType, data: buf.subarray(dataStart, dataEnd) });
    }
    pos = dataEnd;
  }
  return objects;
}

function objectLength(object: IcmpExtensionObject): number {
  return OBJECT_HEADER_LENGTH + (object.kind === "mpls-label-stack" ? object.entries.length * 4 : object.data.length);
}

function extensionsOf(repr: IcmpRepr): readonly IcmpExtensionObject[] | undefined {
  return repr.kind === "dst-unreachable" || repr.kind === "time-exceeded" ? repr.extensions : undefined;
}

/** Bytes of the extension structure after the original datagram; 0 when there is none. */
export function icmpExtensionLength(repr: IcmpRepr): number {
  const extensions = extensionsOf(repr);
  if (extensions === undefined) return 0;
  let length = EXTENSION_HEADER_LENGTH;
  for (const object of extensions) length += objectLength(object);
  return length;
}

/** The whole message: header, payload and any extension structure. */
export function icmpMessageLength(repr: IcmpRepr): number {
  return ICMP_HEADER_LENGTH + repr.payloadLength + icmpExtensionLength(repr);
}

/** How long an original datagram field of `quotedLength` bytes must be when extensions
 * follow it (RFC 4884 §4.1): whole 32-bit words, and at least 128 bytes. */
export function icmpPaddedDatagramLength(quotedLength: number): number {
  return Math.max(ICMP_MIN_ORIGINAL_DATAGRAM_LENGTH, (quotedLength + 3) & ~3);
}

/** Writes the 8-byte header at `offset`, and for an error with extensions also the extension
 * structure after the payload; returns 8. The payload (`repr.payloadLength` bytes, already
 * padded when extensions follow) must sit right after the header, because the checksum
 * covers it. `icmpMessageLength(repr)` bytes are covered in all. */
export function emitIcmp(repr: IcmpRepr, buf: Uint8Array, offset: number): number {
  const total = icmpMessageLength(repr);
  if (offset + total > buf.length) throw new RangeError(`emitIcmp: need ${total} bytes at offset ${offset}, buffer has ${buf.length}`);
  const extensions = extensionsOf(repr);
  if (extensions !== undefined && (repr.payloadLength % 4 !== 0 || repr.payloadLength > MAX_ORIGINAL_DATAGRAM_LENGTH)) {
    throw new RangeError(`emitIcmp: with extensions the original datagram must be whole words, at most 1020 bytes; got ${repr.payloadLength}`);
  }
  let type: number;
  let code = 0;
  let rest: number;
  switch (repr.kind) {
    case "echo-request":
    case "echo-reply":
      type = repr.kind === "echo-request" ? IcmpType.EchoRequest : IcmpType.EchoReply;
      rest = ((repr.identifier & 0xffff) * 0x10000) + (repr.sequenceNumber & 0xffff);
      break;
    case "dst-unreachable":
      type = IcmpType.DestinationUnreachable;
      code = repr.code;
      rest = (extensions === undefined ? 0 : (repr.payloadLength / 4) * 0x10000) + (repr.nextHopMtu & 0xffff);
      break;
    case "redirect":
      type = IcmpType.Redirect;
      code = repr.code;
      rest = repr.gateway >>> 0;
      break;
    case "time-exceeded":
      type = IcmpType.TimeExceeded;
      code = repr.code;
      rest = extensions === undefined ? 0 : (repr.payloadLength / 4) * 0x10000;
      break;
    case "other":
      type = repr.type;
      code = repr.code;
      rest = repr.restOfHeader;
      break;
  }
  buf[offset + TYPE] = type & 0xff;
  buf[offset + CODE] = code & 0xff;
  buf[offset + CHECKSUM] = 0;
  buf[offset + CHECKSUM + 1] = 0;
  buf[offset + REST] = rest >>> 24;
  buf[offset + REST + 1] = (rest >>> 16) & 0xff;
  buf[offset + REST + 2] = (rest >>> 8) & 0xff;
  buf[offset + REST + 3] = rest & 0xff;
  if (extensions !== undefined) emitExtensions(extensions, buf, offset + ICMP_HEADER_LENGTH + repr.payloadLength, offset + total);
  const checksum = internetChecksum(buf, offset, offset + total);
  buf[offset + CHECKSUM] = checksum >>> 8;
  buf[offset + CHECKSUM + 1] = checksum & 0xff;
  return ICMP_HEADER_LENGTH;
}

function emitExtensions(objects: readonly IcmpExtensionObject[], buf: Uint8Array, at: number, end: number): void {
  buf[at] = EXTENSION_VERSION << 4;
  buf[at + 1] = 0;
  buf[at + 2] = 0;
  buf[at + 3] = 0;
  let pos = at + EXTENSION_HEADER_LENGTH;
  for (const object of objects) {
    const length = objectLength(object);
    if (length > 0xffff) throw new RangeError(`emitIcmp: extension object of ${length} bytes exceeds 65535`);
    buf[pos] = length >>> 8;
    buf[pos + 1] = length & 0xff;
    if (object.kind === "mpls-label-stack") {
      buf[pos + 2] = CLASS_MPLS_LABEL_STACK;
      buf[pos + 3] = CTYPE_INCOMING_LABEL_STACK;
      let e = pos + OBJECT_HEADER_LENGTH;
      for (const entry of object.entries) {
        writeMplsEntry(buf, e, entry.label, entry.tc, entry.bottom, entry.ttl);
        e += 4;
      }
    } else {
      buf[pos + 2] = object.classNum & 0xff;
      buf[pos + 3] = object.cType & 0xff;
      buf.set(object.data, pos + OBJECT_HEADER_LENGTH);
    }
    pos += length;
  }
  const checksum = internetChecksum(buf, at, end);
  buf[at + 2] = checksum >>> 8;
  buf[at + 3] = checksum & 0xff;
}

/** The message in a new buffer. `payloadLength` is taken from `payload`; for an error with
 * extensions the payload (the quoted datagram) is zero-padded as RFC 4884 requires. */
export function buildIcmp(repr: IcmpRepr, payload: Uint8Array): Uint8Array {
  const padded = extensionsOf(repr) === undefined ? payload.length : icmpPaddedDatagramLength(payload.length);
  const full: IcmpRepr = repr.payloadLength === padded ? repr : { ...repr, payloadLength: padded };
  const out = new Uint8Array(icmpMessageLength(full));
  out.set(payload, ICMP_HEADER_LENGTH);
  emitIcmp(full, out, 0);
  return out;
}

// Hot-path accessors: no checks, no allocation.

export function icmpType(buf: Uint8Array, offset: number): number {
  return buf[offset + TYPE];
}

export function icmpCode(buf: Uint8Array, offset: number): number {
  return buf[offset + CODE];
}

export function icmpEchoIdentifier(buf: Uint8Array, offset: number): number {
  return (buf[offset + 4] << 8) | buf[offset + 5];
}

export function icmpEchoSequenceNumber(buf: Uint8Array, offset: number): number {
  return (buf[offset + 6] << 8) | buf[offset + 7];
}

/** Turns an echo request at `offset` into its reply in place: the type byte and an
 * incremental checksum update (RFC 1624), so the data is not re-summed. */
export function icmpEchoRequestToReply(buf: Uint8Array, offset: number): void {
  const oldWord = (buf[offset] << 8) | buf[offset + 1];
  buf[offset] = IcmpType.EchoReply;
  const newWord = (buf[offset] << 8) | buf[offset + 1];
  const sum = finishChecksum((~((buf[offset + 2] << 8) | buf[offset + 3]) & 0xffff) + (~oldWord & 0xffff) + newWord);
  buf[offset + 2] = sum >>> 8;
  buf[offset + 3] = sum & 0xff;
}
