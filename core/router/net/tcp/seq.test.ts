import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { seqAdd, seqDiff, seqGe, seqGt, seqInRange, seqLe, seqLt } from "./seq";

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const step = fc.integer({ min: 1, max: 0x7fffffff });

describe("TCP sequence arithmetic (mod 2^32)", () => {
  it("orders a number before anything up to 2^31 - 1 after it, across the wrap", () => {
    fc.assert(
      fc.property(u32, step, (a, n) => {
        const b = seqAdd(a, n);
        expect(seqLt(a, b)).toBe(true);
        expect(seqLe(a, b)).toBe(true);
        expect(seqGt(b, a)).toBe(true);
        expect(seqGe(b, a)).toBe(true);
        expect(seqGt(a, b)).toBe(false);
        expect(seqDiff(b, a)).toBe(n);
      }),
    );
  });

  it("keeps sums unsigned 32-bit and lets a difference undo an addition", () => {
    fc.assert(
      fc.property(u32, fc.integer({ min: -0x7fffffff, max: 0x7fffffff }), (a, n) => {
        const b = seqAdd(a, n);
        expect(b).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThanOrEqual(0xffffffff);
        expect(seqDiff(b, a)).toBe(n);
      }),
    );
  });

  it("treats a window as half-open, also when it straddles 2^32", () => {
    expect(seqInRange(0xfffffff0, 0xffffffe0, 0x10)).toBe(true);
    expect(seqInRange(0x5, 0xffffffe0, 0x10)).toBe(true);
    expect(seqInRange(0x10, 0xffffffe0, 0x10)).toBe(false);
    expect(seqInRange(7, 7, 7)).toBe(false);
    fc.assert(fc.property(u32, step, (lo, len) => seqInRange(seqAdd(lo, len - 1), lo, seqAdd(lo, len)) && !seqInRange(seqAdd(lo, len), lo, seqAdd(lo, len))));
  });

  it("is equal only to itself", () => {
    fc.assert(fc.property(u32, (a) => seqLe(a, a) && seqGe(a, a) && !seqLt(a, a) && !seqGt(a, a)));
  });
});
