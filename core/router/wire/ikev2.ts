// IKEv2 messages (RFC 7296 §3), formats only: the 28-byte IKE header, the chain of payloads
// behind it (bodies in ikev2-payloads.ts, the SA payload in ikev2-sa.ts, numbers and names
// in ikev2-registry.ts), the SK/SKF encrypted payload cut into IV, ciphertext and ICV once
// the caller says how long its algorithm's IV and ICV are, the plaintext inside SK, and the
// UDP 4500 non-ESP marker (RFC 3948). No crypto and no state: ikev2/ builds on this.
//
//   parseIkeMessage(bytes) → { repr, raw } | WireError     raw: the exact message bytes, what
//                                                          AUTH signs (RFC 7296 §2.15)
//   buildIkeMessage(repr) → bytes, emitIkeMessage(repr, buf, offset) → length
//   ikeEncryptedParts(message, ivLength, icvLength) → IV, ciphertext, ICV, and the bytes the
//                                                     ICV or an AEAD's associated data cover
//   parseSkPlaintext / buildSkPlaintext              the decrypted payload chain and padding
//   buildPayloadChain, buildSkfPlaintext,            RFC 7383 fragments: the chain cut into
//   skfPlaintextPiece, parseReassembledChain         pieces, each padded; and joined again
//
// Values payloads carry as bytes (CP attributes, ID data, some notify data) have typed
// readers and writers in ikev2-values.ts.
//
// An unknown payload type round-trips as { kind: "unknown" } unless its critical bit is set;
// then parse returns an IkeCriticalPayloadError (a WireError) carrying the type, which the
// caller answers with UNSUPPORTED_CRITICAL_PAYLOAD (RFC 7296 §2.5).

import { WireError, truncated } from "./errors";
import { readU16, readU32, writeU16, writeU32 } from "./bytes";
import { IkePayloadType } from "./ikev2-registry";
import { type IkePayload, emitPayloadBody, ikePayloadType, isKnownIkePayloadType, parsePayloadBody, payloadBodyLength } from "./ikev2-payloads";

export const IKE_PORT = 500;
/** IKE and ESP behind NAT (RFC 3948, RFC 7296 §2.23). */
export const IKE_NAT_T_PORT = 4500;
export const IKE_HEADER_LENGTH = 28;
export const IKE_GENERIC_PAYLOAD_HEADER_LENGTH = 4;
export const IKE_MAJOR_VERSION = 2;
/** Bound on payloads in one chain, against hostile input. */
export const IKE_MAX_PAYLOADS = 128;

/** Flag bits of the header (RFC 7296 §3.1). */
export const IkeFlag = {
  Initiator: 0x08,
  Version: 0x10,
  Response: 0x20,
} as const;

const CRITICAL = 0x80;
const P = "ikev2";

/** The fixed header as it is on the wire, read without judging it. */
export interface IkeHeader {
  readonly initiatorSpi: bigint;
  readonly responderSpi: bigint;
  readonly nextPayload: number;
  readonly majorVersion: number;
  readonly minorVersion: number;
  readonly exchangeType: number;
  /** The flags byte; test it with IkeFlag. */
  readonly flags: number;
  readonly messageId: number;
  readonly length: number;
}

export interface IkeMessageRepr {
  /** 8-byte SPIs as unsigned 64-bit numbers; the responder's is 0 in the first request. */
  readonly initiatorSpi: bigint;
  readonly responderSpi: bigint;
  /** IkeExchangeType. */
  readonly exchangeType: number;
  /** I: sent by the original initiator of the IKE SA. */
  readonly initiator: boolean;
  /** R: a response. */
  readonly response: boolean;
  /** V: the sender speaks a higher major version; parse reports it only when set. */
  readonly higherVersion?: boolean;
  /** Minor version, 0 in RFC 7296; parse reports it only when not 0. */
  readonly minorVersion?: number;
  readonly messageId: number;
  readonly payloads: readonly IkePayload[];
}

