import { describe, expect, it } from "vitest";
import { AttrTable, attrsFromWire, mergeAs4Path } from "./attrs";
import { ip } from "./test-fixtures";

describe("attributes", () => {
  it("interns equal attributes to one object, whatever order their lists were built in", () => {
    const t = new AttrTable();
    const a = t.intern({ origin: 0, asPath: [{ type: 2, asns: [1, 2] }], nextHop: ip("10.0.0.1"), localPref: 100 });
    const b = t.intern({ localPref: 100, nextHop: ip("10.0.0.1"), asPath: [{ type: 2, asns: [1, 2] }], origin: 0 });
    expect(b).toBe(a);
    expect(t.intern(a)).toBe(a);
    expect(t.intern({ ...a, localPref: 200 })).not.toBe(a);
    expect(a.pathLength).toBe(2);
    expect(a.neighborAs).toBe(1);
  });

  it("counts an AS_SET as one and confederation segments as none", () => {
    const a = new AttrTable().intern({ origin: 0, asPath: [{ type: 3, asns: [9, 9] }, { type: 2, asns: [1, 2] }, { type: 1, asns: [5, 6, 7] }], nextHop: ip("10.0.0.1") });
    expect(a.pathLength).toBe(3);
  });

  it("merges AS4_PATH into a 2-octet session's AS_PATH (RFC 6793 §4.2.3)", () => {
    expect(mergeAs4Path([{ type: 2, asns: [100, 23456, 23456] }], [{ type: 2, asns: [4200000001, 4200000002] }])).toEqual([
      { type: 2, asns: [100] },
      { type: 2, asns: [4200000001, 4200000002] },
    ]);
    // AS4_PATH longer than AS_PATH: ignored
    expect(mergeAs4Path([{ type: 2, asns: [23456] }], [{ type: 2, asns: [1, 2] }])).toEqual([{ type: 2, asns: [23456] }]);
    const { attrs } = attrsFromWire(
      [
        { type: "as-path", segments: [{ type: 2, asns: [23456] }] },
        { type: "as4-path", segments: [{ type: 2, asns: [4200000001] }] },
        { type: "aggregator", asn: 23456, address: ip("1.1.1.1") },
        { type: "as4-aggregator", asn: 4200000001, address: ip("1.1.1.1") },
        { type: "unknown", flags: 0xc0, code: 99, value: Uint8Array.of(1) },
        { type: "unknown", flags: 0x80, code: 98, value: Uint8Array.of(2) },
      ],
      false,
    );
    expect(attrs.asPath).toEqual([{ type: 2, asns: [4200000001] }]);
    expect(attrs.aggregator).toEqual({ asn: 4200000001, address: ip("1.1.1.1") });
    // optional transitive passes on with the partial bit; optional non-transitive is dropped
    expect(attrs.unknown).toEqual([{ flags: 0xe0, code: 99, value: Uint8Array.of(1) }]);
  });
});
