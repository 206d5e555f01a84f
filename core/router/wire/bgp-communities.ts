// BGP communities (RFC 1997) and extended communities (RFC 4360): the well-known community
// values, IOS's text for both, route targets from IOS `route-target` text, and the 8-octet
// wire form of an extended community. Route targets and route origins are decoded; any other
// extended community keeps its bytes. The COMMUNITIES and EXTENDED_COMMUNITIES attributes
// themselves are framed in bgp-attributes.ts.

import { formatIpv4 } from "./addr";
import { hexBytes, readU16, readU32, writeU16, writeU32 } from "./bytes";
import { parseRouteDistinguisher } from "./bgp-nlri";

/** Well-known communities (RFC 1997). */
export const WellKnownCommunity = { NoExport: 0xffffff01, NoAdvertise: 0xffffff02, NoExportSubconfed: 0xffffff03 } as const;

/** "65000:100" (IOS's `ip bgp-community new-format`), or the well-known names. */
export function formatCommunity(c: number): string {
  if (c === WellKnownCommunity.NoExport) return "no-export";
  if (c === WellKnownCommunity.NoAdvertise) return "no-advertise";
  if (c === WellKnownCommunity.NoExportSubconfed) return "local-AS";
  return `${c >>> 16}:${c & 0xffff}`;
}

/**
 * An extended community (RFC 4360). Route targets and route origins (subtypes 0x02, 0x03) of
 * the transitive two-octet-AS (type 0x00), IPv4-address (0x01) and four-octet-AS (0x02)
 * kinds are decoded; `format` is that type byte. In format 0 `global` is a 2-octet AS and
 * `local` 4 octets; in formats 1 (IPv4 address) and 2 (4-octet AS) `local` is 2 octets.
 * Anything else keeps its 8 bytes.
 */
export type ExtendedCommunity =
  | { readonly type: "route-target" | "route-origin"; readonly format: 0 | 1 | 2; readonly global: number; readonly local: number }
  | { readonly type: "other"; readonly value: Uint8Array };

const SUBTYPE_ROUTE_TARGET = 0x02;
const SUBTYPE_ROUTE_ORIGIN = 0x03;

/** "RT:65000:100", "RT:10.0.0.1:100", "SoO:4200000000:7"; others as 16 hex digits. */
export function formatExtendedCommunity(c: ExtendedCommunity): string {
  if (c.type === "other") return hexBytes(c.value);
  const tag = c.type === "route-target" ? "RT" : "SoO";
  return `${tag}:${c.format === 1 ? formatIpv4(c.global) : c.global}:${c.local}`;
}

/** A route target from IOS `route-target` text ("65000:100", "10.0.0.1:100"), with the
 * same type choice as `rd`; undefined when malformed. */
export function parseRouteTarget(text: string): ExtendedCommunity | undefined {
  const rd = parseRouteDistinguisher(text);
  if (rd === undefined) return undefined;
  if (rd.type === 1 && "ip" in rd) return { type: "route-target", format: 1, global: rd.ip, local: rd.assigned };
  if ((rd.type === 0 || rd.type === 2) && "asn" in rd) return { type: "route-target", format: rd.type, global: rd.asn, local: rd.assigned };
  return undefined;
}

/** Reads the 8 octets of an extended community at `at`. */
export function readExtendedCommunity(buf: Uint8Array, at: number): ExtendedCommunity {
  const type = buf[at];
  const subtype = buf[at + 1];
  if (type <= 2 && (subtype === SUBTYPE_ROUTE_TARGET || subtype === SUBTYPE_ROUTE_ORIGIN)) {
    const kind = subtype === SUBTYPE_ROUTE_TARGET ? "route-target" : "route-origin";
    if (type === 0) return { type: kind, format: 0, global: readU16(buf, at + 2), local: readU32(buf, at + 4) };
    return { type: kind, format: type as 1 | 2, global: readU32(buf, at + 2), local: readU16(buf, at + 6) };
  }
  return { type: "other", value: buf.slice(at, at + 8) };
}

/** Writes an extended community's 8 octets at `at`. */
export function writeExtendedCommunity(buf: Uint8Array, at: number, c: ExtendedCommunity): void {
  if (c.type === "other") {
    buf.set(c.value.subarray(0, 8), at);
    return;
  }
  buf[at] = c.format;
  buf[at + 1] = c.type === "route-target" ? SUBTYPE_ROUTE_TARGET : SUBTYPE_ROUTE_ORIGIN;
  if (c.format === 0) {
    writeU16(buf, at + 2, c.global);
    writeU32(buf, at + 4, c.local);
  } else {
    writeU32(buf, at + 2, c.global);
    writeU16(buf, at + 6, c.local);
  }
}