export interface IkeMessage {
  readonly repr: IkeMessageRepr;
  /** The message as received, header to last byte (a subarray): the first message's bytes
   * are what the peer's AUTH payload signs (RFC 7296 §2.15). */
  readonly raw: Uint8Array;
}

/** An unknown payload type with its critical bit set (RFC 7296 §2.5): the whole message is
 * rejected and the caller answers UNSUPPORTED_CRITICAL_PAYLOAD with `payloadType` as the
 * notification data. */
export class IkeCriticalPayloadError extends WireError {
  constructor(
    readonly payloadType: number,
    offset: number,
  ) {
    super(P, "critical", offset, `payload type ${payloadType} is not supported and marked critical`);
  }
}

/** Reads the 28-byte header; only its length is checked. */
export function parseIkeHeader(buf: Uint8Array): IkeHeader | WireError {
  if (buf.length < IKE_HEADER_LENGTH) return truncated(P, "header", 0, IKE_HEADER_LENGTH, buf.length);
  return {
    initiatorSpi: readU64(buf, 0),
    responderSpi: readU64(buf, 8),
    nextPayload: buf[16],
    majorVersion: buf[17] >>> 4,
    minorVersion: buf[17] & 0x0f,
    exchangeType: buf[18],
    flags: buf[19],
    messageId: readU32(buf, 20),
    length: readU32(buf, 24),
  };
}

/**
 * Parses one IKE message filling `buf` (a UDP payload, without the non-ESP marker). The
 * major version must be 2: an error on field "major version" is the caller's cue for
 * INVALID_MAJOR_VERSION. Reserved bits and fields are ignored, as RFC 7296 §3 asks.
 */
export function parseIkeMessage(buf: Uint8Array): IkeMessage | WireError {
  const header = parseIkeHeader(buf);
  if (header instanceof WireError) return header;
  if (header.majorVersion !== IKE_MAJOR_VERSION) {
    return new WireError(P, "major version", 17, `${header.majorVersion} is not IKEv2's major version 2`);
  }
  if (header.length !== buf.length) return new WireError(P, "length", 24, `${header.length} is not the ${buf.length} bytes received`);
  const payloads = parsePayloadChain(buf, IKE_HEADER_LENGTH, buf.length, header.nextPayload);
  if (payloads instanceof WireError) return payloads;
  const repr: IkeMessageRepr = {
    initiatorSpi: header.initiatorSpi,
    responderSpi: header.responderSpi,
    exchangeType: header.exchangeType,
    initiator: (header.flags & IkeFlag.Initiator) !== 0,
    response: (header.flags & IkeFlag.Response) !== 0,
    ...(header.flags & IkeFlag.Version ? { higherVersion: true } : {}),
    ...(header.minorVersion !== 0 ? { minorVersion: header.minorVersion } : {}),
    messageId: header.messageId,
    payloads,
  };
  return { repr, raw: buf };
}

/**
 * Parses the payload chain in `buf[start, end)` whose first payload has type `first` (the
 * header's Next Payload, or an SK payload's for the plaintext inside). An SK or SKF payload
 * ends the chain and must end the bytes. One pass; offsets in errors are positions in `buf`.
 */
