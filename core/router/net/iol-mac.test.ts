import { describe, expect, it } from "vitest";
import { formatMacIos } from "../wire/addr";
import { IOL_MAC_PORT_STEP, hashedMacBase, iolMacBase } from "./iol-mac";

describe("IOL's burned-in MAC scheme", () => {
  it("gives node N the base aabb.cc00.NN00 and each next port 0x10 more", () => {
    expect(formatMacIos(iolMacBase(1))).toBe("aabb.cc00.0100");
    expect(formatMacIos(iolMacBase(1) + IOL_MAC_PORT_STEP)).toBe("aabb.cc00.0110");
    expect(formatMacIos(iolMacBase(0x1234))).toBe("aabb.cc12.3400");
  });

  it("refuses an index outside 1..65535", () => {
    for (const bad of [0, -1, 0x10000, 1.5]) expect(() => iolMacBase(bad)).toThrow(RangeError);
  });

  it("keeps hashed bases clear of every indexed one", () => {
    const indexed = (mac: number): boolean => Math.floor(mac / 0x1000000) === 0xaabbcc;
    for (const hash of [0, 1, 0xfffff, 0xffffffff, 0x12345678]) expect(indexed(hashedMacBase(hash))).toBe(false);
    expect(formatMacIos(hashedMacBase(0xabcde))).toBe("aabb.cabc.de00");
  });
});
