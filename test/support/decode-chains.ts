// Comparing `flexlab decode` with tshark packet by packet: our layer names as Wireshark's
// protocol filter names, so both decoders' protocol chains read alike (cli-decode.test.ts on
// synthetic captures, bgp-frr.test.ts on a real session's).
import type { DecodedRecord } from "../../core/lab/decode";

/** Our layer names as Wireshark's protocol filter names. */
export const TSHARK_NAMES: Readonly<Record<string, string>> = {
  Ethernet: "eth",
  "Linux cooked": "sll",
  "Linux cooked v2": "sll",
  "Raw IP": "raw",
  "802.1Q": "vlan",
  ARP: "arp",
  IPv4: "ip",
  ICMP: "icmp",
  UDP: "udp",
  TCP: "tcp",
  GRE: "gre",
  MPLS: "mpls",
  ESP: "esp",
  BGP: "bgp",
  IKEv2: "isakmp",
  "NAT-T": "udpencap",
  NHRP: "nhrp",
  LLC: "llc",
  CDP: "cdp",
};

export function ourChain(record: DecodedRecord): string {
  return record.packet.layers.map((l) => TSHARK_NAMES[l.protocol] ?? l.protocol).join(":");
}

/** tshark's chain (`frame.protocols`) without its bookkeeping entries ("ethertype", "data"); an
 * ICMP error's quoted datagram and the packet an NHRP traffic indication quotes, which
 * tshark dissects as layers and we summarise inside the ICMP or NHRP layer, are cut off. */
export function theirChain(protocols: string): string {
  const names = protocols.split(":").filter((p) => p !== "ethertype" && p !== "data");
  const quoting = names.findIndex((p) => p === "icmp" || p === "nhrp");
  return (quoting === -1 ? names : names.slice(0, quoting + 1)).join(":");
}
