import { describe, expect, it } from "vitest";
import { allocateFrame, copyBytes, copyFrame, frameOf } from "./frame";

const bytes = (n: number, from = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);

describe("frames", () => {
  it("sends a whole buffer as it is, part of a small one as a copy and part of a large one as a view", () => {
    const small = bytes(64);
    expect(frameOf(small, 0, 64)).toBe(small);
    const part = frameOf(small, 4, 64);
    expect([...part]).toEqual([...small.subarray(4)]);
    part[0] = 0;
    expect(small[4]).toBe(5); // a copy
    const large = bytes(200);
    const view = frameOf(large, 4, 200);
    view[0] = 0;
    expect(large[4]).toBe(0); // a view
  });

  it("hands out zeroed slab bytes that no other frame shares", () => {
    const a = allocateFrame(300);
    const b = allocateFrame(300);
    expect(a.every((x) => x === 0) && b.every((x) => x === 0)).toBe(true);
    a.fill(0xff);
    expect(b.every((x) => x === 0)).toBe(true);
    expect(a.byteOffset % 8).toBe(0);
    expect(allocateFrame(40_000).byteOffset).toBe(0); // too large for the slab: its own buffer
  });

  it("copies part of a small or large buffer into another", () => {
    for (const size of [64, 200]) {
      const into = new Uint8Array(size + 3);
      copyBytes(bytes(size), 2, size, into, 3);
      expect([...into.subarray(3, size + 1)]).toEqual([...bytes(size).subarray(2)]);
      expect(into[0]).toBe(0);
    }
  });

  it("copies a frame the receiver may keep and rewrite", () => {
    for (const size of [60, 64, 65, 1500, 20_000]) {
      const frame = bytes(size);
      const copy = copyFrame(frame);
      expect([...copy]).toEqual([...frame]);
      copy[0] ^= 0xff;
      expect(frame[0]).toBe(1);
    }
  });
});
