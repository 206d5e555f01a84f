// BGP-4 messages (RFC 4271 §4): the 19-byte header (16-byte all-ones marker, length, type),
// OPEN with optional parameters and capabilities (RFC 5492: multiprotocol RFC 4760, route
// refresh RFC 2918 and Cisco's pre-standard code 128, 4-octet AS RFC 6793; others kept as
// code and bytes), UPDATE (withdrawn routes, path attributes from bgp-attributes.ts, NLRI),
// NOTIFICATION, KEEPALIVE and ROUTE-REFRESH (RFC 2918, subtype from RFC 7313). Not here:
// RFC 8654 extended messages and RFC 9072 extended optional parameters lengths (neither is
// negotiated by this stack), ADD-PATH path identifiers (RFC 7911).
//
// BGP runs over a TCP byte stream: `bgpMessageLengthAt` tells a reader how many bytes the
// next message needs; `parseBgpMessage` then reads one message from the front of a buffer.
// Errors are BgpErrors (bgp-errors.ts): each carries the RFC 7606 action and the
// NOTIFICATION to send. Non-fatal UPDATE faults (treat-as-withdraw, attribute-discard) come
// back beside the message in `faults`, with the faulty attributes left out of it.
//
//   const r = parseBgpMessage(bytes, { fourOctetAs: true });
//   if (isWireError(r)) → send NOTIFICATION r.code/r.subcode with r.data, close;
//   else if (r.faults.some((f) => f.action === "treat-as-withdraw")) → withdraw its routes.

import { readIpv4, writeIpv4, type Ipv4, type Prefix } from "./addr";
import { readU16, readU32, writeU16, writeU32 } from "./bytes";
import {
  BgpError,
  BgpErrorCode,
  BgpHeaderSubcode,
  BgpOpenSubcode,
  BgpRouteRefreshSubcode,
  BgpUpdateSubcode,
  bgpReset,
  worseAction,
  type BgpErrorAction,
} from "./bgp-errors";
import { BgpAttrType, parsePathAttributes, pathAttributesLength, writePathAttributes, type BgpCodecOptions, type PathAttribute } from "./bgp-attributes";
import { ipv4PrefixesLength, parseIpv4Prefixes, writeIpv4Prefixes } from "./bgp-nlri";
import { isWireError } from "./errors";

export const BgpMessageType = { Open: 1, Update: 2, Notification: 3, Keepalive: 4, RouteRefresh: 5 } as const;

export const BGP_HEADER_LENGTH = 19;
/** RFC 4271 §4.1; RFC 8654's extended messages are not negotiated by this stack. */
export const BGP_MAX_MESSAGE_LENGTH = 4096;
export const BGP_PORT = 179;
export const BGP_VERSION = 4;
/** RFC 6793 §9: the 2-octet stand-in for a 4-octet AS number. */
export const AS_TRANS = 23456;

/** Capability codes (IANA "Capability Codes"). */
export const BgpCapabilityCode = { Multiprotocol: 1, RouteRefresh: 2, FourOctetAs: 65, RouteRefreshCisco: 128 } as const;

/** OPEN optional parameter types (RFC 5492 §4: 2 is capabilities; 1, authentication, is
 * deprecated and kept as unknown). */
export const BgpOptParamType = { Capabilities: 2 } as const;

export type BgpCapability =
  | { readonly type: "multiprotocol"; readonly afi: number; readonly safi: number }
  | { readonly type: "route-refresh" }
  /** Cisco's pre-RFC 2918 route refresh code, which IOS still advertises beside code 2. */
  | { readonly type: "route-refresh-cisco" }
  | { readonly type: "four-octet-as"; readonly asn: number }
  | { readonly type: "unknown"; readonly code: number; readonly data: Uint8Array };

/** An OPEN optional parameter: a capabilities parameter (RFC 5492 allows several
 * capabilities per parameter and several parameters; both round-trip) or any other. */
