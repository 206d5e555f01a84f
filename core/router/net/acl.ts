// IP access lists as forwarding applies them: an ordered list of matches, first match wins,
// an implicit deny at the end; per-entry match counters for `show access-lists`. Built by
// node/acl.ts from the configuration; an interface holds the lists `ip access-group` names.
//
// Per packet: header fields read once through wire/, then a plain loop; no allocation.
import { ipv4Dst, ipv4FragmentOffsetUnits, ipv4HeaderLengthAt, ipv4Protocol, ipv4Src } from "../wire/ipv4";
import { tcpFlags, tcpSrcPort, tcpDstPort } from "../wire/tcp";
import { udpDstPort, udpSrcPort } from "../wire/udp";
import { icmpCode, icmpType } from "../wire/icmp";

/** What an interface asks of an access list. */
export interface PacketFilter {
  /** Whether the IPv4 packet at `buf[offset, end)` may pass; counts the entry that decided. */
  permits(buf: Uint8Array, offset: number, end: number): boolean;
}

/** A port condition: `eq 80` is 80..80, `neq 80` the same negated, `range 8000 8080`. */
export interface PortMatch {
  readonly lo: number;
  readonly hi: number;
  readonly negate: boolean;
}

export interface AclMatch {
  readonly seq: number;
  readonly permit: boolean;
  /** 0: any IP protocol. */
  readonly protocol: number;
  /** The address bits that must match (those the wildcard does not ignore). */
  readonly src: number;
  /** Wildcard bits: 1s are "don't care". */
  readonly srcWildcard: number;
  readonly dst: number;
  readonly dstWildcard: number;
  readonly srcPort?: PortMatch;
  readonly dstPort?: PortMatch;
  /** TCP with ACK or RST set (a reply within a connection). */
  readonly established: boolean;
  readonly icmpType?: number;
  readonly icmpCode?: number;
  /** `fragments`: only non-initial fragments. */
  readonly fragments: boolean;
}

const PROTO_ICMP = 1;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const TCP_ACK = 0x10;
const TCP_RST = 0x04;

function portOk(m: PortMatch, port: number): boolean {
  return (port >= m.lo && port <= m.hi) !== m.negate;
}

export class AccessList implements PacketFilter {
  /** Matches per entry, in entry order. */
  readonly hits: number[];

  constructor(
    readonly name: string,
    readonly entries: readonly AclMatch[],
  ) {
    this.hits = entries.map(() => 0);
  }

  permits(buf: Uint8Array, offset: number, end: number): boolean {
    const entries = this.entries;
    // An access list with no entries filters nothing, as IOS treats an undefined one.
    if (entries.length === 0) return true;
    const protocol = ipv4Protocol(buf, offset);
    const src = ipv4Src(buf, offset);
    const dst = ipv4Dst(buf, offset);
    const l4 = offset + ipv4HeaderLengthAt(buf, offset);
    const laterFragment = ipv4FragmentOffsetUnits(buf, offset) !== 0;
    // Ports, flags and ICMP type exist only in the first fragment, and only if it holds them.
    const hasPorts = !laterFragment && (protocol === PROTO_TCP || protocol === PROTO_UDP) && end - l4 >= 4;
    const hasFlags = !laterFragment && protocol === PROTO_TCP && end - l4 >= 14;
    const hasIcmp = !laterFragment && protocol === PROTO_ICMP && end - l4 >= 2;
    const srcPort = !hasPorts ? -1 : protocol === PROTO_TCP ? tcpSrcPort(buf, l4) : udpSrcPort(buf, l4);
    const dstPort = !hasPorts ? -1 : protocol === PROTO_TCP ? tcpDstPort(buf, l4) : udpDstPort(buf, l4);
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (e.protocol !== 0 && e.protocol !== protocol) continue;
      if (((src ^ e.src) & ~e.srcWildcard) !== 0) continue;
      if (((dst ^ e.dst) & ~e.dstWildcard) !== 0) continue;
      if (e.fragments && !laterFragment) continue;
      const layer4 = e.srcPort !== undefined || e.dstPort !== undefined || e.established || e.icmpType !== undefined;
      if (layer4) {
        // A later fragment carries none of it: a permit lets it through on its addresses,
        // a deny does not apply to it (IOS's rule for non-initial fragments).
        if (laterFragment) {
          if (!e.permit) continue;
        } else {
          if (e.srcPort !== undefined && !(hasPorts && portOk(e.srcPort, srcPort))) continue;
          if (e.dstPort !== undefined && !(hasPorts && portOk(e.dstPort, dstPort))) continue;
          if (e.established && !(hasFlags && (tcpFlags(buf, l4) & (TCP_ACK | TCP_RST)) !== 0)) continue;
          if (e.icmpType !== undefined && !(hasIcmp && icmpType(buf, l4) === e.icmpType && (e.icmpCode === undefined || icmpCode(buf, l4) === e.icmpCode))) continue;
        }
      }
      this.hits[i]++;
      return e.permit;
    }
    return false;
  }

  /**
   * Whether the list permits a route (route-maps' `match ip address`, IOS's rule for BGP): a
   * standard entry matches the network address; an extended one matches the network address
   * as its source and the network mask as its destination (`permit ip 10.0.0.0 0.255.255.255
   * 255.255.255.0 0.0.0.0`: the /24s of 10/8). Only `ip` entries without layer-4 conditions
   * can match a route. No counters: those count packets.
   */
  permitsRoute(address: number, mask: number): boolean {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (e.protocol !== 0 || e.srcPort !== undefined || e.dstPort !== undefined || e.established || e.icmpType !== undefined || e.fragments) continue;
      if (((address ^ e.src) & ~e.srcWildcard) !== 0) continue;
      if (((mask ^ e.dst) & ~e.dstWildcard) !== 0) continue;
      return e.permit;
    }
    return false;
  }

  clearCounters(): void {
    this.hits.fill(0);
  }
}
