// The body of the IKEv2 SA payload (RFC 7296 §3.3): proposals, each with its transforms,
// each with its attributes (in practice only Key Length). Numbers stay numbers (names in
// ikev2-registry.ts), so unknown algorithms round-trip. Parsing is one pass over the bytes
// and every count is bounded, so a hostile SA payload costs at most its length.

import { WireError, truncated } from "./errors";
import { readU16, writeU16 } from "./bytes";
import { TransformAttributeType } from "./ikev2-registry";

/** Bounds against hostile input, well above what any real peer offers (strongSwan's widest
 * default proposal has a few dozen transforms). */
export const IKE_MAX_PROPOSALS = 64;
export const IKE_MAX_TRANSFORMS = 128;
export const IKE_MAX_TRANSFORM_ATTRIBUTES = 16;

const LAST = 0;
const MORE_PROPOSALS = 2;
const MORE_TRANSFORMS = 3;
const PROPOSAL_HEADER = 8;
const TRANSFORM_HEADER = 8;
const ATTRIBUTE_FORMAT_TV = 0x8000;

/** A transform attribute (RFC 7296 §3.3.5): a 16-bit value (TV, AF bit set) or a
 * variable-length one (TLV). */
export type TransformAttribute =
  | { readonly format: "tv"; readonly type: number; readonly value: number }
  | { readonly format: "tlv"; readonly type: number; readonly value: Uint8Array };

export interface IkeTransform {
  /** TransformType: ENCR, PRF, INTEG, DH or ESN. */
  readonly type: number;
  /** The algorithm within the type (EncrId, PrfId, IntegId, DhGroup, EsnId). */
  readonly id: number;
  readonly attributes: readonly TransformAttribute[];
}

export interface IkeProposal {
  /** Proposal Num: 1, 2, ... in an offer; the accepted one's number in a reply. */
  readonly number: number;
  /** IkeProtocolId: IKE for the IKE SA, ESP (or AH) for a Child SA. */
  readonly protocolId: number;
  /** The sender's SPI: empty for IKE in IKE_SA_INIT, 8 bytes when rekeying the IKE SA,
   * 4 bytes for ESP and AH. */
  readonly spi: Uint8Array;
  readonly transforms: readonly IkeTransform[];
}

/** The Key Length attribute in bits (ENCR_AES_CBC 128/192/256), or undefined. */
export function transformKeyLength(transform: IkeTransform): number | undefined {
  for (const a of transform.attributes) {
    if (a.format === "tv" && a.type === TransformAttributeType.KEY_LENGTH) return a.value;
  }
  return undefined;
}

/** A transform with just a Key Length attribute when `keyLengthBits` is given. */
export function transform(type: number, id: number, keyLengthBits?: number): IkeTransform {
  const attributes: TransformAttribute[] =
    keyLengthBits === undefined ? [] : [{ format: "tv", type: TransformAttributeType.KEY_LENGTH, value: keyLengthBits }];
  return { type, id, attributes };
}

const P = "ikev2";

/** Parses the proposals in `buf[start, end)`, the SA payload's body; offsets in errors are
 * positions in `buf`. */
export function parseSaBody(buf: Uint8Array, start: number, end: number): IkeProposal[] | WireError {
  const proposals: IkeProposal[] = [];
  let at = start;
  for (;;) {
    if (end - at < PROPOSAL_HEADER) return truncated(P, "proposal", at, PROPOSAL_HEADER, end - at);
    if (proposals.length === IKE_MAX_PROPOSALS) return new WireError(P, "proposal", at, `more than ${IKE_MAX_PROPOSALS} proposals`);
    const last = buf[at];
    if (last !== LAST && last !== MORE_PROPOSALS) return new WireError(P, "proposal last substruc", at, `${last} is neither 0 nor 2`);
    const length = readU16(buf, at + 2);
    if (length < PROPOSAL_HEADER || at + length > end) {
      return new WireError(P, "proposal length", at + 2, `${length} does not fit in the ${end - at} bytes left`);
    }
    const spiSize = buf[at + 6];
    const count = buf[at + 7];
    if (PROPOSAL_HEADER + spiSize > length) return new WireError(P, "SPI size", at + 6, `${spiSize} does not fit in proposal length ${length}`);
    if (count > IKE_MAX_TRANSFORMS) return new WireError(P, "num transforms", at + 7, `${count} is more than ${IKE_MAX_TRANSFORMS}`);
    const transformsAt = at + PROPOSAL_HEADER + spiSize;
    const transforms = parseTransforms(buf, transformsAt, at + length, count, at + 7);
    if (transforms instanceof WireError) return transforms;
    proposals.push({ number: buf[at + 4], protocolId: buf[at + 5], spi: buf.subarray(at + PROPOSAL_HEADER, transformsAt), transforms });
    at += length;
    if (last === LAST) break;
  }
  if (at !== end) return new WireError(P, "proposal", at, `${end - at} bytes after the last proposal`);
  return proposals;
}