export type BgpOptionalParameter =
  | { readonly type: "capabilities"; readonly capabilities: readonly BgpCapability[] }
  | { readonly type: "unknown"; readonly code: number; readonly data: Uint8Array };

export interface BgpOpen {
  readonly type: "open";
  readonly version: number;
  /** The 2-octet My Autonomous System field (AS_TRANS when the real AS needs 4 octets). */
  readonly myAs: number;
  readonly holdTimeSec: number;
  readonly bgpId: Ipv4;
  readonly parameters: readonly BgpOptionalParameter[];
}

export interface BgpUpdate {
  readonly type: "update";
  readonly withdrawn: readonly Prefix[];
  readonly attributes: readonly PathAttribute[];
  readonly nlri: readonly Prefix[];
}

export interface BgpNotification {
  readonly type: "notification";
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

export interface BgpKeepalive {
  readonly type: "keepalive";
}

export interface BgpRouteRefresh {
  readonly type: "route-refresh";
  readonly afi: number;
  readonly safi: number;
  /** RFC 7313: 0 normal request, 1 beginning and 2 end of route refresh. */
  readonly subtype: number;
}

export type BgpMessage = BgpOpen | BgpUpdate | BgpNotification | BgpKeepalive | BgpRouteRefresh;

export interface BgpParsed {
  readonly message: BgpMessage;
  /** Bytes the message took (its header's length field). */
  readonly length: number;
  /** UPDATE only: RFC 7606 faults that are not a session reset. */
  readonly faults: readonly BgpError[];
}

/** Every capability in an OPEN, across its parameters. */
export function openCapabilities(open: BgpOpen): BgpCapability[] {
  return open.parameters.flatMap((p) => (p.type === "capabilities" ? p.capabilities : []));
}

/** The most drastic action a parse result calls for, or undefined when it is clean. */
export function bgpParseAction(result: BgpParsed | BgpError): BgpErrorAction | undefined {
  if (isWireError(result)) return result.action;
  let worst: BgpErrorAction | undefined;
  for (const f of result.faults) worst = worst === undefined ? f.action : worseAction(worst, f.action);
  return worst;
}

/** End-of-RIB for IPv4 unicast is an UPDATE with nothing in it (RFC 4724 §2). */
export function isIpv4EndOfRib(update: BgpUpdate): boolean {
  return update.withdrawn.length === 0 && update.attributes.length === 0 && update.nlri.length === 0;
}

/**
 * The length of the message starting at `offset` as its header says, once the header is
 * there; -1 while fewer than 19 bytes are buffered. A stream reader waits for that many bytes
 * (after parseBgpMessage rejects a nonsense length, the session is reset anyway).
 */
export function bgpMessageLengthAt(buf: Uint8Array, offset: number): number {
  if (buf.length - offset < BGP_HEADER_LENGTH) return -1;
  return readU16(buf, offset + 16);
}

/** Whether `buf` holds, at `offset`, a header (all-ones marker, `length`, `type`) that frames
 * a message of that length and type. */
export function isBgpHeaderAt(buf: Uint8Array, offset: number, length: number, type: number): boolean {
  if (offset < 0 || buf.length - offset < BGP_HEADER_LENGTH || readU16(buf, offset + 16) !== length || buf[offset + 18] !== type) return false;
  for (let i = offset; i < offset + 16; i++) if (buf[i] !== 0xff) return false;
  return true;
}

/** Writes a header (marker, `length`, `type`) at `offset`. */
export function writeBgpHeader(buf: Uint8Array, offset: number, length: number, type: number): void {
  buf.fill(0xff, offset, offset + 16);
  writeU16(buf, offset + 16, length);
  buf[offset + 18] = type;
}

/** Reads the message at the front of `buf` (bytes after it are left alone). */
export function parseBgpMessage(buf: Uint8Array, options: BgpCodecOptions): BgpParsed | BgpError {
  if (buf.length < BGP_HEADER_LENGTH) {
    return bgpReset("header", 0, `truncated: need ${BGP_HEADER_LENGTH} bytes, have ${buf.length}`, BgpErrorCode.MessageHeader, BgpHeaderSubcode.BadMessageLength);
  }
  for (let i = 0; i < 16; i++) {
    if (buf[i] !== 0xff) return bgpReset("marker", i, "is not all ones", BgpErrorCode.MessageHeader, BgpHeaderSubcode.ConnectionNotSynchronized);
  }
  const length = readU16(buf, 16);
  const type = buf[18];
  const badLength = (reason: string): BgpError =>
    bgpReset("length", 16, reason, BgpErrorCode.MessageHeader, BgpHeaderSubcode.BadMessageLength, buf.slice(16, 18));
  if (length < BGP_HEADER_LENGTH || length > BGP_MAX_MESSAGE_LENGTH) return badLength(`${length} is outside ${BGP_HEADER_LENGTH}..${BGP_MAX_MESSAGE_LENGTH}`);
  if (length > buf.length) return badLength(`truncated: the message is ${length} bytes, have ${buf.length}`);
  const body = buf.subarray(0, length);
  const done = (message: BgpMessage, faults: readonly BgpError[] = []): BgpParsed => ({ message, length, faults });
  // RFC 4271 §6.1: lengths each type cannot have are a Bad Message Length.
  switch (type) {
    case BgpMessageType.Open: {
      if (length < 29) return badLength(`an OPEN is at least 29 bytes, this is ${length}`);
      const open = parseOpen(body);
      return isWireError(open) ? open : done(open);
    }
    case BgpMessageType.Update: {
      if (length < 23) return badLength(`an UPDATE is at least 23 bytes, this is ${length}`);
      const update = parseUpdate(body, options);
      return isWireError(update) ? update : done(update.message, update.faults);
    }
    case BgpMessageType.Notification:
      if (length < 21) return badLength(`a NOTIFICATION is at least 21 bytes, this is ${length}`);
      return done({ type: "notification", code: body[19], subcode: body[20], data: body.slice(21) });
    case BgpMessageType.Keepalive:
      if (length !== BGP_HEADER_LENGTH) return badLength(`a KEEPALIVE is 19 bytes, this is ${length}`);
      return done({ type: "keepalive" });
    case BgpMessageType.RouteRefresh:
      // RFC 7313 §5: a ROUTE-REFRESH of the wrong length has its own error code.
      if (length !== 23) {
        return bgpReset("length", 16, `a ROUTE-REFRESH is 23 bytes, this is ${length}`, BgpErrorCode.RouteRefreshMessage, BgpRouteRefreshSubcode.InvalidMessageLength, body.slice());
      }
      return done({ type: "route-refresh", afi: readU16(body, 19), subtype: body[21], safi: body[22] });
    default:
      return bgpReset("type", 18, `${type} is not a BGP message type`, BgpErrorCode.MessageHeader, BgpHeaderSubcode.BadMessageType, Uint8Array.of(type));
  }
}

const openError = (field: string, offset: number, reason: string, subcode: number = BgpOpenSubcode.Unspecific, data?: Uint8Array): BgpError =>
  bgpReset(field, offset, reason, BgpErrorCode.OpenMessage, subcode, data);

function parseOpen(buf: Uint8Array): BgpOpen | BgpError {
  const version = buf[19];
  if (version !== BGP_VERSION) {
    // RFC 4271 §6.2: the data is the largest version we support, as 2 octets.
    return openError("version", 19, `version ${version} is not 4`, BgpOpenSubcode.UnsupportedVersionNumber, Uint8Array.of(0, BGP_VERSION));
  }
  const holdTimeSec = readU16(buf, 22);
  if (holdTimeSec === 1 || holdTimeSec === 2) return openError("hold time", 22, `${holdTimeSec} s is neither 0 nor at least 3`, BgpOpenSubcode.UnacceptableHoldTime);
  const bgpId = readIpv4(buf, 24);
  // RFC 6286 §2.2: any 4 octets but zero.
  if (bgpId === 0) return openError("BGP identifier", 24, "is 0.0.0.0", BgpOpenSubcode.BadBgpIdentifier);
  const paramsLength = buf[28];
  if (29 + paramsLength !== buf.length) return openError("optional parameters length", 28, `${paramsLength} does not match the ${buf.length - 29} bytes after it`);
  const parameters: BgpOptionalParameter[] = [];
  let at = 29;
  while (at < buf.length) {
    if (at + 2 > buf.length) return openError("optional parameter", at, "cut short after its type");
    const code = buf[at];
    const length = buf[at + 1];
    const end = at + 2 + length;
    if (end > buf.length) return openError("optional parameter length", at + 1, `${length} runs past the parameters`);
    if (code === BgpOptParamType.Capabilities) {
      const capabilities = parseCapabilities(buf, at + 2, end);
      if (isWireError(capabilities)) return capabilities;
      parameters.push({ type: "capabilities", capabilities });
    } else {
      parameters.push({ type: "unknown", code, data: buf.slice(at + 2, end) });
    }
    at = end;
  }
  return { type: "open", version, myAs: readU16(buf, 20), holdTimeSec, bgpId, parameters };
}

function parseCapabilities(buf: Uint8Array, start: number, end: number): BgpCapability[] | BgpError {
  const out: BgpCapability[] = [];
  let at = start;
  while (at < end) {
    if (at + 2 > end) return openError("capability", at, "cut short after its code");
    const code = buf[at];
    const length = buf[at + 1];
    const value = at + 2;
    if (value + length > end) return openError("capability length", at + 1, `${length} runs past the parameter`);
    const want = (n: number, name: string): BgpError | undefined =>
      length === n ? undefined : openError(`${name} capability length`, at + 1, `${length}, must be ${n}`);
    switch (code) {
      case BgpCapabilityCode.Multiprotocol: {
        const bad = want(4, "multiprotocol");
        if (bad) return bad;
        out.push({ type: "multiprotocol", afi: readU16(buf, value), safi: buf[value + 3] }); // octet 3 is reserved
        break;
      }
      case BgpCapabilityCode.RouteRefresh:
      case BgpCapabilityCode.RouteRefreshCisco: {
        const bad = want(0, "route refresh");
        if (bad) return bad;
        out.push({ type: code === BgpCapabilityCode.RouteRefresh ? "route-refresh" : "route-refresh-cisco" });
        break;
      }
      case BgpCapabilityCode.FourOctetAs: {
        const bad = want(4, "4-octet AS");
        if (bad) return bad;
        out.push({ type: "four-octet-as", asn: readU32(buf, value) });
        break;
      }
      default:
        out.push({ type: "unknown", code, data: buf.slice(value, value + length) });
    }
    at = value + length;
  }
  return out;
}

function parseUpdate(buf: Uint8Array, options: BgpCodecOptions): { message: BgpUpdate; faults: BgpError[] } | BgpError {
  const malformed = (field: string, offset: number, reason: string): BgpError =>
    bgpReset(field, offset, reason, BgpErrorCode.UpdateMessage, BgpUpdateSubcode.MalformedAttributeList);
  const withdrawnLength = readU16(buf, 19);
  const withdrawnEnd = 21 + withdrawnLength;
  // RFC 7606 §4: when the two length fields do not fit the message, nothing can be trusted.
  if (withdrawnEnd + 2 > buf.length) return malformed("withdrawn routes length", 19, `${withdrawnLength} leaves no room for the total path attribute length`);
  const attributesLength = readU16(buf, withdrawnEnd);
  const attributesEnd = withdrawnEnd + 2 + attributesLength;
  if (attributesEnd > buf.length) return malformed("total path attribute length", withdrawnEnd, `${attributesLength} runs past the message (${buf.length - withdrawnEnd - 2} left)`);
  // RFC 7606 §5.3: malformed withdrawn routes or NLRI reset the session.
  const withdrawn = parseIpv4Prefixes(buf, 21, withdrawnEnd, "withdrawn routes");
  if (isWireError(withdrawn)) return bgpReset(withdrawn.field, withdrawn.offset, withdrawn.reason, BgpErrorCode.UpdateMessage, BgpUpdateSubcode.MalformedAttributeList);
  const nlri = parseIpv4Prefixes(buf, attributesEnd, buf.length, "NLRI");
  if (isWireError(nlri)) return bgpReset(nlri.field, nlri.offset, nlri.reason, BgpErrorCode.UpdateMessage, BgpUpdateSubcode.InvalidNetworkField);
  const parsed = parsePathAttributes(buf, withdrawnEnd + 2, attributesEnd, options);
  if (isWireError(parsed)) return parsed;
  const faults = [...parsed.faults];
  const { attributes } = parsed;
  // RFC 7606 §3(d): an UPDATE that announces routes without ORIGIN or AS_PATH (and NEXT_HOP
  // for routes in the NLRI field, RFC 4760 §3) is treated as a withdraw; one that already is
  // (a malformed attribute, or a list that could not be read to its end) needs no more.
  const announces = nlri.length > 0 || attributes.some((a) => a.type === "mp-reach");
  if (announces && !faults.some((f) => f.action === "treat-as-withdraw")) {
    const required = [BgpAttrType.Origin, BgpAttrType.AsPath, ...(nlri.length > 0 ? [BgpAttrType.NextHop] : [])];
    const present = new Set(attributes.map((a) => a.type));
    const names: Record<number, PathAttribute["type"]> = { [BgpAttrType.Origin]: "origin", [BgpAttrType.AsPath]: "as-path", [BgpAttrType.NextHop]: "next-hop" };
    for (const code of required) {
      if (present.has(names[code])) continue;
      faults.push(new BgpError(names[code], withdrawnEnd + 2, "missing from an UPDATE that announces routes", "treat-as-withdraw", BgpErrorCode.UpdateMessage, BgpUpdateSubcode.MissingWellKnownAttribute, Uint8Array.of(code), code));
    }
  }
  return { message: { type: "update", withdrawn, attributes, nlri }, faults };
}

// ---- emit -----------------------------------------------------------------------------

function capabilityLength(c: BgpCapability): number {
  switch (c.type) {
    case "multiprotocol":
    case "four-octet-as":
      return 6;
    case "route-refresh":
    case "route-refresh-cisco":
      return 2;
    case "unknown":
      return 2 + c.data.length;
  }
}

function parameterLength(p: BgpOptionalParameter): number {
  if (p.type === "unknown") return 2 + p.data.length;
  let n = 2;
  for (const c of p.capabilities) n += capabilityLength(c);
  return n;
}

/** Bytes the message takes on the wire, header included. */
export function bgpMessageLength(message: BgpMessage, options: BgpCodecOptions): number {
  switch (message.type) {
    case "open": {
      let n = 29;
      for (const p of message.parameters) n += parameterLength(p);
      return n;
    }
    case "update":
      return 23 + ipv4PrefixesLength(message.withdrawn) + pathAttributesLength(message.attributes, options) + ipv4PrefixesLength(message.nlri);
    case "notification":
      return 21 + message.data.length;
    case "keepalive":
      return BGP_HEADER_LENGTH;
    case "route-refresh":
      return 23;
  }
}

/** Writes the message at `offset` and returns its length. A message over 4096 bytes, or a
 * field that cannot hold its value, is a bug in the caller (split the UPDATE) and throws. */
export function emitBgpMessage(message: BgpMessage, buf: Uint8Array, offset: number, options: BgpCodecOptions): number {
  const length = bgpMessageLength(message, options);
  if (length > BGP_MAX_MESSAGE_LENGTH) throw new RangeError(`bgp: a ${message.type} of ${length} bytes exceeds ${BGP_MAX_MESSAGE_LENGTH}`);
  if (offset + length > buf.length) throw new RangeError(`emitBgpMessage: need ${length} bytes at offset ${offset}, buffer has ${buf.length}`);
  buf.fill(0xff, offset, offset + 16);
  writeU16(buf, offset + 16, length);
  let at = offset + 19;
  switch (message.type) {
    case "open": {
      buf[offset + 18] = BgpMessageType.Open;
      buf[at] = message.version;
      writeU16(buf, at + 1, message.myAs);
      writeU16(buf, at + 3, message.holdTimeSec);
      writeIpv4(buf, at + 5, message.bgpId);
      if (length - 29 > 255) throw new RangeError(`bgp: ${length - 29} bytes of optional parameters exceed 255`);
      buf[at + 9] = length - 29;
      at += 10;
      for (const p of message.parameters) at = writeParameter(buf, at, p);
      break;
    }
    case "update": {
      buf[offset + 18] = BgpMessageType.Update;
      writeU16(buf, at, ipv4PrefixesLength(message.withdrawn));
      at = writeIpv4Prefixes(buf, at + 2, message.withdrawn);
      const attributesAt = at + 2;
      at = writePathAttributes(buf, attributesAt, message.attributes, options);
      writeU16(buf, attributesAt - 2, at - attributesAt);
      writeIpv4Prefixes(buf, at, message.nlri);
      break;
    }
    case "notification":
      buf[offset + 18] = BgpMessageType.Notification;
      buf[at] = message.code;
      buf[at + 1] = message.subcode;
      buf.set(message.data, at + 2);
      break;
    case "keepalive":
      buf[offset + 18] = BgpMessageType.Keepalive;
      break;
    case "route-refresh":
      buf[offset + 18] = BgpMessageType.RouteRefresh;
      writeU16(buf, at, message.afi);
      buf[at + 2] = message.subtype;
      buf[at + 3] = message.safi;
      break;
  }
  return length;
}

function writeParameter(buf: Uint8Array, at: number, p: BgpOptionalParameter): number {
  const length = parameterLength(p) - 2;
  if (length > 255) throw new RangeError(`bgp: an optional parameter of ${length} bytes exceeds 255`);
  buf[at] = p.type === "unknown" ? p.code : BgpOptParamType.Capabilities;
  buf[at + 1] = length;
  at += 2;
  if (p.type === "unknown") {
    buf.set(p.data, at);
    return at + p.data.length;
  }
  for (const c of p.capabilities) {
    switch (c.type) {
      case "multiprotocol":
        buf[at] = BgpCapabilityCode.Multiprotocol;
        buf[at + 1] = 4;
        writeU16(buf, at + 2, c.afi);
        buf[at + 4] = 0;
        buf[at + 5] = c.safi;
        break;
      case "route-refresh":
      case "route-refresh-cisco":
        buf[at] = c.type === "route-refresh" ? BgpCapabilityCode.RouteRefresh : BgpCapabilityCode.RouteRefreshCisco;
        buf[at + 1] = 0;
        break;
      case "four-octet-as":
        buf[at] = BgpCapabilityCode.FourOctetAs;
        buf[at + 1] = 4;
        writeU32(buf, at + 2, c.asn);
        break;
      case "unknown":
        if (c.data.length > 255) throw new RangeError(`bgp: capability ${c.code} of ${c.data.length} bytes exceeds 255`);
        buf[at] = c.code;
        buf[at + 1] = c.data.length;
        buf.set(c.data, at + 2);
        break;
    }
    at += capabilityLength(c);
  }
  return at;
}

export function buildBgpMessage(message: BgpMessage, options: BgpCodecOptions): Uint8Array {
  const out = new Uint8Array(bgpMessageLength(message, options));
  emitBgpMessage(message, out, 0, options);
  return out;
}
