import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { internetChecksum, sumWords, finishChecksum } from "./checksum";

/** RFC 1071's definition, byte by byte, as the reference. */
function reference(data: Uint8Array, start: number, end: number): number {
  let sum = 0;
  for (let i = start; i < end; i += 2) sum += (data[i] << 8) | (i + 1 < end ? data[i + 1] : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

describe("internet checksum", () => {
  it("matches RFC 1071's worked example", () => {
    // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2, so the checksum is 0x220d.
    expect(internetChecksum(Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7))).toBe(0x220d);
  });

  it("gives the same answer on the wide path as byte by byte, at any alignment and length", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 1600 }), fc.nat(8), fc.nat(8), (bytes, lead, trim) => {
        const start = Math.min(lead, bytes.length);
        const end = Math.max(start, bytes.length - trim);
        expect(internetChecksum(bytes, start, end)).toBe(reference(bytes, start, end));
        // A subarray moves byteOffset, which the wide path must respect.
        const view = bytes.subarray(start);
        expect(internetChecksum(view, 0, end - start)).toBe(reference(bytes, start, end));
      }),
    );
  });

  it("is 0 over data that already carries its checksum", () => {
    const data = Uint8Array.from({ length: 200 }, (_, i) => (i * 7) & 255);
    data[10] = 0;
    data[11] = 0;
    const c = internetChecksum(data);
    data[10] = c >> 8;
    data[11] = c & 255;
    expect(internetChecksum(data)).toBe(0);
    expect(finishChecksum(sumWords(data, 0, data.length))).toBe(0);
  });
});
