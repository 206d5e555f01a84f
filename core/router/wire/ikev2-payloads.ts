// The IKEv2 payload bodies (RFC 7296 §3.3-3.16, SKF RFC 7383 §2.5): one variant of
// `IkePayload` per payload type, parsed from and emitted into the bytes after each payload's
// 4-byte generic header (which ikev2.ts reads and writes). Byte fields (nonces, KE data,
// SPIs, notification data, ...) are views into the buffer that was parsed, not copies.

import { type Ipv4, readIpv4, writeIpv4 } from "./addr";
import { WireError, truncated } from "./errors";
import { readU16, writeU16 } from "./bytes";
import { IkePayloadType, TsType } from "./ikev2-registry";
import { type IkeProposal, emitSaBody, parseSaBody, saBodyLength } from "./ikev2-sa";

/** Bound on configuration attributes in one CP payload, against hostile input. */
export const IKE_MAX_CFG_ATTRIBUTES = 256;

/** A traffic selector (RFC 7296 §3.13.1): an IPv4 range decoded, any other type kept whole. */
export type TrafficSelector =
  | {
      readonly kind: "ipv4-range";
      /** IP protocol, 0 for any. */
      readonly ipProtocol: number;
      readonly startPort: number;
      readonly endPort: number;
      readonly startAddress: Ipv4;
      readonly endAddress: Ipv4;
    }
  | {
      readonly kind: "other";
      /** TsType, e.g. TS_IPV6_ADDR_RANGE. */
      readonly tsType: number;
      readonly ipProtocol: number;
      /** Everything after the type, protocol and length (ports and addresses for IPv6). */
      readonly data: Uint8Array;
    };

/** A configuration attribute (RFC 7296 §3.15.1): empty `value` in a CFG_REQUEST asks for
 * one. Values stay bytes; cfgIpv4 and friends in ikev2.ts read the common ones. */
export interface CfgAttribute {
  /** CfgAttributeType, or a vendor's private number. */
  readonly type: number;
  readonly value: Uint8Array;
}

/**
 * One payload. `critical` is the generic header's C bit, kept as sent (RFC 7296 §3.2: set
 * only on payload types the sender wants understood); parse reports it only when set.
 */
export type IkePayload = { readonly critical?: boolean } & (
  | { readonly kind: "sa"; readonly proposals: readonly IkeProposal[] }
  | { readonly kind: "ke"; readonly dhGroup: number; readonly data: Uint8Array }
  | { readonly kind: "idi" | "idr"; readonly idType: number; readonly data: Uint8Array }
  | { readonly kind: "cert" | "certreq"; readonly encoding: number; readonly data: Uint8Array }
  | { readonly kind: "auth"; readonly method: number; readonly data: Uint8Array }
  /** 16 to 256 bytes (RFC 7296 §3.9). */
  | { readonly kind: "nonce"; readonly data: Uint8Array }
  | { readonly kind: "notify"; readonly protocolId: number; readonly spi: Uint8Array; readonly notifyType: number; readonly data: Uint8Array }
  /** Every SPI is `spiSize` bytes; an IKE SA delete has size 0 and no SPIs. */
  | { readonly kind: "delete"; readonly protocolId: number; readonly spiSize: number; readonly spis: readonly Uint8Array[] }
  | { readonly kind: "vendor-id"; readonly data: Uint8Array }
  | { readonly kind: "tsi" | "tsr"; readonly selectors: readonly TrafficSelector[] }
  /** Encrypted and authenticated (RFC 7296 §3.14): IV, ciphertext and ICV as one opaque
   * run (splitEncrypted in ikev2.ts cuts it once the algorithm is known); its generic
   * header's Next Payload names the first payload inside. Always the last payload. */
  | { readonly kind: "sk"; readonly innerNextPayload: number; readonly data: Uint8Array }
  /** One fragment of an SK payload (RFC 7383 §2.5); innerNextPayload is 0 except in
   * fragment 1. */
  | {
      readonly kind: "skf";
      readonly innerNextPayload: number;
      readonly fragmentNumber: number;
      readonly totalFragments: number;
      readonly data: Uint8Array;
    }
  | { readonly kind: "cp"; readonly cfgType: number; readonly attributes: readonly CfgAttribute[] }
  /** An EAP message (RFC 3748), opaque here. */
  | { readonly kind: "eap"; readonly data: Uint8Array }
  /** A payload type we do not decode, not marked critical: kept so it round-trips. */
  | { readonly kind: "unknown"; readonly payloadType: number; readonly data: Uint8Array }
);

export type IkePayloadKind = IkePayload["kind"];

