import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { isWireError } from "./errors";
import {
  GreProtocol,
  buildGre,
  emitGre,
  greHeaderLength,
  greHeaderLengthAt,
  greKey,
  greProtocolName,
  greProtocolType,
  parseGre,
  type GreRepr,
} from "./gre";

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const arbRepr: fc.Arbitrary<GreRepr> = fc.record({
  protocol: fc.oneof(fc.constantFrom(GreProtocol.Ipv4, GreProtocol.MplsUnicast, GreProtocol.Nhrp), fc.integer({ min: 0, max: 0xffff })),
  checksum: fc.boolean(),
  key: fc.option(u32, { nil: undefined }),
  sequence: fc.option(u32, { nil: undefined }),
});

function parsed(bytes: Uint8Array) {
  const result = parseGre(bytes);
  if (isWireError(result)) throw new Error(result.toString());
  return result;
}

describe("GRE header (RFC 2784, RFC 2890)", () => {
  // Hand-assembled: flags C|K|S = 0xB000, protocol IPv4, checksum, reserved1 0, key, sequence.
  // Checksum by hand: B000+0800+0102+0304+0005+4500+0014 = 1011F → 0120 → ~ = FEDF.
  const full = Uint8Array.of(
    0xb0, 0x00, 0x08, 0x00,
    0xfe, 0xdf, 0x00, 0x00,
    0x01, 0x02, 0x03, 0x04,
    0x00, 0x00, 0x00, 0x05,
    0x45, 0x00, 0x00, 0x14,
  );

  it("parses checksum, key and sequence in RFC order and verifies the checksum", () => {
    const { repr, payload } = parsed(full);
    expect(repr).toEqual({ protocol: GreProtocol.Ipv4, checksum: true, key: 0x01020304, sequence: 5 });
    expect([...payload]).toEqual([0x45, 0x00, 0x00, 0x14]);
  });

  it("emits that vector byte for byte, computing the checksum over header and payload", () => {
    expect(buildGre({ protocol: GreProtocol.Ipv4, checksum: true, key: 0x01020304, sequence: 5 }, Uint8Array.of(0x45, 0x00, 0x00, 0x14))).toEqual(full);
  });

  it("emits the checksum over a payload that ends before the buffer does", () => {
    const buf = new Uint8Array(32).fill(0xee);
    buf.set(full.subarray(16), 16);
    emitGre({ protocol: GreProtocol.Ipv4, checksum: true, key: 0x01020304, sequence: 5 }, buf, 0, 20);
    expect(buf.subarray(0, 20)).toEqual(full);
  });

  it("has a 4-byte header with no options: flags 0, protocol MPLS", () => {
    const { repr, payload } = parsed(Uint8Array.of(0x00, 0x00, 0x88, 0x47, 0x00, 0x01, 0x01, 0x40));
    expect(repr).toEqual({ protocol: GreProtocol.MplsUnicast, checksum: false });
    expect(payload.length).toBe(4);
    expect(greHeaderLength(repr)).toBe(4);
  });

  it("keeps an unknown protocol type as its number", () => {
    expect(parsed(Uint8Array.of(0x00, 0x00, 0x65, 0x58)).repr.protocol).toBe(0x6558);
    expect(greProtocolName(0x6558)).toBe("Unknown(0x6558)");
    expect(greProtocolName(0x2001)).toBe("Nhrp");
  });

  it("rejects a corrupted payload when the checksum is present", () => {
    const bad = full.slice();
    bad[19] ^= 0x01;
    const err = parseGre(bad);
    expect(isWireError(err) && [err.field, err.offset]).toEqual(["checksum", 4]);
  });

  it("rejects versions other than 0 (PPTP's enhanced GRE is version 1)", () => {
    const err = parseGre(Uint8Array.of(0x30, 0x01, 0x88, 0x0b));
    expect(isWireError(err) && err.field).toBe("version");
  });

  it("rejects RFC 1701 routing, strict source route and recursion bits, and ignores bits 6-12", () => {
    for (const flags of [0x4000, 0x0800, 0x0400]) {
      const err = parseGre(Uint8Array.of(flags >>> 8, flags & 0xff, 0x08, 0x00));
      expect(isWireError(err) && err.field).toBe("reserved0");
    }
    expect(parsed(Uint8Array.of(0x03, 0xf8, 0x08, 0x00)).repr.protocol).toBe(GreProtocol.Ipv4);
  });

  it("reports optional fields cut short", () => {
    const err = parseGre(full.subarray(0, 10));
    expect(isWireError(err) && [err.field, err.offset]).toEqual(["optional fields", 4]);
  });

  it("reads protocol type, header length and key in place", () => {
    const frame = new Uint8Array(2 + full.length);
    frame.set(full, 2);
    expect(greProtocolType(frame, 2)).toBe(GreProtocol.Ipv4);
    expect(greHeaderLengthAt(frame, 2)).toBe(16);
    expect(greKey(frame, 2)).toBe(0x01020304);
    expect(greKey(Uint8Array.of(0, 0, 8, 0), 0)).toBe(-1);
    expect(greKey(buildGre({ protocol: 0x0800, checksum: false, key: 0xfffffffe }, new Uint8Array(0)), 0)).toBe(0xfffffffe);
  });

  it("refuses to write a header past the end of the buffer", () => {
    expect(() => emitGre({ protocol: GreProtocol.Ipv4, checksum: false, key: 1 }, new Uint8Array(7), 0)).toThrow(RangeError);
  });

  it("round-trips any header through emit and parse", () => {
    fc.assert(
      fc.property(arbRepr, fc.uint8Array({ maxLength: 33 }), (repr, payload) => {
        const bytes = buildGre(repr, payload);
        expect(greHeaderLengthAt(bytes, 0)).toBe(greHeaderLength(repr));
        const result = parsed(bytes);
        expect(result.repr).toEqual(repr);
        expect(result.payload).toEqual(payload);
      }),
    );
  });

  it("never throws on arbitrary bytes, truncations or mutations", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => void parseGre(bytes)));
    fc.assert(
      fc.property(arbRepr, fc.uint8Array({ maxLength: 8 }), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), (repr, payload, cut, at, value) => {
        const bytes = buildGre(repr, payload);
        parseGre(bytes.subarray(0, cut % (bytes.length + 1)));
        bytes[at % bytes.length] = value;
        parseGre(bytes);
      }),
    );
  });
});
