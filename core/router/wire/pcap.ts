// The classic libpcap file format (what `tcpdump -w` writes): a 24-byte global header
// (magic, version 2.4, snaplen, link type) then records of a 16-byte header (seconds,
// micro- or nanoseconds, captured and original length) and the captured bytes. The magic says
// the byte order and the timestamp unit: 0xa1b2c3d4 microseconds, 0xa1b23c4d nanoseconds,
// read in either order. `readCapture` opens either this or pcapng, whichever the file is;
// `writePcap` is the small writer tests and tools use to produce one.

import { hexDigits } from "./bytes";
import { WireError, truncated } from "./errors";
import { readPcapng, type PcapngRecord } from "./pcapng";

/** Link types (tcpdump.org/linktypes.html) our decoder reads. */
export const LinkType = {
  Ethernet: 1,
  /** LINKTYPE_RAW: a raw IPv4 or IPv6 packet, told apart by the version nibble. */
  Raw: 101,
  /** Linux "cooked" capture v1 (`tcpdump -i any` before libpcap 1.10). */
  LinuxSll: 113,
  Ipv4: 228,
  /** Linux "cooked" capture v2. */
  LinuxSll2: 276,
} as const;

/** One packet of a capture file, pcap or pcapng alike. */
export interface CaptureRecord {
  readonly linkType: number;
  /** Nanoseconds since the epoch, whatever the file's resolution. */
  readonly timestampNs: bigint;
  /** The captured bytes (a subarray of the input); maybe fewer than `originalLength`. */
  readonly data: Uint8Array;
  readonly originalLength: number;
  /** The capturing interface's name, when the file records one (pcapng). */
  readonly interfaceName?: string;
}

export const PCAP_GLOBAL_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;

const MAGIC_MICRO = 0xa1b2c3d4;
const MAGIC_NANO = 0xa1b23c4d;
const PCAPNG_SECTION_HEADER = 0x0a0d0d0a;

/** Sanity bound on one record, as libpcap's own reader has (a corrupt length is not a 4 GB read). */
const MAX_RECORD_LENGTH = 0x4000000;

/**
 * Reads the records of a classic pcap file. A malformed header or a record that runs past
 * the end of the file is a WireError naming the field and its offset in the file.
 */
export function readPcap(bytes: Uint8Array): CaptureRecord[] | WireError {
  if (bytes.length < PCAP_GLOBAL_HEADER_LENGTH) return truncated("pcap", "global header", 0, PCAP_GLOBAL_HEADER_LENGTH, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = view.getUint32(0, true);
  const be = view.getUint32(0, false);
  let little: boolean;
  let nano: boolean;
  if (le === MAGIC_MICRO || le === MAGIC_NANO) {
    little = true;
    nano = le === MAGIC_NANO;
  } else if (be === MAGIC_MICRO || be === MAGIC_NANO) {
    little = false;
    nano = be === MAGIC_NANO;
  } else {
    return new WireError("pcap", "magic number", 0, `0x${hexDigits(be, 8)} is neither 0xa1b2c3d4 nor 0xa1b23c4d in either byte order`);
  }
  const major = view.getUint16(4, little);
  if (major !== 2) return new WireError("pcap", "major version", 4, `${major} is not 2`);
  // The link type's upper bits carry an FCS length (libpcap's LT_FCS_*); the type is the low 16.
  const linkType = view.getUint32(20, little) & 0xffff;
  const records: CaptureRecord[] = [];
  const unitNs = nano ? 1n : 1000n;
  for (let at = PCAP_GLOBAL_HEADER_LENGTH; at < bytes.length; ) {
    if (bytes.length - at < PCAP_RECORD_HEADER_LENGTH) return truncated("pcap", `record ${records.length + 1} header`, at, PCAP_RECORD_HEADER_LENGTH, bytes.length - at);
    const seconds = view.getUint32(at, little);
    const fraction = view.getUint32(at + 4, little);
    const captured = view.getUint32(at + 8, little);
    const original = view.getUint32(at + 12, little);
    if (fraction >= (nano ? 1_000_000_000 : 1_000_000)) {
      return new WireError("pcap", `record ${records.length + 1} ${nano ? "nanoseconds" : "microseconds"}`, at + 4, `${fraction} is not less than one second`);
    }
    if (captured > MAX_RECORD_LENGTH) return new WireError("pcap", `record ${records.length + 1} captured length`, at + 8, `${captured} is over the ${MAX_RECORD_LENGTH}-byte limit`);
    const start = at + PCAP_RECORD_HEADER_LENGTH;
    if (captured > bytes.length - start) return truncated("pcap", `record ${records.length + 1} data`, start, captured, bytes.length - start);
    records.push({
      linkType,
      timestampNs: BigInt(seconds) * 1_000_000_000n + BigInt(fraction) * unitNs,
      data: bytes.subarray(start, start + captured),
      originalLength: original,
    });
    at = start + captured;
  }
  return records;
}

/** Reads a pcap or pcapng file, whichever its first four bytes say it is. */
export function readCapture(bytes: Uint8Array): CaptureRecord[] | WireError {
  if (bytes.length < 4) return truncated("capture", "magic number", 0, 4, bytes.length);
  const first = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  if (first === PCAPNG_SECTION_HEADER) {
    const records = readPcapng(bytes);
    return records instanceof WireError ? records : records.map(fromPcapng);
  }
  return readPcap(bytes);
}

function fromPcapng(r: PcapngRecord): CaptureRecord {
  return { linkType: r.linkType, timestampNs: r.timestampNs, data: r.data, originalLength: r.originalLength, interfaceName: r.interfaceName };
}

export interface PcapWriteOptions {
  readonly linkType?: number;
  /** Nanosecond timestamps (magic 0xa1b23c4d) instead of microseconds. */
  readonly nanoseconds?: boolean;
  /** Big-endian headers, as a capture made on a big-endian host has them. */
  readonly bigEndian?: boolean;
  readonly snaplen?: number;
}

/** A whole classic pcap file of `frames`, each with its timestamp in nanoseconds. */
export function writePcap(frames: readonly { readonly timestampNs: bigint; readonly data: Uint8Array }[], options: PcapWriteOptions = {}): Uint8Array {
  const little = options.bigEndian !== true;
  const nano = options.nanoseconds === true;
  let total = PCAP_GLOBAL_HEADER_LENGTH;
  for (const f of frames) total += PCAP_RECORD_HEADER_LENGTH + f.data.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, nano ? MAGIC_NANO : MAGIC_MICRO, little);
  view.setUint16(4, 2, little);
  view.setUint16(6, 4, little);
  view.setUint32(16, options.snaplen ?? 262144, little);
  view.setUint32(20, options.linkType ?? LinkType.Ethernet, little);
  let at = PCAP_GLOBAL_HEADER_LENGTH;
  for (const f of frames) {
    if (f.timestampNs < 0n) throw new RangeError(`writePcap: negative timestamp ${f.timestampNs}`);
    view.setUint32(at, Number(f.timestampNs / 1_000_000_000n), little);
    const fractionNs = f.timestampNs % 1_000_000_000n;
    view.setUint32(at + 4, Number(nano ? fractionNs : fractionNs / 1000n), little);
    view.setUint32(at + 8, f.data.length, little);
    view.setUint32(at + 12, f.data.length, little);
    out.set(f.data, at + PCAP_RECORD_HEADER_LENGTH);
    at += PCAP_RECORD_HEADER_LENGTH + f.data.length;
  }
  return out;
}