const kindToType: Record<Exclude<IkePayloadKind, "unknown">, number> = {
  sa: IkePayloadType.SA,
  ke: IkePayloadType.KE,
  idi: IkePayloadType.IDi,
  idr: IkePayloadType.IDr,
  cert: IkePayloadType.CERT,
  certreq: IkePayloadType.CERTREQ,
  auth: IkePayloadType.AUTH,
  nonce: IkePayloadType.Nonce,
  notify: IkePayloadType.N,
  delete: IkePayloadType.D,
  "vendor-id": IkePayloadType.V,
  tsi: IkePayloadType.TSi,
  tsr: IkePayloadType.TSr,
  sk: IkePayloadType.SK,
  skf: IkePayloadType.SKF,
  cp: IkePayloadType.CP,
  eap: IkePayloadType.EAP,
};

/** The Next Payload number that announces `p`. */
export function ikePayloadType(p: IkePayload): number {
  return p.kind === "unknown" ? p.payloadType : kindToType[p.kind];
}

/** Whether we decode payload type `n` (an unknown critical one fails the message). */
export function isKnownIkePayloadType(n: number): boolean {
  return typeToKind.has(n);
}

const typeToKind = new Map<number, string>(Object.entries(kindToType).map(([kind, n]) => [n, kind]));

const P = "ikev2";

/** A truncation error when the body is shorter than its fixed part of `need` bytes. */
function fixedPart(buf: Uint8Array, start: number, end: number, need: number, field: string): WireError | undefined {
  return end - start < need ? truncated(P, field, start, need, end - start) : undefined;
}

/**
 * Parses the body `buf[start, end)` of a payload of type `type` whose generic header carried
 * `nextPayload` (needed for SK and SKF) and C bit `critical`. Offsets in errors are positions
 * in `buf`. Types we do not decode come back as "unknown"; the caller rejects critical ones.
 */
export function parsePayloadBody(type: number, nextPayload: number, critical: boolean, buf: Uint8Array, start: number, end: number): IkePayload | WireError {
  const c = critical ? { critical: true } : {};
  let short: WireError | undefined;
  switch (type) {
    case IkePayloadType.SA: {
      const proposals = parseSaBody(buf, start, end);
      return proposals instanceof WireError ? proposals : { ...c, kind: "sa", proposals };
    }
    case IkePayloadType.KE:
      if ((short = fixedPart(buf, start, end, 4, "Diffie-Hellman group num"))) return short;
      return { ...c, kind: "ke", dhGroup: readU16(buf, start), data: buf.subarray(start + 4, end) };
    case IkePayloadType.IDi:
    case IkePayloadType.IDr:
      if ((short = fixedPart(buf, start, end, 4, "ID type"))) return short;
      return { ...c, kind: type === IkePayloadType.IDi ? "idi" : "idr", idType: buf[start], data: buf.subarray(start + 4, end) };
    case IkePayloadType.CERT:
    case IkePayloadType.CERTREQ:
      if ((short = fixedPart(buf, start, end, 1, "cert encoding"))) return short;
      return { ...c, kind: type === IkePayloadType.CERT ? "cert" : "certreq", encoding: buf[start], data: buf.subarray(start + 1, end) };
    case IkePayloadType.AUTH:
      if ((short = fixedPart(buf, start, end, 4, "auth method"))) return short;
      return { ...c, kind: "auth", method: buf[start], data: buf.subarray(start + 4, end) };
    case IkePayloadType.Nonce:
      if (end - start < 16 || end - start > 256) return new WireError(P, "nonce data", start, `${end - start} bytes, not 16 to 256 (RFC 7296 §3.9)`);
      return { ...c, kind: "nonce", data: buf.subarray(start, end) };
    case IkePayloadType.N: {
      if ((short = fixedPart(buf, start, end, 4, "notify message type"))) return short;
      const spiEnd = start + 4 + buf[start + 1];
      if (spiEnd > end) return new WireError(P, "SPI size", start + 1, `${buf[start + 1]} runs past the payload`);
      return { ...c, kind: "notify", protocolId: buf[start], spi: buf.subarray(start + 4, spiEnd), notifyType: readU16(buf, start + 2), data: buf.subarray(spiEnd, end) };
    }
    case IkePayloadType.D: {
      if ((short = fixedPart(buf, start, end, 4, "num of SPIs"))) return short;
      const spiSize = buf[start + 1];
      const count = readU16(buf, start + 2);
      if (count * spiSize !== end - start - 4 || (spiSize === 0 && count !== 0)) {
        return new WireError(P, "num of SPIs", start + 2, `${count} SPIs of ${spiSize} bytes do not fill the ${end - start - 4} bytes after them`);
      }
      const spis: Uint8Array[] = [];
      for (let at = start + 4; at < end; at += spiSize) spis.push(buf.subarray(at, at + spiSize));
      return { ...c, kind: "delete", protocolId: buf[start], spiSize, spis };
    }
    case IkePayloadType.V:
      return { ...c, kind: "vendor-id", data: buf.subarray(start, end) };
    case IkePayloadType.TSi:
    case IkePayloadType.TSr: {
      const selectors = parseSelectors(buf, start, end);
      return selectors instanceof WireError ? selectors : { ...c, kind: type === IkePayloadType.TSi ? "tsi" : "tsr", selectors };
    }
    case IkePayloadType.SK:
      return { ...c, kind: "sk", innerNextPayload: nextPayload, data: buf.subarray(start, end) };
    case IkePayloadType.SKF: {
      if ((short = fixedPart(buf, start, end, 4, "fragment number"))) return short;
      const fragmentNumber = readU16(buf, start);
      const totalFragments = readU16(buf, start + 2);
      if (fragmentNumber === 0 || fragmentNumber > totalFragments) {
        return new WireError(P, "fragment number", start, `${fragmentNumber} is not in 1..${totalFragments} (RFC 7383 §2.5)`);
      }
      if (fragmentNumber !== 1 && nextPayload !== 0) {
        return new WireError(P, "next payload", start - 4, `fragment ${fragmentNumber} names a payload; only fragment 1 does (RFC 7383 §2.5)`);
      }
      return { ...c, kind: "skf", innerNextPayload: nextPayload, fragmentNumber, totalFragments, data: buf.subarray(start + 4, end) };
    }
    case IkePayloadType.CP: {
      if ((short = fixedPart(buf, start, end, 4, "CFG type"))) return short;
      const attributes = parseCfgAttributes(buf, start + 4, end);
      return attributes instanceof WireError ? attributes : { ...c, kind: "cp", cfgType: buf[start], attributes };
    }
    case IkePayloadType.EAP:
      return { ...c, kind: "eap", data: buf.subarray(start, end) };
    default:
      return { ...c, kind: "unknown", payloadType: type, data: buf.subarray(start, end) };
  }
}

