import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ipv4, type Ipv4 } from "./addr";
import { finishChecksum, pseudoHeaderSum, sumWords } from "./checksum";
import { isWireError } from "./errors";
import { IpProtocol } from "./ipv4";
import {
  TcpFlag,
  buildTcp,
  emitTcp,
  parseTcp,
  tcpAck,
  tcpChecksumValid,
  tcpDstPort,
  tcpFlags,
  tcpHeaderLength,
  tcpHeaderLengthAt,
  tcpOptionsLength,
  tcpSeq,
  tcpSrcPort,
  tcpWindow,
  type TcpOption,
  type TcpRepr,
} from "./tcp";

const SRC = ipv4(10, 0, 0, 1);
const DST = ipv4(10, 0, 0, 2);
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const arbAddr = u32.map((n) => n as Ipv4);

const arbOption: fc.Arbitrary<TcpOption> = fc.oneof(
  fc.constant<TcpOption>({ type: "nop" }),
  u16.map((mss): TcpOption => ({ type: "mss", mss })),
  fc.integer({ min: 0, max: 255 }).map((shift): TcpOption => ({ type: "window-scale", shift })),
  fc.constant<TcpOption>({ type: "sack-permitted" }),
  fc.array(fc.record({ left: u32, right: u32 }), { minLength: 1, maxLength: 4 }).map((blocks): TcpOption => ({ type: "sack", blocks })),
  fc.record({ tsVal: u32, tsEcr: u32 }).map(({ tsVal, tsEcr }): TcpOption => ({ type: "timestamps", tsVal, tsEcr })),
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((digest): TcpOption => ({ type: "md5", digest })),
  fc
    .record({ kind: fc.integer({ min: 6, max: 255 }).filter((k) => k !== 8 && k !== 19), data: fc.uint8Array({ maxLength: 10 }) })
    .map(({ kind, data }): TcpOption => ({ type: "unknown", kind, data })),
);

const arbRepr: fc.Arbitrary<TcpRepr> = fc.record({
  srcPort: u16,
  dstPort: u16,
  seq: u32,
  ack: u32,
  flags: fc.integer({ min: 0, max: 255 }),
  window: u16,
  urgentPointer: u16,
  options: fc.array(arbOption, { maxLength: 8 }).filter((options) => tcpOptionsLength(options) <= 40),
});

function parsed(bytes: Uint8Array) {
  const result = parseTcp(bytes, SRC, DST);
  if (isWireError(result)) throw new Error(result.toString());
  return result;
}

/** A header with only the option bytes given, data offset covering them, checksum fixed. */
function withOptionBytes(optionBytes: number[]): Uint8Array {
  const bytes = new Uint8Array(20 + optionBytes.length);
  bytes.set(optionBytes, 20);
  bytes[12] = (bytes.length / 4) << 4;
  const sum = finishChecksum(sumWords(bytes, 0, bytes.length, pseudoHeaderSum(SRC, DST, IpProtocol.Tcp, bytes.length)));
  bytes[16] = sum >>> 8;
  bytes[17] = sum & 0xff;
  return bytes;
}