function parseTransforms(buf: Uint8Array, start: number, end: number, count: number, countAt: number): IkeTransform[] | WireError {
  const transforms: IkeTransform[] = [];
  let at = start;
  while (at < end) {
    if (end - at < TRANSFORM_HEADER) return truncated(P, "transform", at, TRANSFORM_HEADER, end - at);
    const last = buf[at];
    if (last !== LAST && last !== MORE_TRANSFORMS) return new WireError(P, "transform last substruc", at, `${last} is neither 0 nor 3`);
    const length = readU16(buf, at + 2);
    if (length < TRANSFORM_HEADER || at + length > end) {
      return new WireError(P, "transform length", at + 2, `${length} does not fit in the ${end - at} bytes left of the proposal`);
    }
    if (transforms.length === count) return new WireError(P, "num transforms", countAt, `says ${count}, but more transforms follow`);
    const attributes = parseAttributes(buf, at + TRANSFORM_HEADER, at + length);
    if (attributes instanceof WireError) return attributes;
    transforms.push({ type: buf[at + 4], id: readU16(buf, at + 6), attributes });
    at += length;
    if ((last === LAST) !== (at === end)) {
      return new WireError(P, "transform last substruc", at - length, last === LAST ? "0 on a transform that is not the last" : "3 on the last transform");
    }
  }
  if (transforms.length !== count) return new WireError(P, "num transforms", countAt, `says ${count}, the proposal holds ${transforms.length}`);
  return transforms;
}

function parseAttributes(buf: Uint8Array, start: number, end: number): TransformAttribute[] | WireError {
  const attributes: TransformAttribute[] = [];
  let at = start;
  while (at < end) {
    if (end - at < 4) return truncated(P, "transform attribute", at, 4, end - at);
    if (attributes.length === IKE_MAX_TRANSFORM_ATTRIBUTES) {
      return new WireError(P, "transform attribute", at, `more than ${IKE_MAX_TRANSFORM_ATTRIBUTES} attributes`);
    }
    const typeField = readU16(buf, at);
    const type = typeField & 0x7fff;
    const lengthOrValue = readU16(buf, at + 2);
    if (typeField & ATTRIBUTE_FORMAT_TV) {
      attributes.push({ format: "tv", type, value: lengthOrValue });
      at += 4;
      continue;
    }
    if (at + 4 + lengthOrValue > end) return new WireError(P, "attribute length", at + 2, `${lengthOrValue} runs past the transform`);
    attributes.push({ format: "tlv", type, value: buf.subarray(at + 4, at + 4 + lengthOrValue) });
    at += 4 + lengthOrValue;
  }
  return attributes;
}

function transformLength(t: IkeTransform): number {
  let length = TRANSFORM_HEADER;
  for (const a of t.attributes) length += a.format === "tv" ? 4 : 4 + a.value.length;
  return length;
}

function proposalLength(p: IkeProposal): number {
  let length = PROPOSAL_HEADER + p.spi.length;
  for (const t of p.transforms) length += transformLength(t);
  return length;
}

export function saBodyLength(proposals: readonly IkeProposal[]): number {
  let length = 0;
  for (const p of proposals) length += proposalLength(p);
  return length;
}

/** Writes the proposals at `offset` and returns their length. A repr no parser could have
 * produced (no proposals, an SPI over 255 bytes, a length past 65535) is a bug: RangeError. */
export function emitSaBody(proposals: readonly IkeProposal[], buf: Uint8Array, offset: number): number {
  if (proposals.length === 0) throw new RangeError("emitSaBody: an SA payload needs at least one proposal");
  let at = offset;
  proposals.forEach((p, i) => {
    const length = proposalLength(p);
    if (length > 0xffff || p.spi.length > 0xff || p.transforms.length > 0xff) {
      throw new RangeError(`emitSaBody: proposal ${p.number} does not fit its length, SPI size or transform count fields`);
    }
    buf[at] = i === proposals.length - 1 ? LAST : MORE_PROPOSALS;
    buf[at + 1] = 0;
    writeU16(buf, at + 2, length);
    buf[at + 4] = p.number;
    buf[at + 5] = p.protocolId;
    buf[at + 6] = p.spi.length;
    buf[at + 7] = p.transforms.length;
    buf.set(p.spi, at + PROPOSAL_HEADER);
    let t = at + PROPOSAL_HEADER + p.spi.length;
    p.transforms.forEach((transform, j) => {
      const tLength = transformLength(transform);
      buf[t] = j === p.transforms.length - 1 ? LAST : MORE_TRANSFORMS;
      buf[t + 1] = 0;
      writeU16(buf, t + 2, tLength);
      buf[t + 4] = transform.type;
      buf[t + 5] = 0;
      writeU16(buf, t + 6, transform.id);
      let a = t + TRANSFORM_HEADER;
      for (const attr of transform.attributes) {
        if (attr.format === "tv") {
          writeU16(buf, a, ATTRIBUTE_FORMAT_TV | attr.type);
          writeU16(buf, a + 2, attr.value);
          a += 4;
        } else {
          writeU16(buf, a, attr.type & 0x7fff);
          writeU16(buf, a + 2, attr.value.length);
          buf.set(attr.value, a + 4);
          a += 4 + attr.value.length;
        }
      }
      t += tLength;
    });
    at += length;
  });
  return at - offset;
}