const TS_IPV4_LENGTH = 16;

function parseSelectors(buf: Uint8Array, start: number, end: number): TrafficSelector[] | WireError {
  if (end - start < 4) return truncated(P, "number of TSs", start, 4, end - start);
  const count = buf[start];
  const selectors: TrafficSelector[] = [];
  let at = start + 4;
  for (let i = 0; i < count; i++) {
    if (end - at < 4) return truncated(P, "traffic selector", at, 4, end - at);
    const tsType = buf[at];
    const length = readU16(buf, at + 2);
    if (length < 4 || at + length > end) return new WireError(P, "selector length", at + 2, `${length} does not fit in the ${end - at} bytes left`);
    if (tsType === TsType.TS_IPV4_ADDR_RANGE) {
      if (length !== TS_IPV4_LENGTH) return new WireError(P, "selector length", at + 2, `${length}, not 16, for TS_IPV4_ADDR_RANGE`);
      selectors.push({
        kind: "ipv4-range",
        ipProtocol: buf[at + 1],
        startPort: readU16(buf, at + 4),
        endPort: readU16(buf, at + 6),
        startAddress: readIpv4(buf, at + 8),
        endAddress: readIpv4(buf, at + 12),
      });
    } else {
      selectors.push({ kind: "other", tsType, ipProtocol: buf[at + 1], data: buf.subarray(at + 4, at + length) });
    }
    at += length;
  }
  if (at !== end) return new WireError(P, "number of TSs", start, `${count} selectors leave ${end - at} bytes unused`);
  return selectors;
}

function parseCfgAttributes(buf: Uint8Array, start: number, end: number): CfgAttribute[] | WireError {
  const attributes: CfgAttribute[] = [];
  let at = start;
  while (at < end) {
    if (end - at < 4) return truncated(P, "configuration attribute", at, 4, end - at);
    if (attributes.length === IKE_MAX_CFG_ATTRIBUTES) return new WireError(P, "configuration attribute", at, `more than ${IKE_MAX_CFG_ATTRIBUTES} attributes`);
    const length = readU16(buf, at + 2);
    if (at + 4 + length > end) return new WireError(P, "attribute length", at + 2, `${length} runs past the payload`);
    attributes.push({ type: readU16(buf, at) & 0x7fff, value: buf.subarray(at + 4, at + 4 + length) });
    at += 4 + length;
  }
  return attributes;
}

/** The body's length, without the 4-byte generic header. */
export function payloadBodyLength(p: IkePayload): number {
  switch (p.kind) {
    case "sa":
      return saBodyLength(p.proposals);
    case "ke":
    case "idi":
    case "idr":
    case "auth":
      return 4 + p.data.length;
    case "cert":
    case "certreq":
      return 1 + p.data.length;
    case "notify":
      return 4 + p.spi.length + p.data.length;
    case "delete":
      return 4 + p.spiSize * p.spis.length;
    case "tsi":
    case "tsr": {
      let length = 4;
      for (const s of p.selectors) length += s.kind === "ipv4-range" ? TS_IPV4_LENGTH : 4 + s.data.length;
      return length;
    }
    case "skf":
      return 4 + p.data.length;
    case "cp": {
      let length = 4;
      for (const a of p.attributes) length += 4 + a.value.length;
      return length;
    }
    case "nonce":
    case "vendor-id":
    case "sk":
    case "eap":
    case "unknown":
      return p.data.length;
  }
}

