// The lines `debug nhrp packet` prints, as IOS 15 words them:
//   NHRP: Send Resolution Request via Tunnel0 vrf 0, packet size: 85
//    src: 10.0.0.11, dst: 10.0.0.1
//   NHRP: 105 bytes out Tunnel0
//   NHRP: Receive Resolution Reply via Virtual-Access1 vrf 0, packet size: 105
// Pure text; the engine decides when a debug is on and hands the lines to the router's logger.

import { formatIpv4, type Ipv4 } from "../wire/addr";
import { NhrpType, type NhrpTypeCode } from "../wire/nhrp";

const TYPE_NAMES: Readonly<Record<NhrpTypeCode, string>> = {
  [NhrpType.ResolutionRequest]: "Resolution Request",
  [NhrpType.ResolutionReply]: "Resolution Reply",
  [NhrpType.RegistrationRequest]: "Registration Request",
  [NhrpType.RegistrationReply]: "Registration Reply",
  [NhrpType.PurgeRequest]: "Purge Request",
  [NhrpType.PurgeReply]: "Purge Reply",
  [NhrpType.ErrorIndication]: "Error Indication",
  [NhrpType.TrafficIndication]: "Traffic Indication",
};

/** IOS's name of an NHRP packet type ("Resolution Request"); `type N` for one it does not know. */
export function nhrpTypeName(type: number): string {
  return TYPE_NAMES[type as NhrpTypeCode] ?? `type ${type}`;
}

/** `NHRP: Send Resolution Request via Tunnel0 vrf 0, packet size: 85`. `vrfId` is the table
 * id IOS prints (0 for the global table). */
export function debugNhrpPacketLine(dir: "send" | "receive", type: number, iface: string, vrfId: number, sizeBytes: number): string {
  return `NHRP: ${dir === "send" ? "Send" : "Receive"} ${nhrpTypeName(type)} via ${iface} vrf ${vrfId}, packet size: ${sizeBytes}`;
}

/** The line after a sent packet's: ` src: 10.0.0.11, dst: 10.0.0.1` (source and destination
 * protocol addresses of the mandatory part). */
export function debugNhrpAddressLine(src: Ipv4, dst: Ipv4): string {
  return ` src: ${formatIpv4(src)}, dst: ${formatIpv4(dst)}`;
}

/** `NHRP: 105 bytes out Tunnel0`: the packet as handed to the tunnel. */
export function debugNhrpBytesOutLine(sizeBytes: number, iface: string): string {
  return `NHRP: ${sizeBytes} bytes out ${iface}`;
}
