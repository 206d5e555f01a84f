import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReplayWindow } from "./replay";

describe("anti-replay window (RFC 4303 §3.4.3)", () => {
  it("agrees with a plain set of seen numbers on any arrival order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 300 }), (size, arrivals) => {
        const w = new ReplayWindow(size);
        const seen = new Set<number>();
        let top = 0;
        for (const seq of arrivals) {
          const expected = seq !== 0 && !seen.has(seq) && seq + size > top;
          expect(w.check(seq)).toBe(expected);
          if (expected) {
            w.accept(seq);
            seen.add(seq);
            top = Math.max(top, seq);
          }
        }
      }),
    );
  });

  it("works at the top of the 32-bit space", () => {
    const w = new ReplayWindow(64);
    w.accept(0xfffffff0);
    expect(w.check(0xffffffff)).toBe(true);
    w.accept(0xffffffff);
    expect(w.check(0xfffffff0)).toBe(false);
    expect(w.check(0xfffffff1)).toBe(true);
  });

  it("checks nothing when replay detection is off (window 0)", () => {
    const w = new ReplayWindow(0);
    w.accept(5);
    expect(w.check(5)).toBe(true);
    expect(w.check(0)).toBe(true);
  });
});
