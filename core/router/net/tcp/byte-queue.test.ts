import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ByteQueue } from "./byte-queue";

describe("the send queue", () => {
  it("reads any range from the front as the concatenation of what was pushed, across drops", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 40 }), { maxLength: 30 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { maxLength: 20 }),
        (chunks, steps) => {
          const q = new ByteQueue();
          let model: number[] = [];
          for (const c of chunks) {
            q.push(c);
            model.push(...c);
          }
          for (const [a, b, d] of steps) {
            expect(q.length).toBe(model.length);
            if (model.length === 0) break;
            const offset = a % model.length;
            const length = b % (model.length - offset + 1);
            const out = new Uint8Array(length + 2);
            q.copyTo(offset, length, out, 1);
            expect([...out.subarray(1, 1 + length)]).toEqual(model.slice(offset, offset + length));
            const n = d % (model.length + 1);
            q.drop(n);
            model = model.slice(n);
          }
        },
      ),
    );
  });
});
