// NHRP's extensions (RFC 2332 §5.3), the list after the mandatory part (nhrp.ts) from the
// extension offset to the packet end, with the ones IOS sends: responder address, forward and
// reverse transit NHS records, authentication, Cisco's NAT address, and FlexLab's vendor
// private label extension (nhrp-labels.ts).
//
// Layout (all fields big-endian):
//   extensions (§5.3): type (2, 0x8000 = compulsory, the low 14 bits the type), length (2,
//     bytes of value), value; the list ends with End (type 0, length 0). Responder address
//     holds one CIE (or none: a request asking the responder to fill it in); the transit NHS
//     records and Cisco's NAT address hold CIE lists. Authentication follows IOS (and FRR's
//     Cisco mode), not RFC 2332's layout: a 4-byte field whose low 16 bits are the SPI (1 =
//     cleartext) and then the secret, with no source address in between. Emit writes them in
//     one fixed order (responder, forward, reverse, authentication, NAT, labels, then the
//     unknown ones as they came) with RFC 2332's compulsory bits (set on responder, transit
//     records, authentication and End; clear on vendor-private and NAT); parse accepts any
//     order, refuses a known extension twice, and keeps any other type, and any other
//     vendor's private extension, in `unknown` to send on unchanged. An End followed by more
//     bytes ends the list there; a list that runs to the packet end without End is accepted.
import { readU16, writeU16 } from "./bytes";
import { WireError, truncated } from "./errors";
import { ciesLength, cieLength, parseCies, writeCie, writeCies, type NhrpCie } from "./nhrp-cie";
import { FLEXLAB_LABEL_OUI, VENDOR_ID_LENGTH, labelsLength, parseLabels, writeLabels, type NhrpLabels } from "./nhrp-labels";

/** Extension types (the 0x8000 compulsory bit is separate: `compulsory`). */
export const NhrpExtensionType = {
  End: 0,
  ResponderAddress: 3,
  ForwardTransitNhsRecord: 4,
  ReverseTransitNhsRecord: 5,
  Authentication: 7,
  VendorPrivate: 8,
  CiscoNatAddress: 9,
} as const;

export interface NhrpAuthentication {
  /** 1: cleartext password (IOS `ip nhrp authentication STRING`). */
  readonly spi: number;
  readonly data: Uint8Array;
}

export interface NhrpUnknownExtension {
  readonly type: number;
  readonly compulsory: boolean;
  readonly data: Uint8Array;
}

export interface NhrpExtensions {
  /** Absent: not sent. `null`: sent empty (a request asking the responder to identify itself). */
  readonly responder?: NhrpCie | null;
  /** Present (possibly empty) when the extension is in the packet. */
  readonly forwardTransit?: readonly NhrpCie[];
  readonly reverseTransit?: readonly NhrpCie[];
  readonly authentication?: NhrpAuthentication;
  readonly nat?: readonly NhrpCie[];
  readonly labels?: NhrpLabels;
  /** Anything else (other vendors' private extensions, unknown types), kept in order. */
  readonly unknown?: readonly NhrpUnknownExtension[];
}

export const NHRP_EXTENSION_HEADER_LENGTH = 4;
export const NHRP_EXTENSION_COMPULSORY = 0x8000;
/** RFC 2332 §5.3: the type is the low 14 bits; 0x4000 is unused. */
const EXTENSION_TYPE_MASK = 0x3fff;

/** An extension's length field is 16 bits. */
const MAX_EXTENSION_LENGTH = 0xffff;

const P = "nhrp";

type MutableExtensions = { -readonly [K in keyof NhrpExtensions]: NhrpExtensions[K] };

function duplicate(at: number, name: string): WireError {
  return new WireError(P, "extension type", at, `${name} extension twice`);
}

