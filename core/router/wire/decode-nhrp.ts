// The capture decoder's NHRP layer (GRE protocol 0x2001): the packet type, request ID and
// addresses in the one-line view ("NHRP Resolution Reply id 7 10.1.1.3 > 192.168.114.1,
// 192.168.114.0/24 via 10.1.1.4 label 40"), and in the detail every CIE (prefix length,
// NBMA and protocol address, holding time), every extension, and FlexLab's labels as IOS
// prints them ("Label: 40", "implicit-null"), each CIE next to its label. nhrp.ts does the
// reading. Registered in decode.ts.

import { formatIpv4, formatPrefix, prefix } from "./addr";
import { hexBytes, hexDigits } from "./bytes";
import type { Dissection, Dissector } from "./decode";
import { isWireError, type WireError } from "./errors";
import { quotedIpv4 } from "./ipv4";
import { ReservedLabel, type Label } from "./mpls";
import { NHRP_TRAFFIC_REDIRECT, NhrpErrorCode, NhrpResolutionFlag, NhrpType, nhrpTypeName, parseNhrp, type NhrpPacket } from "./nhrp";
import { NhrpCieCode, type NhrpCie } from "./nhrp-cie";
import type { NhrpExtensions } from "./nhrp-extensions";

/** "Label: 40", or "implicit-null" for label 3, as IOS shows an NHRP entry's label. */
export function nhrpLabelText(label: Label): string {
  return label === ReservedLabel.ImplicitNull ? "implicit-null" : `Label: ${label}`;
}

