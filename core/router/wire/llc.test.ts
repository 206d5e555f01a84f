import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WireError } from "./errors";
import { LLC_SNAP_HEADER_LENGTH, emitLlcSnap, isIeee8023Length, isLlcSnapAt, llcSnapOui, llcSnapPid, parseLlcSnap } from "./llc";

describe("LLC/SNAP", () => {
  it("tells an 802.3 length (up to 1500) from an EtherType", () => {
    expect(isIeee8023Length(1500)).toBe(true);
    expect(isIeee8023Length(0x0800)).toBe(false);
  });

  it("round-trips OUI and protocol ID, and the accessors read the same fields", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffff }), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 8 }), (oui, pid, payload) => {
        const buf = new Uint8Array(LLC_SNAP_HEADER_LENGTH + payload.length);
        emitLlcSnap({ oui, pid }, buf, 0);
        buf.set(payload, LLC_SNAP_HEADER_LENGTH);
        expect(parseLlcSnap(buf)).toEqual({ repr: { oui, pid }, payload });
        expect([isLlcSnapAt(buf, 0), llcSnapOui(buf, 0), llcSnapPid(buf, 0)]).toEqual([true, oui, pid]);
      }),
    );
  });

  it("rejects other SAPs and a short header, naming the field, and never throws", () => {
    expect((parseLlcSnap(Uint8Array.of(0x42, 0x42, 0x03, 0, 0, 0, 0, 0)) as WireError).field).toBe("DSAP");
    expect((parseLlcSnap(Uint8Array.of(0xaa, 0xaa, 0x13, 0, 0, 0, 0, 0)) as WireError).field).toBe("control");
    expect((parseLlcSnap(Uint8Array.of(0xaa, 0xaa)) as WireError).field).toBe("SNAP header");
    fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), (b) => void parseLlcSnap(b)));
  });
});
