// A pcapng writer (the capture format Wireshark opens), streaming blocks to any sink: a
// file, a socket, the mgmt API's capture stream. Blocks per the pcapng draft
// (draft-ietf-opsawg-pcapng): one Section Header Block, an Interface Description Block per
// interface, then Enhanced Packet Blocks. Written little-endian; readers detect the order
// from the byte-order magic. A small reader, `readPcapng`, is there for tests.

import { WireError, truncated } from "./errors";

export const LINKTYPE_ETHERNET = 1;

const BLOCK_SECTION_HEADER = 0x0a0d0d0a;
const BLOCK_INTERFACE_DESCRIPTION = 1;
const BLOCK_ENHANCED_PACKET = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const OPT_END = 0;
const OPT_COMMENT = 1;
const OPT_SHB_USERAPPL = 4;
const OPT_IF_NAME = 2;
const OPT_IF_TSRESOL = 9;

/** Wireshark's own default snapshot length. */
const DEFAULT_SNAPLEN = 262144;

/** Where the writer puts each block, one call per block. */
export type PcapngSink = (chunk: Uint8Array) => void;

export interface PcapngInterfaceOptions {
  /** Timestamp resolution as a power of ten: 6 → microseconds (the default), 9 → ns. */
  readonly tsresol?: 6 | 9;
  /** Frames longer than this are cut to it (the original length is kept). */
  readonly snaplen?: number;
}

const encoder = new TextEncoder();

/** Size of an options list: each option 4 + value padded to 4, then opt_endofopt. */
function optionsLength(values: readonly Uint8Array[]): number {
  if (values.length === 0) return 0;
  let length = 4;
  for (const value of values) length += 4 + pad4(value.length);
  return length;
}

function writeOption(view: DataView, bytes: Uint8Array, at: number, code: number, value: Uint8Array): number {
  view.setUint16(at, code, true);
  view.setUint16(at + 2, value.length, true);
  bytes.set(value, at + 4);
  return at + 4 + pad4(value.length);
}

/** Starts a block of `total` bytes: type and length at the front, length again at the end. */
function startBlock(type: number, total: number): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, total, true);
  view.setUint32(total - 4, total, true);
  return { bytes, view };
}

export class PcapngWriter {
  private readonly interfaces: { readonly tsresol: 6 | 9; readonly snaplen: number }[] = [];

  /** Writes the Section Header Block to `sink` straight away. */
  constructor(
    private readonly sink: PcapngSink,
    userAppl = "FlexLab",
  ) {
    const appl = encoder.encode(userAppl);
    const total = 28 + optionsLength([appl]);
    const { bytes, view } = startBlock(BLOCK_SECTION_HEADER, total);
    view.setUint32(8, BYTE_ORDER_MAGIC, true);
    view.setUint16(12, 1, true); // version 1.0
    view.setUint16(14, 0, true);
    view.setBigInt64(16, -1n, true); // section length not known while streaming
    writeOption(view, bytes, 24, OPT_SHB_USERAPPL, appl); // opt_endofopt is already zero
    sink(bytes);
  }

  /** Writes an Interface Description Block and returns the interface's ID (0, 1, ...). */
  addInterface(name: string, linkType = LINKTYPE_ETHERNET, options: PcapngInterfaceOptions = {}): number {
    const tsresol = options.tsresol ?? 6;
    const snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
    const nameBytes = encoder.encode(name);
    const resolution = Uint8Array.of(tsresol);
    const total = 16 + optionsLength([nameBytes, resolution]) + 4;
    const { bytes, view } = startBlock(BLOCK_INTERFACE_DESCRIPTION, total);
    view.setUint16(8, linkType, true);
    view.setUint32(12, snaplen, true);
    const at = writeOption(view, bytes, 16, OPT_IF_NAME, nameBytes);
    writeOption(view, bytes, at, OPT_IF_TSRESOL, resolution);
    this.sink(bytes);
    this.interfaces.push({ tsresol, snaplen });
    return this.interfaces.length - 1;
  }