/** Lower-case words from a constant's name: "ProtocolAddressUnreachable" → "protocol address unreachable". */
function words(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

function nameOf(table: Readonly<Record<string, number>>, value: number): string {
  for (const [name, v] of Object.entries(table)) if (v === value) return `${words(name)} (${value})`;
  return String(value);
}

const RESOLUTION_FLAGS: [number, string][] = [
  [NhrpResolutionFlag.Q, "Q"],
  [NhrpResolutionFlag.A, "A"],
  [NhrpResolutionFlag.D, "D"],
  [NhrpResolutionFlag.U, "U"],
  [NhrpResolutionFlag.S, "S"],
  [NhrpResolutionFlag.Nat, "NAT"],
];
/** Registration (U) and purge (N) use the top bit for their own flag (RFC 2332 §5.2.3, §5.2.5). */
const TOP_FLAG: Readonly<Record<number, string>> = { 3: "U", 4: "U", 5: "N", 6: "N" };

function flagsText(type: number, flags: number): string {
  const names = type <= NhrpType.ResolutionReply ? RESOLUTION_FLAGS.filter(([bit]) => flags & bit).map(([, n]) => n) : [];
  if (type > NhrpType.ResolutionReply) {
    if (flags & 0x8000) names.push(TOP_FLAG[type]);
    if (flags & NhrpResolutionFlag.Nat) names.push("NAT");
  }
  return `0x${hexDigits(flags, 4)}${names.length ? ` (${names.join(" ")})` : ""}`;
}

/** A CIE for the detail view: addresses as text, the code by name, its label when it has one. */
function cieFields(cie: NhrpCie, label: Label | undefined): Record<string, unknown> {
  return present({
    code: nameOf(NhrpCieCode, cie.code),
    prefixLength: cie.prefixLength,
    nbma: cie.clientNbma === undefined ? undefined : formatIpv4(cie.clientNbma),
    protocol: cie.clientProtocol === undefined ? undefined : formatIpv4(cie.clientProtocol),
    holdingTimeSec: cie.holdingTime,
    mtu: cie.mtu,
    preference: cie.preference,
    label: label === undefined ? undefined : nhrpLabelText(label),
  });
}

/** Its fields without the absent ones, so the detail view does not print "undefined". */
function present(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

function extensionFields(ext: NhrpExtensions, cieCount: number): Record<string, unknown> {
  const labels = ext.labels?.cieLabels;
  const fields: Record<string, unknown> = {};
  if (ext.responder !== undefined) fields.responder = ext.responder === null ? "(empty)" : cieFields(ext.responder, labels?.[cieCount]);
  if (ext.forwardTransit !== undefined) fields.forwardTransit = ext.forwardTransit.map((c) => cieFields(c, undefined));
  if (ext.reverseTransit !== undefined) fields.reverseTransit = ext.reverseTransit.map((c) => cieFields(c, undefined));
  if (ext.authentication !== undefined) {
    const a = ext.authentication;
    fields.authentication = `SPI ${a.spi}${a.spi === 1 ? " (cleartext)" : ""}, ${a.data.length} bytes`;
  }
  if (ext.nat !== undefined) fields.nat = ext.nat.map((c) => cieFields(c, undefined));
  if (ext.labels !== undefined) {
    if (ext.labels.vrfLabel !== undefined) fields.vrfLabel = nhrpLabelText(ext.labels.vrfLabel);
    if (labels !== undefined) fields.cieLabels = labels.map(nhrpLabelText);
  }
  if (ext.unknown !== undefined) {
    fields.otherExtensions = ext.unknown.map((u) => `type ${u.type}${u.compulsory ? " (compulsory)" : ""}, ${u.data.length} bytes${u.data.length ? ` ${hexBytes(u.data)}` : ""}`);
  }
  return fields;
}

/** The words after "NHRP <type>" in the one-line view. */
function summaryTail(p: NhrpPacket): string {
  const route = `${formatIpv4(p.srcProtocol)} > ${formatIpv4(p.dstProtocol)}`;
  switch (p.type) {
    case NhrpType.ErrorIndication:
      return `${nameOf(NhrpErrorCode, p.errorCode)} ${route}`;
    case NhrpType.TrafficIndication:
    {
      const vrfLabel = p.extensions.labels?.vrfLabel;
      return `${p.trafficCode === NHRP_TRAFFIC_REDIRECT ? "redirect" : `code ${p.trafficCode}`} ${route}${vrfLabel === undefined ? "" : ` vrf label ${vrfLabel}`} (${quotedIpv4(p.packet)})`;
    }
    default: {
      const vrfLabel = p.extensions.labels?.vrfLabel;
      const head = `id ${p.requestId} ${route}${vrfLabel === undefined ? "" : ` vrf label ${vrfLabel}`}`;
      const cie = p.cies[0];
      if (p.type !== NhrpType.ResolutionReply || cie === undefined || cie.clientProtocol === undefined || cie.prefixLength > 32) return head;
      const label = p.extensions.labels?.cieLabels?.[0];
      const labelText = label === undefined ? "" : label === ReservedLabel.ImplicitNull ? " implicit-null" : ` label ${label}`;
      return `${head}, ${formatPrefix(prefix(p.dstProtocol, cie.prefixLength))} via ${formatIpv4(cie.clientProtocol)}${labelText}`;
    }
  }
}

/** What an error indication quotes: the packet in error, parsed when it is whole. */
function quotedNhrp(bytes: Uint8Array): string {
  const q = parseNhrp(bytes);
  if (isWireError(q)) return `${bytes.length} bytes quoted`;
  return `NHRP ${nhrpTypeName(q.type)} ${summaryTail(q)}`;
}

export const dissectNhrp: Dissector = (bytes): Dissection | WireError => {
  const p = parseNhrp(bytes);
  if (isWireError(p)) return p;
  const fields: Record<string, unknown> = { type: `${nhrpTypeName(p.type)} (${p.type})`, hopCount: p.hopCount };
  let cieCount = 0;
  switch (p.type) {
    case NhrpType.ErrorIndication:
      fields.errorCode = nameOf(NhrpErrorCode, p.errorCode);
      fields.errorOffset = p.errorOffset;
      break;
    case NhrpType.TrafficIndication:
      fields.trafficCode = p.trafficCode === NHRP_TRAFFIC_REDIRECT ? `redirect (${p.trafficCode})` : String(p.trafficCode);
      break;
    default:
      fields.flags = flagsText(p.type, p.flags);
      fields.requestId = p.requestId;
  }
  fields.srcNbma = formatIpv4(p.srcNbma);
  fields.srcProtocol = formatIpv4(p.srcProtocol);
  fields.dstProtocol = formatIpv4(p.dstProtocol);
  if (p.type === NhrpType.ErrorIndication) fields.packet = quotedNhrp(p.packet);
  else if (p.type === NhrpType.TrafficIndication) fields.packet = quotedIpv4(p.packet);
  else {
    const labels = p.extensions.labels?.cieLabels;
    fields.cies = p.cies.map((c, i) => cieFields(c, labels?.[i]));
    cieCount = p.cies.length;
  }
  Object.assign(fields, extensionFields(p.extensions, cieCount));
  return { layer: { protocol: "NHRP", summary: `NHRP ${nhrpTypeName(p.type)} ${summaryTail(p)}`, fields } };
};