export function parsePayloadChain(buf: Uint8Array, start: number, end: number, first: number): IkePayload[] | WireError {
  const payloads: IkePayload[] = [];
  let type = first;
  let at = start;
  while (type !== IkePayloadType.NONE) {
    if (payloads.length === IKE_MAX_PAYLOADS) return new WireError(P, "next payload", at, `more than ${IKE_MAX_PAYLOADS} payloads`);
    if (end - at < IKE_GENERIC_PAYLOAD_HEADER_LENGTH) return truncated(P, "generic payload header", at, IKE_GENERIC_PAYLOAD_HEADER_LENGTH, end - at);
    const next = buf[at];
    const critical = (buf[at + 1] & CRITICAL) !== 0;
    const length = readU16(buf, at + 2);
    if (length < IKE_GENERIC_PAYLOAD_HEADER_LENGTH || at + length > end) {
      return new WireError(P, "payload length", at + 2, `${length} does not fit in the ${end - at} bytes left`);
    }
    if (critical && !isKnownIkePayloadType(type)) return new IkeCriticalPayloadError(type, at + 1);
    const payload = parsePayloadBody(type, next, critical, buf, at + IKE_GENERIC_PAYLOAD_HEADER_LENGTH, at + length);
    if (payload instanceof WireError) return payload;
    payloads.push(payload);
    at += length;
    if (type === IkePayloadType.SK || type === IkePayloadType.SKF) {
      // RFC 7296 §3.14, RFC 7383 §2.5: the encrypted payload is the last one.
      if (at !== end) return new WireError(P, "payload length", at - length + 2, `${end - at} bytes follow the encrypted payload, which must be last`);
      return payloads;
    }
    type = next;
  }
  if (at !== end) return new WireError(P, "next payload", at, `${end - at} bytes after the last payload`);
  return payloads;
}

/** The encoded length of a payload chain, generic headers included. */
export function payloadChainLength(payloads: readonly IkePayload[]): number {
  let length = 0;
  for (const p of payloads) length += IKE_GENERIC_PAYLOAD_HEADER_LENGTH + payloadBodyLength(p);
  return length;
}

/** Writes a payload chain at `offset`, each generic header naming the payload after it (an
 * SK or SKF payload names the first payload inside, and must be last); returns its length. */
export function emitPayloadChain(payloads: readonly IkePayload[], buf: Uint8Array, offset: number): number {
  let at = offset;
  payloads.forEach((p, i) => {
    const last = i === payloads.length - 1;
    let next: number;
    if (p.kind === "sk" || p.kind === "skf") {
      if (!last) throw new RangeError(`emitPayloadChain: the ${p.kind} payload must be the last one`);
      next = p.innerNextPayload;
    } else {
      next = last ? IkePayloadType.NONE : ikePayloadType(payloads[i + 1]);
    }
    const length = IKE_GENERIC_PAYLOAD_HEADER_LENGTH + payloadBodyLength(p);
    if (length > 0xffff) throw new RangeError(`emitPayloadChain: a ${p.kind} payload of ${length} bytes overflows its length field`);
    buf[at] = next;
    buf[at + 1] = p.critical ? CRITICAL : 0;
    writeU16(buf, at + 2, length);
    emitPayloadBody(p, buf, at + IKE_GENERIC_PAYLOAD_HEADER_LENGTH);
    at += length;
  });
  return at - offset;
}

export function ikeMessageLength(repr: IkeMessageRepr): number {
  return IKE_HEADER_LENGTH + payloadChainLength(repr.payloads);
}

/** Writes the message at `offset` and returns its length; throws RangeError when it does not
 * fit in `buf` or a field cannot be encoded (a bug in the caller, never input). */
export function emitIkeMessage(repr: IkeMessageRepr, buf: Uint8Array, offset: number): number {
  const length = ikeMessageLength(repr);
  if (offset + length > buf.length) throw new RangeError(`emitIkeMessage: need ${length} bytes at offset ${offset}, buffer has ${buf.length}`);
  writeU64(buf, offset, repr.initiatorSpi);
  writeU64(buf, offset + 8, repr.responderSpi);
  buf[offset + 16] = repr.payloads.length === 0 ? IkePayloadType.NONE : ikePayloadType(repr.payloads[0]);
  buf[offset + 17] = (IKE_MAJOR_VERSION << 4) | ((repr.minorVersion ?? 0) & 0x0f);
  buf[offset + 18] = repr.exchangeType;
  buf[offset + 19] = (repr.initiator ? IkeFlag.Initiator : 0) | (repr.response ? IkeFlag.Response : 0) | (repr.higherVersion ? IkeFlag.Version : 0);
  writeU32(buf, offset + 20, repr.messageId);
  writeU32(buf, offset + 24, length);
  emitPayloadChain(repr.payloads, buf, offset + IKE_HEADER_LENGTH);
  return length;
}

