// IKEv2 message fragmentation (RFC 7383): once both ends said IKEV2_FRAGMENTATION_SUPPORTED in
// IKE_SA_INIT (and `crypto ikev2 fragmentation [mtu N]` is on here), an encrypted message that
// would not fit in one IP datagram of the MTU is sent as SKF fragments, each one encrypted and
// integrity-protected on its own, all with the message's ID; the receiver checks each fragment
// before it keeps it and parses the message once every fragment is in. Bounded against
// hostile input: MAX_FRAGMENTS per message, MAX_REASSEMBLED_BYTES of plaintext, one message
// being reassembled per direction per SA.

import { isWireError, WireError } from "../wire/errors";
import { IKE_GENERIC_PAYLOAD_HEADER_LENGTH, IKE_HEADER_LENGTH, IKE_NAT_T_PORT, NON_ESP_MARKER_LENGTH, buildIkeMessage, buildPayloadChain, buildSkfPlaintext, ikeEncryptedParts, parseReassembledChain, skfPlaintextPiece, type IkeMessage } from "../wire/ikev2";
import { ikePayloadType, type IkePayload } from "../wire/ikev2-payloads";
import { IkePayloadType } from "../wire/ikev2-registry";
import { openSk, sealSk, skIcvLength, type IkeSuite, type SkKeys } from "./crypto";

/** IOS's `crypto ikev2 fragmentation` MTU when none is given (RFC 7383 §2.5.1's IPv4 576). */
export const FRAGMENTATION_DEFAULT_MTU = 576;
/** Fragments of one message we reassemble at most. */
export const MAX_FRAGMENTS = 64;
/** Plaintext of one reassembled message at most. */
export const MAX_REASSEMBLED_BYTES = 64 * 1024;
/** IPv4 and UDP headers in front of the IKE message. */
const IPV4_UDP_HEADERS = 20 + 8;
/** Fragment Number and Total Fragments after the SKF generic header (RFC 7383 §2.5). */
const SKF_FIELDS = 4;
/** However small the MTU, a fragment carries at least this much of the message (the datagram
 * then exceeds the MTU, and IP fragments it). */
const MIN_PIECE = 64;

/** The largest IKE message, non-ESP marker included on UDP 4500, in one `mtu`-byte datagram. */
export function messageLimit(mtu: number, localPort: number): number {
  return mtu - IPV4_UDP_HEADERS - (localPort === IKE_NAT_T_PORT ? NON_ESP_MARKER_LENGTH : 0);
}

/** How many plaintext bytes of the payload chain one fragment carries under `suite`. */
export function pieceLength(suite: IkeSuite, limit: number): number {
  const room = limit - IKE_HEADER_LENGTH - IKE_GENERIC_PAYLOAD_HEADER_LENGTH - SKF_FIELDS - suite.encr.ivLength - skIcvLength(suite);
  const padded = Math.floor(room / suite.encr.blockSize) * suite.encr.blockSize;
  return Math.max(MIN_PIECE, padded - 1);
}

export interface MessageHeader {
  readonly initiatorSpi: bigint;
  readonly responderSpi: bigint;
  readonly exchangeType: number;
  readonly initiator: boolean;
  readonly response: boolean;
  readonly messageId: number;
}

/** The message's payloads as SKF fragments of at most `limit` bytes (RFC 7383 §2.5.3): the
 * chain cut into pieces, each padded, encrypted and authenticated alone; fragment 1's SKF
 * header names the first payload, the others 0. */
export function sealFragments(suite: IkeSuite, keys: SkKeys, header: MessageHeader, payloads: readonly IkePayload[], limit: number): Uint8Array[] {
  const chain = buildPayloadChain(payloads);
  const piece = pieceLength(suite, limit);
  const total = Math.max(1, Math.ceil(chain.length / piece));
  const first = payloads.length ? ikePayloadType(payloads[0]) : IkePayloadType.NONE;
  const out: Uint8Array[] = [];
  for (let n = 1; n <= total; n++) {
    const plain = buildSkfPlaintext(chain.subarray((n - 1) * piece, n * piece), suite.encr.blockSize);
    const data = new Uint8Array(suite.encr.ivLength + plain.length + skIcvLength(suite));
    const message = buildIkeMessage({ ...header, payloads: [{ kind: "skf", innerNextPayload: n === 1 ? first : 0, fragmentNumber: n, totalFragments: total, data }] });
    // The IKE header and the SKF header with its numbers are what the AEAD's associated data
    // or the ICV cover (RFC 7383 §2.5.3).
    sealSk(suite, keys, message, IKE_HEADER_LENGTH + IKE_GENERIC_PAYLOAD_HEADER_LENGTH + SKF_FIELDS, plain);
    out.push(message);
  }
  return out;
}