/** Writes the body at `offset` (after the generic header) and returns its length. Field
 * values that cannot be encoded are a bug in the caller: RangeError. */
export function emitPayloadBody(p: IkePayload, buf: Uint8Array, offset: number): number {
  const at = offset;
  switch (p.kind) {
    case "sa":
      return emitSaBody(p.proposals, buf, at);
    case "ke":
      writeU16(buf, at, p.dhGroup);
      writeU16(buf, at + 2, 0);
      buf.set(p.data, at + 4);
      break;
    case "idi":
    case "idr":
      writeHead(buf, at, p.idType);
      buf.set(p.data, at + 4);
      break;
    case "auth":
      writeHead(buf, at, p.method);
      buf.set(p.data, at + 4);
      break;
    case "cert":
    case "certreq":
      buf[at] = p.encoding;
      buf.set(p.data, at + 1);
      break;
    case "notify":
      if (p.spi.length > 0xff) throw new RangeError("emitPayloadBody: a notify SPI over 255 bytes");
      buf[at] = p.protocolId;
      buf[at + 1] = p.spi.length;
      writeU16(buf, at + 2, p.notifyType);
      buf.set(p.spi, at + 4);
      buf.set(p.data, at + 4 + p.spi.length);
      break;
    case "delete": {
      if (p.spis.length > 0xffff || p.spis.some((spi) => spi.length !== p.spiSize)) {
        throw new RangeError(`emitPayloadBody: delete SPIs must all be ${p.spiSize} bytes, at most 65535 of them`);
      }
      buf[at] = p.protocolId;
      buf[at + 1] = p.spiSize;
      writeU16(buf, at + 2, p.spis.length);
      p.spis.forEach((spi, i) => buf.set(spi, at + 4 + i * p.spiSize));
      break;
    }
    case "tsi":
    case "tsr": {
      if (p.selectors.length > 0xff) throw new RangeError("emitPayloadBody: more than 255 traffic selectors");
      writeHead(buf, at, p.selectors.length);
      let s = at + 4;
      for (const ts of p.selectors) {
        if (ts.kind === "ipv4-range") {
          buf[s] = TsType.TS_IPV4_ADDR_RANGE;
          buf[s + 1] = ts.ipProtocol;
          writeU16(buf, s + 2, TS_IPV4_LENGTH);
          writeU16(buf, s + 4, ts.startPort);
          writeU16(buf, s + 6, ts.endPort);
          writeIpv4(buf, s + 8, ts.startAddress);
          writeIpv4(buf, s + 12, ts.endAddress);
          s += TS_IPV4_LENGTH;
        } else {
          buf[s] = ts.tsType;
          buf[s + 1] = ts.ipProtocol;
          writeU16(buf, s + 2, 4 + ts.data.length);
          buf.set(ts.data, s + 4);
          s += 4 + ts.data.length;
        }
      }
      break;
    }
    case "skf":
      writeU16(buf, at, p.fragmentNumber);
      writeU16(buf, at + 2, p.totalFragments);
      buf.set(p.data, at + 4);
      break;
    case "cp": {
      writeHead(buf, at, p.cfgType);
      let a = at + 4;
      for (const attr of p.attributes) {
        writeU16(buf, a, attr.type & 0x7fff);
        writeU16(buf, a + 2, attr.value.length);
        buf.set(attr.value, a + 4);
        a += 4 + attr.value.length;
      }
      break;
    }
    case "nonce":
    case "vendor-id":
    case "sk":
    case "eap":
    case "unknown":
      buf.set(p.data, at);
      break;
  }
  return payloadBodyLength(p);
}

/**
 * A payload's body as bytes, without the generic header: for an IDi/IDr payload the
 * RestOfInitIDPayload / RestOfRespIDPayload that AUTH's MACedIDFor* is computed over
 * (RFC 7296 §2.15; reserved bytes as zero, which every sender must send).
 */
export function buildPayloadBody(p: IkePayload): Uint8Array {
  const out = new Uint8Array(payloadBodyLength(p));
  emitPayloadBody(p, out, 0);
  return out;
}

/** A one-byte field followed by three reserved zero bytes. */
function writeHead(buf: Uint8Array, at: number, value: number): void {
  buf[at] = value;
  buf[at + 1] = 0;
  buf[at + 2] = 0;
  buf[at + 3] = 0;
}