/** The extensions in `buf[at, end)`, up to and including End. */
export function parseExtensions(buf: Uint8Array, at: number, end: number): NhrpExtensions | WireError {
  const ext: MutableExtensions = {};
  let unknown: NhrpUnknownExtension[] | undefined;
  while (at < end) {
    if (end - at < NHRP_EXTENSION_HEADER_LENGTH) return truncated(P, "extension header", at, NHRP_EXTENSION_HEADER_LENGTH, end - at);
    const raw = readU16(buf, at);
    const type = raw & EXTENSION_TYPE_MASK;
    const length = readU16(buf, at + 2);
    const value = at + NHRP_EXTENSION_HEADER_LENGTH;
    const valueEnd = value + length;
    if (valueEnd > end) return new WireError(P, "extension length", at + 2, `${length} bytes run past the packet end (${end - value} left)`);
    switch (type) {
      case NhrpExtensionType.End:
        if (length !== 0) return new WireError(P, "End extension length", at + 2, `${length} is not 0`);
        return ext;
      case NhrpExtensionType.ResponderAddress: {
        if (ext.responder !== undefined) return duplicate(at, "responder address");
        if (length === 0) {
          ext.responder = null;
          break;
        }
        const cies = parseCies(buf, value, valueEnd, "responder address");
        if (cies instanceof WireError) return cies;
        if (cies.length !== 1) return new WireError(P, "responder address extension", value, `${cies.length} CIEs, not one`);
        ext.responder = cies[0];
        break;
      }
      case NhrpExtensionType.ForwardTransitNhsRecord:
      case NhrpExtensionType.ReverseTransitNhsRecord:
      case NhrpExtensionType.CiscoNatAddress: {
        const key = type === NhrpExtensionType.ForwardTransitNhsRecord ? "forwardTransit" : type === NhrpExtensionType.ReverseTransitNhsRecord ? "reverseTransit" : "nat";
        const name = key === "forwardTransit" ? "forward transit NHS record" : key === "reverseTransit" ? "reverse transit NHS record" : "NAT address";
        if (ext[key] !== undefined) return duplicate(at, name);
        const cies = parseCies(buf, value, valueEnd, name);
        if (cies instanceof WireError) return cies;
        ext[key] = cies;
        break;
      }
      case NhrpExtensionType.Authentication:
        if (ext.authentication !== undefined) return duplicate(at, "authentication");
        if (length < 4) return truncated(P, "authentication SPI", value, 4, length);
        ext.authentication = { spi: readU16(buf, value + 2), data: buf.subarray(value + 4, valueEnd) };
        break;
      case NhrpExtensionType.VendorPrivate: {
        if (length < VENDOR_ID_LENGTH) return truncated(P, "vendor ID", value, VENDOR_ID_LENGTH, length);
        const vendor = (buf[value] << 16) | (buf[value + 1] << 8) | buf[value + 2];
        if (vendor === FLEXLAB_LABEL_OUI) {
          if (ext.labels !== undefined) return duplicate(at, "FlexLab label");
          const labels = parseLabels(buf, value + VENDOR_ID_LENGTH, valueEnd);
          if (labels instanceof WireError) return labels;
          ext.labels = labels;
          break;
        }
        (unknown ??= []).push({ type, compulsory: (raw & NHRP_EXTENSION_COMPULSORY) !== 0, data: buf.subarray(value, valueEnd) });
        ext.unknown = unknown;
        break;
      }
      default:
        (unknown ??= []).push({ type, compulsory: (raw & NHRP_EXTENSION_COMPULSORY) !== 0, data: buf.subarray(value, valueEnd) });
        ext.unknown = unknown;
    }
    at = valueEnd;
  }
  return ext;
}

/** Bytes of the extensions, End included; 0 when there are none to send. */
export function extensionsLength(ext: NhrpExtensions): number {
  let n = 0;
  const h = NHRP_EXTENSION_HEADER_LENGTH;
  if (ext.responder !== undefined) n += h + (ext.responder === null ? 0 : cieLength(ext.responder));
  if (ext.forwardTransit !== undefined) n += h + ciesLength(ext.forwardTransit);
  if (ext.reverseTransit !== undefined) n += h + ciesLength(ext.reverseTransit);
  if (ext.authentication !== undefined) n += h + 4 + ext.authentication.data.length;
  if (ext.nat !== undefined) n += h + ciesLength(ext.nat);
  if (ext.labels !== undefined) n += h + labelsLength(ext.labels);
  if (ext.unknown !== undefined) for (const u of ext.unknown) n += h + u.data.length;
  return n === 0 ? 0 : n + h;
}

/** Writes an extension header for the value written by `body` (which returns its end). */
function writeExtension(buf: Uint8Array, at: number, typeWithFlag: number, body: (valueAt: number) => number): number {
  const end = body(at + NHRP_EXTENSION_HEADER_LENGTH);
  const length = end - at - NHRP_EXTENSION_HEADER_LENGTH;
  if (length > MAX_EXTENSION_LENGTH) throw new RangeError(`emitNhrp: extension 0x${typeWithFlag.toString(16)} is ${length} bytes`);
  writeU16(buf, at, typeWithFlag);
  writeU16(buf, at + 2, length);
  return end;
}

/** Writes the extensions at `at` in the one fixed order the file comment gives, End last;
 * returns their end. */
export function writeExtensions(buf: Uint8Array, at: number, ext: NhrpExtensions): number {
  const C = NHRP_EXTENSION_COMPULSORY;
  const T = NhrpExtensionType;
  const responder = ext.responder;
  if (responder !== undefined) at = writeExtension(buf, at, C | T.ResponderAddress, (v) => (responder === null ? v : writeCie(buf, v, responder)));
  const forward = ext.forwardTransit;
  if (forward !== undefined) at = writeExtension(buf, at, C | T.ForwardTransitNhsRecord, (v) => writeCies(buf, v, forward));
  const reverse = ext.reverseTransit;
  if (reverse !== undefined) at = writeExtension(buf, at, C | T.ReverseTransitNhsRecord, (v) => writeCies(buf, v, reverse));
  const auth = ext.authentication;
  if (auth !== undefined) {
    at = writeExtension(buf, at, C | T.Authentication, (v) => {
      writeU16(buf, v, 0);
      writeU16(buf, v + 2, auth.spi);
      buf.set(auth.data, v + 4);
      return v + 4 + auth.data.length;
    });
  }
  const nat = ext.nat;
  if (nat !== undefined) at = writeExtension(buf, at, T.CiscoNatAddress, (v) => writeCies(buf, v, nat));
  const labels = ext.labels;
  if (labels !== undefined) at = writeExtension(buf, at, T.VendorPrivate, (v) => writeLabels(buf, v, labels));
  if (ext.unknown !== undefined) {
    for (const u of ext.unknown) {
      at = writeExtension(buf, at, (u.compulsory ? C : 0) | (u.type & EXTENSION_TYPE_MASK), (v) => {
        buf.set(u.data, v);
        return v + u.data.length;
      });
    }
  }
  return writeExtension(buf, at, C | T.End, (v) => v);
}