  /**
   * Writes an Enhanced Packet Block. `timestamp` is milliseconds since the epoch when a
   * number (the Clock's unit; fractions keep sub-millisecond precision), nanoseconds when a
   * bigint. An unknown interface or a negative time is a bug in the caller and throws.
   */
  writePacket(interfaceId: number, timestamp: number | bigint, frame: Uint8Array, comment?: string): void {
    const iface = this.interfaces[interfaceId];
    if (iface === undefined) throw new RangeError(`pcapng: no interface ${interfaceId}`);
    const units = toUnits(timestamp, iface.tsresol);
    const captured = Math.min(frame.length, iface.snaplen);
    const commentBytes = comment === undefined ? undefined : encoder.encode(comment);
    const optLength = commentBytes ? optionsLength([commentBytes]) : 0;
    const total = 28 + pad4(captured) + optLength + 4;
    const { bytes, view } = startBlock(BLOCK_ENHANCED_PACKET, total);
    view.setUint32(8, interfaceId, true);
    view.setUint32(12, Number(units >> 32n), true);
    view.setUint32(16, Number(units & 0xffffffffn), true);
    view.setUint32(20, captured, true);
    view.setUint32(24, frame.length, true);
    bytes.set(captured === frame.length ? frame : frame.subarray(0, captured), 28);
    if (commentBytes) writeOption(view, bytes, 28 + pad4(captured), OPT_COMMENT, commentBytes);
    this.sink(bytes);
  }
}

function toUnits(timestamp: number | bigint, tsresol: 6 | 9): bigint {
  if (typeof timestamp === "bigint") {
    if (timestamp < 0n) throw new RangeError(`pcapng: negative timestamp ${timestamp}`);
    return tsresol === 9 ? timestamp : timestamp / 1000n;
  }
  if (!Number.isFinite(timestamp) || timestamp < 0) throw new RangeError(`pcapng: timestamp ${timestamp}`);
  if (tsresol === 6) return BigInt(Math.round(timestamp * 1000));
  // ms × 10^6 overflows a double's exact range for today's dates: split whole and fraction.
  const whole = Math.floor(timestamp);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((timestamp - whole) * 1e6));
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** One packet read back from a capture. */
export interface PcapngRecord {
  readonly interfaceId: number;
  readonly interfaceName: string | undefined;
  readonly linkType: number;
  /** Nanoseconds since the epoch, whatever the interface's resolution. */
  readonly timestampNs: bigint;
  /** The captured bytes (a subarray of the input); maybe fewer than `originalLength`. */
  readonly data: Uint8Array;
  readonly originalLength: number;
  readonly comment: string | undefined;
}

interface InterfaceInfo {
  readonly linkType: number;
  readonly name: string | undefined;
  /** Timestamp units per second (10^n or 2^n from if_tsresol). */
  readonly unitsPerSecond: bigint;
}

type OptionVisitor = (code: number, value: Uint8Array) => void;

/**
 * Reads the packets of a pcapng capture (any number of sections, either byte order),
 * skipping blocks other than SHB, IDB and EPB. Returns a WireError for malformed input.
 */
