// IPv4 fragments for the reassembly unit tests and the reassembly benchmark: one header
// (UDP from 10.1.0.2 to 10.1.0.1, TTL 64) around whatever piece of a datagram is given.

import { ipv4 } from "../../wire/addr";
import { IpProtocol, buildIpv4, type Ipv4Repr } from "../../wire/ipv4";

/** A fragment of datagram `identification` carrying `payload` at byte `offset` of it;
 * `extra` overrides header fields. */
export function ipv4Fragment(identification: number, offset: number, payload: Uint8Array, more: boolean, extra: Partial<Ipv4Repr> = {}): Uint8Array {
  return buildIpv4(
    {
      dscp: 0,
      ecn: 0,
      identification,
      dontFragment: false,
      moreFragments: more,
      fragmentOffsetBytes: offset,
      ttl: 64,
      protocol: IpProtocol.Udp,
      src: ipv4(10, 1, 0, 2),
      dst: ipv4(10, 1, 0, 1),
      payloadLength: payload.length,
      ...extra,
    },
    payload,
  );
}