/** One message being put back together from its fragments. */
export interface Reassembly {
  readonly messageId: number;
  readonly exchangeType: number;
  readonly total: number;
  /** Fragment 1's Next Payload, once it is in. */
  first: number | undefined;
  readonly pieces: (Uint8Array | undefined)[];
  received: number;
  bytes: number;
}

/** What a received fragment did. */
export type FragmentResult =
  | { readonly kind: "complete"; readonly payloads: IkePayload[]; readonly fragments: number }
  | { readonly kind: "stored"; readonly fragmentNumber: number; readonly totalFragments: number }
  /** A duplicate, or one of an older fragmentation of the message: not an error. */
  | { readonly kind: "ignored" }
  | { readonly kind: "integrity" }
  | { readonly kind: "dropped"; readonly reason: string }
  | { readonly kind: "malformed"; readonly error: WireError };

/**
 * Takes one SKF message into `slot` (the reassembly of its direction: requests from the peer,
 * or responses to ours). RFC 7383 §2.6: the fragment is checked and decrypted before it is
 * kept; a fragment announcing more fragments than the stored ones restarts the reassembly (the
 * sender fragmented again, smaller), one announcing fewer is ignored, as is a duplicate.
 */
export function takeFragment(slot: { current: Reassembly | undefined }, suite: IkeSuite, keys: SkKeys, message: IkeMessage): FragmentResult {
  const skf = message.repr.payloads[message.repr.payloads.length - 1];
  if (skf?.kind !== "skf") return { kind: "malformed", error: new WireError("ikev2", "next payload", IKE_HEADER_LENGTH, "the message has no SKF payload") };
  if (skf.totalFragments > MAX_FRAGMENTS) return { kind: "dropped", reason: `${skf.totalFragments} fragments, more than ${MAX_FRAGMENTS}` };
  const { messageId, exchangeType } = message.repr;
  let r = slot.current;
  if (r !== undefined && (r.messageId !== messageId || r.exchangeType !== exchangeType)) r = undefined;
  if (r !== undefined && skf.totalFragments < r.total) return { kind: "ignored" };
  if (r !== undefined && r.pieces[skf.fragmentNumber - 1] !== undefined && skf.totalFragments === r.total) return { kind: "ignored" };
  const parts = ikeEncryptedParts(message, suite.encr.ivLength, skIcvLength(suite));
  if (isWireError(parts)) return { kind: "malformed", error: parts };
  const plain = openSk(suite, keys, parts);
  if (plain === undefined) return { kind: "integrity" };
  const piece = skfPlaintextPiece(plain);
  if (isWireError(piece)) return { kind: "malformed", error: piece };
  if (r === undefined || skf.totalFragments > r.total) {
    r = { messageId, exchangeType, total: skf.totalFragments, first: undefined, pieces: new Array<Uint8Array | undefined>(skf.totalFragments).fill(undefined), received: 0, bytes: 0 };
  }
  if (r.bytes + piece.length > MAX_REASSEMBLED_BYTES) {
    slot.current = undefined;
    return { kind: "dropped", reason: `more than ${MAX_REASSEMBLED_BYTES} bytes reassembled` };
  }
  slot.current = r;
  r.pieces[skf.fragmentNumber - 1] = piece;
  r.received++;
  r.bytes += piece.length;
  if (skf.fragmentNumber === 1) r.first = skf.innerNextPayload;
  if (r.received < r.total) return { kind: "stored", fragmentNumber: skf.fragmentNumber, totalFragments: r.total };
  slot.current = undefined;
  const chain = new Uint8Array(r.bytes);
  let at = 0;
  for (const p of r.pieces) {
    chain.set(p!, at);
    at += p!.length;
  }
  const payloads = parseReassembledChain(chain, r.first ?? IkePayloadType.NONE);
  if (isWireError(payloads)) return { kind: "malformed", error: payloads };
  return { kind: "complete", payloads, fragments: r.total };
}
