// Parsers for the value types IOS commands take that are not plain addresses: route
// distinguishers / route targets, AS numbers (asplain and asdot) and hex strings. Addresses,
// prefixes and MACs come from wire/addr.ts, the one place those are parsed.

import { formatIpv4, parseIpv4, type Ipv4 } from "../../wire/addr";

/** RFC 4364 §4.2 route distinguisher (also the shape of a route target). */
export type RouteDistinguisher =
  | { readonly type: 0; readonly asn: number; readonly assigned: number } // 2-byte ASN : 4-byte number
  | { readonly type: 1; readonly ip: Ipv4; readonly assigned: number } // IPv4 : 2-byte number
  | { readonly type: 2; readonly asn: number; readonly assigned: number }; // 4-byte ASN : 2-byte number

function uint(text: string, max: number): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

/** Parses "1:1", "65000:100", "10.0.0.1:5", "4200000000:1" or asdot "1.5:3". */
export function parseRouteDistinguisher(text: string): RouteDistinguisher | undefined {
  const colon = text.lastIndexOf(":");
  if (colon <= 0) return undefined;
  const admin = text.slice(0, colon);
  const assignedText = text.slice(colon + 1);
  if (admin.split(".").length === 4) {
    const ip = parseIpv4(admin);
    const assigned = uint(assignedText, 0xffff);
    return ip === undefined || assigned === undefined ? undefined : { type: 1, ip, assigned };
  }
  const asn = parseAsn(admin);
  if (asn === undefined) return undefined;
  if (asn <= 0xffff) {
    const assigned = uint(assignedText, 0xffffffff);
    return assigned === undefined ? undefined : { type: 0, asn, assigned };
  }
  const assigned = uint(assignedText, 0xffff);
  return assigned === undefined ? undefined : { type: 2, asn, assigned };
}

export function formatRouteDistinguisher(rd: RouteDistinguisher): string {
  return rd.type === 1 ? `${formatIpv4(rd.ip)}:${rd.assigned}` : `${rd.asn}:${rd.assigned}`;
}

/** Parses an AS number, asplain ("65000", "4200000000") or asdot ("1.10"); 0 is not an AS. */
export function parseAsn(text: string): number | undefined {
  const dot = /^(\d{1,5})\.(\d{1,5})$/.exec(text);
  if (dot) {
    const hi = Number(dot[1]);
    const lo = Number(dot[2]);
    if (hi > 0xffff || lo > 0xffff) return undefined;
    const asn = hi * 65536 + lo;
    return asn === 0 ? undefined : asn;
  }
  const n = uint(text, 0xffffffff);
  return n === undefined || n === 0 ? undefined : n;
}

export function isHex(text: string): boolean {
  return /^[0-9a-fA-F]+$/.test(text);
}