export function readPcapng(bytes: Uint8Array): PcapngRecord[] | WireError {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  const records: PcapngRecord[] = [];
  let interfaces: InterfaceInfo[] = [];
  let le: boolean | undefined; // undefined until the first section header
  for (let at = 0; at < bytes.length; ) {
    if (bytes.length - at < 12) return truncated("pcapng", "block header", at, 12, bytes.length - at);
    const type = view.getUint32(at, le ?? true);
    if (type === BLOCK_SECTION_HEADER) {
      // The type reads the same in both orders; the magic tells which one this section uses.
      const magic = view.getUint32(at + 8, true);
      if (magic === BYTE_ORDER_MAGIC) le = true;
      else if (magic === 0x4d3c2b1a) le = false;
      else return new WireError("pcapng", "byte-order magic", at + 8, `0x${magic.toString(16)} is not 0x1a2b3c4d in either order`);
      interfaces = [];
    } else if (le === undefined) {
      return new WireError("pcapng", "block type", at, "a capture starts with a section header block");
    }
    const total = view.getUint32(at + 4, le);
    if (total < 12 || total % 4 !== 0) return new WireError("pcapng", "block total length", at + 4, `${total} is not a multiple of 4 of at least 12`);
    if (total > bytes.length - at) return truncated("pcapng", "block body", at, total, bytes.length - at);
    if (view.getUint32(at + total - 4, le) !== total) {
      return new WireError("pcapng", "block total length (trailer)", at + total - 4, "differs from the length in the header");
    }
    const end = at + total - 4;
    if (type === BLOCK_SECTION_HEADER) {
      if (total < 28) return new WireError("pcapng", "block total length", at + 4, `${total} is too short for a section header`);
      const major = view.getUint16(at + 12, le);
      if (major !== 1) return new WireError("pcapng", "major version", at + 12, `version ${major} is not 1`);
    } else if (type === BLOCK_INTERFACE_DESCRIPTION) {
      if (total < 20) return new WireError("pcapng", "block total length", at + 4, `${total} is too short for an interface description`);
      let name: string | undefined;
      let unitsPerSecond = 1_000_000n;
      const error = readOptions(bytes, view, le, at + 16, end, (code, value) => {
        if (code === OPT_IF_NAME) name = decoder.decode(value);
        if (code === OPT_IF_TSRESOL && value.length >= 1) {
          const n = BigInt(value[0] & 0x7f);
          unitsPerSecond = value[0] & 0x80 ? 1n << n : 10n ** n;
        }
      });
      if (error) return error;
      interfaces.push({ linkType: view.getUint16(at + 8, le), name, unitsPerSecond });
    } else if (type === BLOCK_ENHANCED_PACKET) {
      if (total < 32) return new WireError("pcapng", "block total length", at + 4, `${total} is too short for an enhanced packet`);
      const interfaceId = view.getUint32(at + 8, le);
      const iface = interfaces[interfaceId];
      if (iface === undefined) return new WireError("pcapng", "interface ID", at + 8, `no interface ${interfaceId} in this section`);
      const captured = view.getUint32(at + 20, le);
      if (captured > end - (at + 28)) return new WireError("pcapng", "captured packet length", at + 20, `${captured} runs past the block`);
      let comment: string | undefined;
      const error = readOptions(bytes, view, le, at + 28 + pad4(captured), end, (code, value) => {
        if (code === OPT_COMMENT) comment = decoder.decode(value);
      });
      if (error) return error;
      const units = (BigInt(view.getUint32(at + 12, le)) << 32n) | BigInt(view.getUint32(at + 16, le));
      records.push({
        interfaceId,
        interfaceName: iface.name,
        linkType: iface.linkType,
        timestampNs: (units * 1_000_000_000n) / iface.unitsPerSecond,
        data: bytes.subarray(at + 28, at + 28 + captured),
        originalLength: view.getUint32(at + 24, le),
        comment,
      });
    }
    at += total;
  }
  return records;
}

/** Walks an options list in `[start, end)`, up to opt_endofopt or the end. */
function readOptions(bytes: Uint8Array, view: DataView, le: boolean, start: number, end: number, visit: OptionVisitor): WireError | undefined {
  for (let at = start; at + 4 <= end; ) {
    const code = view.getUint16(at, le);
    if (code === OPT_END) return undefined;
    const length = view.getUint16(at + 2, le);
    if (at + 4 + length > end) return new WireError("pcapng", "option length", at + 2, `${length} runs past the block (option ${code})`);
    visit(code, bytes.subarray(at + 4, at + 4 + length));
    at += 4 + pad4(length);
  }
  return undefined;
}
