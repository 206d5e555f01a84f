// IPv4 fragmentation (RFC 791 §3.2, RFC 1812 §5.2.6): a packet larger than the outgoing IP
// MTU, without DF, leaves as fragments. Each fragment gets a copy of the header (options only
// when their "copied" flag is set, except in the first fragment), a payload that is a
// multiple of 8 bytes except in the last, and offsets relative to the original packet, so a
// fragment of a fragment is still right. This is the slow path: it allocates.
import { internetChecksum } from "../wire/checksum";
import { HEADROOM_BYTES } from "./headroom";

/** Receives one fragment at `buf[start, end)`; returns whether it was sent. */
export type FragmentSink = (buf: Uint8Array, start: number, end: number) => boolean;

/** At most this many fragments per packet; more means an absurd MTU and is refused. */
const MAX_FRAGMENTS = 64;

/**
 * Splits the packet at `buf[start, end)` for `mtu` and hands each fragment to `sink`.
 * Returns false if the MTU cannot carry even 8 bytes of payload, or a fragment was dropped.
 */
export function fragmentIpv4(buf: Uint8Array, start: number, end: number, mtu: number, sink: FragmentSink): boolean {
  const headerBytes = (buf[start] & 0x0f) << 2;
  const payloadBytes = end - start - headerBytes;
  const firstChunk = (mtu - headerBytes) & ~7;
  if (firstChunk <= 0) return false;
  const laterHeader = copiedOptionsHeader(buf, start, headerBytes);
  const laterChunk = (mtu - laterHeader.length) & ~7;
  if (laterChunk <= 0 || 1 + Math.ceil(Math.max(0, payloadBytes - firstChunk) / laterChunk) > MAX_FRAGMENTS) return false;
  const flags = (buf[start + 6] << 8) | buf[start + 7];
  const baseOffsetUnits = flags & 0x1fff;
  const originalMoreFragments = (flags & 0x2000) !== 0;
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
    out[at] = 0x40 | (header.length >>> 2);
    out[at + 2] = length >>> 8;
    out[at + 3] = length & 0xff;
    const offsetUnits = baseOffsetUnits + (done >>> 3);
    const more = !last || originalMoreFragments;
    out[at + 6] = (more ? 0x20 : 0) | ((offsetUnits >>> 8) & 0x1f);
    out[at + 7] = offsetUnits & 0xff;
    out[at + 10] = 0;
    out[at + 11] = 0;
    const checksum = internetChecksum(out, at, at + header.length);
    out[at + 10] = checksum >>> 8;
    out[at + 11] = checksum & 0xff;
    if (!sink(out, at, at + length)) sentAll = false;
    done += chunk;
    first = false;
  }
  return sentAll;
}

/** The header for fragments after the first: the fixed 20 bytes plus options whose copied
 * flag (the type's top bit) is set, padded to a word with end-of-options (RFC 791 §3.1). */
function copiedOptionsHeader(buf: Uint8Array, start: number, headerBytes: number): Uint8Array {
  if (headerBytes === 20) return buf.slice(start, start + 20);
  const kept: number[] = [];
  let i = start + 20;
  const end = start + headerBytes;
  while (i < end) {
    const type = buf[i];
    if (type === 0) break; // end of option list
    if (type === 1) {
      i++; // no-operation
      continue;
    }
    const length = i + 1 < end ? buf[i + 1] : 0;
    if (length < 2 || i + length > end) break; // malformed: copy nothing more
    if (type & 0x80) for (let k = 0; k < length; k++) kept.push(buf[i + k]);
    i += length;
  }
  while (kept.length % 4 !== 0) kept.push(0);
  const header = new Uint8Array(20 + kept.length);
  header.set(buf.subarray(start, start + 20));
  header.set(kept, 20);
  return header;
}
