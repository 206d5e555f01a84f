// `show ip traffic`: IOS's IP, ICMP, UDP and TCP statistics, from the counters this stack
// keeps. The stack counts every discarded packet by reason on the interface that decided
// (counters.ts); it keeps no per-protocol totals of packets received or sent, so IOS's
// "total", "local destination", "generated", "forwarded" and per-ICMP-type figures are left
// out rather than shown as numbers we do not have. Each line keeps IOS's wording and order
// for the fields it does show.
import { type DropReason } from "./counters";
import type { Interface } from "./interface";

export interface IpTraffic {
  readonly ip: {
    readonly formatErrors: number;
    readonly checksumErrors: number;
    readonly badHopCount: number;
    readonly unknownProtocol: number;
    readonly reassemblyTimeouts: number;
    readonly couldNotReassemble: number;
    readonly couldNotFragment: number;
    readonly encapsulationFailed: number;
    readonly unresolved: number;
    readonly noRoute: number;
  };
  readonly icmp: { readonly formatErrors: number };
  /** Malformed datagrams (bad length or checksum) and datagrams for a closed port. */
  readonly udp: { readonly formatErrors: number; readonly noPort: number };
  readonly tcp: { readonly formatErrors: number; readonly noPort: number };
}

export function ipTraffic(interfaces: readonly Interface[]): IpTraffic {
  const sum = (...reasons: DropReason[]): number => {
    let n = 0;
    for (const i of interfaces) for (const r of reasons) n += i.counters.drops[r] ?? 0;
    return n;
  };
  return {
    ip: {
      formatErrors: sum("ipv4-truncated", "ipv4-version", "ipv4-header-length", "ipv4-total-length"),
      checksumErrors: sum("ipv4-checksum"),
      badHopCount: sum("ttl-expired"),
      unknownProtocol: sum("protocol-unreachable"),
      reassemblyTimeouts: sum("reassembly-timeout"),
      couldNotReassemble: sum("reassembly-overflow", "reassembly-malformed", "reassembly-overlap", "reassembly-fragment-limit"),
      couldNotFragment: sum("fragmentation-needed"),
      encapsulationFailed: sum("encapsulation-failed"),
      unresolved: sum("unresolved-next-hop"),
      noRoute: sum("no-route"),
    },
    icmp: { formatErrors: sum("icmp-malformed") },
    udp: { formatErrors: sum("udp-malformed"), noPort: sum("port-unreachable") },
    tcp: { formatErrors: sum("tcp-malformed"), noPort: sum("no-tcp-listener") },
  };
}

export function formatIpTraffic(t: IpTraffic): string {
  const { ip, icmp, udp, tcp } = t;
  return [
    "IP statistics:",
    `  Rcvd:  ${ip.formatErrors} format errors, ${ip.checksumErrors} checksum errors, ${ip.badHopCount} bad hop count`,
    `         ${ip.unknownProtocol} unknown protocol`,
    `  Frags: ${ip.reassemblyTimeouts} timeouts, ${ip.couldNotReassemble} couldn't reassemble`,
    `         ${ip.couldNotFragment} couldn't fragment`,
    `  Drop:  ${ip.encapsulationFailed} encapsulation failed, ${ip.unresolved} unresolved`,
    `         ${ip.noRoute} no route`,
    "",
    "ICMP statistics:",
    `  Rcvd: ${icmp.formatErrors} format errors`,
    "",
    "UDP statistics:",
    `  Rcvd: ${udp.formatErrors} format errors, ${udp.noPort} no port`,
    "",
    "TCP statistics:",
    `  Rcvd: ${tcp.formatErrors} format errors, ${tcp.noPort} no port`,
  ].join("\n");
}
