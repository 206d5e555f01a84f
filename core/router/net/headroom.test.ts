import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HEADROOM_BYTES, moveToHeadroom } from "./headroom";

const bytes = (n: number, from = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);

describe("headroom", () => {
  it("moves any part of a small or large buffer behind the headroom, with zeroed room around it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 32 }), (size, a, b, tailroom) => {
        const buf = bytes(size, 7);
        const start = a % size;
        const end = start + (b % (size - start + 1));
        const out = moveToHeadroom(buf, start, end, tailroom);
        expect(out.length).toBe(HEADROOM_BYTES + (end - start) + tailroom);
        expect([...out.subarray(HEADROOM_BYTES, HEADROOM_BYTES + end - start)]).toEqual([...buf.subarray(start, end)]);
        expect(out.subarray(0, HEADROOM_BYTES).every((x) => x === 0)).toBe(true);
        expect(out.subarray(HEADROOM_BYTES + end - start).every((x) => x === 0)).toBe(true);
      }),
    );
  });

});
