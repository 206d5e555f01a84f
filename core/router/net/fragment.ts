// IPv4 fragmentation (RFC 791 §3.2, RFC 1812 §5.2.6): a packet larger than the outgoing IP
// MTU, without DF, leaves as fragments. Each fragment gets a copy of the header (options only
// when their "copied" flag is set, except in the first fragment), a payload that is a
// multiple of 8 bytes except in the last, and offsets relative to the original packet, so a
// fragment of a fragment is still right. This is the slow path: it allocates.
import { ipv4FragmentOffsetUnits, ipv4HeaderLengthAt, ipv4LaterFragmentHeader, ipv4MoreFragments, setIpv4Fragment } from "../wire/ipv4";
import { HEADROOM_BYTES } from "./headroom";

/** Receives one fragment at `buf[start, end)`; returns whether it was sent. */
export type FragmentSink = (buf: Uint8Array, start: number, end: number) => boolean;

/**
 * At most this many fragments per packet; more means an absurd MTU and is refused. Our
 * reassembly accepts as many per datagram, so the router can always take what it sends.
 */
export const MAX_FRAGMENTS = 64;

/**
 * Splits the packet at `buf[start, end)` for `mtu` and hands each fragment to `sink`.
 * Returns false if the MTU cannot carry even 8 bytes of payload, or a fragment was dropped.
 */
export function fragmentIpv4(buf: Uint8Array, start: number, end: number, mtu: number, sink: FragmentSink): boolean {
  const headerBytes = ipv4HeaderLengthAt(buf, start);
  const payloadBytes = end - start - headerBytes;
  const firstChunk = (mtu - headerBytes) & ~7;
  if (firstChunk <= 0) return false;
  const laterHeader = ipv4LaterFragmentHeader(buf, start);
  const laterChunk = (mtu - laterHeader.length) & ~7;
  if (laterChunk <= 0 || 1 + Math.ceil(Math.max(0, payloadBytes - firstChunk) / laterChunk) > MAX_FRAGMENTS) return false;
  const baseOffsetUnits = ipv4FragmentOffsetUnits(buf, start);
  const originalMoreFragments = ipv4MoreFragments(buf, start);
  let sentAll = true;
  let done = 0;
  let first = true;
  while (done < payloadBytes) {
    const header = first ? buf.subarray(start, start + headerBytes) : laterHeader;
    const chunk = Math.min(first ? firstChunk : laterChunk, payloadBytes - done);
    const last = done + chunk >= payloadBytes;
    const length = header.length + chunk;
    const out = new Uint8Array(HEADROOM_BYTES + length);
    const at = HEADROOM_BYTES;
    out.set(header, at);
    out.set(buf.subarray(start + headerBytes + done, start + headerBytes + done + chunk), at + header.length);
    setIpv4Fragment(out, at, length, !last || originalMoreFragments, baseOffsetUnits + (done >>> 3));
    if (!sink(out, at, at + length)) sentAll = false;
    done += chunk;
    first = false;
  }
  return sentAll;
}
