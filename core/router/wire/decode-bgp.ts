// The capture decoder's BGP layer (TCP port 179): every BGP message a segment carries,
// summarised as "BGP UPDATE 268 VPNv4 NLRI" (type, length, what an UPDATE announces or
// withdraws), with bgp.ts's parser doing the reading. Registered in decode.ts.
//
// A capture has no TCP reassembly here, so a segment that starts inside a message (the
// marker is not where a header would be) or ends inside one is left as undecoded stream
// bytes, not an error; a whole message that fails to parse is the parser's error.

import { formatPrefix, type Prefix } from "./addr";
import { BGP_HEADER_LENGTH, bgpMessageLengthAt, parseBgpMessage, type BgpMessage, type BgpParsed } from "./bgp";
import type { PathAttribute } from "./bgp-attributes";
import { formatRouteDistinguisher, type RouteDistinguisher } from "./bgp-nlri";
import type { Dissection, Dissector } from "./decode";
import { WireError, isWireError } from "./errors";

const TYPE_NAMES: Record<BgpMessage["type"], string> = {
  open: "OPEN",
  update: "UPDATE",
  notification: "NOTIFICATION",
  keepalive: "KEEPALIVE",
  "route-refresh": "ROUTE-REFRESH",
};

/** What an UPDATE carries, in words: "VPNv4 NLRI", "IPv4 withdrawn", "End-of-RIB". */
function updateContents(attributes: readonly PathAttribute[], nlri: number, withdrawn: number): string {
  const parts: string[] = [];
  for (const a of attributes) {
    if (a.type === "mp-reach") parts.push(`${familyName(a.family)} NLRI`);
    if (a.type === "mp-unreach") {
      const count = a.family === "vpnv4-packed" ? a.withdrawn.count : a.withdrawn.length;
      parts.push(`${familyName(a.family)} ${count === 0 ? "End-of-RIB" : "withdrawn"}`);
    }
  }
  if (nlri > 0) parts.push("IPv4 NLRI");
  if (withdrawn > 0) parts.push("IPv4 withdrawn");
  if (parts.length === 0 && attributes.length === 0) parts.push("End-of-RIB");
  return parts.join(", ");
}

function familyName(family: Extract<PathAttribute, { type: "mp-reach" }>["family"]): string {
  return family === "ipv4-unicast" ? "IPv4" : family === "ipv4-labelled" ? "IPv4 labelled" : family === "vpnv4" || family === "vpnv4-packed" ? "VPNv4" : "other family";
}

function messageSummary(parsed: BgpParsed): string {
  const m = parsed.message;
  const head = `${TYPE_NAMES[m.type]} ${parsed.length}`;
  if (m.type !== "update") return head;
  const contents = updateContents(m.attributes, m.nlri.length, m.withdrawn.length);
  return contents === "" ? head : `${head} ${contents}`;
}

/** A message's fields for the verbose and JSON views: prefixes and RDs as text. */
function messageFields(parsed: BgpParsed): Record<string, unknown> {
  const m = parsed.message;
  const faults = parsed.faults.map((f) => f.toString());
  if (m.type !== "update") return { ...m, length: parsed.length };
  const attributes = m.attributes.map((a) => {
    if ((a.type === "mp-reach" || a.type === "mp-unreach") && a.family === "vpnv4") {
      const vpn = (r: { readonly rd: RouteDistinguisher; readonly prefix: Prefix }): string => `${formatRouteDistinguisher(r.rd)}:${formatPrefix(r.prefix)}`;
      const text = a.type === "mp-reach" ? a.nlri.map((r) => `[${r.labels.join(" ")}] ${vpn(r)}`) : a.withdrawn.map(vpn);
      return { ...a, ...(a.type === "mp-reach" ? { nlri: text } : { withdrawn: text }) };
    }
    if ((a.type === "mp-reach" || a.type === "mp-unreach") && a.family === "ipv4-labelled") {
      const text = a.type === "mp-reach" ? a.nlri.map((r) => `[${r.labels.join(" ")}] ${formatPrefix(r.prefix)}`) : a.withdrawn.map(formatPrefix);
      return { ...a, ...(a.type === "mp-reach" ? { nlri: text } : { withdrawn: text }) };
    }
    return a;
  });
  return { type: m.type, length: parsed.length, withdrawn: m.withdrawn.map(formatPrefix), attributes, nlri: m.nlri.map(formatPrefix), ...(faults.length ? { faults } : {}) };
}

/** One message at the front of `bytes`: 4-octet AS numbers first (what IOS and our
 * speaker negotiate), 2-octet when that reading fails. */
function parseOne(bytes: Uint8Array): BgpParsed | WireError {
  const as4 = parseBgpMessage(bytes, { fourOctetAs: true });
  if (!isWireError(as4)) return as4;
  const as2 = parseBgpMessage(bytes, { fourOctetAs: false });
  return isWireError(as2) ? as4 : as2;
}

function startsWithMarker(bytes: Uint8Array, at: number): boolean {
  for (let i = at; i < at + 16; i++) if (bytes[i] !== 0xff) return false;
  return true;
}

export const dissectBgp: Dissector = (bytes): Dissection | WireError => {
  const summaries: string[] = [];
  const messages: Record<string, unknown>[] = [];
  let at = 0;
  while (at < bytes.length) {
    const rest = bytes.subarray(at);
    // The segment ends inside a header or a message, or begins inside one: stream bytes.
    const length = bgpMessageLengthAt(rest, 0);
    if (length === -1 || !startsWithMarker(rest, 0) || (length >= BGP_HEADER_LENGTH && length > rest.length)) break;
    const parsed = parseOne(rest);
    if (isWireError(parsed)) return at === 0 ? parsed : new WireError("bgp", `message ${summaries.length + 1} ${parsed.field}`, at + parsed.offset, parsed.reason);
    summaries.push(messageSummary(parsed));
    messages.push(messageFields(parsed));
    at += parsed.length;
  }
  const streamBytes = bytes.length - at;
  const layer = { protocol: "BGP", summary: summaries.length === 0 ? "BGP" : `BGP ${summaries.join(", ")}`, fields: { messages } };
  return streamBytes === 0 ? { layer } : { layer, undecoded: `${streamBytes} bytes of a BGP message split across segments` };
};
