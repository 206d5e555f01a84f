import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { isWireError } from "./errors";
import { IpProtocol } from "./ipv4";
import {
  buildEsp,
  buildEspPlaintext,
  emitEsp,
  emitEspTrailer,
  espNextHeader,
  espPayloadEnd,
  espPadding,
  espSequence,
  espSpi,
  parseEsp,
  parseEspTrailer,
  writeEspHeader,
  type EspRepr,
} from "./esp";

const arbRepr: fc.Arbitrary<EspRepr> = fc.record({
  spi: fc.integer({ min: 1, max: 0xffffffff }),
  sequence: fc.integer({ min: 0, max: 0xffffffff }),
});
const arbBlockSize = fc.constantFrom(1, 2, 4, 8, 16, 32, 64, 128, 256);

describe("ESP header (RFC 4303 §2)", () => {
  // SPI 0x00001001, sequence 1, then IV/ciphertext/ICV bytes (opaque here).
  const packet = Uint8Array.of(0x00, 0x00, 0x10, 0x01, 0x00, 0x00, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef);

  it("parses SPI and sequence number and leaves the rest opaque", () => {
    const result = parseEsp(packet);
    if (isWireError(result)) throw new Error(result.toString());
    expect(result.repr).toEqual({ spi: 0x1001, sequence: 1 });
    expect([...result.payload]).toEqual([0xde, 0xad, 0xbe, 0xef]);
    expect(buildEsp(result.repr, result.payload)).toEqual(packet);
  });

  it("reads SPI and sequence number in place", () => {
    expect([espSpi(packet, 0), espSequence(packet, 0)]).toEqual([0x1001, 1]);
  });

  it("rejects SPI 0, which is never sent (it also marks IKE on UDP 4500)", () => {
    const err = parseEsp(new Uint8Array(12));
    expect(isWireError(err) && [err.field, err.offset]).toEqual(["SPI", 0]);
  });

  it("rejects a header shorter than 8 bytes", () => {
    expect(isWireError(parseEsp(packet.subarray(0, 7)))).toBe(true);
  });

  it("round-trips any header", () => {
    fc.assert(
      fc.property(arbRepr, fc.uint8Array({ maxLength: 20 }), (repr, payload) => {
        const result = parseEsp(buildEsp(repr, payload));
        if (isWireError(result)) throw new Error(result.toString());
        expect(result.repr).toEqual(repr);
        expect(result.payload).toEqual(payload);
      }),
    );
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 20 }), (bytes) => void parseEsp(bytes)));
  });
});

describe("ESP trailer inside the encrypted part (RFC 4303 §2.4)", () => {
  it("pads a 5-byte GRE payload to one AES-CBC block with 1..9, pad length 9, next header 47", () => {
    const plain = buildEspPlaintext(Uint8Array.of(0xaa, 0xaa, 0xaa, 0xaa, 0xaa), IpProtocol.Gre, 16);
    expect([...plain]).toEqual([0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 47]);
  });

  it("pads to 4 bytes for a stream cipher such as AES-GCM (block size 1)", () => {
    expect([...buildEspPlaintext(Uint8Array.of(0xaa, 0xaa, 0xaa, 0xaa, 0xaa), IpProtocol.Ipip, 1)]).toEqual([0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 1, 1, 4]);
    expect(espPadding(2, 1)).toBe(0);
    expect(espPadding(14, 16)).toBe(0);
    expect(espPadding(15, 16)).toBe(15);
  });

  it("refuses a block size that is not a power of two up to 256", () => {
    for (const size of [0, 3, 12, 512, 1.5]) expect(() => espPadding(10, size)).toThrow(RangeError);
  });

  it("splits decrypted plaintext into payload, pad length and next header", () => {
    const trailer = parseEspTrailer(Uint8Array.of(0x45, 0x00, 1, 2, 3, 3, 4));
    if (isWireError(trailer)) throw new Error(trailer.toString());
    expect(trailer).toEqual({ payload: Uint8Array.of(0x45, 0x00), padLength: 3, nextHeader: IpProtocol.Ipip });
  });

  it("rejects padding that is not 1, 2, 3, ..., naming the first wrong byte", () => {
    const err = parseEspTrailer(Uint8Array.of(0x45, 0x00, 1, 7, 3, 3, 4));
    expect(isWireError(err) && [err.field, err.offset]).toEqual(["padding", 3]);
  });

  it("rejects a pad length longer than what precedes it, and a plaintext shorter than 2 bytes", () => {
    const err = parseEspTrailer(Uint8Array.of(1, 2, 3, 4));
    expect(isWireError(err) && [err.field, err.offset]).toEqual(["pad length", 2]);
    expect(isWireError(parseEspTrailer(Uint8Array.of(0)))).toBe(true);
  });

  it("writes a trailer in place after a payload", () => {
    const buf = new Uint8Array(8).fill(0xee);
    expect(emitEspTrailer(buf, 3, 2, IpProtocol.Gre)).toBe(4);
    expect([...buf]).toEqual([0xee, 0xee, 0xee, 1, 2, 2, 47, 0xee]);
  });

  it("builds plaintext that is block- and 4-byte-aligned and splits back into the payload", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), arbBlockSize, fc.integer({ min: 0, max: 255 }), (payload, blockSize, nextHeader) => {
        const plain = buildEspPlaintext(payload, nextHeader, blockSize);
        expect(plain.length % Math.max(blockSize, 4)).toBe(0);
        const trailer = parseEspTrailer(plain);
        if (isWireError(trailer)) throw new Error(trailer.toString());
        expect(trailer.payload).toEqual(payload);
        expect(trailer.nextHeader).toBe(nextHeader);
        expect(trailer.padLength).toBe(espPadding(payload.length, blockSize));
      }),
    );
  });

  it("never throws on arbitrary plaintext", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => void parseEspTrailer(bytes)));
  });
});

describe("ESP per-packet helpers", () => {
  it("writeEspHeader writes what emitEsp writes", () => {
    fc.assert(
      fc.property(arbRepr, (repr) => {
        const a = new Uint8Array(12);
        const b = new Uint8Array(12);
        emitEsp(repr, a, 2);
        writeEspHeader(b, 2, repr.spi, repr.sequence);
        expect(b).toEqual(a);
      }),
    );
  });

  it("espPayloadEnd agrees with parseEspTrailer on any plaintext", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(8), (plain, lead) => {
        const buf = new Uint8Array(lead + plain.length);
        buf.set(plain, lead);
        const parsed = parseEspTrailer(plain);
        const end = espPayloadEnd(buf, lead, buf.length);
        if (isWireError(parsed)) expect(end).toBe(-1);
        else {
          expect(end).toBe(lead + parsed.payload.length);
          expect(espNextHeader(buf, buf.length)).toBe(parsed.nextHeader);
        }
      }),
    );
  });

  it("finds the payload of a plaintext built with padding", () => {
    const plain = buildEspPlaintext(Uint8Array.of(1, 2, 3, 4, 5), IpProtocol.Gre, 16);
    expect(espPayloadEnd(plain, 0, plain.length)).toBe(5);
    expect(espNextHeader(plain, plain.length)).toBe(IpProtocol.Gre);
  });
});
