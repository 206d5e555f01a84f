// Writing a fresh 20-byte IPv4 header in place, for packets the router builds on the hot side
// (tunnel encapsulation, ICMP replies, locally originated traffic). wire/ipv4's emitIpv4 takes
// a Repr object; this takes plain numbers so the tunnel path allocates nothing per packet.
import { writeIpv4 } from "../wire/addr";
import { internetChecksum } from "../wire/checksum";

export const IPV4_HEADER_BYTES = 20;
export const DEFAULT_TTL = 255;

/** Writes version/IHL 0x45, the fields given, and the header checksum, at `at`. */
export function writeIpv4Header(
  buf: Uint8Array,
  at: number,
  totalLength: number,
  tos: number,
  identification: number,
  dontFragment: boolean,
  ttl: number,
  protocol: number,
  src: number,
  dst: number,
): void {
  buf[at] = 0x45;
  buf[at + 1] = tos;
  buf[at + 2] = totalLength >>> 8;
  buf[at + 3] = totalLength & 0xff;
  buf[at + 4] = (identification >>> 8) & 0xff;
  buf[at + 5] = identification & 0xff;
  buf[at + 6] = dontFragment ? 0x40 : 0;
  buf[at + 7] = 0;
  buf[at + 8] = ttl;
  buf[at + 9] = protocol;
  buf[at + 10] = 0;
  buf[at + 11] = 0;
  writeIpv4(buf, at + 12, src);
  writeIpv4(buf, at + 16, dst);
  const checksum = internetChecksum(buf, at, at + IPV4_HEADER_BYTES);
  buf[at + 10] = checksum >>> 8;
  buf[at + 11] = checksum & 0xff;
}
