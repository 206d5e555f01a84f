import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { isWireError } from "./errors";
import {
  LABEL_FIRST_DYNAMIC,
  LABEL_MAX,
  ReservedLabel,
  buildMpls,
  decrementMplsTtl,
  emitMpls,
  mplsBottom,
  mplsLabel,
  mplsStackLength,
  mplsTc,
  mplsTtl,
  parseMpls,
  setMplsLabel,
  toLabel,
  writeMplsEntry,
  type Label,
  type MplsEntry,
  type MplsRepr,
} from "./mpls";

const arbLabel = fc.integer({ min: 0, max: LABEL_MAX }).filter((n) => n !== ReservedLabel.ImplicitNull).map((n) => n as Label);
const arbEntry = fc.record({
  label: arbLabel,
  tc: fc.integer({ min: 0, max: 7 }),
  ttl: fc.integer({ min: 0, max: 255 }),
});
/** A valid stack: one or more entries, only the last with S=1. */
const arbRepr: fc.Arbitrary<MplsRepr> = fc
  .array(arbEntry, { minLength: 1, maxLength: 6 })
  .map((entries) => ({ stack: entries.map((e, i): MplsEntry => ({ ...e, bottom: i === entries.length - 1 })) }));

describe("MPLS label stack (RFC 3032)", () => {
  // Hand-assembled from RFC 3032 §2.1: label(20) | TC(3) | S(1) | TTL(8), outermost first.
  const twoLabels = Uint8Array.of(
    0x00, 0x06, 0x4a, 0xfe, // label 100, TC 5, S 0, TTL 254
    0x00, 0x01, 0x01, 0x40, // label 16, TC 0, S 1, TTL 64
    0x45, 0x00, // payload: the start of an IPv4 header
  );

  it("parses a two-entry stack outermost first and hands back what follows the bottom entry", () => {
    const parsed = parseMpls(twoLabels);
    if (isWireError(parsed)) throw new Error(parsed.toString());
    expect(parsed.repr.stack).toEqual([
      { label: 100, tc: 5, bottom: false, ttl: 254 },
      { label: 16, tc: 0, bottom: true, ttl: 64 },
    ]);
    expect([...parsed.payload]).toEqual([0x45, 0x00]);
  });

  it("emits the same bytes it parsed", () => {
    const parsed = parseMpls(twoLabels);
    if (isWireError(parsed)) throw new Error(parsed.toString());
    expect(buildMpls(parsed.repr, parsed.payload)).toEqual(twoLabels);
  });

  it("packs the largest label, TC 7, S and TTL 255 into all-ones", () => {
    const out = buildMpls({ stack: [{ label: LABEL_MAX, tc: 7, bottom: true, ttl: 255 }] }, new Uint8Array(0));
    expect([...out]).toEqual([0xff, 0xff, 0xff, 0xff]);
  });

  it("reports a stack that ends before an entry with S=1, naming that entry's offset", () => {
    const err = parseMpls(twoLabels.subarray(0, 6));
    expect(isWireError(err) && err.field).toBe("label stack entry 1");
    expect(isWireError(err) && err.offset).toBe(4);
    expect(isWireError(parseMpls(new Uint8Array(0)))).toBe(true);
  });

  it("rejects implicit null on the wire, since it only ever means 'pop'", () => {
    const err = parseMpls(Uint8Array.of(0x00, 0x00, 0x31, 0x40));
    expect(isWireError(err) && err.reason).toMatch(/implicit null/);
  });

  it("refuses to emit a label that cannot be sent", () => {
    const bad = (label: number) => () => emitMpls({ stack: [{ label: label as Label, tc: 0, bottom: true, ttl: 1 }] }, new Uint8Array(4), 0);
    expect(bad(ReservedLabel.ImplicitNull)).toThrow(RangeError);
    expect(bad(LABEL_MAX + 1)).toThrow(RangeError);
  });

  it("accepts the other reserved labels: explicit nulls and router alert", () => {
    const parsed = parseMpls(Uint8Array.of(0x00, 0x00, 0x10, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x21, 0x01));
    expect(isWireError(parsed) || parsed.repr.stack.map((e) => e.label)).toEqual([ReservedLabel.RouterAlert, ReservedLabel.Ipv4ExplicitNull, ReservedLabel.Ipv6ExplicitNull]);
  });

  it("refuses to write a stack past the end of the buffer", () => {
    expect(() => emitMpls({ stack: [{ label: LABEL_FIRST_DYNAMIC, tc: 0, bottom: true, ttl: 1 }] }, new Uint8Array(4), 1)).toThrow(RangeError);
  });

  it("makes labels only from integers in 0..0xFFFFF", () => {
    expect(toLabel(16)).toBe(LABEL_FIRST_DYNAMIC);
    expect(toLabel(0xfffff)).toBe(LABEL_MAX);
    expect(toLabel(0x100000)).toBeUndefined();
    expect(toLabel(-1)).toBeUndefined();
    expect(toLabel(1.5)).toBeUndefined();
  });

  describe("in-place accessors for the forwarding path", () => {
    it("swaps the label and keeps TC, S and TTL", () => {
      const buf = twoLabels.slice();
      setMplsLabel(buf, 0, 0xabcde as Label);
      expect(mplsLabel(buf, 0)).toBe(0xabcde);
      expect([mplsTc(buf, 0), mplsBottom(buf, 0), mplsTtl(buf, 0)]).toEqual([5, false, 254]);
      expect(buf.subarray(4)).toEqual(twoLabels.subarray(4));
    });

    it("decrements the TTL and stops at zero", () => {
      const buf = Uint8Array.of(0x00, 0x01, 0x01, 0x01);
      expect(decrementMplsTtl(buf, 0)).toBe(0);
      expect(decrementMplsTtl(buf, 0)).toBe(0);
      expect(mplsTtl(buf, 0)).toBe(0);
    });

    it("finds the end of the stack, or -1 when there is none", () => {
      expect(mplsStackLength(twoLabels, 0)).toBe(8);
      expect(mplsStackLength(twoLabels, 4)).toBe(4);
      expect(mplsStackLength(twoLabels.subarray(0, 7), 0)).toBe(-1);
    });

    it("writes an entry that reads back field by field", () => {
      fc.assert(
        fc.property(arbEntry, fc.boolean(), ({ label, tc, ttl }, bottom) => {
          const buf = new Uint8Array(6);
          writeMplsEntry(buf, 2, label, tc, bottom, ttl);
          expect([mplsLabel(buf, 2), mplsTc(buf, 2), mplsBottom(buf, 2), mplsTtl(buf, 2)]).toEqual([label, tc, bottom, ttl]);
        }),
      );
    });
  });

  it("round-trips any valid stack through emit and parse", () => {
    fc.assert(
      fc.property(arbRepr, fc.uint8Array({ maxLength: 16 }), (repr, payload) => {
        const parsed = parseMpls(buildMpls(repr, payload));
        if (isWireError(parsed)) throw new Error(parsed.toString());
        expect(parsed.repr).toEqual(repr);
        expect(parsed.payload).toEqual(payload);
      }),
    );
  });

  it("never throws on arbitrary bytes, truncations or mutations", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        parseMpls(bytes);
      }),
    );
    fc.assert(
      fc.property(arbRepr, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), (repr, cut, at, value) => {
        const bytes = buildMpls(repr, Uint8Array.of(1, 2, 3));
        parseMpls(bytes.subarray(0, cut % (bytes.length + 1)));
        bytes[at % bytes.length] = value;
        const parsed = parseMpls(bytes);
        expect(isWireError(parsed) || parsed.repr.stack.length > 0).toBe(true);
      }),
    );
  });
});