export function buildIkeMessage(repr: IkeMessageRepr): Uint8Array {
  const out = new Uint8Array(ikeMessageLength(repr));
  emitIkeMessage(repr, out, 0);
  return out;
}

/** The SK (or SKF) payload's opaque run cut by the negotiated algorithm's sizes, and the
 * message bytes its integrity check covers (all views into the message). */
export interface IkeEncryptedParts {
  readonly iv: Uint8Array;
  /** Encrypted payloads, padding and pad length. */
  readonly ciphertext: Uint8Array;
  /** Integrity checksum data; for AEAD ciphers (RFC 5282) the authentication tag. */
  readonly icv: Uint8Array;
  /** From the IKE header to the last byte before the IV: an AEAD's associated data
   * (RFC 5282 §5.1; with SKF, its fragment number and total, RFC 7383 §2.5). */
  readonly associatedData: Uint8Array;
  /** From the IKE header to the last byte before the ICV: what a separate integrity
   * algorithm checksums (RFC 7296 §3.14). */
  readonly integrityCovered: Uint8Array;
}

/** Cuts the message's last payload, which must be SK or SKF, into IV, ciphertext and ICV,
 * given the IV and ICV lengths of the negotiated algorithms. */
export function ikeEncryptedParts(message: IkeMessage, ivLength: number, icvLength: number): IkeEncryptedParts | WireError {
  const last = message.repr.payloads[message.repr.payloads.length - 1];
  if (last === undefined || (last.kind !== "sk" && last.kind !== "skf")) {
    return new WireError(P, "next payload", IKE_HEADER_LENGTH, "the message has no encrypted payload");
  }
  const raw = message.raw;
  const ivAt = raw.length - last.data.length;
  if (last.data.length < ivLength + icvLength) {
    return new WireError(P, "encrypted payload", ivAt, `${last.data.length} bytes cannot hold a ${ivLength}-byte IV and a ${icvLength}-byte ICV`);
  }
  const icvAt = raw.length - icvLength;
  return {
    iv: raw.subarray(ivAt, ivAt + ivLength),
    ciphertext: raw.subarray(ivAt + ivLength, icvAt),
    icv: raw.subarray(icvAt),
    associatedData: raw.subarray(0, ivAt),
    integrityCovered: raw.subarray(0, icvAt),
  };
}

/**
 * Parses decrypted SK contents: payloads, padding of any value, and the pad length octet
 * (RFC 7296 §3.14). `first` is the SK payload's innerNextPayload. Offsets in errors are
 * positions in `plain`.
 */
export function parseSkPlaintext(plain: Uint8Array, first: number): IkePayload[] | WireError {
  if (plain.length < 1) return truncated(P, "pad length", 0, 1, 0);
  const padLength = plain[plain.length - 1];
  if (padLength > plain.length - 1) return new WireError(P, "pad length", plain.length - 1, `${padLength} is more than the ${plain.length - 1} bytes before it`);
  return parsePayloadChain(plain, 0, plain.length - 1 - padLength, first);
}

/**
 * The plaintext to encrypt into an SK payload: the payload chain, zero padding and the pad
 * length, a whole number of `blockSize`-byte blocks (16 for AES-CBC, 1 for AES-GCM).
 * innerNextPayload for the SK payload is ikePayloadType(payloads[0]).
 */
export function buildSkPlaintext(payloads: readonly IkePayload[], blockSize: number): Uint8Array {
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > 256) throw new RangeError(`buildSkPlaintext: block size ${blockSize} is not in 1..256`);
  const chainLength = payloadChainLength(payloads);
  const padLength = (blockSize - ((chainLength + 1) % blockSize)) % blockSize;
  const out = new Uint8Array(chainLength + padLength + 1);
  emitPayloadChain(payloads, out, 0);
  out[out.length - 1] = padLength;
  return out;
}