describe("TCP header (RFC 9293) and options", () => {
  // A SYN, 10.0.0.1:49152 → 10.0.0.2:179, hand-assembled from RFC 9293 §3.1:
  // MSS 1460, NOP, window scale 7, SACK-permitted, timestamps 1/0. Data offset 10 words.
  // Checksum 0x7452 computed independently of this code over pseudo-header + header.
  const syn = Uint8Array.of(
    0xc0, 0x00, 0x00, 0xb3, // ports
    0x01, 0x02, 0x03, 0x04, // sequence number
    0x00, 0x00, 0x00, 0x00, // acknowledgment number
    0xa0, 0x02, 0xfa, 0xf0, // data offset 10, SYN, window 64240
    0x74, 0x52, 0x00, 0x00, // checksum, urgent pointer
    0x02, 0x04, 0x05, 0xb4, // MSS 1460
    0x01, // NOP
    0x03, 0x03, 0x07, // window scale 7
    0x04, 0x02, // SACK-permitted
    0x08, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, // timestamps
  );
  const synRepr: TcpRepr = {
    srcPort: 49152,
    dstPort: 179,
    seq: 0x01020304,
    ack: 0,
    flags: TcpFlag.Syn,
    window: 64240,
    urgentPointer: 0,
    options: [
      { type: "mss", mss: 1460 },
      { type: "nop" },
      { type: "window-scale", shift: 7 },
      { type: "sack-permitted" },
      { type: "timestamps", tsVal: 1, tsEcr: 0 },
    ],
  };

  it("parses a SYN with MSS, window scale, SACK-permitted and timestamps", () => {
    const { repr, payload } = parsed(syn);
    expect(repr).toEqual(synRepr);
    expect(payload.length).toBe(0);
  });

  it("emits that SYN byte for byte, checksum included", () => {
    expect(buildTcp(synRepr, new Uint8Array(0), SRC, DST)).toEqual(syn);
  });

  it("pads options to a 4-byte boundary with end-of-option-list and parses back without it", () => {
    const repr: TcpRepr = { ...synRepr, options: [{ type: "mss", mss: 536 }, { type: "nop" }] };
    const bytes = buildTcp(repr, Uint8Array.of(1, 2, 3), SRC, DST);
    expect(tcpHeaderLength(repr)).toBe(28);
    expect([...bytes.subarray(20, 28)]).toEqual([2, 4, 0x02, 0x18, 1, 0, 0, 0]);
    expect(parsed(bytes).repr.options).toEqual(repr.options);
    expect([...parsed(bytes).payload]).toEqual([1, 2, 3]);
  });

  it("stops at end-of-option-list and ignores what follows", () => {
    expect(parsed(withOptionBytes([0x01, 0x00, 0xff, 0xff])).repr.options).toEqual([{ type: "nop" }]);
  });

  it("keeps SACK blocks as left and right edges", () => {
    const bytes = withOptionBytes([1, 1, 5, 18, 0, 0, 0, 10, 0, 0, 0, 20, 0, 0, 0, 30, 0, 0, 0, 40]);
    expect(parsed(bytes).repr.options).toEqual([{ type: "nop" }, { type: "nop" }, { type: "sack", blocks: [{ left: 10, right: 20 }, { left: 30, right: 40 }] }]);
  });

  it("reads an RFC 2385 MD5 signature option as its 16-byte digest", () => {
    const digest = Array.from({ length: 16 }, (_, i) => i + 1);
    const bytes = withOptionBytes([1, 1, 19, 18, ...digest]);
    expect(parsed(bytes).repr.options).toEqual([{ type: "nop" }, { type: "nop" }, { type: "md5", digest: Uint8Array.from(digest) }]);
    expect(buildTcp(parsed(bytes).repr, new Uint8Array(0), SRC, DST)).toEqual(bytes);
  });

  it("keeps an unknown option's kind and bytes so it is sent on unchanged", () => {
    const bytes = withOptionBytes([0xfd, 0x06, 0xca, 0xfe, 0xbe, 0xef, 0x01, 0x00]);
    const { repr } = parsed(bytes);
    expect(repr.options).toEqual([{ type: "unknown", kind: 0xfd, data: Uint8Array.of(0xca, 0xfe, 0xbe, 0xef) }, { type: "nop" }]);
    expect(buildTcp(repr, new Uint8Array(0), SRC, DST)).toEqual(bytes);
  });

  it.each([
    ["MSS with length 3", [2, 3, 5, 0], "MSS option length", 21],
    ["window scale with length 4", [1, 3, 4, 7], "window scale option length", 22],
    ["SACK-permitted with length 3", [4, 3, 0, 0], "SACK-permitted option length", 21],
    ["timestamps with length 8", [8, 8, 0, 0, 0, 0, 0, 0], "timestamps option length", 21],
    ["SACK with a partial block", [5, 6, 0, 0, 0, 0, 0, 0], "SACK option length", 21],
    ["an option whose length is below 2", [0x22, 1, 0, 0], "kind 34 option length", 21],
    ["an option running past the data offset", [1, 1, 0x22, 9], "kind 34 option length", 23],
    ["a kind with no room for its length", [1, 1, 1, 2], "MSS option length", 24],
  ])("rejects %s, naming the field and its offset", (_name, optionBytes, field, offset) => {
    const err = parseTcp(withOptionBytes(optionBytes), SRC, DST);
    expect(isWireError(err) && [err.field, err.offset]).toEqual([field, offset]);
  });

  it("rejects a data offset below 5 words or past the end of the buffer", () => {
    const small = syn.slice();
    small[12] = 0x40;
    const tooSmall = parseTcp(small, SRC, DST);
    expect(isWireError(tooSmall) && [tooSmall.field, tooSmall.offset]).toEqual(["data offset", 12]);
    const cut = parseTcp(syn.subarray(0, 30), SRC, DST);
    expect(isWireError(cut) && [cut.field, cut.offset]).toEqual(["options", 20]);
  });

  it("rejects a bad checksum, and a good one for other addresses", () => {
    const bad = syn.slice();
    bad[5] ^= 0x80;
    const err = parseTcp(bad, SRC, DST);
    expect(isWireError(err) && [err.field, err.offset]).toEqual(["checksum", 16]);
    expect(isWireError(parseTcp(syn, SRC, ipv4(10, 0, 0, 3)))).toBe(true);
  });

  it("reads ports, sequence numbers, flags and lengths in place", () => {
    const data = buildTcp({ ...synRepr, flags: TcpFlag.Ack | TcpFlag.Psh, ack: 0xfffffffe, options: [] }, Uint8Array.of(9, 9, 9), SRC, DST);
    const frame = new Uint8Array(14 + data.length);
    frame.set(data, 14);
    expect([tcpSrcPort(frame, 14), tcpDstPort(frame, 14), tcpSeq(frame, 14), tcpAck(frame, 14)]).toEqual([49152, 179, 0x01020304, 0xfffffffe]);
    expect([tcpFlags(frame, 14), tcpWindow(frame, 14), tcpHeaderLengthAt(frame, 14)]).toEqual([0x18, 64240, 20]);
    expect(tcpChecksumValid(frame, 14, frame.length, SRC, DST)).toBe(true);
  });

  it("computes the checksum over data that ends before the buffer does", () => {
    const buf = new Uint8Array(64).fill(0x55);
    buf.set([7, 7, 7], 40);
    emitTcp(synRepr, buf, 0, SRC, DST, 43);
    expect(parsed(buf.subarray(0, 43)).payload).toEqual(Uint8Array.of(7, 7, 7));
  });

  it("refuses to emit more than 40 bytes of options", () => {
    const options: TcpOption[] = Array.from({ length: 5 }, () => ({ type: "timestamps", tsVal: 0, tsEcr: 0 }));
    expect(() => buildTcp({ ...synRepr, options }, new Uint8Array(0), SRC, DST)).toThrow(RangeError);
  });

  it("refuses to write a header past the end of the buffer", () => {
    expect(() => emitTcp(synRepr, new Uint8Array(39), 0, SRC, DST)).toThrow(RangeError);
  });

  it("round-trips any header through emit and parse", () => {
    fc.assert(
      fc.property(arbRepr, fc.uint8Array({ maxLength: 41 }), arbAddr, arbAddr, (repr, payload, src, dst) => {
        const bytes = buildTcp(repr, payload, src, dst);
        const result = parseTcp(bytes, src, dst);
        if (isWireError(result)) throw new Error(result.toString());
        expect(result.repr).toEqual(repr);
        expect(result.payload).toEqual(payload);
      }),
    );
  });

  it("never throws on arbitrary bytes, truncations or mutations", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), arbAddr, arbAddr, (bytes, src, dst) => void parseTcp(bytes, src, dst)));
    fc.assert(
      fc.property(arbRepr, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), (repr, cut, at, value) => {
        const bytes = buildTcp(repr, Uint8Array.of(1, 2), SRC, DST);
        parseTcp(bytes.subarray(0, cut % (bytes.length + 1)), SRC, DST);
        bytes[at % bytes.length] = value;
        parseTcp(bytes, SRC, DST);
      }),
    );
  });

  it("parses option area garbage (checksum made valid) without throwing", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 10 }).map((a) => [...a, ...new Array((4 - (a.length % 4)) % 4).fill(1)]), (optionBytes) => {
        const result = parseTcp(withOptionBytes(optionBytes), SRC, DST);
        expect(isWireError(result) || Array.isArray(result.repr.options)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});