// RFC 7383 §2.5.3: a fragmented message's inner payload chain is emitted once, cut into
// pieces, and each piece is padded and encrypted into its own SKF payload; the receiver
// strips each fragment's padding and parses the joined pieces with fragment 1's Next Payload.

/** The inner payload chain as bytes, without padding: what is cut into fragments. */
export function buildPayloadChain(payloads: readonly IkePayload[]): Uint8Array {
  const out = new Uint8Array(payloadChainLength(payloads));
  emitPayloadChain(payloads, out, 0);
  return out;
}

/** One fragment's plaintext: `piece`, zero padding and the pad length, a whole number of
 * `blockSize`-byte blocks (as buildSkPlaintext, for bytes rather than payloads). */
export function buildSkfPlaintext(piece: Uint8Array, blockSize: number): Uint8Array {
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > 256) throw new RangeError(`buildSkfPlaintext: block size ${blockSize} is not in 1..256`);
  const padLength = (blockSize - ((piece.length + 1) % blockSize)) % blockSize;
  const out = new Uint8Array(piece.length + padLength + 1);
  out.set(piece, 0);
  out[out.length - 1] = padLength;
  return out;
}

/** A decrypted fragment's piece of the payload chain: its plaintext without padding and pad
 * length (a view into `plain`). */
export function skfPlaintextPiece(plain: Uint8Array): Uint8Array | WireError {
  if (plain.length < 1) return truncated(P, "pad length", 0, 1, 0);
  const padLength = plain[plain.length - 1];
  if (padLength > plain.length - 1) return new WireError(P, "pad length", plain.length - 1, `${padLength} is more than the ${plain.length - 1} bytes before it`);
  return plain.subarray(0, plain.length - 1 - padLength);
}

/** The payloads of a reassembled message: the pieces joined, parsed from `first` (fragment
 * 1's Next Payload). */
export function parseReassembledChain(chain: Uint8Array, first: number): IkePayload[] | WireError {
  return parsePayloadChain(chain, 0, chain.length, first);
}

// UDP 4500 carries both ESP and IKE (RFC 3948 §2): IKE behind four zero bytes where ESP's
// SPI would be (an SPI is never 0), and a lone 0xFF byte is a NAT-keepalive.

export const NON_ESP_MARKER_LENGTH = 4;
export const NAT_KEEPALIVE = 0xff;

/** What a UDP 4500 datagram carries: IKE (after the marker), ESP, or a NAT-keepalive. */
export function classifyUdp4500(payload: Uint8Array): "ike" | "esp" | "keepalive" | WireError {
  if (payload.length === 1 && payload[0] === NAT_KEEPALIVE) return "keepalive";
  if (payload.length < NON_ESP_MARKER_LENGTH) return truncated(P, "non-ESP marker", 0, NON_ESP_MARKER_LENGTH, payload.length);
  return readU32(payload, 0) === 0 ? "ike" : "esp";
}

/** The IKE message behind the non-ESP marker, or an error when the marker is not there. */
export function stripNonEspMarker(payload: Uint8Array): Uint8Array | WireError {
  if (classifyUdp4500(payload) !== "ike") return new WireError(P, "non-ESP marker", 0, "the datagram does not start with four zero bytes (RFC 3948 §2.2)");
  return payload.subarray(NON_ESP_MARKER_LENGTH);
}

/** The message with the non-ESP marker in front, for UDP 4500. */
export function withNonEspMarker(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(NON_ESP_MARKER_LENGTH + message.length);
  out.set(message, NON_ESP_MARKER_LENGTH);
  return out;
}

function readU64(buf: Uint8Array, at: number): bigint {
  return (BigInt(readU32(buf, at)) << 32n) | BigInt(readU32(buf, at + 4));
}

function writeU64(buf: Uint8Array, at: number, value: bigint): void {
  writeU32(buf, at, Number((value >> 32n) & 0xffffffffn));
  writeU32(buf, at + 4, Number(value & 0xffffffffn));
}
